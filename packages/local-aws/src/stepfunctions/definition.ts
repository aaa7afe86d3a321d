/**
 * The subset of the Amazon States Language this engine implements, and its validation.
 *
 * Validation is strict on purpose: a state type, field or feature the engine does not implement
 * (Map, Parallel, JSONata, Assign, `.sync`, activities, …) is rejected at registration, naming the
 * state and the field, so a local run can never silently differ from AWS.
 */
import { type ChoiceRule, COMPARISON_OPERATORS, TYPE_TESTS } from './choice';
import { InvalidDefinition } from './errors';
import { isIntrinsicExpression, parseIntrinsic } from './intrinsics';
import { isJsonObject, type JsonValue } from './json';
import { parsePath } from './paths';
import { checkTemplate } from './payload';
import { parseTimestamp } from './timestamps';

export interface Retrier {
  ErrorEquals: string[];
  IntervalSeconds?: number;
  MaxAttempts?: number;
  BackoffRate?: number;
  MaxDelaySeconds?: number;
  JitterStrategy?: 'FULL' | 'NONE';
  Comment?: string;
}

export interface Catcher {
  ErrorEquals: string[];
  Next: string;
  ResultPath?: string | null;
  Comment?: string;
}

interface Common {
  Comment?: string;
  QueryLanguage?: 'JSONPath';
}
interface Transition {
  Next?: string;
  End?: boolean;
}
interface Io {
  InputPath?: string | null;
  OutputPath?: string | null;
}

export interface TaskState extends Common, Transition, Io {
  Type: 'Task';
  Resource: string;
  Parameters?: JsonValue;
  ResultSelector?: JsonValue;
  ResultPath?: string | null;
  TimeoutSeconds?: number;
  TimeoutSecondsPath?: string;
  HeartbeatSeconds?: number;
  HeartbeatSecondsPath?: string;
  Retry?: Retrier[];
  Catch?: Catcher[];
}
export interface PassState extends Common, Transition, Io {
  Type: 'Pass';
  Parameters?: JsonValue;
  Result?: JsonValue;
  ResultPath?: string | null;
}
export interface ChoiceState extends Common, Io {
  Type: 'Choice';
  Choices: ChoiceRule[];
  Default?: string;
}
export interface WaitState extends Common, Transition, Io {
  Type: 'Wait';
  Seconds?: number;
  SecondsPath?: string;
  Timestamp?: string;
  TimestampPath?: string;
}
export interface SucceedState extends Common, Io {
  Type: 'Succeed';
}
export interface FailState extends Common {
  Type: 'Fail';
  Error?: string;
  ErrorPath?: string;
  Cause?: string;
  CausePath?: string;
}

export type State = TaskState | PassState | ChoiceState | WaitState | SucceedState | FailState;

export interface StateMachineDefinition {
  StartAt: string;
  States: Record<string, State>;
  Comment?: string;
  Version?: string;
  TimeoutSeconds?: number;
  QueryLanguage?: 'JSONPath';
}

/** What a Task's Resource means to the engine. */
export interface ResourceInfo {
  /** The resource without `.waitForTaskToken`: the key integrations are looked up by. */
  base: string;
  callback: boolean;
  /** As in TaskScheduled events: `arn:aws:states:::lambda:invoke` → `lambda` / `invoke`. */
  resourceType: string;
  resource: string;
}

export const MAX_TIMEOUT_SECONDS = 99_999_999;
const SERVICE_PREFIX = 'arn:aws:states:::';
const WAIT_FOR_TASK_TOKEN = '.waitForTaskToken';

export function describeResource(arn: string): ResourceInfo | string {
  if (!arn.startsWith(SERVICE_PREFIX)) {
    return 'only service integrations (arn:aws:states:::<service>:<action>) are supported; Lambda function ARNs and activities produce other history events on AWS';
  }
  const rest = arn.slice(SERVICE_PREFIX.length);
  if (/\.sync(:\d+)?$/.test(rest)) return "the '.sync' integration pattern is not supported";
  const cut = rest.lastIndexOf(':');
  if (cut <= 0 || cut === rest.length - 1) return `'${arn}' is not a service integration ARN`;
  const resource = rest.slice(cut + 1);
  const callback = resource.endsWith(WAIT_FOR_TASK_TOKEN);
  return {
    base: callback ? arn.slice(0, -WAIT_FOR_TASK_TOKEN.length) : arn,
    callback,
    resourceType: rest.slice(0, cut),
    resource,
  };
}

