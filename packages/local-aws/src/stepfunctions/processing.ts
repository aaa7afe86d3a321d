/**
 * Input and output processing, and the per-state decisions that need no side effects: what a Pass
 * produces, where a Choice goes, until when a Wait waits, what a Fail reports, which Retrier or
 * Catcher handles an error.
 *
 * Order, as AWS documents it: InputPath → Parameters → (task) → ResultSelector → ResultPath →
 * OutputPath. ResultPath places the result into the state's *raw* input (before InputPath).
 * A path that matches nothing is a States.Runtime error, which ends the execution: AWS "A retry or
 * catch on States.ALL won't catch States.Runtime errors".
 */

import { evaluateRule } from './choice';
import type { Catcher, ChoiceState, FailState, PassState, Retrier, TaskState, WaitState } from './definition';
import { StatesError, StatesErrors } from './errors';
import {
  evaluateIntrinsic,
  IntrinsicEvaluationError,
  isIntrinsicExpression,
  parseIntrinsic,
} from './intrinsics';
import { byteLength, type JsonValue, MAX_PAYLOAD_BYTES, stringify } from './json';
import { type ParsedPath, parsePath, placeAt, queryPath, ResultPathError, type Segment } from './paths';
import { evaluateTemplate, type TemplateEnvironment } from './payload';
import { parseTimestamp } from './timestamps';

/** What every state's processing can see: the context object, a seeded random, the error prefix. */
export interface ProcessingEnvironment {
  context: JsonValue;
  random: () => number;
  uuid: () => string;
  /** "An error occurred while executing the state 'X' (entered at the event id #N). " */
  describeState: string;
}

export function runtimeError(env: ProcessingEnvironment, message: string): StatesError {
  return new StatesError(StatesErrors.Runtime, `${env.describeState}${message}`);
}

function normalized(segments: readonly Segment[] | undefined): string {
  if (!segments) return '';
  return `$${segments.map((segment) => (segment.kind === 'name' ? `['${segment.name}']` : `[${segment.index}]`)).join('')}`;
}

function select(path: ParsedPath, data: JsonValue, env: ProcessingEnvironment): JsonValue {
  const result = queryPath(path, data, env.context);
  if (!result.found) {
    throw runtimeError(
      env,
      `Invalid path '${path.text}' : No results for path: ${normalized(path.segments)}`,
    );
  }
  return result.value;
}

/** InputPath: `null` gives `{}`; absent means `$`. */
export function applyInputPath(
  path: string | null | undefined,
  input: JsonValue,
  env: ProcessingEnvironment,
): JsonValue {
  if (path === undefined) return input;
  if (path === null) return {};
  return select(parsePath(path), input, env);
}

export function applyOutputPath(
  path: string | null | undefined,
  output: JsonValue,
  env: ProcessingEnvironment,
): JsonValue {
  return applyInputPath(path, output, env);
}

/** ResultPath: absent means `$` (the result replaces the input), `null` discards the result. */
export function applyResultPath(
  path: string | null | undefined,
  rawInput: JsonValue,
  result: JsonValue,
  env: ProcessingEnvironment,
): JsonValue {
  if (path === undefined) return result;
  if (path === null) return rawInput;
  try {
    return placeAt(rawInput, parsePath(path), result);
  } catch (error) {
    if (error instanceof ResultPathError) {
      throw runtimeError(
        env,
        `Unable to apply ResultPath '${path}' to the input '${stringify(rawInput)}': ${error.message}`,
      );
    }
    throw error;
  }
}

export function applyTemplate(template: JsonValue, input: JsonValue, env: ProcessingEnvironment): JsonValue {
  const templateEnv: TemplateEnvironment = { ...env, input };
  return evaluateTemplate(template, templateEnv);
}

/** ResultSelector → ResultPath → OutputPath, for a Task's result. */
export function processTaskResult(
  state: TaskState,
  rawInput: JsonValue,
  result: JsonValue,
  env: ProcessingEnvironment,
): JsonValue {
  const selected =
    state.ResultSelector === undefined ? result : applyTemplate(state.ResultSelector, result, env);
  const placed = applyResultPath(state.ResultPath, rawInput, selected, env);
  return applyOutputPath(state.OutputPath, placed, env);
}

export function processPass(state: PassState, rawInput: JsonValue, env: ProcessingEnvironment): JsonValue {
  const effective = applyInputPath(state.InputPath, rawInput, env);
  const result =
    state.Result !== undefined
      ? state.Result
      : state.Parameters !== undefined
        ? applyTemplate(state.Parameters, effective, env)
        : effective;
  const placed = applyResultPath(state.ResultPath, rawInput, result, env);
  return applyOutputPath(state.OutputPath, placed, env);
}

export function processChoice(
  state: ChoiceState,
  rawInput: JsonValue,
  env: ProcessingEnvironment,
): { next: string | undefined; output: JsonValue } {
  const effective = applyInputPath(state.InputPath, rawInput, env);
  const rule = state.Choices.find((candidate) => {
    try {
      return evaluateRule(candidate, { input: effective, context: env.context });
    } catch (error) {
      if (error instanceof StatesError) throw runtimeError(env, error.errorCause ?? error.message);
      throw error;
    }
  });
  return {
    next: rule ? (rule.Next as string) : state.Default,
    output: applyOutputPath(state.OutputPath, effective, env),
  };
}

