/**
 * Moves an execution forward from its record until it blocks (a Wait deadline, a retry backoff, a
 * task in flight or awaiting its token) or ends. Every entry point here runs synchronously; the only
 * asynchronous work, integration calls and deadlines, goes through the host, which tracks it on the
 * virtual clock and calls back into the runner.
 */
import type { ResourceInfo, State, StateMachineDefinition, TaskState } from './definition';
import { describeResource } from './definition';
import { StatesError, StatesErrors } from './errors';
import type { Cursor, ExecutionRecord, Phase } from './execution';
import {
  type HistoryEvent,
  MAX_HISTORY_EVENTS,
  type NewEvent,
  type StateType,
  TERMINAL_EVENT_TYPES,
} from './history';
import { type JsonObject, type JsonValue, stringify } from './json';
import {
  applyInputPath,
  applyOutputPath,
  applyResultPath,
  applyTemplate,
  errorOutput,
  exceedsPayloadLimit,
  findCatcher,
  findRetrier,
  type ProcessingEnvironment,
  processChoice,
  processFail,
  processPass,
  processTaskResult,
  processWait,
  RETRY_DEFAULTS,
  retryDelayMs,
  taskTimeouts,
} from './processing';
import { isoTime } from './timestamps';

export type TimerGroup = 'execution' | 'state' | 'heartbeat';

export type TaskOutcome = { ok: true; result: JsonValue } | { ok: false; error: string; cause?: string };

export interface RunnerHost {
  readonly region: string;
  now(): number;
  random(): number;
  uuid(): string;
  definition(execution: ExecutionRecord): StateMachineDefinition;
  /** Appends an event (numbered, linked and stamped by the host). */
  record(execution: ExecutionRecord, event: NewEvent): HistoryEvent;
  schedule(execution: ExecutionRecord, group: TimerGroup, at: number, label: string, run: () => void): void;
  cancelTimers(execution: ExecutionRecord, group: TimerGroup): void;
  mintToken(execution: ExecutionRecord, attempt: number): string;
  closeToken(token: string): void;
  /** Calls the integration for `resource`; reports back through `onIntegrationOutcome`. */
  invoke(
    execution: ExecutionRecord,
    resource: ResourceInfo,
    parameters: JsonValue,
    context: { executionArn: string; stateName: string; taskToken?: string },
    attempt: number,
  ): void;
  /** The execution left RUNNING. */
  finished(execution: ExecutionRecord): void;
}

/** Unwinds the runner when the 25,000-event history limit has failed the execution. */
export class HistoryLimitReached extends Error {
  constructor() {
    super('The execution reached the maximum number of history events');
    this.name = 'HistoryLimitReached';
  }
}

/** AWS limit on how long an execution may run. */
export const MAX_EXECUTION_MS = 365 * 24 * 60 * 60 * 1000;

export class ExecutionRunner {
  constructor(private readonly host: RunnerHost) {}

  /** Arms the execution deadline and runs from the start state until the execution blocks. */
  begin(execution: ExecutionRecord): void {
    this.armExecutionTimeout(execution);
    this.guard(execution, () => this.drive(execution));
  }

  /**
   * Re-arms a RUNNING execution loaded from a snapshot, from its record alone. A task whose
   * integration call was in flight when the snapshot was taken is started again (a new attempt,
   * at-least-once, as after a lost call); a callback task whose call had returned keeps its token.
   */
  resume(execution: ExecutionRecord): void {
    const cursor = execution.cursor;
    if (execution.status !== 'RUNNING' || !cursor) return;
    this.armExecutionTimeout(execution);
    const phase = cursor.phase;
    switch (phase.kind) {
      case 'entering':
        this.host.schedule(execution, 'state', this.host.now(), `Resume '${cursor.stateName}'`, () =>
          this.guard(execution, () => this.drive(execution)),
        );
        return;
      case 'waiting':
        this.armWait(execution, cursor, phase.until);
        return;
      case 'retrying':
        this.armRetry(execution, cursor, phase.until);
        return;
      case 'task': {
        if (phase.token !== undefined && phase.submitted) {
          this.armTaskDeadlines(execution, cursor, phase);
          return;
        }
        this.host.schedule(execution, 'state', this.host.now(), `Restart '${cursor.stateName}'`, () =>
          this.guard(execution, () => {
            this.endAttempt(execution);
            this.startTask(execution, cursor, this.state(execution, cursor.stateName) as TaskState);
            this.drive(execution);
          }),
        );
        return;
      }
    }
  }

