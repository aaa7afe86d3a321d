import type { FieldError } from './errors';
import type { core } from './zod';

/**
 * The English messages of the few validation failures the API and the policy can report. zod/mini
 * has none of its own ("Invalid input" for all), and its locale bundle would put every language
 * back into each Lambda; schemas with a message of their own (`'an E.164 phone number'`) keep it.
 */

type Issue = core.$ZodRawIssue;

const KINDS: Record<string, string> = {
  string: 'a string',
  number: 'a number',
  int: 'an integer',
  boolean: 'a boolean',
  object: 'an object',
  array: 'an array',
  record: 'an object',
  nan: 'a number',
};

const FORMATS: Record<string, string> = {
  email: 'an email address',
  url: 'a URL',
  datetime: 'an ISO 8601 date-time',
  regex: 'not in the expected format',
};

const kindOf = (value: unknown): string => {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'an array';
  return KINDS[typeof value] ?? typeof value;
};

const plural = (count: number | bigint, unit: string) => `${count} ${unit}${Number(count) === 1 ? '' : 's'}`;

/** "at least 3 characters", "greater than 0", "at most 100 items". */
function bound(issue: Issue & { code: 'too_small' | 'too_big' }): string {
  const limit = issue.code === 'too_small' ? issue.minimum : issue.maximum;
  const [inclusive, exclusive] =
    issue.code === 'too_small' ? ['at least', 'greater than'] : ['at most', 'less than'];
  if (issue.origin === 'string') {
    if (issue.code === 'too_small' && Number(limit) === 1) return 'must not be empty';
    return `${inclusive} ${plural(limit as number, 'character')}`;
  }
  if (issue.origin === 'array' || issue.origin === 'set')
    return `${inclusive} ${plural(limit as number, 'item')}`;
  return `${issue.inclusive === false ? exclusive : inclusive} ${limit}`;
}

const quoted = (values: readonly unknown[]) => values.map((value) => JSON.stringify(value)).join(', ');

/** The message of an issue whose schema gave none. */
export function fieldMessage(issue: Issue): string {
  switch (issue.code) {
    case 'invalid_type':
      if (issue.input === undefined) return 'required';
      // A query parameter coerced to a number is NaN when its text is not one.
      if (Number.isNaN(issue.input)) return `expected ${KINDS[issue.expected] ?? issue.expected}`;
      return `expected ${KINDS[issue.expected] ?? issue.expected}, got ${kindOf(issue.input)}`;
    case 'too_small':
    case 'too_big':
      return bound(issue);
    case 'invalid_format':
      if (issue.format === 'starts_with') return `must start with "${issue.prefix}"`;
      return FORMATS[issue.format] ?? `not a valid ${issue.format}`;
    case 'invalid_value':
      return issue.values.length === 1 ? `must be ${quoted(issue.values)}` : `one of ${quoted(issue.values)}`;
    case 'invalid_union':
      if (issue.discriminator && Array.isArray(issue.options)) return `one of ${quoted(issue.options)}`;
      return 'matches none of the allowed shapes';
    case 'not_multiple_of':
      return `a multiple of ${issue.divisor}`;
    case 'unrecognized_keys':
      return issue.keys.length === 1 ? 'unknown field' : 'unknown fields';
    case 'invalid_key':
      return `a key that is ${issue.issues.map((inner) => inner.message).join('; ')}`;
    default:
      return 'invalid';
  }
}

/** Zod issues as API field errors: the dotted path of each wrong field and what it should be. */
export function fieldErrors(error: core.$ZodError, part = 'body'): FieldError[] {
  return error.issues.flatMap((issue) => {
    const at = issue.path.map(String);
    // An unknown field is named itself, not its parent object.
    if (issue.code === 'unrecognized_keys')
      return issue.keys.map((key) => ({ path: [...at, key].join('.'), message: 'unknown field' }));
    return [{ path: at.join('.') || `(${part})`, message: issue.message }];
  });
}
