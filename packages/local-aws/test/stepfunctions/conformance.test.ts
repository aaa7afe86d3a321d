/**
 * Conformance: each case is a small state machine with the result AWS gives (per the AWS Step
 * Functions documentation). It runs on this engine and, unless marked `engineOnly`, on
 * aws-local-stepfunctions too; both must give the documented result.
 */
import {
  CONFORMANCE_EXECUTION,
  CONFORMANCE_MACHINE,
  type ConformanceCase,
  comparable,
  runOnEngine,
  runOnLocalStepFunctions,
  SDK_RESOURCE,
} from './harness';

const ACCOUNT_REGION = 'us-east-1:123456789012';
const MACHINE_ARN = `arn:aws:states:${ACCOUNT_REGION}:stateMachine:${CONFORMANCE_MACHINE}`;
const EXECUTION_ARN = `arn:aws:states:${ACCOUNT_REGION}:execution:${CONFORMANCE_MACHINE}:${CONFORMANCE_EXECUTION}`;

type StateJson = Record<string, unknown>;

const task = (fields: StateJson = {}): StateJson => ({ Type: 'Task', Resource: SDK_RESOURCE, ...fields });

/** A machine of one state that ends (End: true is added to Task/Pass/Wait). */
const single = (state: StateJson): Record<string, unknown> => ({
  StartAt: 'S',
  States: { S: ['Task', 'Pass', 'Wait'].includes(state.Type as string) ? { ...state, End: true } : state },
});

const succeeded = (output: unknown) => ({ status: 'SUCCEEDED' as const, output: output as never });
const failed = (error: string, cause?: string) => ({
  status: 'FAILED' as const,
  error,
  ...(cause === undefined ? {} : { cause }),
});

// ---------------------------------------------------------------- input and output processing

