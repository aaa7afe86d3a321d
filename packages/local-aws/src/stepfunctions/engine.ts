/**
 * A deterministic Step Functions engine on a virtual clock: the Step Functions API over the ASL
 * interpreter in `runner.ts`. Names, error names and result shapes follow the AWS API, so the HTTP
 * facade is a thin translation and `@aws-sdk/client-sfn` works against it unchanged.
 *
 * Business time comes only from the scheduler: Wait states, task timeouts and heartbeats, retry
 * backoffs and execution deadlines are scheduler deadlines, and every unit of asynchronous work (a
 * step of an execution, an integration call) is tracked, so `VirtualClock.advanceTo` knows when
 * the system is quiet. Tokens, generated names, States.UUID and jitter come from the seeded
 * `random`, so the same definition, inputs, seed and clock give the same histories byte for byte.
 */
import type { Scheduler, TimerHandle } from '../clock';
import { type StateMachineDefinition, validateDefinition } from './definition';
import {
  ExecutionAlreadyExists,
  ExecutionDoesNotExist,
  InvalidArn,
  InvalidExecutionInput,
  InvalidName,
  InvalidOutput,
  InvalidToken,
  StateMachineAlreadyExists,
  StateMachineDoesNotExist,
  TaskFailedError,
  TaskTimedOut,
  ValidationException,
} from './errors';
import type { ExecutionRecord, ExecutionStatus } from './execution';
import { copyEvent, type HistoryEvent, type NewEvent, withoutExecutionData } from './history';
import { byteLength, MAX_PAYLOAD_BYTES, toJsonValue, tryParseJson } from './json';
import { type Random, randomUuid } from './random';
import {
  ExecutionRunner,
  MAX_EXECUTION_MS,
  type RunnerHost,
  type TaskOutcome,
  type TimerGroup,
} from './runner';
import { TaskTokens } from './tokens';

export interface TaskContext {
  executionArn: string;
  stateName: string;
  /** Set for `.waitForTaskToken` tasks: the token `$$.Task.Token` resolved to. */
  taskToken?: string;
}

/**
 * Runs a Task's resource. Throw `TaskFailedError(error, cause)` to fail the task with an ASL error
 * name; anything else thrown fails it with `States.TaskFailed`. For a `.waitForTaskToken` resource
 * the result is ignored and the task waits for its token.
 */
export type TaskIntegration = (parameters: unknown, context: TaskContext) => Promise<unknown>;

export interface StepFunctionsEngineOptions {
  scheduler: Scheduler;
  region: string;
  accountId: string;
  /** Seeded source in [0, 1) for tokens, generated names, States.UUID, MathRandom and jitter. */
  random: Random;
  /** Looks up the integration for a resource ARN (without any `.waitForTaskToken` suffix). */
  integrations: (resource: string) => TaskIntegration | undefined;
}

export interface StateMachineDescription {
  stateMachineArn: string;
  name: string;
  status: 'ACTIVE';
  definition: string;
  roleArn: string;
  type: 'STANDARD';
  creationDate: Date;
}

export interface ExecutionDescription {
  executionArn: string;
  stateMachineArn: string;
  name: string;
  status: ExecutionStatus;
  startDate: Date;
  stopDate?: Date;
  input: string;
  inputDetails: { included: boolean };
  output?: string;
  outputDetails?: { included: boolean };
  error?: string;
  cause?: string;
}

export interface ExecutionListItem {
  executionArn: string;
  stateMachineArn: string;
  name: string;
  status: ExecutionStatus;
  startDate: Date;
  stopDate?: Date;
}

/** An engine's state as plain JSON: save it, then `restore` it into a fresh engine (after a restart). */
export interface EngineSnapshot {
  version: 1;
  sequence: number;
  machines: Array<{ name: string; definition: string; roleArn: string; creationDate: number }>;
  executions: Array<
    Omit<ExecutionRecord, 'history'> & {
      history: Array<Omit<HistoryEvent, 'timestamp'> & { timestamp: number }>;
    }
  >;
  tokens: ReturnType<TaskTokens['export']>;
}

export interface EngineEvent {
  executionArn: string;
  event: HistoryEvent;
}

interface MachineRecord {
  arn: string;
  name: string;
  definition: StateMachineDefinition;
  definitionText: string;
  roleArn: string;
  creationDate: number;
}

interface Timer {
  group: TimerGroup;
  handle: TimerHandle;
  release: () => void;
}

