/**
 * Runs the real ASL file (`statemachines/overdue-case.asl.json`) on the local Step Functions engine,
 * in virtual time, with every step scripted, as Step Functions Local's mocked service integrations
 * do: `lambda:invoke` is routed by `FunctionName` to a script per step function (what it returns or
 * throws), `events:putEvents` to a recorder. The Lambdas themselves are tested elsewhere; this tests
 * the ASL: paths, Retry, Catch, timeouts, data flow.
 */
import { readFileSync } from 'node:fs';
import * as path from 'node:path';
import { VirtualClock } from '../../local/clock';
import {
  type ExecutionDescription,
  type HistoryEvent,
  type JsonValue,
  StepFunctionsEngine,
  seededRandom,
  TaskFailedError,
  type TaskIntegration,
} from '../../local/stepfunctions';

export const ASL_FILE = path.join(__dirname, '..', '..', 'statemachines', 'overdue-case.asl.json');

export const SECOND = 1000;
export const MINUTE = 60 * SECOND;
export const HOUR = 60 * MINUTE;
export const DAY = 24 * HOUR;
/** A Monday, 10:00 UTC. */
export const START = Date.parse('2026-03-02T10:00:00.000Z');
export const REGION = 'us-east-1';
export const ACCOUNT = '123456789012';
export const CASE_ID = 'case-0001';

export const LAMBDA_INVOKE = 'arn:aws:states:::lambda:invoke';
export const PUT_EVENTS = 'arn:aws:states:::events:putEvents';

/** The step functions the ASL names, each by its `${…}` definition substitution. */
export const STEP_PLACEHOLDERS = {
  BeginCase: 'BeginCaseFunctionArn',
  SendStageContact: 'SendStageContactFunctionArn',
  AwaitResolution: 'AwaitResolutionFunctionArn',
  CloseCase: 'CloseCaseFunctionArn',
  WriteOffCase: 'WriteOffCaseFunctionArn',
} as const;
export type StepName = keyof typeof STEP_PLACEHOLDERS;
const STEP_NAMES = Object.keys(STEP_PLACEHOLDERS) as StepName[];

/** Every `${…}` placeholder the CDK stack substitutes (lib/workflow.ts). */
export const PLACEHOLDERS = [...Object.values(STEP_PLACEHOLDERS), 'EventBusName'] as const;
export type Placeholder = (typeof PLACEHOLDERS)[number];

export const functionArn = (step: StepName): string =>
  `arn:aws:lambda:${REGION}:${ACCOUNT}:function:collections-${step}`;
export const EVENT_BUS = 'collections';

export const SUBSTITUTIONS: Record<Placeholder, string> = {
  BeginCaseFunctionArn: functionArn('BeginCase'),
  SendStageContactFunctionArn: functionArn('SendStageContact'),
  AwaitResolutionFunctionArn: functionArn('AwaitResolution'),
  CloseCaseFunctionArn: functionArn('CloseCase'),
  WriteOffCaseFunctionArn: functionArn('WriteOffCase'),
  EventBusName: EVENT_BUS,
};

const PLACEHOLDER = /\$\{([^}]*)\}/g;

export function readAslText(): string {
  return readFileSync(ASL_FILE, 'utf8');
}

/** The names inside every `${…}` of the text, in order of appearance (repeats included). */
export function placeholdersIn(text: string): string[] {
  return [...text.matchAll(PLACEHOLDER)].map((match) => match[1] ?? '');
}

/** As CDK's definitionSubstitutions; an unknown placeholder is an error here rather than left in. */
export function substitute(text: string, values: Record<string, string>): string {
  return text.replace(PLACEHOLDER, (whole, name: string) => {
    const value = values[name];
    if (value === undefined) throw new Error(`no substitution for ${whole}`);
    // The values land inside JSON strings.
    return JSON.stringify(value).slice(1, -1);
  });
}

/** The ASL file as deployed, with fake ARNs. */
export function loadDefinition(): string {
  return substitute(readAslText(), SUBSTITUTIONS);
}