const pathCases: ConformanceCase[] = [
  {
    name: 'InputPath selects the effective input',
    definition: single({ Type: 'Pass', InputPath: '$.a' }),
    input: { a: { b: 1 }, c: 2 },
    expected: succeeded({ b: 1 }),
  },
  {
    name: 'InputPath null gives an empty object',
    definition: single({ Type: 'Pass', InputPath: null }),
    input: { a: 1 },
    expected: succeeded({}),
  },
  {
    name: 'OutputPath selects from the output',
    definition: single({ Type: 'Pass', OutputPath: '$.a.b' }),
    input: { a: { b: [1, 2] } },
    expected: succeeded([1, 2]),
  },
  {
    name: 'OutputPath null gives an empty object',
    definition: single({ Type: 'Pass', OutputPath: null }),
    input: { a: 1 },
    expected: succeeded({}),
  },
  {
    name: 'ResultPath null discards the result',
    definition: single({ Type: 'Pass', Result: { x: 1 }, ResultPath: null }),
    input: { a: 1 },
    expected: succeeded({ a: 1 }),
  },
  {
    name: 'ResultPath $ replaces the input with the result',
    definition: single({ Type: 'Pass', Result: { x: 1 }, ResultPath: '$' }),
    input: { a: 1 },
    expected: succeeded({ x: 1 }),
    engineOnly: "aws-local-stepfunctions treats an explicit ResultPath '$' as a field named '$'",
  },
  {
    name: 'ResultPath creates the nested keys it names',
    definition: single({ Type: 'Pass', Result: 'r', ResultPath: '$.a.b.c' }),
    input: { keep: true },
    expected: succeeded({ keep: true, a: { b: { c: 'r' } } }),
  },
  {
    name: 'ResultPath into an existing object keeps its siblings',
    definition: single({ Type: 'Pass', Result: 2, ResultPath: '$.a.y' }),
    input: { a: { x: 1 } },
    expected: succeeded({ a: { x: 1, y: 2 } }),
  },
  {
    name: 'ResultPath places the result into the raw input, not the InputPath selection',
    definition: single({
      Type: 'Pass',
      InputPath: '$.lambda',
      Parameters: { 'v.$': '$.value' },
      ResultPath: '$.data',
    }),
    input: { comment: 'keep', lambda: { value: 7 } },
    expected: succeeded({ comment: 'keep', lambda: { value: 7 }, data: { v: 7 } }),
  },
  {
    name: 'Task: InputPath → Parameters → task → ResultSelector → ResultPath → OutputPath',
    definition: single(
      task({
        InputPath: '$.order',
        Parameters: { 'id.$': '$.id', fixed: 'x' },
        ResultSelector: { 'total.$': '$.Payload.total' },
        ResultPath: '$.result',
        OutputPath: '$.result',
      }),
    ),
    input: { order: { id: 'o-1' }, other: true },
    tasks: { S: [{ return: { Payload: { total: 12 }, StatusCode: 200 } }] },
    received: { S: [{ id: 'o-1', fixed: 'x' }] },
    expected: succeeded({ total: 12 }),
  },
  {
    name: 'Task without ResultPath: the result replaces the input',
    definition: single(task()),
    input: { a: 1 },
    tasks: { S: [{ return: { r: 1 } }] },
    received: { S: [{ a: 1 }] },
    expected: succeeded({ r: 1 }),
  },
  {
    name: 'Parameters with .$ keys at any depth, including inside arrays',
    definition: single(
      task({
        Parameters: {
          top: { 'a.$': '$.a', nested: { 'b.$': '$.b' } },
          list: [{ 'c.$': '$.c' }, 'literal', [{ 'd.$': '$.d' }]],
          'plain.key': 'kept',
        },
      }),
    ),
    input: { a: 1, b: 'two', c: [3], d: null },
    received: {
      S: [
        {
          top: { a: 1, nested: { b: 'two' } },
          list: [{ c: [3] }, 'literal', [{ d: null }]],
          'plain.key': 'kept',
        },
      ],
    },
    expected: succeeded({}),
  },
  {
    name: 'ResultSelector with nested .$ keys',
    definition: single(
      task({ ResultSelector: { 'first.$': '$.items[0].id', summary: { 'count.$': '$.count' } } }),
    ),
    tasks: { S: [{ return: { items: [{ id: 'i1' }, { id: 'i2' }], count: 2 } }] },
    expected: succeeded({ first: 'i1', summary: { count: 2 } }),
  },
  {
    name: 'A wildcard path yields an array of matches',
    definition: single({ Type: 'Pass', Parameters: { 'ids.$': '$.items[*].id' } }),
    input: { items: [{ id: 1 }, { id: 2 }] },
    expected: succeeded({ ids: [1, 2] }),
  },
  {
    name: 'A filter path yields the matching elements',
    definition: single({ Type: 'Pass', Parameters: { 'big.$': '$.items[?(@.n > 1)]' } }),
    input: { items: [{ n: 1 }, { n: 2 }, { n: 3 }] },
    expected: succeeded({ big: [{ n: 2 }, { n: 3 }] }),
  },
  {
    name: 'Bracket notation and array indexes',
    definition: single({ Type: 'Pass', Parameters: { 'v.$': "$['odd key'][1]" } }),
    input: { 'odd key': ['a', 'b'] },
    expected: succeeded({ v: 'b' }),
  },
  {
    name: 'Pass Result with ResultPath',
    definition: single({ Type: 'Pass', Result: { status: 'ok' }, ResultPath: '$.outcome' }),
    input: { id: 1 },
    expected: succeeded({ id: 1, outcome: { status: 'ok' } }),
  },
  {
    name: 'Pass with Parameters and no Result',
    definition: single({ Type: 'Pass', Parameters: { 'copy.$': '$.x', constant: 5 } }),
    input: { x: 'v' },
    expected: succeeded({ copy: 'v', constant: 5 }),
  },
  {
    name: 'Pass without fields passes its input through',
    definition: single({ Type: 'Pass' }),
    input: { a: [1, { b: 2 }] },
    expected: succeeded({ a: [1, { b: 2 }] }),
  },
  {
    name: 'A chain of states hands each output to the next',
    definition: {
      StartAt: 'One',
      States: {
        One: { Type: 'Pass', Result: 1, ResultPath: '$.one', Next: 'Two' },
        Two: task({ ResultPath: '$.two', Next: 'Three' }),
        Three: { Type: 'Pass', Parameters: { 'sum.$': 'States.MathAdd($.one, $.two)' }, End: true },
      },
    },
    tasks: { Two: [{ return: 2 }] },
    received: { Two: [{ one: 1 }] },
    expected: succeeded({ sum: 3 }),
  },
  {
    name: 'Succeed applies InputPath and OutputPath',
    definition: { StartAt: 'S', States: { S: { Type: 'Succeed', InputPath: '$.a', OutputPath: '$.b' } } },
    input: { a: { b: 'done' } },
    expected: succeeded('done'),
  },
  {
    name: 'Wait applies InputPath and OutputPath',
    definition: single({ Type: 'Wait', Seconds: 1, InputPath: '$.a', OutputPath: '$.b' }),
    input: { a: { b: 3 } },
    expected: succeeded(3),
  },
  {
    name: 'Execution input is available as $$.Execution.Input',
    definition: single({ Type: 'Pass', Parameters: { 'original.$': '$$.Execution.Input.a' } }),
    input: { a: 'first' },
    expected: succeeded({ original: 'first' }),
  },
];

// ---------------------------------------------------------------- States.Runtime: paths matching nothing