const COMMON_FIELDS = ['Type', 'Comment', 'QueryLanguage'];
const ALLOWED_FIELDS: Record<State['Type'], string[]> = {
  Task: [
    ...COMMON_FIELDS,
    'Resource',
    'InputPath',
    'OutputPath',
    'Parameters',
    'ResultSelector',
    'ResultPath',
    'TimeoutSeconds',
    'TimeoutSecondsPath',
    'HeartbeatSeconds',
    'HeartbeatSecondsPath',
    'Retry',
    'Catch',
    'Next',
    'End',
  ],
  Pass: [...COMMON_FIELDS, 'InputPath', 'OutputPath', 'Parameters', 'Result', 'ResultPath', 'Next', 'End'],
  Choice: [...COMMON_FIELDS, 'InputPath', 'OutputPath', 'Choices', 'Default'],
  Wait: [
    ...COMMON_FIELDS,
    'InputPath',
    'OutputPath',
    'Seconds',
    'SecondsPath',
    'Timestamp',
    'TimestampPath',
    'Next',
    'End',
  ],
  Succeed: [...COMMON_FIELDS, 'InputPath', 'OutputPath'],
  Fail: [...COMMON_FIELDS, 'Error', 'ErrorPath', 'Cause', 'CausePath'],
};
const UNSUPPORTED_TYPES = new Set(['Map', 'Parallel']);
const TOP_LEVEL_FIELDS = ['StartAt', 'States', 'Comment', 'Version', 'TimeoutSeconds', 'QueryLanguage'];
const MAX_STATE_NAME_LENGTH = 80;
/** The intrinsics AWS accepts in ErrorPath / CausePath (those that return a string). */
const FAIL_PATH_INTRINSICS = new Set([
  'States.Format',
  'States.JsonToString',
  'States.ArrayGetItem',
  'States.Base64Encode',
  'States.Base64Decode',
  'States.Hash',
  'States.UUID',
]);

class Problems {
  private readonly list: string[] = [];
  add(where: string, message: string): void {
    this.list.push(`${where}: ${message}`);
  }
  get any(): boolean {
    return this.list.length > 0;
  }
  toString(): string {
    return this.list.join('; ');
  }
}

export interface ValidationOptions {
  /** True when an integration handles the resource (without `.waitForTaskToken`). */
  hasIntegration: (resource: string) => boolean;
}

/** Parses and validates a definition; throws InvalidDefinition listing every problem found. */
export function validateDefinition(source: unknown, options: ValidationOptions): StateMachineDefinition {
  let definition: unknown = source;
  if (typeof source === 'string') {
    try {
      definition = JSON.parse(source);
    } catch (error) {
      throw new InvalidDefinition(
        `Invalid State Machine Definition: the definition is not valid JSON (${String(error)})`,
      );
    }
  }
  const problems = new Problems();
  if (!isJsonObject(definition)) {
    throw new InvalidDefinition('Invalid State Machine Definition: the definition must be a JSON object');
  }
  for (const key of Object.keys(definition)) {
    if (!TOP_LEVEL_FIELDS.includes(key)) problems.add('top level', `field '${key}' is not supported`);
  }
  checkQueryLanguage(definition.QueryLanguage, 'top level', problems);
  if (definition.Version !== undefined && definition.Version !== '1.0') {
    problems.add('top level', 'field \'Version\' must be "1.0"');
  }
  if (definition.Comment !== undefined && typeof definition.Comment !== 'string') {
    problems.add('top level', "field 'Comment' must be a string");
  }
  if (
    definition.TimeoutSeconds !== undefined &&
    !isPositiveInteger(definition.TimeoutSeconds, MAX_TIMEOUT_SECONDS)
  ) {
    problems.add(
      'top level',
      `field 'TimeoutSeconds' must be an integer between 1 and ${MAX_TIMEOUT_SECONDS}`,
    );
  }
  const states = definition.States;
  if (!isJsonObject(states) || Object.keys(states).length === 0) {
    problems.add('top level', "field 'States' must be a non-empty object");
    throw new InvalidDefinition(`Invalid State Machine Definition: ${problems}`);
  }
  const names = new Set(Object.keys(states));
  if (typeof definition.StartAt !== 'string' || !names.has(definition.StartAt)) {
    problems.add('top level', "field 'StartAt' must name a state in 'States'");
  }
  for (const [name, state] of Object.entries(states)) {
    validateState(name, state, names, problems, options);
  }
  if (!problems.any && typeof definition.StartAt === 'string') {
    for (const name of unreachable(definition.StartAt, states as unknown as Record<string, State>)) {
      problems.add(`State '${name}'`, 'is not reachable from StartAt');
    }
  }
  if (problems.any) throw new InvalidDefinition(`Invalid State Machine Definition: ${problems}`);
  return definition as unknown as StateMachineDefinition;
}