  private armExecutionTimeout(execution: ExecutionRecord): void {
    this.host.schedule(execution, 'execution', execution.timeoutAt, 'execution timeout', () =>
      this.guard(execution, () => this.timeOut(execution)),
    );
  }

  onIntegrationOutcome(execution: ExecutionRecord, attempt: number, outcome: TaskOutcome): void {
    this.guard(execution, () => {
      const phase = this.taskPhase(execution, attempt);
      if (!phase) return;
      if (!outcome.ok) {
        this.taskFailed(execution, 'TaskFailed', outcome.error, outcome.cause);
      } else if (phase.token === undefined) {
        this.taskSucceeded(execution, outcome.result);
      } else if (!phase.submitted) {
        // Callback pattern: the integration's own result is recorded and otherwise ignored.
        phase.submitted = true;
        this.record(execution, {
          type: 'TaskSubmitted',
          taskSubmittedEventDetails: {
            ...this.resourceDetails(execution),
            ...data('output', outcome.result),
          },
        });
      }
      this.drive(execution);
    });
  }

  onCallbackSuccess(execution: ExecutionRecord, attempt: number, output: JsonValue): void {
    this.guard(execution, () => {
      if (!this.taskPhase(execution, attempt)) return;
      this.taskSucceeded(execution, output);
      this.drive(execution);
    });
  }

  onCallbackFailure(
    execution: ExecutionRecord,
    attempt: number,
    error: string | undefined,
    cause: string | undefined,
  ): void {
    this.guard(execution, () => {
      if (!this.taskPhase(execution, attempt)) return;
      this.taskFailed(execution, 'TaskFailed', error, cause);
      this.drive(execution);
    });
  }

  onHeartbeat(execution: ExecutionRecord, attempt: number): void {
    const phase = this.taskPhase(execution, attempt);
    if (!phase || phase.heartbeatSeconds === undefined) return;
    this.host.cancelTimers(execution, 'heartbeat');
    phase.heartbeatAt = this.host.now() + phase.heartbeatSeconds * 1000;
    this.armHeartbeat(execution, phase);
  }

  /** Fails the execution from outside the interpreter (an engine error). */
  fail(execution: ExecutionRecord, error: string, cause: string): void {
    this.guard(execution, () => this.failExecution(execution, error, cause));
  }

  abort(execution: ExecutionRecord, error: string | undefined, cause: string | undefined): void {
    this.guard(execution, () => {
      this.record(execution, {
        type: 'ExecutionAborted',
        executionAbortedEventDetails: errorDetails(error, cause),
      });
      this.close(execution, 'ABORTED', { error, cause });
    });
  }

  private guard(execution: ExecutionRecord, work: () => void): void {
    if (execution.status !== 'RUNNING') return;
    try {
      work();
    } catch (error) {
      if (error instanceof HistoryLimitReached) return;
      if (error instanceof StatesError && execution.status === 'RUNNING') {
        this.failExecution(execution, error.error, error.errorCause);
        return;
      }
      throw error;
    }
  }

  /** Runs states back to back (a loop, not recursion: Pass/Choice loops can be long) until blocked. */
  private drive(execution: ExecutionRecord): void {
    while (execution.status === 'RUNNING' && execution.cursor?.phase.kind === 'entering') {
      try {
        this.enter(execution, execution.cursor);
      } catch (error) {
        if (!(error instanceof StatesError) || execution.status !== 'RUNNING') throw error;
        this.failExecution(execution, error.error, error.errorCause);
      }
    }
  }