const runtimeCases: ConformanceCase[] = [
  {
    name: 'InputPath matching nothing fails the execution with States.Runtime',
    definition: single({ Type: 'Pass', InputPath: '$.missing' }),
    input: { a: 1 },
    expected: failed('States.Runtime'),
  },
  {
    name: 'OutputPath matching nothing fails with States.Runtime',
    definition: single({ Type: 'Pass', OutputPath: '$.missing' }),
    expected: failed('States.Runtime'),
  },
  {
    name: 'A Parameters path matching nothing is States.Runtime, which Catch States.ALL does not catch',
    definition: {
      StartAt: 'T',
      States: {
        T: task({
          Parameters: { 'x.$': '$.missing' },
          Catch: [{ ErrorEquals: ['States.ALL'], Next: 'Caught' }],
          End: true,
        }),
        Caught: { Type: 'Pass', End: true },
      },
    },
    expected: failed('States.Runtime'),
    received: {},
  },
  {
    name: 'A ResultSelector path matching nothing is States.Runtime, not retried by States.ALL',
    definition: {
      StartAt: 'T',
      States: {
        T: task({
          ResultSelector: { 'x.$': '$.missing' },
          Retry: [{ ErrorEquals: ['States.ALL'], MaxAttempts: 3 }],
          Catch: [{ ErrorEquals: ['States.ALL'], Next: 'Caught' }],
          End: true,
        }),
        Caught: { Type: 'Pass', End: true },
      },
    },
    tasks: { T: [{ return: { y: 1 } }] },
    received: { T: [{}] },
    expected: failed('States.Runtime'),
  },
];

// ---------------------------------------------------------------- intrinsic functions

const intrinsic = (
  expression: string,
  input: unknown,
  output: unknown,
  name = expression,
): ConformanceCase => ({
  name: `intrinsic ${name}`,
  definition: single({ Type: 'Pass', Parameters: { 'value.$': expression } }),
  input: input as never,
  expected: succeeded({ value: output }),
});

const intrinsicCases: ConformanceCase[] = [
  intrinsic(
    "States.Format('Hello, {}! You have {} items.', $.name, $.count)",
    { name: 'Ana', count: 3 },
    'Hello, Ana! You have 3 items.',
  ),
  intrinsic("States.Format('{} {} {}', $.t, $.f, $.n)", { t: true, f: 1.5, n: null }, 'true 1.5 null'),
  intrinsic(
    "States.Format('It\\'s \\{literal\\} for {}', $.who)",
    { who: 'you' },
    "It's {literal} for you",
    'States.Format with an escaped quote and escaped braces',
  ),
  {
    ...intrinsic(
      "States.Format('a backslash \\\\ for {}', $.who)",
      { who: 'you' },
      'a backslash \\ for you',
      'States.Format with an escaped backslash',
    ),
    engineOnly: "asl-validator (which aws-local-stepfunctions runs) rejects the documented '\\\\' escape",
  },
  intrinsic('States.StringToJson($.text)', { text: '{"a":[1,2]}' }, { a: [1, 2] }),
  intrinsic('States.JsonToString($.obj)', { obj: { a: 1, b: 'x' } }, '{"a":1,"b":"x"}'),
  intrinsic("States.Array('a', 1, $.x, States.Array(2))", { x: { k: true } }, ['a', 1, { k: true }, [2]]),
  intrinsic('States.ArrayGetItem($.items, 1)', { items: ['a', 'b', 'c'] }, 'b'),
  intrinsic('States.ArrayLength($.items)', { items: [1, 2, 3, 4] }, 4),
  intrinsic('States.ArrayContains($.items, $.look)', { items: [1, { a: 2 }], look: { a: 2 } }, true),
  intrinsic('States.ArrayContains($.items, 3)', { items: [1, 2] }, false),
  intrinsic('States.ArrayPartition($.items, 2)', { items: [1, 2, 3, 4, 5] }, [[1, 2], [3, 4], [5]]),
  intrinsic('States.ArrayRange(1, 9, 2)', {}, [1, 3, 5, 7, 9]),
  intrinsic('States.ArrayUnique($.items)', { items: [1, 2, 2, 3, 1] }, [1, 2, 3]),
  intrinsic('States.MathAdd($.value, -1)', { value: 111 }, 110),
  {
    // The AWS documentation's own example: every character of the second argument is a delimiter.
    ...intrinsic(
      'States.StringSplit($.text, $.separators)',
      { text: 'This.is+a,test=string', separators: '.+,=' },
      ['This', 'is', 'a', 'test', 'string'],
    ),
    engineOnly: 'aws-local-stepfunctions splits on the whole second argument, not on each of its characters',
  },
  intrinsic("States.StringSplit('1,2,3', ',')", {}, ['1', '2', '3']),
  intrinsic('States.Base64Encode($.text)', { text: 'Data to encode' }, 'RGF0YSB0byBlbmNvZGU='),
  intrinsic('States.Base64Decode($.text)', { text: 'RGF0YSB0byBlbmNvZGU=' }, 'Data to encode'),
  intrinsic(
    "States.Hash($.text, 'SHA-256')",
    { text: 'input data' },
    'b4a697a057313163aee33cd8d40c66e9f0f177e00cac2de32475ffff6169c3e3',
    'States.Hash SHA-256',
  ),
  intrinsic("States.Hash('abc', 'MD5')", {}, '900150983cd24fb0d6963f7d28e17f72'),
  intrinsic(
    'States.JsonMerge($.a, $.b, false)',
    { a: { x: 1, n: { p: 1 } }, b: { y: 2, n: { q: 2 } } },
    {
      x: 1,
      n: { q: 2 },
      y: 2,
    },
  ),
  intrinsic(
    "States.Format('{}.{}', States.ArrayGetItem(States.StringSplit($.arn, ':'), 3), States.ArrayLength(States.StringSplit($.arn, ':')))",
    { arn: 'arn:aws:states:us-east-1:1:x' },
    'us-east-1.6',
    'nested calls',
  ),
  intrinsic(
    "States.Format('{} ran', $$.Execution.Input.who)",
    { who: 'me' },
    'me ran',
    'a $$ context path as an argument',
  ),
  {
    name: 'an intrinsic that fails (index out of bounds) is States.Runtime',
    definition: single({ Type: 'Pass', Parameters: { 'v.$': 'States.ArrayGetItem($.items, 5)' } }),
    input: { items: [1] },
    expected: failed('States.Runtime'),
    engineOnly: 'aws-local-stepfunctions returns null for an index out of bounds instead of failing',
  },
];