function validateState(
  name: string,
  state: JsonValue,
  names: Set<string>,
  problems: Problems,
  options: ValidationOptions,
): void {
  const where = `State '${name}'`;
  if (name.length === 0 || name.length > MAX_STATE_NAME_LENGTH) {
    problems.add(where, `a state name must have 1 to ${MAX_STATE_NAME_LENGTH} characters`);
  }
  if (!isJsonObject(state)) {
    problems.add(where, 'must be an object');
    return;
  }
  const type = state.Type;
  if (typeof type === 'string' && UNSUPPORTED_TYPES.has(type)) {
    problems.add(where, `field 'Type': the state type '${type}' is not supported by the local engine`);
    return;
  }
  if (typeof type !== 'string' || !Object.hasOwn(ALLOWED_FIELDS, type)) {
    problems.add(where, `field 'Type': unknown state type '${String(type)}'`);
    return;
  }
  const allowed = ALLOWED_FIELDS[type as State['Type']];
  for (const key of Object.keys(state)) {
    if (!allowed.includes(key)) problems.add(where, `field '${key}' is not supported on a ${type} state`);
  }
  checkQueryLanguage(state.QueryLanguage, where, problems);
  const field = (key: string) => `${where} field '${key}'`;

  if (type === 'Task' || type === 'Pass' || type === 'Wait') checkTransition(state, names, where, problems);
  for (const key of ['InputPath', 'OutputPath']) {
    if (allowed.includes(key)) checkPath(state[key], field(key), problems, { nullable: true });
  }
  if (allowed.includes('ResultPath'))
    checkPath(state.ResultPath, field('ResultPath'), problems, { nullable: true, reference: true });
  for (const key of ['Parameters', 'ResultSelector']) {
    const template = state[key];
    if (template === undefined || !allowed.includes(key)) continue;
    if (!isJsonObject(template)) {
      problems.add(field(key), 'must be an object');
      continue;
    }
    const problem = checkTemplate(template, key);
    if (problem) problems.add(where, `field ${problem}`);
  }

  switch (type) {
    case 'Task':
      validateTask(state, names, where, problems, options);
      break;
    case 'Choice':
      validateChoice(state, names, where, problems);
      break;
    case 'Wait': {
      const present = ['Seconds', 'SecondsPath', 'Timestamp', 'TimestampPath'].filter(
        (key) => state[key] !== undefined,
      );
      if (present.length !== 1) {
        problems.add(where, 'exactly one of Seconds, SecondsPath, Timestamp and TimestampPath is required');
      }
      if (state.Seconds !== undefined && !isNonNegativeInteger(state.Seconds)) {
        problems.add(field('Seconds'), 'must be a non-negative integer');
      }
      if (
        state.Timestamp !== undefined &&
        (typeof state.Timestamp !== 'string' || parseTimestamp(state.Timestamp) === undefined)
      ) {
        problems.add(field('Timestamp'), 'must be an RFC 3339 timestamp such as 2026-03-02T00:00:00Z');
      }
      checkPath(state.SecondsPath, field('SecondsPath'), problems, { reference: true });
      checkPath(state.TimestampPath, field('TimestampPath'), problems, { reference: true });
      break;
    }
    case 'Fail':
      for (const [plain, path] of [
        ['Error', 'ErrorPath'],
        ['Cause', 'CausePath'],
      ] as const) {
        if (state[plain] !== undefined && state[path] !== undefined) {
          problems.add(where, `fields '${plain}' and '${path}' cannot both be set`);
        }
        if (state[plain] !== undefined && typeof state[plain] !== 'string')
          problems.add(field(plain), 'must be a string');
        const pathValue = state[path];
        if (typeof pathValue === 'string' && isIntrinsicExpression(pathValue)) {
          try {
            const call = parseIntrinsic(pathValue);
            if (!FAIL_PATH_INTRINSICS.has(call.name))
              problems.add(field(path), `${call.name} does not return a string`);
          } catch (error) {
            problems.add(field(path), error instanceof Error ? error.message : String(error));
          }
        } else {
          checkPath(pathValue, field(path), problems, {});
        }
      }
      break;
    default:
      break;
  }
}