// ---- Scripted steps ----

/** What a step function received: the task's `Payload`. */
export interface StepPayload {
  caseId: string;
  at: string;
  stage?: string;
  token?: string;
  timeoutSeconds?: number;
  execution?: string;
}

export interface StepCall {
  step: StepName;
  /** The Task state that invoked it. */
  state: string;
  executionArn: string;
  payload: StepPayload;
  /** Virtual time of the call. */
  calledAt: number;
  /** When the calling state was last entered (its StateEntered event). */
  stateEnteredAt: number;
  /** `context.taskToken` from the engine, for `.waitForTaskToken` tasks. */
  taskToken?: string;
  /** What the script made the step return (undefined when it failed). */
  returned?: JsonValue;
}

export type StepBehaviour =
  /** The function's result: the task's `Payload`. */
  | { return: JsonValue }
  /** A failure with an ASL error name, as the Lambda service or the function reports it. */
  | { fail: string; cause?: string }
  /** A plain Error thrown: the engine fails the task with `States.TaskFailed`. */
  | { crash: string };

export type StepScript = (call: StepCall) => StepBehaviour;

/** The behaviours in order, one a call; the last one repeats. */
export function sequence(...behaviours: StepBehaviour[]): StepScript {
  let calls = 0;
  return () => {
    const behaviour = behaviours[Math.min(calls, behaviours.length - 1)];
    calls++;
    if (behaviour === undefined) throw new Error('sequence() needs at least one behaviour');
    return behaviour;
  };
}

/** Days of `waitSeconds` the default contact script returns, per stage (POLICY.md defaults). */
export const NOTICE_WAIT_SECONDS = 3 * 86_400;
export const SOFT_REMINDER_WAIT_SECONDS = 30 * 86_400;

export const sent = (waitSeconds: number): StepBehaviour => ({
  return: { outcome: 'SENT', waitSeconds, deferUntil: null },
});
export const deferred = (deferUntil: number, waitSeconds: number): StepBehaviour => ({
  return: { outcome: 'DEFERRED', waitSeconds, deferUntil: iso(deferUntil) },
});
export const writeOffDue = (): StepBehaviour => ({
  return: { outcome: 'WRITE_OFF_DUE', waitSeconds: 1, deferUntil: null },
});

/** The case facts the steps return (`CaseEventDetail`): they become the events' detail. */
const caseDetail = (payload: StepPayload, status: string, outstanding: number): JsonValue => ({
  caseId: payload.caseId,
  rentalId: 'rental-42',
  customerId: 'customer-7',
  status,
  stage: 'OVERDUE_NOTICE',
  outstanding: { amount: outstanding, currency: 'CNY' },
  at: payload.at,
});
export const openedDetail = (payload: StepPayload): JsonValue => caseDetail(payload, 'OPEN', 259_900);
export const closedDetail = (payload: StepPayload): JsonValue => caseDetail(payload, 'RESOLVED', 0);
export const writtenOffDetail = (payload: StepPayload): JsonValue =>
  caseDetail(payload, 'WRITTEN_OFF', 259_900);

export const DEFAULT_SCRIPTS: Record<StepName, StepScript> = {
  BeginCase: ({ payload }) => ({ return: openedDetail(payload) }),
  SendStageContact: ({ payload }) =>
    sent(payload.stage === 'SOFT_REMINDERS' ? SOFT_REMINDER_WAIT_SECONDS : NOTICE_WAIT_SECONDS),
  // The real step stores the token on the case and returns nothing.
  AwaitResolution: () => ({ return: null }),
  CloseCase: ({ payload }) => ({ return: closedDetail(payload) }),
  WriteOffCase: ({ payload }) => ({ return: writtenOffDetail(payload) }),
};

// ---- The putEvents recorder ----

export interface EventEntry {
  EventBusName: string;
  Source: string;
  DetailType: string;
  Detail: JsonValue;
}

export interface PutEventsAttempt {
  state: string;
  executionArn: string;
  calledAt: number;
  entries: EventEntry[];
  delivered: boolean;
}