// ---------------------------------------------------------------- Choice

const choice = (name: string, rule: StateJson, input: unknown, matches: boolean): ConformanceCase => ({
  name: `Choice ${name} → ${matches ? 'matches' : 'does not match'}`,
  definition: {
    StartAt: 'C',
    States: {
      C: { Type: 'Choice', Choices: [{ ...rule, Next: 'Yes' }], Default: 'No' },
      Yes: { Type: 'Pass', Result: 'yes', End: true },
      No: { Type: 'Pass', Result: 'no', End: true },
    },
  },
  input: input as never,
  expected: succeeded(matches ? 'yes' : 'no'),
});

/** [family, comparison, operand, a value that matches, a value that does not]. */
const comparisons: Array<[string, string, unknown, unknown, unknown]> = [
  ['String', 'Equals', 'b', 'b', 'c'],
  ['String', 'LessThan', 'b', 'a', 'b'],
  ['String', 'GreaterThan', 'b', 'c', 'b'],
  ['String', 'LessThanEquals', 'b', 'b', 'c'],
  ['String', 'GreaterThanEquals', 'b', 'b', 'a'],
  ['Numeric', 'Equals', 5, 5, 5.5],
  ['Numeric', 'LessThan', 5, 4.9, 5],
  ['Numeric', 'GreaterThan', 5, 6, 5],
  ['Numeric', 'LessThanEquals', 5, 5, 6],
  ['Numeric', 'GreaterThanEquals', 5, 5, 4],
  ['Boolean', 'Equals', true, true, false],
  ['Timestamp', 'Equals', '2026-03-02T00:00:00Z', '2026-03-02T01:00:00+01:00', '2026-03-02T00:00:01Z'],
  ['Timestamp', 'LessThan', '2026-03-02T00:00:00Z', '2026-03-01T23:59:59Z', '2026-03-02T00:00:00Z'],
  ['Timestamp', 'GreaterThan', '2026-03-02T00:00:00Z', '2026-03-02T00:00:00.001Z', '2026-03-02T00:00:00Z'],
  ['Timestamp', 'LessThanEquals', '2026-03-02T00:00:00Z', '2026-03-02T00:00:00Z', '2026-03-03T00:00:00Z'],
  ['Timestamp', 'GreaterThanEquals', '2026-03-02T00:00:00Z', '2026-03-02T00:00:00Z', '2026-03-01T00:00:00Z'],
];

