/**
 * ASL intrinsic functions (JSONPath states only), parsed at registration and evaluated at run time.
 *
 * Syntax per the AWS docs: `States.Name(arg, …)`; an argument is a string literal in single quotes,
 * a number, `null`/`true`/`false`, a path (`$…` or `$$…`) or a nested call. In string literals the
 * reserved characters `'`, `{`, `}` and `\` must be escaped with a backslash; in States.Format an
 * unescaped `{}` is a placeholder. A field may hold at most 10 nested calls.
 */
import { createHash } from 'node:crypto';
import { isJsonObject, type JsonValue, jsonEquals, stringify, tryParseJson } from './json';
import { type ParsedPath, parsePath, queryPath } from './paths';

export type IntrinsicArg =
  | { kind: 'string'; value: string; parts: string[] }
  | { kind: 'literal'; value: number | boolean | null }
  | { kind: 'path'; path: ParsedPath }
  | IntrinsicCall;

export interface IntrinsicCall {
  kind: 'call';
  name: string;
  args: IntrinsicArg[];
}

export class IntrinsicSyntaxError extends Error {
  constructor(expression: string, reason: string) {
    super(`invalid intrinsic function '${expression}': ${reason}`);
    this.name = 'IntrinsicSyntaxError';
  }
}

/** A failure while evaluating; the interpreter reports it as States.Runtime. */
export class IntrinsicEvaluationError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'IntrinsicEvaluationError';
  }
}

const MAX_CALLS_PER_FIELD = 10;

/** [minimum, maximum] argument counts. */
const ARITY: Record<string, [number, number]> = {
  'States.Format': [1, Number.POSITIVE_INFINITY],
  'States.StringToJson': [1, 1],
  'States.JsonToString': [1, 1],
  'States.Array': [0, Number.POSITIVE_INFINITY],
  'States.ArrayPartition': [2, 2],
  'States.ArrayContains': [2, 2],
  'States.ArrayRange': [3, 3],
  'States.ArrayGetItem': [2, 2],
  'States.ArrayLength': [1, 1],
  'States.ArrayUnique': [1, 1],
  'States.Base64Encode': [1, 1],
  'States.Base64Decode': [1, 1],
  'States.Hash': [2, 2],
  'States.JsonMerge': [3, 3],
  'States.MathRandom': [2, 3],
  'States.MathAdd': [2, 2],
  'States.StringSplit': [2, 2],
  'States.UUID': [0, 0],
};

