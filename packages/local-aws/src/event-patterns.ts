/**
 * EventBridge event patterns (content filtering) for the local bus: exact values, `prefix`,
 * `suffix` (both also with `equals-ignore-case`), `equals-ignore-case`, `anything-but` (a value, a
 * list, `prefix`, `suffix`, `equals-ignore-case`), `exists`, `numeric`, nested objects and `$or`.
 * A pattern using anything else (`wildcard`, `cidr`, …) or a malformed operand is refused when the
 * rule is loaded, so local matching can never silently differ from AWS.
 *
 * Event fields are read as EventBridge's matcher (aws/event-ruler) reads them: arrays are
 * "crushed out" (a field matches when any of its elements does; objects inside an array are
 * matched element by element), objects are intermediate nodes, and only leaf values (strings,
 * numbers, booleans, null) are compared. A field that is absent, or that holds only an object,
 * has no leaf value: `{"exists": false}` matches it and every other matcher does not.
 */

type Pattern = Record<string, unknown>;

export class UnsupportedPatternError extends Error {
  override readonly name = 'UnsupportedPatternError';
}

const NUMERIC_OPERATORS = new Set(['=', '<', '<=', '>', '>=']);

const isObject = (value: unknown): value is Record<string, unknown> =>
  value !== null && typeof value === 'object' && !Array.isArray(value);

const isString = (value: unknown): value is string => typeof value === 'string';

/** `"text"` or `{"equals-ignore-case": "text"}`, the operand of `prefix` and `suffix`. */
const isAffix = (value: unknown): boolean =>
  isString(value) ||
  (isObject(value) && onlyKey(value) === 'equals-ignore-case' && isString(value['equals-ignore-case']));

function onlyKey(value: Record<string, unknown>): string | undefined {
  const keys = Object.keys(value);
  return keys.length === 1 ? keys[0] : undefined;
}

function validNumeric(operand: unknown): boolean {
  if (!Array.isArray(operand) || operand.length === 0 || operand.length % 2 !== 0) return false;
  for (let index = 0; index < operand.length; index += 2) {
    const bound = operand[index + 1];
    if (
      !NUMERIC_OPERATORS.has(operand[index] as string) ||
      typeof bound !== 'number' ||
      !Number.isFinite(bound)
    )
      return false;
  }
  return true;
}

function validAnythingBut(operand: unknown): boolean {
  if (isString(operand) || (typeof operand === 'number' && Number.isFinite(operand))) return true;
  if (Array.isArray(operand)) {
    // A list of only strings or only numbers (the documented forms).
    return (
      operand.length > 0 && (operand.every(isString) || operand.every((item) => typeof item === 'number'))
    );
  }
  if (!isObject(operand)) return false;
  const key = onlyKey(operand);
  const inner = key === undefined ? undefined : operand[key];
  // One string each, the documented forms (a list of prefixes is not one of them).
  return (key === 'prefix' || key === 'suffix' || key === 'equals-ignore-case') && isString(inner);
}

/** The operators implemented here, each with the check of its operand. */
const OPERATORS = new Map<string, (operand: unknown) => boolean>([
  ['prefix', isAffix],
  ['suffix', isAffix],
  ['equals-ignore-case', isString],
  ['anything-but', validAnythingBut],
  ['exists', (operand) => typeof operand === 'boolean'],
  ['numeric', validNumeric],
]);

/** Throws if the pattern uses something this matcher does not implement. */
export function checkPattern(pattern: unknown, where = 'pattern'): void {
  if (!isObject(pattern)) throw new UnsupportedPatternError(`${where}: a pattern is a JSON object`);
  for (const [key, value] of Object.entries(pattern)) {
    if (key === '$or') {
      if (!Array.isArray(value) || value.length < 2)
        throw new UnsupportedPatternError(`${where}.$or: must be an array of at least two patterns`);
      for (const [index, inner] of value.entries()) checkPattern(inner, `${where}.$or[${index}]`);
    } else if (Array.isArray(value)) {
      if (value.length === 0)
        throw new UnsupportedPatternError(`${where}.${key}: an empty list matches nothing`);
      for (const matcher of value) {
        if (Array.isArray(matcher)) {
          throw new UnsupportedPatternError(`${where}.${key}: a list cannot hold a list`);
        }
        if (isObject(matcher)) {
          const operator = onlyKey(matcher);
          const valid = operator === undefined ? undefined : OPERATORS.get(operator);
          if (!operator || !valid?.(matcher[operator])) {
            throw new UnsupportedPatternError(
              `${where}.${key}: unsupported matcher ${JSON.stringify(matcher)}`,
            );
          }
        }
      }
    } else if (isObject(value)) {
      checkPattern(value, `${where}.${key}`);
    } else {
      throw new UnsupportedPatternError(`${where}.${key}: leaf values must be arrays`);
    }
  }
}