const choiceCases: ConformanceCase[] = [
  ...comparisons.flatMap(([family, comparison, operand, yes, no]) => {
    const operator = `${family}${comparison}`;
    return [
      choice(`${operator}`, { Variable: '$.v', [operator]: operand }, { v: yes }, true),
      choice(`${operator}`, { Variable: '$.v', [operator]: operand }, { v: no }, false),
      choice(
        `${operator}Path`,
        { Variable: '$.v', [`${operator}Path`]: '$.w' },
        { v: yes, w: operand },
        true,
      ),
      choice(
        `${operator}Path`,
        { Variable: '$.v', [`${operator}Path`]: '$.w' },
        { v: no, w: operand },
        false,
      ),
    ];
  }),
  choice('StringEquals on a number (type mismatch)', { Variable: '$.v', StringEquals: '5' }, { v: 5 }, false),
  choice(
    'NumericEquals on a string (type mismatch)',
    { Variable: '$.v', NumericEquals: 5 },
    { v: '5' },
    false,
  ),
  choice(
    'StringMatches with *',
    { Variable: '$.v', StringMatches: 'log-*.txt' },
    { v: 'log-2026-03.txt' },
    true,
  ),
  choice(
    'StringMatches with *',
    { Variable: '$.v', StringMatches: 'log-*.txt' },
    { v: 'log-2026-03.csv' },
    false,
  ),
  choice(
    'StringMatches with an escaped \\*',
    { Variable: '$.v', StringMatches: 'a\\*b' },
    { v: 'a*b' },
    true,
  ),
  choice(
    'StringMatches with an escaped \\*',
    { Variable: '$.v', StringMatches: 'a\\*b' },
    { v: 'axb' },
    false,
  ),
  choice('IsNull', { Variable: '$.v', IsNull: true }, { v: null }, true),
  choice('IsNull', { Variable: '$.v', IsNull: true }, { v: 0 }, false),
  {
    ...choice('IsNull: false', { Variable: '$.v', IsNull: false }, { v: 0 }, true),
    engineOnly:
      'aws-local-stepfunctions ignores the boolean value of a type test (IsNull: false acts as true)',
  },
  choice('IsPresent', { Variable: '$.v', IsPresent: true }, { v: null }, true),
  choice('IsPresent', { Variable: '$.v', IsPresent: true }, {}, false),
  {
    ...choice('IsPresent: false', { Variable: '$.v', IsPresent: false }, {}, true),
    engineOnly:
      'aws-local-stepfunctions ignores the boolean value of a type test (IsPresent: false acts as true)',
  },
  choice('IsNumeric', { Variable: '$.v', IsNumeric: true }, { v: 1.5 }, true),
  choice('IsNumeric', { Variable: '$.v', IsNumeric: true }, { v: '1.5' }, false),
  choice('IsString', { Variable: '$.v', IsString: true }, { v: '' }, true),
  choice('IsString', { Variable: '$.v', IsString: true }, { v: 1 }, false),
  choice('IsBoolean', { Variable: '$.v', IsBoolean: true }, { v: false }, true),
  choice('IsBoolean', { Variable: '$.v', IsBoolean: true }, { v: 'false' }, false),
  choice('IsTimestamp', { Variable: '$.v', IsTimestamp: true }, { v: '2026-03-02T10:00:00.123Z' }, true),
  choice('IsTimestamp', { Variable: '$.v', IsTimestamp: true }, { v: '2026-03-02' }, false),
  choice(
    'And',
    {
      And: [
        { Variable: '$.a', NumericGreaterThan: 1 },
        { Variable: '$.b', StringEquals: 'x' },
      ],
    },
    { a: 2, b: 'x' },
    true,
  ),
  choice(
    'And',
    {
      And: [
        { Variable: '$.a', NumericGreaterThan: 1 },
        { Variable: '$.b', StringEquals: 'x' },
      ],
    },
    { a: 2, b: 'y' },
    false,
  ),
  choice(
    'Or',
    {
      Or: [
        { Variable: '$.a', NumericEquals: 1 },
        { Variable: '$.a', NumericEquals: 2 },
      ],
    },
    { a: 2 },
    true,
  ),
  choice(
    'Or',
    {
      Or: [
        { Variable: '$.a', NumericEquals: 1 },
        { Variable: '$.a', NumericEquals: 2 },
      ],
    },
    { a: 3 },
    false,
  ),
  choice('Not', { Not: { Variable: '$.a', StringEquals: 'x' } }, { a: 'y' }, true),
  choice('Not', { Not: { Variable: '$.a', StringEquals: 'x' } }, { a: 'x' }, false),
  choice(
    'And guarded by IsPresent (short-circuits before the missing path)',
    {
      And: [
        { Variable: '$.a', IsPresent: true },
        { Variable: '$.a', NumericGreaterThan: 1 },
      ],
    },
    {},
    false,
  ),
  {
    name: 'Choice: the first matching rule wins',
    definition: {
      StartAt: 'C',
      States: {
        C: {
          Type: 'Choice',
          Choices: [
            { Variable: '$.n', NumericGreaterThan: 10, Next: 'Big' },
            { Variable: '$.n', NumericGreaterThan: 1, Next: 'Medium' },
          ],
          Default: 'Small',
        },
        Big: { Type: 'Pass', Result: 'big', End: true },
        Medium: { Type: 'Pass', Result: 'medium', End: true },
        Small: { Type: 'Pass', Result: 'small', End: true },
      },
    },
    input: { n: 50 },
    expected: succeeded('big'),
  },
  {
    name: 'Choice applies InputPath to the rules and OutputPath to what it passes on',
    definition: {
      StartAt: 'C',
      States: {
        C: {
          Type: 'Choice',
          InputPath: '$.case',
          OutputPath: '$.stage',
          Choices: [{ Variable: '$.stage.level', NumericEquals: 2, Next: 'Done' }],
        },
        Done: { Type: 'Pass', End: true },
      },
    },
    input: { case: { stage: { level: 2 } }, other: 1 },
    expected: succeeded({ level: 2 }),
  },
  {
    name: 'Choice without a match and without Default fails with States.NoChoiceMatched',
    definition: {
      StartAt: 'C',
      States: {
        C: { Type: 'Choice', Choices: [{ Variable: '$.a', NumericEquals: 1, Next: 'Done' }] },
        Done: { Type: 'Pass', End: true },
      },
    },
    input: { a: 2 },
    expected: failed('States.NoChoiceMatched'),
  },
  {
    name: 'Choice on a Variable that matches nothing fails with States.Runtime',
    definition: {
      StartAt: 'C',
      States: {
        C: {
          Type: 'Choice',
          Choices: [{ Variable: '$.missing', NumericEquals: 1, Next: 'Done' }],
          Default: 'Done',
        },
        Done: { Type: 'Pass', End: true },
      },
    },
    expected: failed('States.Runtime'),
  },
];