  private enter(execution: ExecutionRecord, cursor: Cursor): void {
    const state = this.state(execution, cursor.stateName);
    const first = execution.history.length === 1;
    // Seen in AWS histories: the first state's entry links to event 0 (not to ExecutionStarted) and
    // shows the execution input as it was given, formatting included.
    const input = first
      ? { input: execution.inputText, inputDetails: { truncated: false } }
      : data('input', cursor.input);
    const entered = this.record(execution, {
      type: `${state.Type}StateEntered`,
      stateEnteredEventDetails: { name: cursor.stateName, ...input },
      ...(first ? { previousEventId: 0 } : {}),
    });
    cursor.enteredTime = this.host.now();
    cursor.enteredEventId = entered.id;
    this.run(execution, cursor, state);
  }

  private run(execution: ExecutionRecord, cursor: Cursor, state: State): void {
    const env = this.environment(execution, cursor);
    switch (state.Type) {
      case 'Pass': {
        const output = processPass(state, cursor.input, env);
        this.exitState(execution, cursor, state.Type, output, state.Next);
        return;
      }
      case 'Choice': {
        const { next, output } = processChoice(state, cursor.input, env);
        if (next === undefined) {
          this.failExecution(
            execution,
            StatesErrors.NoChoiceMatched,
            `${env.describeState}No choice rule matched and there is no Default.`,
          );
          return;
        }
        this.exitState(execution, cursor, state.Type, output, next);
        return;
      }
      case 'Wait': {
        const { until } = processWait(state, cursor.input, this.host.now(), env);
        cursor.phase = { kind: 'waiting', until };
        this.armWait(execution, cursor, until);
        return;
      }
      case 'Succeed': {
        const effective = applyInputPath(state.InputPath, cursor.input, env);
        this.exitState(
          execution,
          cursor,
          state.Type,
          applyOutputPath(state.OutputPath, effective, env),
          undefined,
        );
        return;
      }
      case 'Fail': {
        const { error, cause } = processFail(state, cursor.input, env);
        this.failExecution(execution, error, cause);
        return;
      }
      case 'Task':
        this.startTask(execution, cursor, state);
        return;
    }
  }

  private armWait(execution: ExecutionRecord, cursor: Cursor, until: number): void {
    this.host.schedule(execution, 'state', until, `Wait '${cursor.stateName}'`, () =>
      this.guard(execution, () => {
        if (execution.cursor !== cursor || cursor.phase.kind !== 'waiting') return;
        const state = this.state(execution, cursor.stateName);
        if (state.Type !== 'Wait') return;
        const env = this.environment(execution, cursor);
        const output = applyOutputPath(
          state.OutputPath,
          applyInputPath(state.InputPath, cursor.input, env),
          env,
        );
        this.exitState(execution, cursor, 'Wait', output, state.Next);
        this.drive(execution);
      }),
    );
  }

