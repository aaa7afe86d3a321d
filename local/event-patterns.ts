/**
 * EventBridge event patterns (content filtering) for the local bus: exact values, `prefix`,
 * `suffix`, `equals-ignore-case`, `anything-but`, `exists`, `numeric`, nested objects and `$or`.
 * A pattern using anything else is refused when the rule is loaded, so local matching can never
 * silently differ from AWS.
 */

type Pattern = Record<string, unknown>;

export class UnsupportedPatternError extends Error {
  override readonly name = 'UnsupportedPatternError';
}

const OPERATORS = new Set(['prefix', 'suffix', 'equals-ignore-case', 'anything-but', 'exists', 'numeric']);

/** Throws if the pattern uses something this matcher does not implement. */
export function checkPattern(pattern: unknown, where = 'pattern'): void {
  if (pattern === null || typeof pattern !== 'object' || Array.isArray(pattern)) {
    throw new UnsupportedPatternError(`${where}: a pattern is a JSON object`);
  }
  for (const [key, value] of Object.entries(pattern)) {
    if (key === '$or') {
      if (!Array.isArray(value))
        throw new UnsupportedPatternError(`${where}.$or: must be an array of patterns`);
      for (const [index, inner] of value.entries()) checkPattern(inner, `${where}.$or[${index}]`);
    } else if (Array.isArray(value)) {
      for (const matcher of value) {
        if (matcher !== null && typeof matcher === 'object') {
          const [operator, ...rest] = Object.keys(matcher);
          if (!operator || rest.length > 0 || !OPERATORS.has(operator)) {
            throw new UnsupportedPatternError(
              `${where}.${key}: unsupported matcher ${JSON.stringify(matcher)}`,
            );
          }
        }
      }
    } else if (value !== null && typeof value === 'object') {
      checkPattern(value, `${where}.${key}`);
    } else {
      throw new UnsupportedPatternError(`${where}.${key}: leaf values must be arrays`);
    }
  }
}

function numericMatches(value: unknown, conditions: unknown[]): boolean {
  if (typeof value !== 'number') return false;
  for (let index = 0; index < conditions.length; index += 2) {
    const operator = conditions[index];
    const bound = Number(conditions[index + 1]);
    const ok =
      (operator === '=' && value === bound) ||
      (operator === '<' && value < bound) ||
      (operator === '<=' && value <= bound) ||
      (operator === '>' && value > bound) ||
      (operator === '>=' && value >= bound);
    if (!ok) return false;
  }
  return true;
}

function anythingBut(value: unknown, excluded: unknown): boolean {
  if (value === undefined) return false;
  if (Array.isArray(excluded)) return !excluded.some((item) => item === value);
  if (excluded !== null && typeof excluded === 'object') {
    const prefix = (excluded as { prefix?: string }).prefix;
    if (prefix !== undefined) return typeof value === 'string' && !value.startsWith(prefix);
  }
  return value !== excluded;
}

/** Whether one value (never an array) satisfies one matcher of a pattern's value list. */
function matchesOne(value: unknown, present: boolean, matcher: unknown): boolean {
  if (matcher === null || typeof matcher !== 'object') return present && value === matcher;
  const [operator, argument] = Object.entries(matcher)[0] as [string, unknown];
  switch (operator) {
    case 'exists':
      return argument === present;
    case 'prefix':
      return typeof value === 'string' && value.startsWith(String(argument));
    case 'suffix':
      return typeof value === 'string' && value.endsWith(String(argument));
    case 'equals-ignore-case':
      return typeof value === 'string' && value.toLowerCase() === String(argument).toLowerCase();
    case 'anything-but':
      return present && anythingBut(value, argument);
    case 'numeric':
      return numericMatches(value, argument as unknown[]);
    default:
      return false;
  }
}

/** Whether `event` matches `pattern` (EventBridge semantics: every field listed must match). */
export function matchesPattern(pattern: Pattern, event: Record<string, unknown>): boolean {
  return Object.entries(pattern).every(([key, expected]) => {
    if (key === '$or') return (expected as Pattern[]).some((inner) => matchesPattern(inner, event));
    const present = Object.hasOwn(event, key);
    const actual = event[key];
    if (Array.isArray(expected)) {
      // An array in the event matches when any of its elements matches.
      const values = Array.isArray(actual) ? actual : [actual];
      return expected.some((matcher) => values.some((value) => matchesOne(value, present, matcher)));
    }
    return (
      actual !== null &&
      typeof actual === 'object' &&
      !Array.isArray(actual) &&
      matchesPattern(expected as Pattern, actual as Record<string, unknown>)
    );
  });
}
