import { fieldErrors } from '../../lambdas/domain/field-errors';
import * as z from '../../lambdas/domain/zod';

/**
 * The API's field messages (docs/api.md: problem+json names the field and says what it should be),
 * written here as a client reads them, for each kind of failure zod/mini reports.
 */
const errorsOf = (schema: z.ZodMiniType, value: unknown, part?: string) => {
  const result = schema.safeParse(value);
  if (result.success) throw new Error('expected the value to be refused');
  return fieldErrors(result.error, part);
};

describe('field messages', () => {
  test.each([
    ['a missing field', z.object({ name: z.string() }), {}, [{ path: 'name', message: 'required' }]],
    [
      'a wrong type',
      z.object({ amount: z.number() }),
      { amount: 'ten' },
      [{ path: 'amount', message: 'expected a number, got a string' }],
    ],
    [
      'null',
      z.object({ items: z.array(z.string()) }),
      { items: null },
      [{ path: 'items', message: 'expected an array, got null' }],
    ],
    [
      'an empty string',
      z.object({ id: z.string().check(z.minLength(1)) }),
      { id: '' },
      [{ path: 'id', message: 'must not be empty' }],
    ],
    [
      'a long string',
      z.object({ id: z.string().check(z.maxLength(3)) }),
      { id: 'abcd' },
      [{ path: 'id', message: 'at most 3 characters' }],
    ],
    [
      'too few items',
      z.object({ xs: z.array(z.number()).check(z.minLength(2)) }),
      { xs: [1] },
      [{ path: 'xs', message: 'at least 2 items' }],
    ],
    [
      'a number not above its bound',
      z.object({ n: z.number().check(z.positive()) }),
      { n: 0 },
      [{ path: 'n', message: 'greater than 0' }],
    ],
    [
      'a number above its maximum',
      z.object({ n: z.number().check(z.maximum(1)) }),
      { n: 2 },
      [{ path: 'n', message: 'at most 1' }],
    ],
    [
      'not an email',
      z.object({ to: z.email() }),
      { to: 'nope' },
      [{ path: 'to', message: 'an email address' }],
    ],
    [
      'not a date-time',
      z.object({ at: z.iso.datetime() }),
      { at: 'soon' },
      [{ path: 'at', message: 'an ISO 8601 date-time' }],
    ],
    [
      'not a listed value',
      z.object({ c: z.enum(['CNY', 'USD']) }),
      { c: 'EUR' },
      [{ path: 'c', message: 'one of "CNY", "USD"' }],
    ],
    ['not the one value', z.object({ v: z.literal(4) }), { v: 3 }, [{ path: 'v', message: 'must be 4' }]],
    [
      'not a multiple',
      z.object({ n: z.number().check(z.multipleOf(5)) }),
      { n: 7 },
      [{ path: 'n', message: 'a multiple of 5' }],
    ],
    [
      'unknown fields, each named',
      z.strictObject({ a: z.string() }),
      { a: 'x', b: 1, c: 2 },
      [
        { path: 'b', message: 'unknown field' },
        { path: 'c', message: 'unknown field' },
      ],
    ],
    [
      'a shape none of a union matches',
      z.object({ u: z.union([z.string(), z.number()]) }),
      { u: true },
      [{ path: 'u', message: 'matches none of the allowed shapes' }],
    ],
  ] as const)('%s', (_name, schema, value, expected) => {
    expect(errorsOf(schema, value)).toEqual(expected);
  });

  test('a failure of the whole value is named after the part of the request', () => {
    expect(errorsOf(z.object({}), 'text', 'query')).toEqual([
      { path: '(query)', message: 'expected an object, got a string' },
    ]);
  });

  test("a schema's own message is kept", () => {
    const phone = z.string().check(z.regex(/^\+\d+$/, 'an E.164 phone number'));
    expect(errorsOf(z.object({ phone }), { phone: '123' })).toEqual([
      { path: 'phone', message: 'an E.164 phone number' },
    ]);
  });
});