  private startTask(execution: ExecutionRecord, cursor: Cursor, state: TaskState): void {
    const env = this.environment(execution, cursor);
    const effective = applyInputPath(state.InputPath, cursor.input, env);
    const { timeoutSeconds, heartbeatSeconds } = taskTimeouts(state, effective, env);
    const resource = this.resource(state);
    const attempt = ++execution.attempts;
    const token = resource.callback ? this.host.mintToken(execution, attempt) : undefined;
    const now = this.host.now();
    const phase: Extract<Phase, { kind: 'task' }> = {
      kind: 'task',
      attempt,
      submitted: false,
      ...(token === undefined ? {} : { token }),
      ...(timeoutSeconds === undefined ? {} : { timeoutAt: now + timeoutSeconds * 1000 }),
      ...(heartbeatSeconds === undefined
        ? {}
        : { heartbeatSeconds, heartbeatAt: now + heartbeatSeconds * 1000 }),
    };
    // Set before Parameters is evaluated, so a failure there still closes the minted token.
    cursor.phase = phase;
    const context = this.context(execution, cursor, token);
    const parameters =
      state.Parameters === undefined
        ? effective
        : applyTemplate(state.Parameters, effective, { ...env, context });
    if (exceedsPayloadLimit(parameters)) {
      this.taskFailed(
        execution,
        undefined,
        StatesErrors.DataLimitExceeded,
        'The state input after Parameters exceeds the maximum payload size of 256 KiB.',
      );
      return;
    }
    this.record(execution, {
      type: 'TaskScheduled',
      taskScheduledEventDetails: {
        resourceType: resource.resourceType,
        resource: resource.resource,
        region: this.host.region,
        parameters: stringify(parameters),
        ...(timeoutSeconds === undefined ? {} : { timeoutInSeconds: timeoutSeconds }),
        ...(heartbeatSeconds === undefined ? {} : { heartbeatInSeconds: heartbeatSeconds }),
      },
    });
    this.record(execution, { type: 'TaskStarted', taskStartedEventDetails: this.resourceDetails(execution) });
    this.armTaskDeadlines(execution, cursor, phase);
    this.host.invoke(
      execution,
      resource,
      parameters,
      {
        executionArn: execution.executionArn,
        stateName: cursor.stateName,
        ...(token === undefined ? {} : { taskToken: token }),
      },
      attempt,
    );
  }

  private armTaskDeadlines(
    execution: ExecutionRecord,
    cursor: Cursor,
    phase: Extract<Phase, { kind: 'task' }>,
  ): void {
    const attempt = phase.attempt;
    if (phase.timeoutAt !== undefined) {
      this.host.schedule(execution, 'state', phase.timeoutAt, `Task '${cursor.stateName}' timeout`, () =>
        this.guard(execution, () => {
          if (!this.taskPhase(execution, attempt)) return;
          this.taskFailed(execution, 'TaskTimedOut', StatesErrors.Timeout, undefined);
          this.drive(execution);
        }),
      );
    }
    this.armHeartbeat(execution, phase);
  }

  private armHeartbeat(execution: ExecutionRecord, phase: Extract<Phase, { kind: 'task' }>): void {
    if (phase.heartbeatAt === undefined) return;
    const attempt = phase.attempt;
    this.host.schedule(execution, 'heartbeat', phase.heartbeatAt, 'Task heartbeat timeout', () =>
      this.guard(execution, () => {
        if (!this.taskPhase(execution, attempt)) return;
        this.taskFailed(execution, 'TaskTimedOut', StatesErrors.HeartbeatTimeout, undefined);
        this.drive(execution);
      }),
    );
  }

  private taskSucceeded(execution: ExecutionRecord, result: JsonValue): void {
    const cursor = execution.cursor as Cursor;
    const state = this.state(execution, cursor.stateName) as TaskState;
    this.endAttempt(execution);
    if (exceedsPayloadLimit(result)) {
      this.taskFailed(
        execution,
        'TaskFailed',
        StatesErrors.DataLimitExceeded,
        'The task result exceeds the maximum payload size of 256 KiB.',
      );
      return;
    }
    this.record(execution, {
      type: 'TaskSucceeded',
      taskSucceededEventDetails: { ...this.resourceDetails(execution), ...data('output', result) },
    });
    const env = this.environment(execution, cursor);
    const output = processTaskResult(state, cursor.input, result, env);
    this.exitState(execution, cursor, 'Task', output, state.Next);
  }