function validateTask(
  state: Record<string, JsonValue>,
  names: Set<string>,
  where: string,
  problems: Problems,
  options: ValidationOptions,
): void {
  const field = (key: string) => `${where} field '${key}'`;
  if (typeof state.Resource !== 'string') {
    problems.add(field('Resource'), 'must be a string');
  } else {
    const info = describeResource(state.Resource);
    if (typeof info === 'string') problems.add(field('Resource'), info);
    else if (!options.hasIntegration(info.base)) {
      problems.add(field('Resource'), `no local integration handles '${info.base}'`);
    }
  }
  for (const key of ['TimeoutSeconds', 'HeartbeatSeconds']) {
    if (state[key] !== undefined && !isPositiveInteger(state[key], MAX_TIMEOUT_SECONDS)) {
      problems.add(field(key), `must be an integer between 1 and ${MAX_TIMEOUT_SECONDS}`);
    }
    if (state[key] !== undefined && state[`${key}Path`] !== undefined) {
      problems.add(where, `fields '${key}' and '${key}Path' cannot both be set`);
    }
    checkPath(state[`${key}Path`], field(`${key}Path`), problems, { reference: true });
  }
  if (
    typeof state.TimeoutSeconds === 'number' &&
    typeof state.HeartbeatSeconds === 'number' &&
    state.HeartbeatSeconds >= state.TimeoutSeconds
  ) {
    problems.add(field('HeartbeatSeconds'), 'must be smaller than TimeoutSeconds');
  }
  if (state.Retry !== undefined) {
    if (!Array.isArray(state.Retry)) problems.add(field('Retry'), 'must be an array');
    else {
      state.Retry.forEach((retrier, index) => {
        validateRetrier(retrier, `${where} Retry[${index}]`, problems);
      });
      checkErrorLists(state.Retry, `${where} field 'Retry'`, problems);
    }
  }
  if (state.Catch !== undefined) {
    if (!Array.isArray(state.Catch)) problems.add(field('Catch'), 'must be an array');
    else {
      state.Catch.forEach((catcher, index) => {
        const at = `${where} Catch[${index}]`;
        if (!isJsonObject(catcher)) {
          problems.add(at, 'must be an object');
          return;
        }
        for (const key of Object.keys(catcher)) {
          if (!['ErrorEquals', 'Next', 'ResultPath', 'Comment'].includes(key)) {
            problems.add(at, `field '${key}' is not supported`);
          }
        }
        if (typeof catcher.Next !== 'string' || !names.has(catcher.Next)) {
          problems.add(at, "field 'Next' must name a state in 'States'");
        }
        checkPath(catcher.ResultPath, `${at} field 'ResultPath'`, problems, {
          nullable: true,
          reference: true,
        });
      });
      checkErrorLists(state.Catch, `${where} field 'Catch'`, problems);
    }
  }
}