// ---------------------------------------------------------------- Retry and Catch

const boom = (error = 'Boom', cause = 'it broke') => ({ throw: { error, cause } });

const retryCases: ConformanceCase[] = [
  {
    name: 'Retry: two failures then success within MaxAttempts',
    definition: single(task({ Retry: [{ ErrorEquals: ['Boom'], MaxAttempts: 2 }] })),
    tasks: { S: [boom(), boom(), { return: 'ok' }] },
    received: { S: [{}, {}, {}] },
    expected: succeeded('ok'),
  },
  {
    name: 'Retry: MaxAttempts defaults to 3 (four calls in all)',
    definition: single(task({ Retry: [{ ErrorEquals: ['Boom'] }] })),
    tasks: { S: [boom()] },
    received: { S: [{}, {}, {}, {}] },
    expected: failed('Boom', 'it broke'),
  },
  {
    name: 'Retry: MaxAttempts 0 never retries',
    definition: single(task({ Retry: [{ ErrorEquals: ['Boom'], MaxAttempts: 0 }] })),
    tasks: { S: [boom(), { return: 'never' }] },
    received: { S: [{}] },
    expected: failed('Boom', 'it broke'),
  },
  {
    name: 'Retry: each retrier counts its own attempts',
    definition: single(
      task({
        Retry: [
          { ErrorEquals: ['A'], MaxAttempts: 1 },
          { ErrorEquals: ['B'], MaxAttempts: 1 },
        ],
      }),
    ),
    tasks: { S: [boom('A'), boom('B'), { return: 'ok' }] },
    received: { S: [{}, {}, {}] },
    expected: succeeded('ok'),
  },
  {
    name: 'Retry: the first matching retrier handles the error even when exhausted',
    definition: single(
      task({
        Retry: [
          { ErrorEquals: ['A'], MaxAttempts: 1 },
          { ErrorEquals: ['States.ALL'], MaxAttempts: 5 },
        ],
      }),
    ),
    tasks: { S: [boom('A'), boom('A'), { return: 'never' }] },
    received: { S: [{}, {}] },
    expected: failed('A', 'it broke'),
  },
  {
    name: 'Retry then Catch: exhausted retries fall to the catcher',
    definition: {
      StartAt: 'T',
      States: {
        T: task({
          Retry: [{ ErrorEquals: ['Boom'], MaxAttempts: 1 }],
          Catch: [{ ErrorEquals: ['Boom'], ResultPath: '$.error', Next: 'Recover' }],
          End: true,
        }),
        Recover: { Type: 'Pass', End: true },
      },
    },
    input: { id: 1 },
    tasks: { T: [boom()] },
    received: { T: [{ id: 1 }, { id: 1 }] },
    expected: succeeded({ id: 1, error: { Error: 'Boom', Cause: 'it broke' } }),
  },
  {
    name: 'Catch without ResultPath: the error output replaces the input',
    definition: {
      StartAt: 'T',
      States: {
        T: task({ Catch: [{ ErrorEquals: ['States.ALL'], Next: 'Recover' }], End: true }),
        Recover: { Type: 'Pass', End: true },
      },
    },
    input: { id: 1 },
    tasks: { T: [boom('Custom', 'details')] },
    expected: succeeded({ Error: 'Custom', Cause: 'details' }),
  },
  {
    name: 'Catch with ResultPath null keeps the input',
    definition: {
      StartAt: 'T',
      States: {
        T: task({ Catch: [{ ErrorEquals: ['States.ALL'], ResultPath: null, Next: 'Recover' }], End: true }),
        Recover: { Type: 'Pass', End: true },
      },
    },
    input: { id: 1 },
    tasks: { T: [boom()] },
    expected: succeeded({ id: 1 }),
  },
  {
    name: 'Catch: the first matching catcher wins',
    definition: {
      StartAt: 'T',
      States: {
        T: task({
          Catch: [
            { ErrorEquals: ['Other'], Next: 'Wrong' },
            { ErrorEquals: ['Boom', 'Else'], ResultPath: '$.e', Next: 'Right' },
            { ErrorEquals: ['States.ALL'], Next: 'Wrong' },
          ],
          End: true,
        }),
        Right: { Type: 'Pass', Result: 'right', ResultPath: '$.went', End: true },
        Wrong: { Type: 'Pass', Result: 'wrong', End: true },
      },
    },
    tasks: { T: [boom()] },
    expected: succeeded({ e: { Error: 'Boom', Cause: 'it broke' }, went: 'right' }),
  },
  {
    name: 'Catch: States.TaskFailed matches a task error',
    definition: {
      StartAt: 'T',
      States: {
        T: task({ Catch: [{ ErrorEquals: ['States.TaskFailed'], Next: 'Recover' }], End: true }),
        Recover: { Type: 'Pass', Result: 'caught', End: true },
      },
    },
    tasks: { T: [boom('Lambda.Unknown')] },
    expected: succeeded('caught'),
  },
  {
    name: 'Catch: an unmatched error fails the execution with its error and cause',
    definition: {
      StartAt: 'T',
      States: {
        T: task({ Catch: [{ ErrorEquals: ['Other'], Next: 'Recover' }], End: true }),
        Recover: { Type: 'Pass', End: true },
      },
    },
    tasks: { T: [boom('Boom', 'the cause')] },
    expected: failed('Boom', 'the cause'),
  },
  {
    name: 'Catch does not apply the state OutputPath to the error output',
    definition: {
      StartAt: 'T',
      States: {
        T: task({
          OutputPath: '$.never',
          Catch: [{ ErrorEquals: ['States.ALL'], ResultPath: '$.e', Next: 'Recover' }],
          End: true,
        }),
        Recover: { Type: 'Pass', End: true },
      },
    },
    input: { id: 1 },
    tasks: { T: [boom()] },
    expected: succeeded({ id: 1, e: { Error: 'Boom', Cause: 'it broke' } }),
  },
];