  /**
   * A task attempt failed (`eventType` undefined: before anything was scheduled). Retry, then Catch,
   * then the execution fails.
   */
  private taskFailed(
    execution: ExecutionRecord,
    eventType: 'TaskFailed' | 'TaskTimedOut' | undefined,
    error: string | undefined,
    cause: string | undefined,
  ): void {
    const cursor = execution.cursor as Cursor;
    const state = this.state(execution, cursor.stateName) as TaskState;
    this.endAttempt(execution);
    if (eventType === 'TaskFailed') {
      this.record(execution, {
        type: 'TaskFailed',
        taskFailedEventDetails: { ...this.resourceDetails(execution), ...errorDetails(error, cause) },
      });
    } else if (eventType === 'TaskTimedOut') {
      this.record(execution, {
        type: 'TaskTimedOut',
        taskTimedOutEventDetails: { ...this.resourceDetails(execution), ...errorDetails(error, cause) },
      });
    }
    const name = error ?? '';
    const retrierIndex = findRetrier(state.Retry, name);
    const retrier = state.Retry?.[retrierIndex];
    if (retrier) {
      const used = cursor.retryAttempts[retrierIndex] ?? 0;
      if (used < (retrier.MaxAttempts ?? RETRY_DEFAULTS.MaxAttempts)) {
        cursor.retryAttempts[retrierIndex] = used + 1;
        const until = this.host.now() + retryDelayMs(retrier, used, () => this.host.random());
        cursor.phase = { kind: 'retrying', until };
        this.armRetry(execution, cursor, until);
        return;
      }
    }
    const catcher = findCatcher(state.Catch, name);
    if (catcher) {
      const env = this.environment(execution, cursor);
      const output = applyResultPath(catcher.ResultPath, cursor.input, errorOutput(error, cause), env);
      this.exitState(execution, cursor, 'Task', output, catcher.Next);
      return;
    }
    this.failExecution(execution, error, cause);
  }

  private armRetry(execution: ExecutionRecord, cursor: Cursor, until: number): void {
    this.host.schedule(execution, 'state', until, `Retry '${cursor.stateName}'`, () =>
      this.guard(execution, () => {
        if (execution.cursor !== cursor || cursor.phase.kind !== 'retrying') return;
        cursor.retryCount++;
        this.startTask(execution, cursor, this.state(execution, cursor.stateName) as TaskState);
        this.drive(execution);
      }),
    );
  }

  /** Closes the current attempt: its deadlines are cancelled and its token answers nothing more. */
  private endAttempt(execution: ExecutionRecord): void {
    const phase = execution.cursor?.phase;
    this.host.cancelTimers(execution, 'state');
    this.host.cancelTimers(execution, 'heartbeat');
    if (phase?.kind === 'task' && phase.token !== undefined) this.host.closeToken(phase.token);
  }

  private exitState(
    execution: ExecutionRecord,
    cursor: Cursor,
    type: Exclude<StateType, 'Fail'>,
    output: JsonValue,
    next: string | undefined,
  ): void {
    if (exceedsPayloadLimit(output)) {
      this.failExecution(
        execution,
        StatesErrors.DataLimitExceeded,
        `The state/task '${cursor.stateName}' returned a result with a size exceeding the maximum number of bytes service limit.`,
      );
      return;
    }
    this.record(execution, {
      type: `${type}StateExited`,
      stateExitedEventDetails: { name: cursor.stateName, ...data('output', output) },
    });
    if (next === undefined) {
      this.record(execution, {
        type: 'ExecutionSucceeded',
        executionSucceededEventDetails: data('output', output),
      });
      this.close(execution, 'SUCCEEDED', { output: stringify(output) });
      return;
    }
    execution.cursor = {
      stateName: next,
      input: output,
      enteredTime: this.host.now(),
      enteredEventId: 0,
      retryAttempts: [],
      retryCount: 0,
      phase: { kind: 'entering' },
    };
  }

  private timeOut(execution: ExecutionRecord): void {
    // Measured on AWS: the ExecutionTimedOut event links to event 0 and carries States.Timeout.
    this.record(execution, {
      type: 'ExecutionTimedOut',
      previousEventId: 0,
      executionTimedOutEventDetails: { error: StatesErrors.Timeout },
    });
    this.close(execution, 'TIMED_OUT', {});
  }

  private failExecution(
    execution: ExecutionRecord,
    error: string | undefined,
    cause: string | undefined,
  ): void {
    this.record(execution, {
      type: 'ExecutionFailed',
      executionFailedEventDetails: errorDetails(error, cause),
    });
    this.close(execution, 'FAILED', { error, cause });
  }