const EXECUTION_STATUSES: readonly ExecutionStatus[] = [
  'RUNNING',
  'SUCCEEDED',
  'FAILED',
  'TIMED_OUT',
  'ABORTED',
];
const DEFAULT_PAGE = 100;
const MAX_PAGE = 1000;
/** How long after an execution closes its name can start a new one (Standard workflows). */
export const NAME_REUSE_AFTER_MS = 90 * 24 * 60 * 60 * 1000;

// AWS: names of 1-80 characters without whitespace, wildcards, brackets, special or control characters.
const INVALID_NAME_CHARACTER = /[\s?*<>{}[\]"#%\\^|~`$&,;:/]/;
const isControlCharacter = (code: number) => code <= 0x1f || (code >= 0x7f && code <= 0x9f);
const STATE_MACHINE_ARN = /^arn:aws:states:([a-z0-9-]+):(\d{12}):stateMachine:([^:]+)$/;
const EXECUTION_ARN = /^arn:aws:states:([a-z0-9-]+):(\d{12}):execution:([^:]+):([^:]+)$/;

export class StepFunctionsEngine {
  private readonly scheduler: Scheduler;
  private readonly region: string;
  private readonly accountId: string;
  private readonly random: Random;
  private readonly integrations: (resource: string) => TaskIntegration | undefined;
  private readonly machines = new Map<string, MachineRecord>();
  private readonly executions = new Map<string, ExecutionRecord>();
  private readonly tokens: TaskTokens;
  private readonly timers = new Map<string, Timer[]>();
  private readonly busy = new Map<string, number>();
  private readonly settleWaiters = new Map<string, Array<() => void>>();
  private readonly listeners = new Set<(event: EngineEvent) => void>();
  private readonly runner: ExecutionRunner;
  private sequence = 0;

  constructor(options: StepFunctionsEngineOptions) {
    this.scheduler = options.scheduler;
    this.region = options.region;
    this.accountId = options.accountId;
    this.random = options.random;
    this.integrations = options.integrations;
    this.tokens = new TaskTokens(this.random);
    this.runner = new ExecutionRunner(this.host());
  }

  registerStateMachine(input: { name: string; definition: unknown; roleArn?: string }): string {
    checkName(input.name, 'state machine');
    const definition = validateDefinition(input.definition, {
      hasIntegration: (resource) => this.integrations(resource) !== undefined,
    });
    const definitionText =
      typeof input.definition === 'string' ? input.definition : JSON.stringify(input.definition);
    const arn = `arn:aws:states:${this.region}:${this.accountId}:stateMachine:${input.name}`;
    const roleArn = input.roleArn ?? `arn:aws:iam::${this.accountId}:role/${input.name}-role`;
    const existing = this.machines.get(arn);
    if (existing) {
      // AWS: creating an identical state machine again is idempotent; a different one is refused.
      if (existing.definitionText === definitionText && existing.roleArn === roleArn) return arn;
      throw new StateMachineAlreadyExists(`State Machine Already Exists: '${arn}'`);
    }
    this.machines.set(arn, {
      arn,
      name: input.name,
      definition,
      definitionText,
      roleArn,
      creationDate: this.scheduler.now(),
    });
    return arn;
  }

  describeStateMachine(input: { stateMachineArn: string }): StateMachineDescription {
    const machine = this.machine(input.stateMachineArn);
    return {
      stateMachineArn: machine.arn,
      name: machine.name,
      status: 'ACTIVE',
      definition: machine.definitionText,
      roleArn: machine.roleArn,
      type: 'STANDARD',
      creationDate: new Date(machine.creationDate),
    };
  }

  listStateMachines(input: { maxResults?: number; nextToken?: string } = {}): {
    stateMachines: Array<{ stateMachineArn: string; name: string; type: 'STANDARD'; creationDate: Date }>;
    nextToken?: string;
  } {
    const all = [...this.machines.values()].sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
    const { items, nextToken } = paginate(all, (machine) => machine.arn, input.maxResults, input.nextToken);
    return {
      stateMachines: items.map((machine) => ({
        stateMachineArn: machine.arn,
        name: machine.name,
        type: 'STANDARD',
        creationDate: new Date(machine.creationDate),
      })),
      ...(nextToken === undefined ? {} : { nextToken }),
    };
  }

  startExecution(input: { stateMachineArn: string; name?: string; input?: string }): {
    executionArn: string;
    startDate: Date;
  } {
    const machine = this.machine(input.stateMachineArn);
    const inputText = input.input ?? '{}';
    if (typeof inputText !== 'string') throw new ValidationException("Value at 'input' must be a string");
    const parsed = tryParseJson(inputText);
    if (!parsed) {
      throw new InvalidExecutionInput(`Invalid State Machine Execution Input: '${inputText.slice(0, 200)}'`);
    }
    if (byteLength(inputText) > MAX_PAYLOAD_BYTES) {
      throw new InvalidExecutionInput('Invalid State Machine Execution Input: the input exceeds 256 KiB');
    }
    if (input.name !== undefined) checkName(input.name, 'execution');
    const name = input.name ?? randomUuid(this.random);
    const executionArn = `arn:aws:states:${this.region}:${this.accountId}:execution:${machine.name}:${name}`;
    const existing = this.executions.get(executionArn);
    const now = this.scheduler.now();
    // AWS (Standard): a name is taken while its execution runs and for 90 days after it closes; then
    // the closed execution is gone and the name starts a new one.
    const released =
      existing !== undefined &&
      existing.status !== 'RUNNING' &&
      existing.stopDate !== undefined &&
      now >= existing.stopDate + NAME_REUSE_AFTER_MS;
    if (existing && !released) {
      // Same name and input while RUNNING returns the running execution; otherwise refused.
      if (existing.status === 'RUNNING' && existing.inputText === inputText) {
        return { executionArn, startDate: new Date(existing.startDate) };
      }
      throw new ExecutionAlreadyExists(`Execution Already Exists: '${executionArn}'`);
    }
    const limitMs = Math.min(
      (machine.definition.TimeoutSeconds ?? Number.POSITIVE_INFINITY) * 1000,
      MAX_EXECUTION_MS,
    );
    const execution: ExecutionRecord = {
      executionArn,
      stateMachineArn: machine.arn,
      stateMachineName: machine.name,
      name,
      roleArn: machine.roleArn,
      inputText,
      input: parsed.value,
      status: 'RUNNING',
      startDate: now,
      timeoutAt: now + limitMs,
      history: [],
      cursor: {
        stateName: machine.definition.StartAt,
        input: parsed.value,
        enteredTime: now,
        enteredEventId: 0,
        retryAttempts: [],
        retryCount: 0,
        phase: { kind: 'entering' },
      },
      attempts: 0,
      sequence: this.sequence++,
    };
    this.executions.set(executionArn, execution);
    this.appendEvent(execution, {
      type: 'ExecutionStarted',
      previousEventId: 0,
      executionStartedEventDetails: {
        input: inputText,
        inputDetails: { truncated: false },
        roleArn: machine.roleArn,
      },
    });
    this.later(execution, () => this.runner.begin(execution));
    return { executionArn, startDate: new Date(now) };
  }

  describeExecution(input: { executionArn: string }): ExecutionDescription {
    const execution = this.execution(input.executionArn);
    return {
      executionArn: execution.executionArn,
      stateMachineArn: execution.stateMachineArn,
      name: execution.name,
      status: execution.status,
      startDate: new Date(execution.startDate),
      ...(execution.stopDate === undefined ? {} : { stopDate: new Date(execution.stopDate) }),
      input: execution.inputText,
      inputDetails: { included: true },
      ...(execution.output === undefined
        ? {}
        : { output: execution.output, outputDetails: { included: true } }),
      ...(execution.error === undefined ? {} : { error: execution.error }),
      ...(execution.cause === undefined ? {} : { cause: execution.cause }),
    };
  }

  stopExecution(input: { executionArn: string; error?: string; cause?: string }): { stopDate: Date } {
    const execution = this.execution(input.executionArn);
    this.runner.abort(execution, input.error, input.cause);
    return { stopDate: new Date(execution.stopDate ?? this.scheduler.now()) };
  }

  listExecutions(input: {
    stateMachineArn: string;
    statusFilter?: ExecutionStatus;
    maxResults?: number;
    nextToken?: string;
  }): { executions: ExecutionListItem[]; nextToken?: string } {
    const machine = this.machine(input.stateMachineArn);
    if (input.statusFilter !== undefined && !EXECUTION_STATUSES.includes(input.statusFilter)) {
      throw new ValidationException(
        `Value '${String(input.statusFilter)}' at 'statusFilter' failed to satisfy constraint`,
      );
    }
    const matching = [...this.executions.values()]
      .filter((execution) => execution.stateMachineArn === machine.arn)
      .filter((execution) => input.statusFilter === undefined || execution.status === input.statusFilter)
      .sort((a, b) => b.startDate - a.startDate || b.sequence - a.sequence);
    const { items, nextToken } = paginate(
      matching,
      (execution) => execution.executionArn,
      input.maxResults,
      input.nextToken,
    );
    return {
      executions: items.map((execution) => ({
        executionArn: execution.executionArn,
        stateMachineArn: execution.stateMachineArn,
        name: execution.name,
        status: execution.status,
        startDate: new Date(execution.startDate),
        ...(execution.stopDate === undefined ? {} : { stopDate: new Date(execution.stopDate) }),
      })),
      ...(nextToken === undefined ? {} : { nextToken }),
    };
  }

  getExecutionHistory(input: {
    executionArn: string;
    maxResults?: number;
    nextToken?: string;
    reverseOrder?: boolean;
    includeExecutionData?: boolean;
  }): { events: HistoryEvent[]; nextToken?: string } {
    const execution = this.execution(input.executionArn);
    const ordered = input.reverseOrder ? [...execution.history].reverse() : execution.history;
    const { items, nextToken } = paginate(
      ordered,
      (event) => String(event.id),
      input.maxResults,
      input.nextToken,
    );
    const events = items.map((event) =>
      input.includeExecutionData === false ? withoutExecutionData(event) : copyEvent(event),
    );
    return { events, ...(nextToken === undefined ? {} : { nextToken }) };
  }

  sendTaskSuccess(input: { taskToken: string; output: string }): Record<string, never> {
    const target = this.tokens.resolve(input.taskToken);
    if (typeof input.output !== 'string') throw new ValidationException("Value at 'output' must be a string");
    const output = tryParseJson(input.output);
    if (!output) throw new InvalidOutput(`Invalid Output: '${input.output.slice(0, 200)}'`);
    if (byteLength(input.output) > MAX_PAYLOAD_BYTES) {
      throw new ValidationException(
        "Value at 'output' failed to satisfy constraint: Member must have length less than or equal to 262144",
      );
    }
    const execution = this.liveTaskExecution(target.executionArn);
    // Processed at once, as a deadline is: the answer cannot race the task's own timeout.
    this.runner.onCallbackSuccess(execution, target.attempt, output.value);
    return {};
  }

  sendTaskFailure(input: { taskToken: string; error?: string; cause?: string }): Record<string, never> {
    const target = this.tokens.resolve(input.taskToken);
    const execution = this.liveTaskExecution(target.executionArn);
    this.runner.onCallbackFailure(execution, target.attempt, input.error, input.cause);
    return {};
  }

  sendTaskHeartbeat(input: { taskToken: string }): Record<string, never> {
    const target = this.tokens.resolve(input.taskToken);
    const execution = this.liveTaskExecution(target.executionArn);
    this.runner.onHeartbeat(execution, target.attempt);
    return {};
  }

  /**
   * Resolves once the execution has left RUNNING or is blocked: waiting for a deadline in the future
   * or for a task token, with no step or integration call in flight.
   */
  whenSettled(executionArn: string): Promise<ExecutionDescription> {
    this.execution(executionArn);
    return new Promise((resolve) => {
      const done = () => resolve(this.describeExecution({ executionArn }));
      if ((this.busy.get(executionArn) ?? 0) === 0) {
        done();
        return;
      }
      const waiters = this.settleWaiters.get(executionArn) ?? [];
      waiters.push(done);
      this.settleWaiters.set(executionArn, waiters);
    });
  }

  /**
   * Everything the engine holds, as JSON. Executions are plain records (state, input, pending
   * deadline or token), so a waiting case survives a restart. The seeded `random` is not part of it.
   */
  snapshot(): EngineSnapshot {
    const snapshot: EngineSnapshot = {
      version: 1,
      sequence: this.sequence,
      machines: [...this.machines.values()].map((machine) => ({
        name: machine.name,
        definition: machine.definitionText,
        roleArn: machine.roleArn,
        creationDate: machine.creationDate,
      })),
      executions: [...this.executions.values()].map((execution) => ({
        ...execution,
        history: execution.history.map((event) => ({ ...event, timestamp: event.timestamp.getTime() })),
      })),
      tokens: this.tokens.export(),
    };
    return JSON.parse(JSON.stringify(snapshot)) as EngineSnapshot;
  }

  /** Loads a snapshot into this (empty) engine and re-arms every RUNNING execution's deadlines. */
  restore(snapshot: EngineSnapshot): void {
    if (snapshot.version !== 1) throw new Error(`unsupported snapshot version ${String(snapshot.version)}`);
    if (this.machines.size > 0 || this.executions.size > 0)
      throw new Error('restore needs an engine with no state machines');
    for (const machine of snapshot.machines) {
      const arn = this.registerStateMachine({
        name: machine.name,
        definition: machine.definition,
        roleArn: machine.roleArn,
      });
      (this.machines.get(arn) as MachineRecord).creationDate = machine.creationDate;
    }
    this.tokens.import(snapshot.tokens);
    this.sequence = snapshot.sequence;
    const restored = snapshot.executions.map((saved) => {
      const execution: ExecutionRecord = {
        ...saved,
        history: saved.history.map((event) => ({ ...event, timestamp: new Date(event.timestamp) })),
      };
      this.machine(execution.stateMachineArn);
      this.executions.set(execution.executionArn, execution);
      return execution;
    });
    for (const execution of restored) this.runner.resume(execution);
  }

  /** Calls `listener` with every history event as it is recorded; returns an unsubscribe function. */
  onEvent(listener: (event: EngineEvent) => void): () => void {
    this.listeners.add(listener);
    return () => {
      this.listeners.delete(listener);
    };
  }

  private host(): RunnerHost {
    return {
      region: this.region,
      now: () => this.scheduler.now(),
      random: () => this.random(),
      uuid: () => randomUuid(this.random),
      definition: (execution) => this.machine(execution.stateMachineArn).definition,
      record: (execution, event) => this.appendEvent(execution, event),
      schedule: (execution, group, at, label, run) => this.schedule(execution, group, at, label, run),
      cancelTimers: (execution, group) => this.cancelTimers(execution, group),
      mintToken: (execution, attempt) => this.tokens.mint({ executionArn: execution.executionArn, attempt }),
      closeToken: (token) => this.tokens.close(token),
      invoke: (execution, resource, parameters, context, attempt) => {
        const integration = this.integrations(resource.base);
        this.work(execution, async () => {
          const outcome = await callIntegration(integration, resource.base, parameters, context);
          this.runner.onIntegrationOutcome(execution, attempt, outcome);
        });
      },
      finished: (execution) => {
        this.tokens.closeAll(execution.executionArn);
        this.cancelTimers(execution, undefined);
      },
    };
  }

  private appendEvent(execution: ExecutionRecord, event: NewEvent): HistoryEvent {
    const { previousEventId, type, ...details } = event;
    const id = execution.history.length + 1;
    const recorded: HistoryEvent = {
      timestamp: new Date(this.scheduler.now()),
      type,
      id,
      previousEventId: previousEventId ?? id - 1,
      ...details,
    };
    execution.history.push(recorded);
    for (const listener of this.listeners) {
      try {
        listener({ executionArn: execution.executionArn, event: copyEvent(recorded) });
      } catch (error) {
        process.emitWarning(`Step Functions event listener failed: ${String(error)}`);
      }
    }
    return recorded;
  }

  /** Runs `step` on a later turn, tracked on the clock and counted as the execution's work in flight. */
  private later(execution: ExecutionRecord, step: () => void): void {
    this.work(execution, async () => step());
  }

  private work(execution: ExecutionRecord, job: () => Promise<void>): void {
    const arn = execution.executionArn;
    this.busy.set(arn, (this.busy.get(arn) ?? 0) + 1);
    const done = Promise.resolve()
      .then(job)
      .catch((error: unknown) => this.internalError(execution, error))
      .finally(() => this.release(arn));
    void this.scheduler.track(done);
  }

  /** A bug in the engine must not pass silently: the execution fails and Node prints a warning. */
  private internalError(execution: ExecutionRecord, error: unknown): void {
    const message = error instanceof Error ? (error.stack ?? error.message) : String(error);
    process.emitWarning(`Step Functions engine error in ${execution.executionArn}: ${message}`);
    this.runner.fail(execution, 'States.Runtime', `Local engine error: ${message}`);
  }

  private release(arn: string): void {
    const count = (this.busy.get(arn) ?? 1) - 1;
    this.busy.set(arn, count);
    if (count > 0) return;
    const waiters = this.settleWaiters.get(arn) ?? [];
    this.settleWaiters.delete(arn);
    for (const waiter of waiters) waiter();
  }

  private schedule(
    execution: ExecutionRecord,
    group: TimerGroup,
    at: number,
    label: string,
    run: () => void,
  ): void {
    const arn = execution.executionArn;
    // A deadline already due fires on the clock's next turn: count it as work in flight meanwhile.
    let released = at > this.scheduler.now();
    if (!released) this.busy.set(arn, (this.busy.get(arn) ?? 0) + 1);
    const release = () => {
      if (released) return;
      released = true;
      this.release(arn);
    };
    const timers = this.timers.get(arn) ?? [];
    const timer: Timer = {
      group,
      release,
      handle: this.scheduler.schedule(at, `${execution.name}: ${label}`, () => {
        this.timers.set(
          arn,
          (this.timers.get(arn) ?? []).filter((candidate) => candidate !== timer),
        );
        try {
          run();
        } finally {
          release();
        }
      }),
    };
    timers.push(timer);
    this.timers.set(arn, timers);
  }

  private cancelTimers(execution: ExecutionRecord, group: TimerGroup | undefined): void {
    const arn = execution.executionArn;
    const timers = this.timers.get(arn) ?? [];
    const keep: Timer[] = [];
    for (const timer of timers) {
      if (group === undefined || timer.group === group) {
        timer.handle.cancel();
        timer.release();
      } else {
        keep.push(timer);
      }
    }
    this.timers.set(arn, keep);
  }

  private liveTaskExecution(executionArn: string): ExecutionRecord {
    const execution = this.executions.get(executionArn);
    if (execution?.status !== 'RUNNING') throw new TaskTimedOut('Task Timed Out');
    return execution;
  }

  private machine(arn: unknown): MachineRecord {
    if (typeof arn !== 'string' || !STATE_MACHINE_ARN.test(arn))
      throw new InvalidArn(`Invalid Arn: '${String(arn)}'`);
    const machine = this.machines.get(arn);
    if (!machine) throw new StateMachineDoesNotExist(`State Machine Does Not Exist: '${arn}'`);
    return machine;
  }

  private execution(arn: unknown): ExecutionRecord {
    if (typeof arn !== 'string' || !EXECUTION_ARN.test(arn))
      throw new InvalidArn(`Invalid Arn: '${String(arn)}'`);
    const execution = this.executions.get(arn);
    if (!execution) throw new ExecutionDoesNotExist(`Execution Does Not Exist: '${arn}'`);
    return execution;
  }
}

async function callIntegration(
  integration: TaskIntegration | undefined,
  resource: string,
  parameters: unknown,
  context: TaskContext,
): Promise<TaskOutcome> {
  if (!integration)
    return { ok: false, error: 'States.TaskFailed', cause: `No local integration handles '${resource}'` };
  try {
    return { ok: true, result: toJsonValue(await integration(parameters, context)) };
  } catch (error) {
    if (error instanceof TaskFailedError) {
      return {
        ok: false,
        error: error.error,
        ...(error.errorCause === undefined ? {} : { cause: error.errorCause }),
      };
    }
    return {
      ok: false,
      error: 'States.TaskFailed',
      cause: error instanceof Error ? error.message : String(error),
    };
  }
}

function checkName(name: unknown, kind: string): void {
  if (
    typeof name !== 'string' ||
    name.length === 0 ||
    name.length > 80 ||
    INVALID_NAME_CHARACTER.test(name) ||
    [...name].some((char) => isControlCharacter(char.charCodeAt(0)))
  ) {
    throw new InvalidName(`Invalid Name: '${String(name)}' is not a valid ${kind} name`);
  }
}

/** Pages through `items`; the token names the last item returned, so inserts before it do not shift pages. */
function paginate<T>(
  items: readonly T[],
  key: (item: T) => string,
  maxResults: number | undefined,
  nextToken: string | undefined,
): { items: T[]; nextToken?: string } {
  if (
    maxResults !== undefined &&
    (!Number.isInteger(maxResults) || maxResults < 0 || maxResults > MAX_PAGE)
  ) {
    throw new ValidationException(
      `Value '${maxResults}' at 'maxResults' failed to satisfy constraint: Member must be between 0 and ${MAX_PAGE}`,
    );
  }
  const size = maxResults === undefined || maxResults === 0 ? DEFAULT_PAGE : maxResults;
  let start = 0;
  if (nextToken !== undefined) {
    const after = Buffer.from(nextToken, 'base64url').toString('utf8');
    const index = items.findIndex((item) => key(item) === after);
    if (index < 0) throw new InvalidToken(`Invalid Token: '${nextToken}'`);
    start = index + 1;
  }
  const page = items.slice(start, start + size);
  const last = page[page.length - 1];
  const more = start + size < items.length && last !== undefined;
  return more
    ? { items: page, nextToken: Buffer.from(key(last), 'utf8').toString('base64url') }
    : { items: page };
}