/** A SendTaskSuccess the test plans: `output` for the wait in `state`, `after` ms into it. */
export interface PlannedResolution {
  state: string;
  after: number;
  output: JsonValue;
}

export interface HarnessOptions {
  seed?: number;
  start?: number;
  steps?: Partial<Record<StepName, StepScript>>;
  /**
   * Per Task state name, what its first calls do before its script takes over, e.g.
   * `{ 'Close case': [{ fail: 'Lambda.ServiceException' }] }`. For the putEvents states only
   * `fail` behaviours make sense (anything else delivers).
   */
  faults?: Record<string, StepBehaviour[]>;
}

export class WorkflowHarness {
  readonly clock: VirtualClock;
  readonly engine: StepFunctionsEngine;
  readonly stateMachineArn: string;
  /** Every call of a step function (every attempt), in order. */
  readonly calls: StepCall[] = [];
  /** Every putEvents attempt, in order. */
  readonly putEventsAttempts: PutEventsAttempt[] = [];
  private readonly scripts: Record<StepName, StepScript>;
  private readonly faults: Map<string, StepBehaviour[]>;
  private readonly lastEntered = new Map<string, { name: string; at: number }>();
  private eventIds = 0;

  constructor(options: HarnessOptions = {}) {
    this.clock = new VirtualClock({ start: options.start ?? START, speed: 0 });
    this.scripts = { ...DEFAULT_SCRIPTS, ...options.steps };
    this.faults = new Map(Object.entries(options.faults ?? {}).map(([state, list]) => [state, [...list]]));
    const integrations: Record<string, TaskIntegration> = {
      [LAMBDA_INVOKE]: (parameters, context) => this.invokeLambda(parameters, context),
      [PUT_EVENTS]: (parameters, context) => this.putEvents(parameters, context),
    };
    this.engine = new StepFunctionsEngine({
      scheduler: this.clock,
      region: REGION,
      accountId: ACCOUNT,
      random: seededRandom(options.seed ?? 7),
      integrations: (resource) => integrations[resource],
    });
    this.engine.onEvent(({ executionArn, event }) => {
      const name = event.stateEnteredEventDetails?.name;
      if (name !== undefined) this.lastEntered.set(executionArn, { name, at: event.timestamp.getTime() });
    });
    this.stateMachineArn = this.engine.registerStateMachine({
      name: 'OverdueCase',
      definition: loadDefinition(),
    });
  }

  /** Starts the case's execution (named by case id) and lets it run until it blocks. */
  async start(input: Record<string, JsonValue> = { caseId: CASE_ID }): Promise<string> {
    const { executionArn } = this.engine.startExecution({
      stateMachineArn: this.stateMachineArn,
      name: String(input.caseId),
      input: JSON.stringify(input),
    });
    await this.engine.whenSettled(executionArn);
    return executionArn;
  }

  /** Moves virtual time to `instant`, firing every deadline on the way, and lets the work settle. */
  async advanceTo(instant: number): Promise<void> {
    await this.clock.advanceTo(instant);
  }

  /** Fires deadlines one by one until the execution waits on its token in `state`. */
  async runUntilAwaiting(executionArn: string, state: string, limit = START + 400 * DAY): Promise<void> {
    for (;;) {
      const { status } = await this.engine.whenSettled(executionArn);
      if (status !== 'RUNNING') throw new Error(`execution ended (${status}) before '${state}'`);
      if (this.awaiting(executionArn) === state) return;
      await this.fireNext(executionArn, limit);
    }
  }

  /**
   * Fires deadlines one by one until the execution ends. With `resolve`, the API answers the
   * `resolve.state` wait `resolve.after` ms after it began (once), as a payment or return would.
   */
  async runToEnd(
    executionArn: string,
    options: { resolve?: PlannedResolution; limit?: number } = {},
  ): Promise<ExecutionDescription> {
    let planned = options.resolve;
    for (;;) {
      const described = await this.engine.whenSettled(executionArn);
      if (described.status !== 'RUNNING') return described;
      if (planned !== undefined && this.awaiting(executionArn) === planned.state) {
        await this.advanceTo(this.clock.now() + planned.after);
        if (this.awaiting(executionArn) === planned.state) {
          await this.resolve(executionArn, planned.output);
          planned = undefined;
        }
        continue;
      }
      await this.fireNext(executionArn, options.limit ?? START + 400 * DAY);
    }
  }