export function isIntrinsicExpression(text: string): boolean {
  return /^\s*States\.[A-Za-z0-9]+\s*\(/.test(text);
}

export function parseIntrinsic(expression: string): IntrinsicCall {
  let position = 0;
  let calls = 0;
  const fail = (reason: string): never => {
    throw new IntrinsicSyntaxError(expression, reason);
  };
  const skipSpaces = () => {
    while (/\s/.test(expression.charAt(position))) position++;
  };

  const parseCall = (): IntrinsicCall => {
    const match = /^States\.[A-Za-z0-9]+/.exec(expression.slice(position));
    if (!match) return fail(`expected a function name at position ${position}`);
    const name = match[0];
    const arity = ARITY[name];
    if (!arity) return fail(`unknown function '${name}'`);
    calls++;
    if (calls > MAX_CALLS_PER_FIELD)
      fail(`more than ${MAX_CALLS_PER_FIELD} intrinsic functions in one field`);
    position += name.length;
    skipSpaces();
    if (expression.charAt(position) !== '(') fail(`expected '(' after ${name}`);
    position++;
    const args: IntrinsicArg[] = [];
    skipSpaces();
    if (expression.charAt(position) === ')') {
      position++;
    } else {
      for (;;) {
        args.push(parseArg());
        skipSpaces();
        const char = expression.charAt(position);
        position++;
        if (char === ')') break;
        if (char !== ',') fail(`expected ',' or ')' at position ${position - 1}`);
        skipSpaces();
      }
    }
    if (args.length < arity[0] || args.length > arity[1]) fail(`wrong number of arguments for ${name}`);
    return { kind: 'call', name, args };
  };

  const parseString = (): IntrinsicArg => {
    position++;
    const parts: string[] = [];
    let current = '';
    for (;;) {
      if (position >= expression.length) fail('unterminated string literal');
      const char = expression.charAt(position);
      if (char === '\\') {
        const escaped = expression.charAt(position + 1);
        if (!"'{}\\".includes(escaped) || escaped === '')
          fail(`invalid escape '\\${escaped}' in a string literal`);
        current += escaped;
        position += 2;
        continue;
      }
      if (char === "'") {
        position++;
        break;
      }
      if (char === '{') {
        if (expression.charAt(position + 1) !== '}') fail("a literal '{' must be escaped as '\\{'");
        parts.push(current);
        current = '';
        position += 2;
        continue;
      }
      if (char === '}') fail("a literal '}' must be escaped as '\\}'");
      current += char;
      position++;
    }
    parts.push(current);
    return { kind: 'string', value: parts.join('{}'), parts };
  };

  const parsePathArg = (): IntrinsicArg => {
    const start = position;
    let depth = 0;
    let quote: string | undefined;
    while (position < expression.length) {
      const char = expression.charAt(position);
      if (quote) {
        if (char === '\\') position++;
        else if (char === quote) quote = undefined;
      } else if (char === "'" || char === '"') {
        quote = char;
      } else if (char === '[' || char === '(') {
        depth++;
      } else if (char === ']' || (char === ')' && depth > 0)) {
        depth--;
      } else if (depth === 0 && (char === ',' || char === ')' || /\s/.test(char))) {
        break;
      }
      position++;
    }
    const text = expression.slice(start, position);
    try {
      return { kind: 'path', path: parsePath(text) };
    } catch (error) {
      return fail(error instanceof Error ? error.message : String(error));
    }
  };

  const parseArg = (): IntrinsicArg => {
    const rest = expression.slice(position);
    if (rest.startsWith("'")) return parseString();
    if (rest.startsWith('$')) return parsePathArg();
    if (rest.startsWith('States.')) return parseCall();
    const literal = /^(-?\d+(\.\d+)?([eE][+-]?\d+)?|null|true|false)(?=[\s,)])/.exec(rest);
    if (!literal) return fail(`unexpected argument at position ${position}`);
    position += literal[0].length;
    return { kind: 'literal', value: JSON.parse(literal[0]) as number | boolean | null };
  };

  skipSpaces();
  const call = parseCall();
  skipSpaces();
  if (position !== expression.length) fail(`unexpected text after the call at position ${position}`);
  return call;
}

export interface IntrinsicEnvironment {
  input: JsonValue;
  context: JsonValue;
  /** Seeded source in [0, 1). */
  random: () => number;
  uuid: () => string;
}

