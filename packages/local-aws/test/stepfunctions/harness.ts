/** Shared setup for the Step Functions engine tests: a frozen virtual clock and scripted tasks. */
import { StateMachine } from 'aws-local-stepfunctions';
import { VirtualClock } from '../../src/clock';
import {
  type ExecutionDescription,
  type HistoryEvent,
  type JsonValue,
  StepFunctionsEngine,
  seededRandom,
  TaskFailedError,
  type TaskIntegration,
} from '../../src/stepfunctions';

export const START = Date.parse('2026-03-02T00:00:00.000Z');
export const DAY = 86_400_000;
export const REGION = 'us-east-1';
export const ACCOUNT = '123456789012';
/** A resource aws-local-stepfunctions runs only through a local handler (never real AWS). */
export const SDK_RESOURCE = 'arn:aws:states:::aws-sdk:foo:bar';
export const LAMBDA_RESOURCE = 'arn:aws:states:::lambda:invoke';
export const CALLBACK_RESOURCE = 'arn:aws:states:::lambda:invoke.waitForTaskToken';

export interface Harness {
  clock: VirtualClock;
  engine: StepFunctionsEngine;
  /** Every integration call, in order. */
  calls: Array<{ stateName: string; parameters: unknown; taskToken?: string }>;
}

export function createHarness(
  options: { seed?: number; start?: number; integrations?: Record<string, TaskIntegration> } = {},
): Harness {
  const clock = new VirtualClock({ start: options.start ?? START, speed: 0 });
  const calls: Harness['calls'] = [];
  const recording =
    (integration: TaskIntegration): TaskIntegration =>
    (parameters, context) => {
      calls.push({
        stateName: context.stateName,
        parameters,
        ...(context.taskToken === undefined ? {} : { taskToken: context.taskToken }),
      });
      return integration(parameters, context);
    };
  const integrations = options.integrations ?? {
    [SDK_RESOURCE]: async () => ({}),
    [LAMBDA_RESOURCE]: async () => ({}),
  };
  const engine = new StepFunctionsEngine({
    scheduler: clock,
    region: REGION,
    accountId: ACCOUNT,
    random: seededRandom(options.seed ?? 42),
    integrations: (resource) => {
      const integration = integrations[resource];
      return integration ? recording(integration) : undefined;
    },
  });
  return { clock, engine, calls };
}

/** Advances the clock deadline by deadline until the execution ends; fails if it blocks for good. */
export async function runToEnd(
  harness: Harness,
  executionArn: string,
  limit = START + 400 * DAY,
): Promise<ExecutionDescription> {
  for (;;) {
    const described = await harness.engine.whenSettled(executionArn);
    if (described.status !== 'RUNNING') return described;
    const next = harness.clock.pending()[0];
    if (next === undefined || next.at > limit)
      throw new Error(`execution blocked at ${new Date(harness.clock.now()).toISOString()}`);
    await harness.clock.advanceTo(next.at);
  }
}

export function history(harness: Harness, executionArn: string): HistoryEvent[] {
  return harness.engine.getExecutionHistory({ executionArn, maxResults: 1000 }).events;
}

/** Event types with their offsets from START in ms, e.g. ['TaskScheduled', 2000]. */
export function timeline(events: HistoryEvent[]): Array<[string, number]> {
  return events.map((event) => [event.type, event.timestamp.getTime() - START]);
}

// ---- Conformance: the same case on this engine and on aws-local-stepfunctions ----

export type TaskStep = { return: JsonValue } | { throw: { error: string; cause: string } };

export type Outcome =
  | { status: 'SUCCEEDED'; output: JsonValue }
  | { status: 'FAILED'; error: string; cause?: string };

export interface ConformanceCase {
  name: string;
  definition: Record<string, unknown>;
  input?: JsonValue;
  /** Scripted outcomes per Task state name; the last one repeats. */
  tasks?: Record<string, TaskStep[]>;
  /** The result AWS gives, per the AWS documentation. */
  expected: Outcome;
  /** The Parameters each Task state received, in order. */
  received?: Record<string, JsonValue[]>;
  /** Set (to the reason) when aws-local-stepfunctions is known to diverge from AWS here. */
  engineOnly?: string;
}