  /** The state whose task token the execution waits on, if it waits on one. */
  awaiting(executionArn: string): string | undefined {
    const events = this.history(executionArn);
    const last = events[events.length - 1];
    return last?.type === 'TaskSubmitted' ? this.lastEntered.get(executionArn)?.name : undefined;
  }

  /** The token of the latest "Await resolution …" call: the one the API would find on the case. */
  currentToken(executionArn: string): string {
    const call = this.callsOf('AwaitResolution', executionArn).at(-1);
    if (call?.payload.token === undefined) throw new Error('no Await resolution call yet');
    return call.payload.token;
  }

  /** What the API does on a payment, return or closure: SendTaskSuccess with the resolution. */
  async resolve(executionArn: string, resolution: JsonValue): Promise<void> {
    this.engine.sendTaskSuccess({
      taskToken: this.currentToken(executionArn),
      output: JSON.stringify(resolution),
    });
    await this.engine.whenSettled(executionArn);
  }

  async failTask(executionArn: string, error: string, cause: string): Promise<void> {
    this.engine.sendTaskFailure({ taskToken: this.currentToken(executionArn), error, cause });
    await this.engine.whenSettled(executionArn);
  }

  describe(executionArn: string): ExecutionDescription {
    return this.engine.describeExecution({ executionArn });
  }

  /** The whole history, every page. */
  history(executionArn: string): HistoryEvent[] {
    const events: HistoryEvent[] = [];
    let nextToken: string | undefined;
    do {
      const page = this.engine.getExecutionHistory({
        executionArn,
        maxResults: 1000,
        ...(nextToken === undefined ? {} : { nextToken }),
      });
      events.push(...page.events);
      nextToken = page.nextToken;
    } while (nextToken !== undefined);
    return events;
  }

  /** The states entered, in order, each with its entry time as an offset from START. */
  entered(executionArn: string): Array<[string, string]> {
    return this.history(executionArn).flatMap((event) => {
      const name = event.stateEnteredEventDetails?.name;
      return name === undefined ? [] : [[name, offset(event.timestamp.getTime())] as [string, string]];
    });
  }

  /** Entry instants (epoch ms) of one state, in order. */
  enteredTimes(executionArn: string, state: string): number[] {
    return this.history(executionArn)
      .filter((event) => event.stateEnteredEventDetails?.name === state)
      .map((event) => event.timestamp.getTime());
  }

  /**
   * The history as readable lines: offset from START, event type, and the state it belongs to
   * (Task* events belong to the state last entered), e.g. `0d 00:00:02.000 TaskFailed Close case`.
   */
  trace(executionArn: string): string[] {
    let state = '';
    return this.history(executionArn).map((event) => {
      const name = event.stateEnteredEventDetails?.name;
      if (name !== undefined) state = name;
      const owner = event.type.startsWith('Execution') ? '' : ` ${state}`;
      return `${offset(event.timestamp.getTime())} ${event.type}${owner}`;
    });
  }

  callsOf(step: StepName, executionArn?: string): StepCall[] {
    return this.calls.filter(
      (call) => call.step === step && (executionArn === undefined || call.executionArn === executionArn),
    );
  }

  callsIn(state: string): StepCall[] {
    return this.calls.filter((call) => call.state === state);
  }

  /** Events EventBridge accepted, in order. */
  published(): Array<EventEntry & { state: string; publishedAt: number }> {
    return this.putEventsAttempts
      .filter((attempt) => attempt.delivered)
      .flatMap((attempt) =>
        attempt.entries.map((entry) => ({ ...entry, state: attempt.state, publishedAt: attempt.calledAt })),
      );
  }

