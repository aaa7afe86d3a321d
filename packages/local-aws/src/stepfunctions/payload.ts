/**
 * Payload templates (`Parameters`, `ResultSelector`): a key ending in `.$` takes its value from a
 * path, a `$$.` context path or an intrinsic function, at any depth, including inside arrays.
 */
import { StatesError, StatesErrors } from './errors';
import {
  evaluateIntrinsic,
  type IntrinsicCall,
  type IntrinsicEnvironment,
  IntrinsicEvaluationError,
  isIntrinsicExpression,
  parseIntrinsic,
} from './intrinsics';
import { isJsonObject, type JsonValue, stringify } from './json';
import { type ParsedPath, parsePath, queryPath } from './paths';

export type Expression = { kind: 'path'; path: ParsedPath } | IntrinsicCall;

const cache = new Map<string, Expression>();

/** Parses the value of a `.$` field; throws PathSyntaxError or IntrinsicSyntaxError. */
export function parseExpression(text: string): Expression {
  const cached = cache.get(text);
  if (cached) return cached;
  const parsed: Expression = isIntrinsicExpression(text)
    ? parseIntrinsic(text)
    : { kind: 'path', path: parsePath(text) };
  cache.set(text, parsed);
  return parsed;
}

/** Checks every `.$` field of a template; returns a problem description or undefined. */
export function checkTemplate(template: JsonValue, where: string): string | undefined {
  if (Array.isArray(template)) {
    for (const [index, item] of template.entries()) {
      const problem = checkTemplate(item, `${where}[${index}]`);
      if (problem) return problem;
    }
    return undefined;
  }
  if (!isJsonObject(template)) return undefined;
  for (const [key, value] of Object.entries(template)) {
    if (key.endsWith('.$')) {
      if (typeof value !== 'string')
        return `${where}.${key} must be a string holding a path or intrinsic function`;
      try {
        parseExpression(value);
      } catch (error) {
        return `${where}.${key}: ${error instanceof Error ? error.message : String(error)}`;
      }
    } else {
      const problem = checkTemplate(value, `${where}.${key}`);
      if (problem) return problem;
    }
  }
  return undefined;
}

export interface TemplateEnvironment extends IntrinsicEnvironment {
  /** Prefix for States.Runtime causes, e.g. "An error occurred while executing the state 'X' …". */
  describeState: string;
}

export function evaluateExpression(
  expression: Expression,
  env: TemplateEnvironment,
  field: string,
): JsonValue {
  if (expression.kind === 'path') {
    const result = queryPath(expression.path, env.input, env.context);
    if (!result.found) {
      // Same shape as the cause AWS reports for a missing Parameters path.
      throw new StatesError(
        StatesErrors.Runtime,
        `${env.describeState}The JSONPath '${expression.path.text}' specified for the field '${field}' could not be found in the input '${stringify(expression.path.context ? env.context : env.input)}'`,
      );
    }
    return result.value;
  }
  try {
    return evaluateIntrinsic(expression, env);
  } catch (error) {
    if (error instanceof IntrinsicEvaluationError) {
      throw new StatesError(
        StatesErrors.Runtime,
        `${env.describeState}The value for the field '${field}' could not be evaluated: ${error.message}`,
      );
    }
    throw error;
  }
}

export function evaluateTemplate(template: JsonValue, env: TemplateEnvironment): JsonValue {
  if (Array.isArray(template)) return template.map((item) => evaluateTemplate(item, env));
  if (!isJsonObject(template)) return template;
  const output: Record<string, JsonValue> = {};
  for (const [key, value] of Object.entries(template)) {
    if (key.endsWith('.$') && typeof value === 'string') {
      output[key.slice(0, -2)] = evaluateExpression(parseExpression(value), env, key);
    } else {
      output[key] = evaluateTemplate(value, env);
    }
  }
  return output;
}