export interface Observed {
  outcome: Outcome;
  received: Record<string, JsonValue[]>;
}

function scripted(steps: readonly TaskStep[] | undefined, count: number): TaskStep {
  const step = steps?.[Math.min(count, (steps?.length ?? 1) - 1)];
  return step ?? { return: {} };
}

/** The execution name and state machine name conformance runs use on this engine. */
export const CONFORMANCE_EXECUTION = 'conformance-run';
export const CONFORMANCE_MACHINE = 'Conformance';

export async function runOnEngine(testCase: ConformanceCase): Promise<Observed> {
  const received: Record<string, JsonValue[]> = {};
  const task: TaskIntegration = async (parameters, context) => {
    const list = received[context.stateName] ?? [];
    list.push(parameters as JsonValue);
    received[context.stateName] = list;
    const step = scripted(testCase.tasks?.[context.stateName], list.length - 1);
    if ('throw' in step) throw new TaskFailedError(step.throw.error, step.throw.cause);
    return step.return;
  };
  const harness = createHarness({ integrations: { [SDK_RESOURCE]: task } });
  const stateMachineArn = harness.engine.registerStateMachine({
    name: CONFORMANCE_MACHINE,
    definition: testCase.definition,
  });
  const { executionArn } = harness.engine.startExecution({
    stateMachineArn,
    name: CONFORMANCE_EXECUTION,
    input: JSON.stringify(testCase.input ?? {}),
  });
  const described = await runToEnd(harness, executionArn);
  const outcome: Outcome =
    described.status === 'SUCCEEDED'
      ? { status: 'SUCCEEDED', output: JSON.parse(described.output ?? 'null') as JsonValue }
      : {
          status: 'FAILED',
          error: described.error ?? '',
          ...(described.cause === undefined ? {} : { cause: described.cause }),
        };
  return { outcome, received };
}

export async function runOnLocalStepFunctions(testCase: ConformanceCase): Promise<Observed> {
  const received: Record<string, JsonValue[]> = {};
  const states = testCase.definition.States as Record<string, { Type: string; Retry?: unknown }>;
  const handlers: Record<string, (input: JsonValue) => Promise<JsonValue>> = {};
  const retryIntervalOverrides: Record<string, number> = {};
  const waitTimeOverrides: Record<string, number> = {};
  for (const [name, state] of Object.entries(states)) {
    if (state.Type === 'Wait') waitTimeOverrides[name] = 0;
    if (state.Type !== 'Task') continue;
    if (state.Retry) retryIntervalOverrides[name] = 0;
    handlers[name] = async (input) => {
      const list = received[name] ?? [];
      list.push(input);
      received[name] = list;
      const step = scripted(testCase.tasks?.[name], list.length - 1);
      if ('throw' in step) throw Object.assign(new Error(step.throw.cause), { name: step.throw.error });
      return step.return;
    };
  }
  // asl-validator, which the library runs, writes QueryLanguage into the definition: give it a copy
  // (made by JSON, not structuredClone: the library checks plain objects against this realm's prototype).
  const definition = JSON.parse(JSON.stringify(testCase.definition)) as ConstructorParameters<
    typeof StateMachine
  >[0];
  const machine = new StateMachine(definition);
  const execution = machine.run(testCase.input ?? {}, {
    overrides: { taskResourceLocalHandlers: handlers, retryIntervalOverrides, waitTimeOverrides },
  });
  try {
    const output = (await execution.result) as JsonValue;
    return { outcome: { status: 'SUCCEEDED', output }, received };
  } catch (error) {
    const inner = (error as { cause?: unknown }).cause;
    const failure = inner instanceof Error ? inner : (error as Error);
    return { outcome: { status: 'FAILED', error: failure.name, cause: failure.message }, received };
  }
}

/** Compares an observed outcome with the expected one (a cause is compared only when expected). */
export function comparable(outcome: Outcome, expected: Outcome): Outcome {
  if (outcome.status === 'FAILED' && expected.status === 'FAILED' && expected.cause === undefined) {
    return { status: 'FAILED', error: outcome.error };
  }
  return outcome;
}