function validateRetrier(retrier: JsonValue, at: string, problems: Problems): void {
  if (!isJsonObject(retrier)) {
    problems.add(at, 'must be an object');
    return;
  }
  const known = [
    'ErrorEquals',
    'IntervalSeconds',
    'MaxAttempts',
    'BackoffRate',
    'MaxDelaySeconds',
    'JitterStrategy',
    'Comment',
  ];
  for (const key of Object.keys(retrier)) {
    if (!known.includes(key)) problems.add(at, `field '${key}' is not supported`);
  }
  if (
    retrier.IntervalSeconds !== undefined &&
    !isPositiveInteger(retrier.IntervalSeconds, MAX_TIMEOUT_SECONDS)
  ) {
    problems.add(at, "field 'IntervalSeconds' must be a positive integer");
  }
  if (retrier.MaxAttempts !== undefined && !isNonNegativeInteger(retrier.MaxAttempts)) {
    problems.add(at, "field 'MaxAttempts' must be a non-negative integer");
  }
  if (
    retrier.BackoffRate !== undefined &&
    !(typeof retrier.BackoffRate === 'number' && retrier.BackoffRate >= 1)
  ) {
    problems.add(at, "field 'BackoffRate' must be a number >= 1.0");
  }
  if (retrier.MaxDelaySeconds !== undefined && !isPositiveInteger(retrier.MaxDelaySeconds, 31_622_400)) {
    problems.add(at, "field 'MaxDelaySeconds' must be a positive integer");
  }
  if (
    retrier.JitterStrategy !== undefined &&
    retrier.JitterStrategy !== 'FULL' &&
    retrier.JitterStrategy !== 'NONE'
  ) {
    problems.add(at, "field 'JitterStrategy' must be FULL or NONE");
  }
}

/** ErrorEquals: non-empty string arrays; States.ALL alone in its list, and only in the last entry. */
function checkErrorLists(entries: JsonValue[], where: string, problems: Problems): void {
  entries.forEach((entry, index) => {
    const errors = isJsonObject(entry) ? entry.ErrorEquals : undefined;
    if (
      !Array.isArray(errors) ||
      errors.length === 0 ||
      !errors.every((error) => typeof error === 'string')
    ) {
      problems.add(`${where}[${index}]`, "field 'ErrorEquals' must be a non-empty array of strings");
      return;
    }
    if (errors.includes('States.ALL') && (errors.length > 1 || index !== entries.length - 1)) {
      problems.add(`${where}[${index}]`, "'States.ALL' must appear alone and in the last entry");
    }
  });
}

function validateChoice(
  state: Record<string, JsonValue>,
  names: Set<string>,
  where: string,
  problems: Problems,
): void {
  if (!Array.isArray(state.Choices) || state.Choices.length === 0) {
    problems.add(`${where} field 'Choices'`, 'must be a non-empty array');
    return;
  }
  state.Choices.forEach((rule, index) => {
    validateRule(rule, `${where} Choices[${index}]`, problems, true, names);
  });
  if (state.Default !== undefined && (typeof state.Default !== 'string' || !names.has(state.Default))) {
    problems.add(`${where} field 'Default'`, "must name a state in 'States'");
  }
}

function validateRule(
  rule: JsonValue,
  at: string,
  problems: Problems,
  topLevel: boolean,
  names: Set<string>,
): void {
  if (!isJsonObject(rule)) {
    problems.add(at, 'must be an object');
    return;
  }
  if (topLevel) {
    if (typeof rule.Next !== 'string' || !names.has(rule.Next))
      problems.add(at, "field 'Next' must name a state in 'States'");
  } else if (rule.Next !== undefined) {
    problems.add(at, "field 'Next' is only allowed on a top-level choice rule");
  }
  const keys = Object.keys(rule).filter((key) => key !== 'Next' && key !== 'Comment');
  const combinators = keys.filter((key) => key === 'And' || key === 'Or' || key === 'Not');
  if (combinators.length > 0) {
    if (keys.length !== 1) {
      problems.add(
        at,
        `a boolean expression must hold exactly one of And, Or, Not (found ${keys.join(', ')})`,
      );
      return;
    }
    const combinator = combinators[0] as string;
    const inner = rule[combinator];
    if (combinator === 'Not') {
      validateRule(inner as JsonValue, `${at}.Not`, problems, false, names);
    } else if (!Array.isArray(inner) || inner.length === 0) {
      problems.add(at, `field '${combinator}' must be a non-empty array`);
    } else {
      for (const [index, item] of inner.entries()) {
        validateRule(item, `${at}.${combinator}[${index}]`, problems, false, names);
      }
    }
    return;
  }
  const operators = keys.filter((key) => key !== 'Variable');
  const unknown = operators.filter((key) => !COMPARISON_OPERATORS.has(key) && !TYPE_TESTS.has(key));
  if (unknown.length > 0) {
    problems.add(at, `field '${unknown[0]}' is not a supported choice operator`);
    return;
  }
  if (operators.length !== 1) {
    problems.add(at, 'a data-test expression must hold exactly one comparison operator');
    return;
  }
  if (typeof rule.Variable !== 'string') {
    problems.add(at, "field 'Variable' must be a path");
    return;
  }
  checkPath(rule.Variable, `${at} field 'Variable'`, problems, {});
  const name = operators[0] as string;
  const value = rule[name];
  const operator = COMPARISON_OPERATORS.get(name);
  if (!operator) {
    if (typeof value !== 'boolean') problems.add(at, `field '${name}' must be a boolean`);
    return;
  }
  if (operator.path) {
    checkPath(value, `${at} field '${name}'`, problems, {});
    return;
  }
  const valid =
    operator.kind === 'Numeric'
      ? typeof value === 'number'
      : operator.kind === 'Boolean'
        ? typeof value === 'boolean'
        : operator.kind === 'Timestamp'
          ? typeof value === 'string' && parseTimestamp(value) !== undefined
          : typeof value === 'string';
  if (!valid) problems.add(at, `field '${name}' has a value of the wrong type`);
}