// ---------------------------------------------------------------- Fail

const failCases: ConformanceCase[] = [
  {
    name: 'Fail with Error and Cause',
    definition: { StartAt: 'F', States: { F: { Type: 'Fail', Error: 'Case.Invalid', Cause: 'no case id' } } },
    expected: failed('Case.Invalid', 'no case id'),
  },
  {
    name: 'Fail with ErrorPath and CausePath',
    definition: {
      StartAt: 'F',
      States: { F: { Type: 'Fail', ErrorPath: '$.problem.code', CausePath: '$.problem.text' } },
    },
    input: { problem: { code: 'Payment.Declined', text: 'card expired' } },
    expected: failed('Payment.Declined', 'card expired'),
  },
  {
    name: 'Fail with CausePath as an intrinsic function',
    definition: {
      StartAt: 'F',
      States: {
        F: { Type: 'Fail', Error: 'Case.Stale', CausePath: "States.Format('case {} is stale', $.id)" },
      },
    },
    input: { id: 'c-9' },
    expected: failed('Case.Stale', 'case c-9 is stale'),
    engineOnly: 'aws-local-stepfunctions resolves CausePath only as a JSONPath, not as an intrinsic function',
  },
  {
    name: 'a caught error reaches a Fail state through Catch',
    definition: {
      StartAt: 'T',
      States: {
        T: task({ Catch: [{ ErrorEquals: ['States.ALL'], ResultPath: '$.error', Next: 'F' }], End: true }),
        F: { Type: 'Fail', ErrorPath: '$.error.Error', CausePath: '$.error.Cause' },
      },
    },
    tasks: { T: [boom('Upstream', 'down')] },
    expected: failed('Upstream', 'down'),
  },
];

// ---------------------------------------------------------------- context object (this engine only)