  private close(
    execution: ExecutionRecord,
    status: Exclude<ExecutionRecord['status'], 'RUNNING'>,
    outcome: { output?: string; error?: string | undefined; cause?: string | undefined },
  ): void {
    if (execution.status !== 'RUNNING') return;
    this.endAttempt(execution);
    this.host.cancelTimers(execution, 'execution');
    execution.status = status;
    execution.stopDate = this.host.now();
    if (outcome.output !== undefined) execution.output = outcome.output;
    if (outcome.error !== undefined) execution.error = outcome.error;
    if (outcome.cause !== undefined) execution.cause = outcome.cause;
    execution.cursor = undefined;
    this.host.finished(execution);
  }

  /** AWS fails an execution whose history reaches 25,000 events; the failure is event 25,000. */
  private record(execution: ExecutionRecord, event: NewEvent): HistoryEvent {
    if (execution.history.length >= MAX_HISTORY_EVENTS - 1 && !TERMINAL_EVENT_TYPES.has(event.type)) {
      const cause = `The execution reached the maximum number of history events (${MAX_HISTORY_EVENTS}).`;
      this.host.record(execution, {
        type: 'ExecutionFailed',
        executionFailedEventDetails: { error: StatesErrors.Runtime, cause },
      });
      this.close(execution, 'FAILED', { error: StatesErrors.Runtime, cause });
      throw new HistoryLimitReached();
    }
    return this.host.record(execution, event);
  }

  private taskPhase(
    execution: ExecutionRecord,
    attempt: number,
  ): Extract<Phase, { kind: 'task' }> | undefined {
    const phase = execution.cursor?.phase;
    if (execution.status !== 'RUNNING' || phase?.kind !== 'task' || phase.attempt !== attempt)
      return undefined;
    return phase;
  }

  private state(execution: ExecutionRecord, name: string): State {
    const state = this.host.definition(execution).States[name];
    if (!state) throw new Error(`state '${name}' is not in the definition`);
    return state;
  }

  private resource(state: TaskState): ResourceInfo {
    const info = describeResource(state.Resource);
    if (typeof info === 'string') throw new Error(info);
    return info;
  }

  private resourceDetails(execution: ExecutionRecord): { resourceType: string; resource: string } {
    const state = this.state(execution, (execution.cursor as Cursor).stateName) as TaskState;
    const { resourceType, resource } = this.resource(state);
    return { resourceType, resource };
  }

  private environment(execution: ExecutionRecord, cursor: Cursor): ProcessingEnvironment {
    return {
      context: this.context(execution, cursor, undefined),
      random: () => this.host.random(),
      uuid: () => this.host.uuid(),
      describeState: `An error occurred while executing the state '${cursor.stateName}' (entered at the event id #${cursor.enteredEventId}). `,
    };
  }

  /** The context object (`$$`); `Task.Token` only while evaluating a callback task's Parameters. */
  private context(execution: ExecutionRecord, cursor: Cursor, token: string | undefined): JsonObject {
    return {
      Execution: {
        Id: execution.executionArn,
        Input: execution.input,
        Name: execution.name,
        RoleArn: execution.roleArn,
        StartTime: isoTime(execution.startDate),
        RedriveCount: 0,
      },
      State: {
        EnteredTime: isoTime(cursor.enteredTime),
        Name: cursor.stateName,
        RetryCount: cursor.retryCount,
      },
      StateMachine: { Id: execution.stateMachineArn, Name: execution.stateMachineName },
      ...(token === undefined ? {} : { Task: { Token: token } }),
    };
  }
}

function data<K extends 'input' | 'output'>(
  key: K,
  value: JsonValue,
): { [P in K]: string } & { [P in `${K}Details`]: { truncated: boolean } } {
  return { [key]: stringify(value), [`${key}Details`]: { truncated: false } } as { [P in K]: string } & {
    [P in `${K}Details`]: { truncated: boolean };
  };
}

function errorDetails(
  error: string | undefined,
  cause: string | undefined,
): { error?: string; cause?: string } {
  return { ...(error === undefined ? {} : { error }), ...(cause === undefined ? {} : { cause }) };
}