/** The instant a Wait state ends (a past timestamp ends it at once) and its output. */
export function processWait(
  state: WaitState,
  rawInput: JsonValue,
  now: number,
  env: ProcessingEnvironment,
): { until: number; output: JsonValue } {
  const effective = applyInputPath(state.InputPath, rawInput, env);
  let until: number;
  if (state.Seconds !== undefined) {
    until = now + state.Seconds * 1000;
  } else if (state.SecondsPath !== undefined) {
    const seconds = select(parsePath(state.SecondsPath), effective, env);
    if (typeof seconds !== 'number' || !Number.isInteger(seconds) || seconds < 0) {
      throw runtimeError(
        env,
        `The SecondsPath '${state.SecondsPath}' must point to a non-negative integer, got ${stringify(seconds)}`,
      );
    }
    until = now + seconds * 1000;
  } else {
    const text = state.Timestamp ?? select(parsePath(state.TimestampPath as string), effective, env);
    const instant = typeof text === 'string' ? parseTimestamp(text) : undefined;
    if (instant === undefined) {
      throw runtimeError(
        env,
        `The TimestampPath '${state.TimestampPath}' must point to an RFC 3339 timestamp, got ${stringify(text)}`,
      );
    }
    until = Math.max(now, instant);
  }
  return { until, output: applyOutputPath(state.OutputPath, effective, env) };
}

/** Fail: ErrorPath / CausePath resolve against the state input, to a string, or via an intrinsic. */
export function processFail(
  state: FailState,
  rawInput: JsonValue,
  env: ProcessingEnvironment,
): { error?: string; cause?: string } {
  const resolve = (path: string | undefined, field: string): string | undefined => {
    if (path === undefined) return undefined;
    let value: JsonValue;
    try {
      value = isIntrinsicExpression(path)
        ? evaluateIntrinsic(parseIntrinsic(path), { ...env, input: rawInput })
        : select(parsePath(path), rawInput, env);
    } catch (error) {
      if (error instanceof IntrinsicEvaluationError)
        throw runtimeError(env, `The ${field} could not be evaluated: ${error.message}`);
      throw error;
    }
    if (typeof value !== 'string')
      throw runtimeError(env, `The ${field} '${path}' must resolve to a string, got ${stringify(value)}`);
    return value;
  };
  return {
    error: state.Error ?? resolve(state.ErrorPath, 'ErrorPath'),
    cause: state.Cause ?? resolve(state.CausePath, 'CausePath'),
  };
}

/** TimeoutSecondsPath / HeartbeatSecondsPath resolve against the effective input (after InputPath). */
export function taskTimeouts(
  state: TaskState,
  effectiveInput: JsonValue,
  env: ProcessingEnvironment,
): { timeoutSeconds?: number; heartbeatSeconds?: number } {
  const resolve = (
    value: number | undefined,
    path: string | undefined,
    field: string,
  ): number | undefined => {
    if (value !== undefined) return value;
    if (path === undefined) return undefined;
    const resolved = select(parsePath(path), effectiveInput, env);
    if (typeof resolved !== 'number' || !Number.isInteger(resolved) || resolved < 1) {
      throw runtimeError(
        env,
        `The ${field} '${path}' must point to a positive integer, got ${stringify(resolved)}`,
      );
    }
    return resolved;
  };
  return {
    timeoutSeconds: resolve(state.TimeoutSeconds, state.TimeoutSecondsPath, 'TimeoutSecondsPath'),
    heartbeatSeconds: resolve(state.HeartbeatSeconds, state.HeartbeatSecondsPath, 'HeartbeatSecondsPath'),
  };
}

/**
 * Error-name matching for Retry and Catch. `States.ALL` matches everything but the terminal errors;
 * `States.TaskFailed` also excludes `States.Timeout` (AWS: it "matches any known error name except
 * for States.Timeout"). `States.DataLimitExceeded` is caught only by its own name; `States.Runtime`
 * never reaches Retry or Catch.
 */
export function errorMatches(errorEquals: readonly string[], error: string): boolean {
  if (error === StatesErrors.Runtime) return false;
  return errorEquals.some((name) => {
    if (name === error) return true;
    if (error === StatesErrors.DataLimitExceeded) return false;
    if (name === StatesErrors.ALL) return true;
    return name === StatesErrors.TaskFailed && error !== StatesErrors.Timeout;
  });
}

/** The first retrier whose ErrorEquals matches handles the error, even when it is exhausted. */
export function findRetrier(retry: readonly Retrier[] | undefined, error: string): number {
  return (retry ?? []).findIndex((retrier) => errorMatches(retrier.ErrorEquals, error));
}

export function findCatcher(catchers: readonly Catcher[] | undefined, error: string): Catcher | undefined {
  return (catchers ?? []).find((catcher) => errorMatches(catcher.ErrorEquals, error));
}

export const RETRY_DEFAULTS = { IntervalSeconds: 1, MaxAttempts: 3, BackoffRate: 2 } as const;

/** Milliseconds before retry number `attempt` (0-based): interval × rate^attempt, capped, jittered. */
export function retryDelayMs(retrier: Retrier, attempt: number, random: () => number): number {
  const interval = retrier.IntervalSeconds ?? RETRY_DEFAULTS.IntervalSeconds;
  const rate = retrier.BackoffRate ?? RETRY_DEFAULTS.BackoffRate;
  let seconds = interval * rate ** attempt;
  if (retrier.MaxDelaySeconds !== undefined) seconds = Math.min(seconds, retrier.MaxDelaySeconds);
  if (retrier.JitterStrategy === 'FULL') seconds *= random();
  return Math.round(seconds * 1000);
}

/** The error output a Catcher passes on. */
export function errorOutput(error: string | undefined, cause: string | undefined): JsonValue {
  return { Error: error ?? '', Cause: cause ?? '' };
}

export function exceedsPayloadLimit(value: JsonValue): boolean {
  return byteLength(stringify(value)) > MAX_PAYLOAD_BYTES;
}