const contextCases: ConformanceCase[] = [
  {
    name: 'the context object: Execution, State and StateMachine fields',
    definition: single({
      Type: 'Pass',
      Parameters: {
        'executionId.$': '$$.Execution.Id',
        'executionName.$': '$$.Execution.Name',
        'roleArn.$': '$$.Execution.RoleArn',
        'startTime.$': '$$.Execution.StartTime',
        'stateName.$': '$$.State.Name',
        'enteredTime.$': '$$.State.EnteredTime',
        'retryCount.$': '$$.State.RetryCount',
        'machineId.$': '$$.StateMachine.Id',
        'machineName.$': '$$.StateMachine.Name',
      },
    }),
    expected: succeeded({
      executionId: EXECUTION_ARN,
      executionName: CONFORMANCE_EXECUTION,
      roleArn: `arn:aws:iam::123456789012:role/${CONFORMANCE_MACHINE}-role`,
      startTime: '2026-03-02T00:00:00.000Z',
      stateName: 'S',
      enteredTime: '2026-03-02T00:00:00.000Z',
      retryCount: 0,
      machineId: MACHINE_ARN,
      machineName: CONFORMANCE_MACHINE,
    }),
    engineOnly: 'aws-local-stepfunctions only fills $$.Execution.Input and StartTime',
  },
  {
    name: '$$.State.EnteredTime is the virtual instant the state was entered',
    definition: {
      StartAt: 'W',
      States: {
        W: { Type: 'Wait', Seconds: 90, Next: 'P' },
        P: {
          Type: 'Pass',
          Parameters: { 'entered.$': '$$.State.EnteredTime', 'started.$': '$$.Execution.StartTime' },
          End: true,
        },
      },
    },
    expected: succeeded({ entered: '2026-03-02T00:01:30.000Z', started: '2026-03-02T00:00:00.000Z' }),
    engineOnly: 'aws-local-stepfunctions has no $$.State and its Wait runs in real time',
  },
  {
    name: '$$.State.RetryCount counts the retries of the state',
    definition: single(
      task({
        Parameters: { 'retry.$': '$$.State.RetryCount' },
        Retry: [{ ErrorEquals: ['Boom'], MaxAttempts: 3 }],
      }),
    ),
    tasks: { S: [boom(), boom(), { return: 'ok' }] },
    received: { S: [{ retry: 0 }, { retry: 1 }, { retry: 2 }] },
    expected: succeeded('ok'),
    engineOnly: 'aws-local-stepfunctions has no $$.State',
  },
  {
    name: 'States.DataLimitExceeded is not caught by States.ALL but by its own name',
    definition: {
      StartAt: 'T',
      States: {
        T: task({
          Catch: [
            { ErrorEquals: ['States.DataLimitExceeded'], ResultPath: '$.error', Next: 'TooBig' },
            { ErrorEquals: ['States.ALL'], Next: 'Wrong' },
          ],
          End: true,
        }),
        TooBig: { Type: 'Pass', OutputPath: '$.error.Error', End: true },
        Wrong: { Type: 'Pass', Result: 'wrong', End: true },
      },
    },
    tasks: { T: [{ return: 'x'.repeat(300 * 1024) }] },
    expected: succeeded('States.DataLimitExceeded'),
    engineOnly: 'aws-local-stepfunctions does not enforce the 256 KiB payload quota',
  },
  {
    name: 'States.DataLimitExceeded under States.ALL alone fails the execution',
    definition: {
      StartAt: 'T',
      States: {
        T: task({ Catch: [{ ErrorEquals: ['States.ALL'], Next: 'Wrong' }], End: true }),
        Wrong: { Type: 'Pass', Result: 'wrong', End: true },
      },
    },
    tasks: { T: [{ return: 'x'.repeat(300 * 1024) }] },
    expected: failed('States.DataLimitExceeded'),
    engineOnly: 'aws-local-stepfunctions does not enforce the 256 KiB payload quota',
  },
];

const cases: ConformanceCase[] = [
  ...pathCases,
  ...runtimeCases,
  ...intrinsicCases,
  ...choiceCases,
  ...retryCases,
  ...failCases,
  ...contextCases,
];

describe('ASL conformance on the local engine', () => {
  test.each(cases.map((testCase) => [testCase.name, testCase] as const))('%s', async (_name, testCase) => {
    // Prepare: the case table above.
    // Act
    const observed = await runOnEngine(testCase);

    // Assess
    expect(comparable(observed.outcome, testCase.expected)).toEqual(testCase.expected);
    if (testCase.received) expect(observed.received).toEqual(testCase.received);
  });
});

describe('ASL conformance on aws-local-stepfunctions (the reference for what does not depend on time)', () => {
  const shared = cases.filter((testCase) => testCase.engineOnly === undefined);
  test.each(shared.map((testCase) => [testCase.name, testCase] as const))('%s', async (_name, testCase) => {
    // Prepare: the case table above.
    // Act
    const observed = await runOnLocalStepFunctions(testCase);

    // Assess
    expect(comparable(observed.outcome, testCase.expected)).toEqual(testCase.expected);
    if (testCase.received) expect(observed.received).toEqual(testCase.received);
  });
});