  private async fireNext(executionArn: string, limit: number): Promise<void> {
    const next = this.clock.pending()[0];
    if (next === undefined || next.at > limit) {
      throw new Error(
        `execution ${executionArn} blocked at ${iso(this.clock.now())} with no deadline before the limit`,
      );
    }
    await this.clock.advanceTo(next.at);
  }

  private takeFault(state: string): StepBehaviour | undefined {
    return this.faults.get(state)?.shift();
  }

  private async invokeLambda(
    parameters: unknown,
    context: { executionArn: string; stateName: string; taskToken?: string },
  ): Promise<unknown> {
    const { FunctionName, Payload } = parameters as { FunctionName: string; Payload: StepPayload };
    const step = STEP_NAMES.find((name) => functionArn(name) === FunctionName);
    if (step === undefined) {
      throw new TaskFailedError('Lambda.ResourceNotFoundException', `Function not found: ${FunctionName}`);
    }
    const call: StepCall = {
      step,
      state: context.stateName,
      executionArn: context.executionArn,
      payload: structuredClone(Payload),
      calledAt: this.clock.now(),
      stateEnteredAt: this.enteredAt(context.executionArn, context.stateName),
      ...(context.taskToken === undefined ? {} : { taskToken: context.taskToken }),
    };
    this.calls.push(call);
    const behaviour = this.takeFault(context.stateName) ?? this.scripts[step](call);
    if ('fail' in behaviour) throw new TaskFailedError(behaviour.fail, behaviour.cause);
    if ('crash' in behaviour) throw new Error(behaviour.crash);
    call.returned = behaviour.return;
    // The lambda:invoke integration's result: the function's response, its result under `Payload`.
    return { ExecutedVersion: '$LATEST', Payload: behaviour.return, StatusCode: 200 };
  }

  private async putEvents(
    parameters: unknown,
    context: { executionArn: string; stateName: string },
  ): Promise<unknown> {
    const { Entries } = parameters as { Entries: EventEntry[] };
    const fault = this.takeFault(context.stateName);
    const failure = fault !== undefined && 'fail' in fault ? fault : undefined;
    this.putEventsAttempts.push({
      state: context.stateName,
      executionArn: context.executionArn,
      calledAt: this.clock.now(),
      entries: structuredClone(Entries),
      delivered: failure === undefined,
    });
    if (failure) throw new TaskFailedError(failure.fail, failure.cause);
    return {
      Entries: Entries.map(() => ({ EventId: `event-${++this.eventIds}` })),
      FailedEntryCount: 0,
    };
  }

  private enteredAt(executionArn: string, state: string): number {
    const entered = this.lastEntered.get(executionArn);
    if (entered?.name !== state) throw new Error(`'${state}' called while '${entered?.name}' is current`);
    return entered.at;
  }
}

export function iso(epochMs: number): string {
  return new Date(epochMs).toISOString();
}

/** `3d 04:05:06.007`: the time since START. */
export function offset(epochMs: number): string {
  const ms = epochMs - START;
  const sign = ms < 0 ? '-' : '';
  const abs = Math.abs(ms);
  const days = Math.floor(abs / DAY);
  const rest = new Date(abs % DAY).toISOString().slice(11, 23);
  return `${sign}${days}d ${rest}`;
}

/** Delays between each failed attempt of `state` and the next attempt's TaskScheduled, in ms. */
export function retryDelays(events: HistoryEvent[], state: string): number[] {
  const delays: number[] = [];
  let current = '';
  let failedAt: number | undefined;
  for (const event of events) {
    const name = event.stateEnteredEventDetails?.name;
    if (name !== undefined) {
      current = name;
      failedAt = undefined;
    }
    if (current !== state) continue;
    if (event.type === 'TaskFailed') failedAt = event.timestamp.getTime();
    if (event.type === 'TaskScheduled' && failedAt !== undefined) {
      delays.push(event.timestamp.getTime() - failedAt);
      failedAt = undefined;
    }
  }
  return delays;
}
