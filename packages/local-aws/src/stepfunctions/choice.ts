/**
 * Choice rules: data-test expressions (comparison and type-test operators) and the boolean
 * combinators And / Or / Not, which short-circuit (so `IsPresent` can guard a later test).
 */
import { StatesError, StatesErrors } from './errors';
import type { JsonValue } from './json';
import { parsePath, queryPath } from './paths';
import { parseTimestamp } from './timestamps';

export type ChoiceRule = {
  Next?: string;
  And?: ChoiceRule[];
  Or?: ChoiceRule[];
  Not?: ChoiceRule;
  Variable?: string;
  Comment?: string;
} & { [operator: string]: unknown };

type Kind = 'String' | 'Numeric' | 'Boolean' | 'Timestamp';
type Comparison = 'Equals' | 'LessThan' | 'GreaterThan' | 'LessThanEquals' | 'GreaterThanEquals';

export interface ComparisonOperator {
  kind: Kind;
  comparison: Comparison | 'Matches';
  /** The `…Path` variant: the operand is a path into the input. */
  path: boolean;
}

const KINDS: Kind[] = ['String', 'Numeric', 'Boolean', 'Timestamp'];
const COMPARISONS: Comparison[] = [
  'Equals',
  'LessThan',
  'GreaterThan',
  'LessThanEquals',
  'GreaterThanEquals',
];

export const COMPARISON_OPERATORS: ReadonlyMap<string, ComparisonOperator> = new Map(
  KINDS.flatMap((kind) => {
    const comparisons: Comparison[] = kind === 'Boolean' ? ['Equals'] : COMPARISONS;
    const entries: Array<[string, ComparisonOperator]> = comparisons.flatMap((comparison) => [
      [`${kind}${comparison}`, { kind, comparison, path: false }],
      [`${kind}${comparison}Path`, { kind, comparison, path: true }],
    ]);
    if (kind === 'String') entries.push(['StringMatches', { kind, comparison: 'Matches', path: false }]);
    return entries;
  }),
);

export const TYPE_TESTS: ReadonlySet<string> = new Set([
  'IsNull',
  'IsPresent',
  'IsNumeric',
  'IsString',
  'IsBoolean',
  'IsTimestamp',
]);

export interface ChoiceEnvironment {
  input: JsonValue;
  context: JsonValue;
}

export function evaluateRule(rule: ChoiceRule, env: ChoiceEnvironment): boolean {
  if (rule.And) return rule.And.every((inner) => evaluateRule(inner, env));
  if (rule.Or) return rule.Or.some((inner) => evaluateRule(inner, env));
  if (rule.Not) return !evaluateRule(rule.Not, env);
  const variable = rule.Variable as string;
  const operatorName = Object.keys(rule).find((key) => COMPARISON_OPERATORS.has(key) || TYPE_TESTS.has(key));
  if (operatorName === undefined) return false;
  const expected = rule[operatorName];
  const resolved = queryPath(parsePath(variable), env.input, env.context);
  if (operatorName === 'IsPresent') return resolved.found === expected;
  if (!resolved.found) throw invalidPath(variable);
  const value = resolved.value;
  if (TYPE_TESTS.has(operatorName)) return typeTest(operatorName, value) === expected;

  const operator = COMPARISON_OPERATORS.get(operatorName) as ComparisonOperator;
  let operand = expected as JsonValue;
  if (operator.path) {
    const other = queryPath(parsePath(expected as string), env.input, env.context);
    if (!other.found) throw invalidPath(expected as string);
    operand = other.value;
  }
  return compare(operator, value, operand);
}

function invalidPath(path: string): StatesError {
  return new StatesError(
    StatesErrors.Runtime,
    `Invalid path '${path}': The choice state's condition path references an invalid value.`,
  );
}

function typeTest(operator: string, value: JsonValue): boolean {
  switch (operator) {
    case 'IsNull':
      return value === null;
    case 'IsNumeric':
      return typeof value === 'number';
    case 'IsString':
      return typeof value === 'string';
    case 'IsBoolean':
      return typeof value === 'boolean';
    case 'IsTimestamp':
      return typeof value === 'string' && parseTimestamp(value) !== undefined;
    default:
      return false;
  }
}

/** A comparison between values of the wrong type is false, not an error. */
function compare(operator: ComparisonOperator, value: JsonValue, operand: JsonValue): boolean {
  switch (operator.kind) {
    case 'String':
      if (typeof value !== 'string' || typeof operand !== 'string') return false;
      if (operator.comparison === 'Matches') return matchesPattern(value, operand);
      return ordered(operator.comparison, value < operand ? -1 : value > operand ? 1 : 0);
    case 'Numeric':
      if (typeof value !== 'number' || typeof operand !== 'number') return false;
      return ordered(operator.comparison, Math.sign(value - operand));
    case 'Boolean':
      return typeof value === 'boolean' && value === operand;
    case 'Timestamp': {
      const left = typeof value === 'string' ? parseTimestamp(value) : undefined;
      const right = typeof operand === 'string' ? parseTimestamp(operand) : undefined;
      if (left === undefined || right === undefined) return false;
      return ordered(operator.comparison, Math.sign(left - right));
    }
  }
}

function ordered(comparison: Comparison | 'Matches', sign: number): boolean {
  switch (comparison) {
    case 'Equals':
      return sign === 0;
    case 'LessThan':
      return sign < 0;
    case 'GreaterThan':
      return sign > 0;
    case 'LessThanEquals':
      return sign <= 0;
    case 'GreaterThanEquals':
      return sign >= 0;
    default:
      return false;
  }
}

/** StringMatches: `*` matches any run of characters; `\*` and `\\` are a literal `*` and `\`. */
export function matchesPattern(value: string, pattern: string): boolean {
  let regex = '';
  for (let index = 0; index < pattern.length; index++) {
    const char = pattern.charAt(index);
    if (char === '\\' && index + 1 < pattern.length) {
      index++;
      regex += escapeRegex(pattern.charAt(index));
    } else if (char === '*') {
      regex += '[\\s\\S]*';
    } else {
      regex += escapeRegex(char);
    }
  }
  return new RegExp(`^${regex}$`).test(value);
}

function escapeRegex(char: string): string {
  return char.replace(/[.*+?^${}()|[\]\\/-]/g, '\\$&');
}