/** The leaf values and the objects held by a field, arrays flattened. */
function flatten(value: unknown, leaves: unknown[], objects: Record<string, unknown>[]): void {
  if (Array.isArray(value)) for (const item of value) flatten(item, leaves, objects);
  else if (isObject(value)) objects.push(value);
  else leaves.push(value);
}

function numericMatches(value: unknown, conditions: unknown[]): boolean {
  if (typeof value !== 'number') return false;
  for (let index = 0; index < conditions.length; index += 2) {
    const operator = conditions[index];
    const bound = conditions[index + 1] as number;
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

/** `prefix` / `suffix` with a plain or an `equals-ignore-case` operand. */
function affixMatches(
  value: unknown,
  operand: unknown,
  test: (text: string, affix: string) => boolean,
): boolean {
  if (typeof value !== 'string') return false;
  if (isString(operand)) return test(value, operand);
  const ignoringCase = String((operand as Record<string, unknown>)['equals-ignore-case']);
  return test(value.toLowerCase(), ignoringCase.toLowerCase());
}

const startsWith = (text: string, affix: string) => text.startsWith(affix);
const endsWith = (text: string, affix: string) => text.endsWith(affix);
const sameIgnoringCase = (value: unknown, text: string) =>
  typeof value === 'string' && value.toLowerCase() === text.toLowerCase();

/** Whether a leaf value is one of those `anything-but` excludes. */
function excluded(value: unknown, operand: unknown): boolean {
  if (Array.isArray(operand)) return operand.some((item) => item === value);
  if (isObject(operand)) {
    const [key, inner] = Object.entries(operand)[0] as [string, unknown];
    if (key === 'prefix') return typeof value === 'string' && value.startsWith(String(inner));
    if (key === 'suffix') return typeof value === 'string' && value.endsWith(String(inner));
    return sameIgnoringCase(value, String(inner));
  }
  return value === operand;
}

/** Whether one leaf value satisfies one matcher (a literal or an operator other than `exists`). */
function matchesValue(value: unknown, matcher: unknown): boolean {
  if (!isObject(matcher)) return value === matcher;
  const [operator, operand] = Object.entries(matcher)[0] as [string, unknown];
  switch (operator) {
    case 'prefix':
      return affixMatches(value, operand, startsWith);
    case 'suffix':
      return affixMatches(value, operand, endsWith);
    case 'equals-ignore-case':
      return sameIgnoringCase(value, String(operand));
    case 'anything-but':
      return !excluded(value, operand);
    case 'numeric':
      return numericMatches(value, operand as unknown[]);
    default:
      return false;
  }
}

function matchesField(matchers: unknown[], leaves: unknown[]): boolean {
  return matchers.some((matcher) => {
    if (isObject(matcher) && 'exists' in matcher) return matcher.exists === leaves.length > 0;
    return leaves.some((value) => matchesValue(value, matcher));
  });
}

/** Whether `event` matches `pattern` (EventBridge semantics: every field listed must match). */
export function matchesPattern(pattern: Pattern, event: Record<string, unknown>): boolean {
  return Object.entries(pattern).every(([key, expected]) => {
    if (key === '$or') return (expected as Pattern[]).some((inner) => matchesPattern(inner, event));
    const leaves: unknown[] = [];
    const objects: Record<string, unknown>[] = [];
    if (Object.hasOwn(event, key)) flatten(event[key], leaves, objects);
    if (Array.isArray(expected)) return matchesField(expected, leaves);
    // A nested pattern: each object of the field is tried on its own (so fields matched inside an
    // array come from one element); with no object the fields below are absent.
    const candidates = objects.length > 0 ? objects : [{}];
    return candidates.some((inner) => matchesPattern(expected as Pattern, inner));
  });
}