export function evaluateIntrinsic(call: IntrinsicCall, env: IntrinsicEnvironment): JsonValue {
  const values = call.args.map((arg) => evaluateArg(arg, env));
  const fail = (reason: string): never => {
    throw new IntrinsicEvaluationError(`${call.name}: ${reason}`);
  };
  const arg = (index: number): JsonValue => values[index] as JsonValue;
  const stringArg = (index: number): string => {
    const value = arg(index);
    return typeof value === 'string' ? value : fail(`argument ${index + 1} must be a string`);
  };
  const arrayArg = (index: number): JsonValue[] => {
    const value = arg(index);
    return Array.isArray(value) ? value : fail(`argument ${index + 1} must be an array`);
  };
  const integerArg = (index: number): number => {
    const value = arg(index);
    return typeof value === 'number' && Number.isInteger(value)
      ? value
      : fail(`argument ${index + 1} must be an integer`);
  };

  switch (call.name) {
    case 'States.Format': {
      const template = call.args[0];
      const parts =
        template?.kind === 'string'
          ? template.parts
          : typeof arg(0) === 'string'
            ? stringArg(0).split('{}')
            : [];
      if (parts.length === 0) return fail('the template must be a string');
      const substitutions = values.slice(1);
      if (substitutions.length !== parts.length - 1) {
        return fail(
          `the template has ${parts.length - 1} placeholders but ${substitutions.length} arguments were given`,
        );
      }
      return parts.reduce((text, part, index) => {
        if (index === 0) return part;
        const value = substitutions[index - 1] as JsonValue;
        if (typeof value === 'object' && value !== null)
          fail('arguments must be strings, numbers, booleans or null');
        return `${text}${typeof value === 'string' ? value : JSON.stringify(value)}${part}`;
      }, '');
    }
    case 'States.StringToJson': {
      const parsed = tryParseJson(stringArg(0));
      return parsed ? parsed.value : fail('the argument is not valid JSON');
    }
    case 'States.JsonToString':
      return stringify(arg(0));
    case 'States.Array':
      return values;
    case 'States.ArrayPartition': {
      const items = arrayArg(0);
      const size = integerArg(1);
      if (size <= 0) return fail('the chunk size must be greater than 0');
      const chunks: JsonValue[] = [];
      for (let index = 0; index < items.length; index += size) chunks.push(items.slice(index, index + size));
      return chunks;
    }
    case 'States.ArrayContains': {
      const needle = arg(1);
      return arrayArg(0).some((item) => jsonEquals(item, needle));
    }
    case 'States.ArrayRange': {
      const [start, end, step] = [integerArg(0), integerArg(1), integerArg(2)];
      if (step === 0) return fail('the step must not be 0');
      const range: number[] = [];
      for (let value = start; step > 0 ? value <= end : value >= end; value += step) {
        range.push(value);
        if (range.length > 1000) return fail('the range has more than 1000 items');
      }
      return range;
    }
    case 'States.ArrayGetItem': {
      const items = arrayArg(0);
      const index = integerArg(1);
      if (index < 0 || index >= items.length) return fail(`index ${index} is out of bounds`);
      return items[index] as JsonValue;
    }
    case 'States.ArrayLength':
      return arrayArg(0).length;
    case 'States.ArrayUnique': {
      const unique: JsonValue[] = [];
      for (const item of arrayArg(0)) if (!unique.some((seen) => jsonEquals(seen, item))) unique.push(item);
      return unique;
    }
    case 'States.Base64Encode':
      return Buffer.from(stringArg(0), 'utf8').toString('base64');
    case 'States.Base64Decode': {
      const text = stringArg(0);
      if (!/^[A-Za-z0-9+/]*={0,2}$/.test(text) || text.length % 4 !== 0)
        return fail('the argument is not base64');
      return Buffer.from(text, 'base64').toString('utf8');
    }
    case 'States.Hash': {
      const algorithms: Record<string, string> = {
        MD5: 'md5',
        'SHA-1': 'sha1',
        'SHA-256': 'sha256',
        'SHA-384': 'sha384',
        'SHA-512': 'sha512',
      };
      const algorithm = algorithms[stringArg(1)] ?? fail(`unsupported algorithm '${stringArg(1)}'`);
      return createHash(algorithm).update(stringArg(0), 'utf8').digest('hex');
    }
    case 'States.JsonMerge': {
      const [left, right, deep] = [arg(0), arg(1), arg(2)];
      if (!isJsonObject(left) || !isJsonObject(right)) return fail('both arguments must be objects');
      if (typeof deep !== 'boolean') return fail('the third argument must be a boolean');
      return deep ? deepMerge(left, right) : { ...left, ...right };
    }
    case 'States.MathRandom': {
      const [start, end] = [integerArg(0), integerArg(1)];
      if (end <= start) return fail('the end must be greater than the start');
      return start + Math.floor(env.random() * (end - start));
    }
    case 'States.MathAdd': {
      const sum = integerArg(0) + integerArg(1);
      return sum >= -2147483648 && sum <= 2147483647
        ? sum
        : fail('the sum is outside the 32-bit integer range');
    }
    case 'States.StringSplit': {
      const delimiters = new Set(stringArg(1));
      const tokens: string[] = [];
      let current = '';
      for (const char of stringArg(0)) {
        if (delimiters.has(char)) {
          if (current !== '') tokens.push(current);
          current = '';
        } else {
          current += char;
        }
      }
      if (current !== '') tokens.push(current);
      return tokens;
    }
    case 'States.UUID':
      return env.uuid();
    default:
      return fail('unknown function');
  }
}

function evaluateArg(arg: IntrinsicArg, env: IntrinsicEnvironment): JsonValue {
  switch (arg.kind) {
    case 'string':
    case 'literal':
      return arg.value;
    case 'call':
      return evaluateIntrinsic(arg, env);
    case 'path': {
      const result = queryPath(arg.path, env.input, env.context);
      if (!result.found) throw new IntrinsicEvaluationError(`the path '${arg.path.text}' could not be found`);
      return result.value;
    }
  }
}

function deepMerge(left: Record<string, JsonValue>, right: Record<string, JsonValue>): JsonValue {
  const merged: Record<string, JsonValue> = { ...left };
  for (const [key, value] of Object.entries(right)) {
    const existing = merged[key];
    merged[key] = isJsonObject(existing) && isJsonObject(value) ? deepMerge(existing, value) : value;
  }
  return merged;
}