function checkTransition(
  state: Record<string, JsonValue>,
  names: Set<string>,
  where: string,
  problems: Problems,
): void {
  const hasNext = state.Next !== undefined;
  const hasEnd = state.End !== undefined;
  if (hasNext === hasEnd) problems.add(where, "exactly one of 'Next' and 'End' is required");
  if (hasEnd && state.End !== true) problems.add(`${where} field 'End'`, 'must be true');
  if (hasNext && (typeof state.Next !== 'string' || !names.has(state.Next))) {
    problems.add(`${where} field 'Next'`, "must name a state in 'States'");
  }
}

function checkQueryLanguage(value: JsonValue | undefined, where: string, problems: Problems): void {
  if (value !== undefined && value !== 'JSONPath') {
    problems.add(
      where,
      `field 'QueryLanguage': only "JSONPath" is supported by the local engine (got ${JSON.stringify(value)})`,
    );
  }
}

function checkPath(
  value: JsonValue | undefined,
  where: string,
  problems: Problems,
  options: { nullable?: boolean; reference?: boolean },
): void {
  if (value === undefined) return;
  if (value === null) {
    if (!options.nullable) problems.add(where, 'must be a path, not null');
    return;
  }
  if (typeof value !== 'string') {
    problems.add(where, 'must be a path string');
    return;
  }
  try {
    const parsed = parsePath(value);
    if (options.reference && (parsed.segments === undefined || parsed.context)) {
      problems.add(where, `'${value}' must be a reference path (names and indexes only)`);
    }
  } catch (error) {
    problems.add(where, error instanceof Error ? error.message : String(error));
  }
}

function unreachable(startAt: string, states: Record<string, State>): string[] {
  const seen = new Set<string>();
  const queue = [startAt];
  while (queue.length > 0) {
    const name = queue.pop() as string;
    if (seen.has(name)) continue;
    seen.add(name);
    const state = states[name];
    if (!state) continue;
    for (const next of successors(state)) queue.push(next);
  }
  return Object.keys(states).filter((name) => !seen.has(name));
}

function successors(state: State): string[] {
  switch (state.Type) {
    case 'Choice':
      return [...state.Choices.map((rule) => rule.Next as string), ...(state.Default ? [state.Default] : [])];
    case 'Task':
      return [...(state.Next ? [state.Next] : []), ...(state.Catch ?? []).map((catcher) => catcher.Next)];
    case 'Pass':
    case 'Wait':
      return state.Next ? [state.Next] : [];
    default:
      return [];
  }
}

function isPositiveInteger(value: unknown, maximum: number): boolean {
  return typeof value === 'number' && Number.isInteger(value) && value >= 1 && value <= maximum;
}

function isNonNegativeInteger(value: unknown): boolean {
  return typeof value === 'number' && Number.isInteger(value) && value >= 0;
}
