/** Paths and intrinsic functions, below the state machine level. */
import {
  evaluateIntrinsic,
  IntrinsicEvaluationError,
  parseIntrinsic,
} from '../../src/stepfunctions/intrinsics';
import { parsePath, placeAt, queryPath } from '../../src/stepfunctions/paths';
import { randomUuid, seededRandom } from '../../src/stepfunctions/random';

const environment = (seed = 1) => {
  const random = seededRandom(seed);
  return {
    input: { n: 3, items: [1, 2] },
    context: { Execution: { Name: 'run' } },
    random,
    uuid: () => randomUuid(random),
  };
};

describe('paths', () => {
  test.each([
    ['$', []],
    [
      '$.a.b',
      [
        { kind: 'name', name: 'a' },
        { kind: 'name', name: 'b' },
      ],
    ],
    [
      "$['odd key'][2]",
      [
        { kind: 'name', name: 'odd key' },
        { kind: 'index', index: 2 },
      ],
    ],
    ['$.detail-type', [{ kind: 'name', name: 'detail-type' }]],
  ])('%s is a reference path', (text, segments) => {
    // Prepare: the table row.
    // Act
    const parsed = parsePath(text);

    // Assess
    expect(parsed.segments).toEqual(segments);
  });

  test.each(['$.a[*]', '$..a', '$.a[?(@.x > 1)]', '$.a[0:2]', '$.a[0,1]', '$.a.*'])(
    '%s is indefinite',
    (text) => {
      // Prepare: the table row.
      // Act
      const parsed = parsePath(text);

      // Assess
      expect(parsed.segments).toBeUndefined();
    },
  );

  test.each(['a.b', '$.a[', '$.a.length()', '$.a[foo]', '$ .a'])('%s is rejected', (text) => {
    // Prepare: the table row.
    // Act
    const parse = () => parsePath(text);

    // Assess
    expect(parse).toThrow(/invalid JSONPath/);
  });

  test('a definite path reads own properties only, never string or array properties', () => {
    // Prepare
    const data = { s: 'text', list: [1, 2] };

    // Act
    const found = [parsePath('$.s.length'), parsePath('$.list.length'), parsePath('$.list[-1]')].map((path) =>
      queryPath(path, data, {}),
    );

    // Assess
    expect(found).toEqual([{ found: false }, { found: false }, { found: true, value: 2 }]);
  });

  test('placing a result refuses to write through a non-object', () => {
    // Prepare
    const input = { a: 'text' };

    // Act
    const place = () => placeAt(input, parsePath('$.a.b'), 1);

    // Assess
    expect(place).toThrow(/not an object/);
    expect(input).toEqual({ a: 'text' });
  });
});

describe('intrinsic functions', () => {
  test.each([
    ["States.Format('{x}')", /literal '\{' must be escaped/],
    ["States.Format('a}')", /literal '\}' must be escaped/],
    ["States.Format('\\n')", /invalid escape/],
    ['States.ArrayLength($.a, $.b)', /wrong number of arguments/],
    ['States.UUID() + 1', /unexpected text/],
    ["States.Format('x'", /expected ',' or '\)'/],
    [`${'States.Array('.repeat(11)}${')'.repeat(11)}`, /more than 10 intrinsic functions/],
  ])('%s is a syntax error', (expression, message) => {
    // Prepare: the table row.
    // Act
    const parse = () => parseIntrinsic(expression);

    // Assess
    expect(parse).toThrow(message);
  });

  test('States.UUID gives version 4 UUIDs drawn from the seed', () => {
    // Prepare
    const call = parseIntrinsic('States.UUID()');

    // Act
    const first = [evaluateIntrinsic(call, environment(5)), evaluateIntrinsic(call, environment(5))];
    const other = evaluateIntrinsic(call, environment(6));

    // Assess
    expect(first[0]).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
    expect(first[1]).toBe(first[0]);
    expect(other).not.toBe(first[0]);
  });

  test('States.MathRandom stays in [start, end) and follows the seed', () => {
    // Prepare
    const call = parseIntrinsic('States.MathRandom(10, 20)');
    const env = environment(9);

    // Act
    const values = Array.from({ length: 200 }, () => evaluateIntrinsic(call, env) as number);

    // Assess
    expect(Math.min(...values)).toBeGreaterThanOrEqual(10);
    expect(Math.max(...values)).toBeLessThan(20);
    expect(new Set(values).size).toBeGreaterThan(5);
    expect(evaluateIntrinsic(call, environment(9))).toBe(values[0]);
  });

  test.each([
    ["States.Format('{} and {}', $.n)", /2 placeholders but 1 arguments/],
    ["States.Format('{}', $.items)", /strings, numbers, booleans or null/],
    ['States.MathAdd($.n, 0.5)', /must be an integer/],
    ["States.StringToJson('oops')", /not valid JSON/],
    ['States.ArrayLength($.missing)', /could not be found/],
    ["States.Base64Decode('###')", /not base64/],
  ])('%s fails at evaluation', (expression, message) => {
    // Prepare
    const call = parseIntrinsic(expression);

    // Act
    const evaluate = () => evaluateIntrinsic(call, environment());

    // Assess
    expect(evaluate).toThrow(IntrinsicEvaluationError);
    expect(evaluate).toThrow(message);
  });
});
