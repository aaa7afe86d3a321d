/**
 * Runs the real ASL file (`statemachines/overdue-case.asl.json`) on the local Step Functions engine,
 * in virtual time, with every step scripted, as Step Functions Local's mocked service integrations
 * do: `lambda:invoke` is routed by `FunctionName` to a script per step function (what it returns or
 * throws), `events:putEvents` and `sns:publish` to recorders. The Lambdas themselves are tested
 * elsewhere; this tests the ASL: paths, Retry, Catch, timeouts, data flow.
 *
 * The default scripts walk the ladder as the real steps would with the default policy (docs/policy.md):
 * they keep a small fake of the case (where the ladder stands, whether a report was filed, …) that
 * follows what every step returned, scripted or not, so a test overrides only the step it is about.
 */
import { readFileSync } from 'node:fs';
import * as path from 'node:path';
import {
  type ExecutionDescription,
  type HistoryEvent,
  type JsonValue,
  StepFunctionsEngine,
  seededRandom,
  TaskFailedError,
  type TaskIntegration,
  VirtualClock,
} from '@rental-collections/local-aws';
import { CONTACT_STAGES, type ContactStage, outlivesExecution } from '../../lambdas/domain/services/ladder';
import { nextExecutionName } from '../../lambdas/domain/services/tracks';
import { GRACE_DAYS, POLICY, waitSeconds } from '../support/policy';
import { DAY, HOUR, iso, SECOND, START_DAY } from '../support/time';

export const ASL_FILE = path.join(__dirname, '..', '..', 'statemachines', 'overdue-case.asl.json');

export { DAY, HOUR, iso, MINUTE, SECOND } from '../support/time';

/** A Monday, 10:00 UTC: the case's due date, and when its execution starts. */
export const START = START_DAY + 10 * HOUR;
export const REGION = 'us-east-1';
export const ACCOUNT = '123456789012';
export const CASE_ID = 'case-0001';
export const STATE_MACHINE_NAME = 'OverdueCase';

export const LAMBDA_INVOKE = 'arn:aws:states:::lambda:invoke';
export const PUT_EVENTS = 'arn:aws:states:::events:putEvents';
export const SNS_PUBLISH = 'arn:aws:states:::sns:publish';

/** The step functions the ASL names, each by its `${…}` definition substitution (lib/workflow.ts). */
export const STEP_PLACEHOLDERS = {
  BeginCase: 'BeginCaseFunctionArn',
  SendStageContact: 'SendStageContactFunctionArn',
  SendCaseMessage: 'SendCaseMessageFunctionArn',
  AwaitResolution: 'AwaitResolutionFunctionArn',
  PrepareWait: 'PrepareWaitFunctionArn',
  CheckCase: 'CheckCaseFunctionArn',
  CheckArrangement: 'CheckArrangementFunctionArn',
  ResumeLadder: 'ResumeLadderFunctionArn',
  ReportToBureau: 'ReportToBureauFunctionArn',
  RestrictAccount: 'RestrictAccountFunctionArn',
  OpenLegalReview: 'OpenLegalReviewFunctionArn',
  StartLegalAction: 'StartLegalActionFunctionArn',
  UpdateCreditReport: 'UpdateCreditReportFunctionArn',
  CloseCase: 'CloseCaseFunctionArn',
  CancelCase: 'CancelCaseFunctionArn',
  WriteOffCase: 'WriteOffCaseFunctionArn',
  ContinueCase: 'ContinueCaseFunctionArn',
} as const;
export type StepName = keyof typeof STEP_PLACEHOLDERS;
export const STEP_NAMES = Object.keys(STEP_PLACEHOLDERS) as StepName[];

/** Every `${…}` placeholder the CDK stack substitutes (lib/workflow.ts): 17 functions, the bus, the ops topic. */
export const PLACEHOLDERS = [...Object.values(STEP_PLACEHOLDERS), 'EventBusName', 'OpsTopicArn'] as const;
export type Placeholder = (typeof PLACEHOLDERS)[number];

export const functionArn = (step: StepName): string =>
  `arn:aws:lambda:${REGION}:${ACCOUNT}:function:collections-${step}`;
export const EVENT_BUS = 'collections';
export const OPS_TOPIC = `arn:aws:sns:${REGION}:${ACCOUNT}:collections-ops`;

export const SUBSTITUTIONS: Record<Placeholder, string> = {
  ...(Object.fromEntries(STEP_NAMES.map((step) => [STEP_PLACEHOLDERS[step], functionArn(step)])) as Record<
    (typeof STEP_PLACEHOLDERS)[StepName],
    string
  >),
  EventBusName: EVENT_BUS,
  OpsTopicArn: OPS_TOPIC,
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

export const executionArnOf = (name: string): string =>
  `arn:aws:states:${REGION}:${ACCOUNT}:execution:${STATE_MACHINE_NAME}:${name}`;

// ---- Scripted steps ----

/** What a step function received: the task's `Payload` (the fields each step's Parameters send). */
export interface StepPayload {
  caseId: string;
  at?: string;
  stage?: string;
  awaiting?: string;
  arrangement?: string;
  action?: CreditReportAction;
  token?: string;
  timeoutSeconds?: number;
  execution?: string;
  executionStartedAt?: string;
  continueAt?: string;
  stateMachineArn?: string;
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

/** What "Update the credit report" is asked to do (`UpdateCreditReport`'s `action`). */
export type CreditReportAction = 'SETTLE' | 'DELETE' | 'FLAG' | 'UNFLAG';

/** The harness's fake of the case, as the steps so far left it. */
export interface CaseFacts {
  caseId: string;
  dueAt: number;
  status: string;
  stage: string;
  /** Where the ladder stands and when that stage's wait ends (epoch ms). */
  ladder: { stage: string; waitUntil: number };
  /** What was left of the ladder's wait (ms) when a promise, plan or dispute paused it. */
  pausedRemaining: number | null;
  disputeDueAt: number | null;
  creditReport: 'NONE' | 'REPORTED' | 'DISPUTED' | 'SETTLED' | 'DELETED';
  /** The `at` (epoch ms) of the "Report to credit bureau" step that filed the report. */
  reportedAt: number | null;
  accountRestricted: boolean;
  /** The outstanding is at or above the policy's legal threshold: "Restrict account" says legal review is due. */
  legalReviewDue: boolean;
}

export type StepScript = (call: StepCall, facts: Readonly<CaseFacts>) => StepBehaviour;

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

/** The default policy's waits (policies/default.json), in seconds. */
export const STAGE_WAIT_SECONDS = Object.fromEntries(
  CONTACT_STAGES.map((stage) => [stage, waitSeconds(stage)]),
) as Record<ContactStage, number>;
export type { ContactStage };
export const NOTICE_WAIT_SECONDS = STAGE_WAIT_SECONDS.OVERDUE_NOTICE;
export const SOFT_REMINDER_WAIT_SECONDS = STAGE_WAIT_SECONDS.SOFT_REMINDERS;
export const WRITE_OFF_AFTER_DAYS = POLICY.stages.SOFT_REMINDERS.writeOffAfterDays;
const inSeconds = (days: number) => (days * DAY) / SECOND;
/** The days until the promised date in the default scripts: a choice of the harness, not the policy's. */
const PROMISED_IN_DAYS = 5;
/** A promise's wait in the default scripts: promised in 5 days, plus the grace days. */
export const PROMISE_WAIT_SECONDS = inSeconds(PROMISED_IN_DAYS + GRACE_DAYS);
/** A plan's wait in the default scripts: a monthly instalment (30 days), plus the grace days. */
export const INSTALMENT_WAIT_SECONDS = inSeconds(30 + GRACE_DAYS);
export const DISPUTE_RULING_SECONDS = inSeconds(POLICY.disputes.rulingDays);
export const DISPUTE_REMINDER_SECONDS = inSeconds(POLICY.disputes.reminderDays);
export const LEGAL_REVIEW_REMINDER_SECONDS = inSeconds(POLICY.legal.reviewReminderDays);
export const LEGAL_OUTCOME_CHECK_SECONDS = inSeconds(POLICY.legal.outcomeCheckDays);

interface StepOutcomeFields {
  outcome: 'SENT' | 'DEFERRED' | 'SKIPPED' | 'WRITE_OFF_DUE' | 'WAITING' | 'RESUMED' | 'CLOSED';
  waitSeconds: number;
  deferUntil?: string | null;
  resumeStage?: string | null;
  continueAsNew?: boolean;
}

/** A `StepOutcome` (lambdas/domain/services/ladder.ts): every field present, as the ASL reads them all. */
export const stepOutcome = ({
  outcome,
  waitSeconds,
  deferUntil = null,
  resumeStage = null,
  continueAsNew = false,
}: StepOutcomeFields): StepBehaviour => ({
  return: { outcome, waitSeconds, deferUntil, resumeStage, continueAsNew },
});
export const sent = (waitSeconds: number, continueAsNew = false): StepBehaviour =>
  stepOutcome({ outcome: 'SENT', waitSeconds, continueAsNew });
export const skipped = (waitSeconds: number): StepBehaviour =>
  stepOutcome({ outcome: 'SKIPPED', waitSeconds });
export const deferred = (deferUntil: number, waitSeconds: number): StepBehaviour =>
  stepOutcome({ outcome: 'DEFERRED', waitSeconds, deferUntil: iso(deferUntil) });
export const writeOffDue = (): StepBehaviour => stepOutcome({ outcome: 'WRITE_OFF_DUE', waitSeconds: 1 });
export const waiting = (waitSeconds: number, continueAsNew = false): StepBehaviour =>
  stepOutcome({ outcome: 'WAITING', waitSeconds, continueAsNew });
export const resumed = (resumeStage: string, waitSeconds: number): StepBehaviour =>
  stepOutcome({ outcome: 'RESUMED', waitSeconds, resumeStage });
/** What `checkCase` / `checkArrangement` return. */
export const kind = (value: string): StepBehaviour => ({ return: { kind: value } });

export const OUTSTANDING = 259_900;

/** The case facts the steps return (`CaseEventDetail`): they become the events' detail. */
export const caseDetail = (
  payload: Pick<StepPayload, 'caseId' | 'at'>,
  status: string,
  stage: string,
  outstanding = OUTSTANDING,
): JsonValue => ({
  caseId: payload.caseId,
  rentalId: 'rental-42',
  customerId: 'customer-7',
  status,
  stage,
  outstanding: { amount: outstanding, currency: 'CNY' },
  at: payload.at ?? null,
});
export const openedDetail = (payload: Pick<StepPayload, 'caseId' | 'at'>): JsonValue =>
  caseDetail(payload, 'OPEN', 'OVERDUE_NOTICE');

/** The result of a credit or legal step (`TrackResult`), about the case as `facts` say it stands. */
const track = (
  outcome: 'DONE' | 'SKIPPED' | 'REFUSED' | 'ALREADY',
  payload: StepPayload,
  facts: Readonly<CaseFacts>,
  changes: Partial<Pick<CaseFacts, 'status' | 'stage'>> = {},
  extra: Record<string, JsonValue> = {},
): StepBehaviour => {
  const status = changes.status ?? facts.status;
  const outstanding = status === 'RESOLVED' ? 0 : OUTSTANDING;
  return {
    return: {
      outcome,
      detail: caseDetail(payload, status, changes.stage ?? facts.stage, outstanding),
      ...extra,
    },
  };
};

/**
 * "Report to credit bureau" as the real step decides on the fake case: ALREADY when an earlier step
 * filed the report (a retry of the step that filed it, same `at`, is DONE again), else filing it.
 */
export const reportFiled: StepScript = ({ payload }, facts) =>
  facts.reportedAt !== null && facts.reportedAt !== atOf(payload)
    ? track('ALREADY', payload, facts)
    : track('DONE', payload, facts, { stage: 'CREDIT_REPORTED' });

/** "Report to credit bureau" refused by the bureau (a business error, not an outage): nothing filed. */
export const reportRefused: StepScript = ({ payload }, facts) => track('REFUSED', payload, facts);

/**
 * "Restrict account": by default as the real step decides on the fake case (SKIPPED for a case not
 * OPEN, ALREADY for an account already restricted, else DONE), and legal review due as the case's
 * `legalReviewDue` says; either can be forced.
 */
export const restriction =
  (forced: { outcome?: 'DONE' | 'ALREADY' | 'SKIPPED'; legalReview?: boolean } = {}): StepScript =>
  ({ payload }, facts) => {
    const decided = facts.status !== 'OPEN' ? 'SKIPPED' : facts.accountRestricted ? 'ALREADY' : 'DONE';
    const outcome = forced.outcome ?? decided;
    return track(outcome, payload, facts, outcome === 'DONE' ? { stage: 'CREDIT_REPORTED' } : {}, {
      legalReview: forced.legalReview ?? facts.legalReviewDue,
    });
  };

/** What each action leaves the credit report as, when it changed it. */
const CREDIT_REPORT_AFTER: Record<CreditReportAction, CaseFacts['creditReport']> = {
  SETTLE: 'SETTLED',
  DELETE: 'DELETED',
  FLAG: 'DISPUTED',
  UNFLAG: 'REPORTED',
};

/** Whether the real `updateCreditReport` would act: something filed, and the action fits the case. */
function creditReportUpdateApplies(action: CreditReportAction, facts: Readonly<CaseFacts>): boolean {
  const filed = ['REPORTED', 'DISPUTED', 'SETTLED'].includes(facts.creditReport);
  switch (action) {
    case 'SETTLE':
      return filed && facts.creditReport !== 'SETTLED' && facts.status === 'RESOLVED';
    case 'DELETE':
      return filed && facts.status === 'CANCELLED';
    case 'FLAG':
      return filed && facts.status === 'DISPUTED' && facts.creditReport !== 'DISPUTED';
    case 'UNFLAG':
      return facts.creditReport === 'DISPUTED' && facts.status !== 'DISPUTED';
  }
}

/** "Update the credit report" (`{outcome, changed, detail}`): DONE and changed when it applies, else SKIPPED. */
export const creditReportUpdate =
  (forced: { changed?: boolean } = {}): StepScript =>
  ({ payload }, facts) => {
    const changed = forced.changed ?? creditReportUpdateApplies(payload.action as CreditReportAction, facts);
    return track(changed ? 'DONE' : 'SKIPPED', payload, facts, {}, { changed });
  };

/** A credit or legal step that found nothing to do (the case changed under it). */
export const trackSkipped =
  (extra: Record<string, JsonValue> = {}): StepScript =>
  ({ payload }, facts) =>
    track('SKIPPED', payload, facts, {}, extra);

/** A `ClosingResult` (tracks.ts) of "Close case", "Cancel case" or "Write off the debt". */
export const closing =
  (status: string, restrictionLifted: boolean): StepScript =>
  ({ payload }, facts) => ({
    return: {
      detail: caseDetail(payload, status, facts.stage, status === 'RESOLVED' ? 0 : OUTSTANDING),
      restrictionLifted,
    },
  });

const MAX_CONTINUATIONS = 20;

/** The case's status after the API sent each resolution kind. */
const STATUS_AFTER: Record<string, string> = {
  PAID: 'RESOLVED',
  RETURNED: 'RESOLVED',
  CANCELLED: 'CANCELLED',
  WRITTEN_OFF: 'WRITTEN_OFF',
  PROMISE: 'PROMISED',
  PLAN: 'ON_PLAN',
  DISPUTE: 'DISPUTED',
  DISPUTE_REJECTED: 'OPEN',
  LEGAL_APPROVED: 'LEGAL',
  LEGAL_DECLINED: 'OPEN',
};

const secondsUntil = (from: number, to: number) => Math.max(1, Math.ceil((to - from) / SECOND));
const atOf = (payload: StepPayload): number => Date.parse(payload.at ?? '');

/** The default scripts: the real steps' decisions with the default policy, on the fake case. */
export const DEFAULT_SCRIPTS: Record<StepName, StepScript> = {
  BeginCase: ({ payload }) => ({ return: openedDetail(payload) }),
  SendStageContact: ({ payload }, facts) => {
    const stage = payload.stage as ContactStage;
    const at = atOf(payload);
    if (stage !== 'SOFT_REMINDERS') return sent(STAGE_WAIT_SECONDS[stage]);
    const writeOffAt = facts.dueAt + WRITE_OFF_AFTER_DAYS * DAY;
    if (at >= writeOffAt) return writeOffDue();
    return sent(Math.min(SOFT_REMINDER_WAIT_SECONDS, secondsUntil(at, writeOffAt)));
  },
  // The receipt or the demand letter, sent at once (the harness's customer is always in her window).
  SendCaseMessage: () => ({ return: { outcome: 'SENT', deferUntil: null } }),
  // The real step stores the token on the case and returns nothing.
  AwaitResolution: () => ({ return: null }),
  PrepareWait: ({ payload }, facts) => {
    const at = atOf(payload);
    // As prepareWait: a wait that would take the execution too far continues in a new one.
    const startedAt = payload.executionStartedAt ?? payload.at;
    const endless = (seconds: number) =>
      waiting(seconds, outlivesExecution(startedAt, payload.at ?? '', seconds));
    switch (payload.awaiting) {
      case 'PROMISE':
        return endless(PROMISE_WAIT_SECONDS);
      case 'PLAN':
        return endless(INSTALMENT_WAIT_SECONDS);
      case 'DISPUTE': {
        const due = facts.disputeDueAt ?? at + DISPUTE_RULING_SECONDS * SECOND;
        return endless(due > at ? secondsUntil(at, due) : DISPUTE_REMINDER_SECONDS);
      }
      case 'LEGAL_REVIEW':
        return endless(LEGAL_REVIEW_REMINDER_SECONDS);
      default:
        return endless(LEGAL_OUTCOME_CHECK_SECONDS);
    }
  },
  CheckCase: () => kind('NONE'),
  CheckArrangement: () => kind('BROKEN'),
  ResumeLadder: ({ payload }, facts) => {
    const remaining = facts.pausedRemaining ?? Math.max(0, facts.ladder.waitUntil - atOf(payload));
    return resumed(facts.ladder.stage, Math.max(1, Math.ceil(remaining / SECOND)));
  },
  ReportToBureau: reportFiled,
  RestrictAccount: restriction(),
  OpenLegalReview: ({ payload }, facts) => track('DONE', payload, facts, { stage: 'LEGAL_REVIEW' }),
  StartLegalAction: ({ payload }, facts) =>
    track('DONE', payload, facts, { status: 'LEGAL', stage: 'LEGAL_ACTION' }),
  UpdateCreditReport: creditReportUpdate(),
  CloseCase: (call, facts) => closing('RESOLVED', facts.accountRestricted)(call, facts),
  CancelCase: (call, facts) => closing('CANCELLED', facts.accountRestricted)(call, facts),
  WriteOffCase: closing('WRITTEN_OFF', false),
  // The real step names the next execution so and starts it; the harness starts it when it sees the result.
  ContinueCase: ({ payload }) => ({
    return: { next: nextExecutionName(payload.caseId, payload.execution ?? payload.caseId) },
  }),
};

// ---- The putEvents and sns:publish recorders ----

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

export interface PublishAttempt {
  state: string;
  executionArn: string;
  calledAt: number;
  topicArn: string;
  subject: string;
  message: string;
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
   * `{ 'Close case': [{ fail: 'Lambda.ServiceException' }] }`. For the putEvents and sns:publish
   * states only `fail` behaviours make sense (anything else delivers).
   */
  faults?: Record<string, StepBehaviour[]>;
  /** When "Continue the case in a new execution" succeeds, start the next execution as the real step does (default true). */
  continueExecutions?: boolean;
  /** The case owes at least the policy's legal threshold: "Restrict account" says legal review is due (default false). */
  legalReview?: boolean;
}

export interface RunOptions {
  /** SendTaskSuccess calls to make, in order, each once (see PlannedResolution). */
  resolve?: PlannedResolution | PlannedResolution[];
  /** No deadline after this instant is fired (default: 400 days after START). */
  limit?: number;
}

export class WorkflowHarness {
  readonly clock: VirtualClock;
  readonly engine: StepFunctionsEngine;
  readonly stateMachineArn: string;
  /** Every call of a step function (every attempt), in order. */
  readonly calls: StepCall[] = [];
  /** Every putEvents attempt, in order. */
  readonly putEventsAttempts: PutEventsAttempt[] = [];
  /** Every sns:publish attempt, in order. */
  readonly publishAttempts: PublishAttempt[] = [];
  /**
   * Every step call, putEvents attempt and sns:publish attempt (the very objects of `calls`,
   * `putEventsAttempts` and `publishAttempts`), in the order they were made: for "before" at one instant.
   */
  readonly outbound: Array<StepCall | PutEventsAttempt | PublishAttempt> = [];
  private readonly scripts: Record<StepName, StepScript>;
  private readonly faults: Map<string, StepBehaviour[]>;
  private readonly lastEntered = new Map<string, { name: string; at: number }>();
  private readonly cases = new Map<string, CaseFacts>();
  private readonly startedAt: number;
  private readonly continueExecutions: boolean;
  private readonly legalReviewDue: boolean;
  private ids = 0;
  private continuations = 0;

  constructor(options: HarnessOptions = {}) {
    this.startedAt = options.start ?? START;
    this.clock = new VirtualClock({ start: this.startedAt, speed: 0 });
    this.scripts = { ...DEFAULT_SCRIPTS, ...options.steps };
    this.continueExecutions = options.continueExecutions ?? true;
    this.legalReviewDue = options.legalReview ?? false;
    this.faults = new Map(Object.entries(options.faults ?? {}).map(([state, list]) => [state, [...list]]));
    const integrations: Record<string, TaskIntegration> = {
      [LAMBDA_INVOKE]: (parameters, context) => this.invokeLambda(parameters, context),
      [PUT_EVENTS]: (parameters, context) => this.putEvents(parameters, context),
      [SNS_PUBLISH]: (parameters, context) => this.publish(parameters, context),
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
      name: STATE_MACHINE_NAME,
      definition: loadDefinition(),
    });
  }

  /** Starts an execution (named by case id unless `name`) and lets it run until it blocks. */
  async start(input: Record<string, JsonValue> = { caseId: CASE_ID }, name?: string): Promise<string> {
    const { executionArn } = this.engine.startExecution({
      stateMachineArn: this.stateMachineArn,
      name: name ?? String(input.caseId),
      input: JSON.stringify(input),
    });
    await this.engine.whenSettled(executionArn);
    return executionArn;
  }

  /** Moves virtual time to `instant`, firing every deadline on the way, and lets the work settle. */
  async advanceTo(instant: number): Promise<void> {
    await this.clock.advanceTo(instant);
  }

  /** Fires deadlines one by one (making the planned resolutions) until the execution waits on its token in `state`. */
  async runUntilAwaiting(executionArn: string, state: string, options: RunOptions = {}): Promise<void> {
    const end = await this.drive(executionArn, options, () => this.awaiting(executionArn) === state);
    if (end !== undefined) throw new Error(`execution ended (${end.status}) before awaiting '${state}'`);
  }

  /** Fires deadlines one by one, making the planned resolutions, until the execution ends. */
  async runToEnd(executionArn: string, options: RunOptions = {}): Promise<ExecutionDescription> {
    return (await this.drive(executionArn, options, () => false)) as ExecutionDescription;
  }

  /** The state whose task token the execution waits on, if it waits on one. */
  awaiting(executionArn: string): string | undefined {
    const events = this.history(executionArn);
    const last = events[events.length - 1];
    return last?.type === 'TaskSubmitted' ? this.lastEntered.get(executionArn)?.name : undefined;
  }

  /** The token of the latest "Await …" call: the one the API would find on the case. */
  currentToken(executionArn: string): string {
    const call = this.callsOf('AwaitResolution', executionArn).at(-1);
    if (call?.payload.token === undefined) throw new Error('no Await call yet');
    return call.payload.token;
  }

  /** What the API does when the case changes: the case updated, then SendTaskSuccess with the resolution. */
  async resolve(executionArn: string, resolution: JsonValue): Promise<void> {
    const { caseId } = JSON.parse(this.describe(executionArn).input) as { caseId: string };
    const facts = this.caseFacts(caseId);
    const status = STATUS_AFTER[(resolution as { kind?: string } | null)?.kind ?? ''];
    if (status !== undefined) facts.status = this.statusAfter(facts, status);
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

  /** The fake case as the steps so far left it. */
  facts(caseId = CASE_ID): Readonly<CaseFacts> {
    return this.caseFacts(caseId);
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

  /** The names of the states entered, in order. */
  path(executionArn: string): string[] {
    return this.entered(executionArn).map(([name]) => name);
  }

  /** Entry instants (epoch ms) of one state, in order. */
  enteredTimes(executionArn: string, state: string): number[] {
    return this.history(executionArn)
      .filter((event) => event.stateEnteredEventDetails?.name === state)
      .map((event) => event.timestamp.getTime());
  }

  /** The parsed input of each entry of `state`, in order. */
  inputsOf(executionArn: string, state: string): JsonValue[] {
    return this.history(executionArn)
      .filter((event) => event.stateEnteredEventDetails?.name === state)
      .map((event) => JSON.parse(event.stateEnteredEventDetails?.input ?? 'null') as JsonValue);
  }

  /** The states entered right after each entry of `state`. */
  statesAfter(executionArn: string, state: string): string[] {
    const names = this.path(executionArn);
    return names.flatMap((name, index) => (name === state ? (names[index + 1] ?? []) : []));
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

  callsIn(state: string, executionArn?: string): StepCall[] {
    return this.calls.filter(
      (call) => call.state === state && (executionArn === undefined || call.executionArn === executionArn),
    );
  }

  /** Events EventBridge accepted, in order. */
  published(): Array<EventEntry & { state: string; publishedAt: number }> {
    return this.putEventsAttempts
      .filter((attempt) => attempt.delivered)
      .flatMap((attempt) =>
        attempt.entries.map((entry) => ({ ...entry, state: attempt.state, publishedAt: attempt.calledAt })),
      );
  }

  /** The detail types EventBridge accepted, in order. */
  publishedTypes(): string[] {
    return this.published().map((event) => event.DetailType);
  }

  /** Messages SNS accepted (the ops alerts), in order. */
  alerts(): PublishAttempt[] {
    return this.publishAttempts.filter((attempt) => attempt.delivered);
  }

  private async drive(
    executionArn: string,
    options: RunOptions,
    done: () => boolean,
  ): Promise<ExecutionDescription | undefined> {
    const planned = options.resolve === undefined ? [] : [options.resolve].flat();
    const limit = options.limit ?? this.startedAt + 400 * DAY;
    for (;;) {
      const described = await this.engine.whenSettled(executionArn);
      if (described.status !== 'RUNNING') return described;
      if (done()) return undefined;
      const next = planned[0];
      if (next !== undefined && this.awaiting(executionArn) === next.state) {
        await this.advanceTo(this.clock.now() + next.after);
        if (this.awaiting(executionArn) === next.state) {
          planned.shift();
          await this.resolve(executionArn, next.output);
        }
        continue;
      }
      await this.fireNext(executionArn, limit);
    }
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

  /** A rejected dispute or a declined review leaves a case in legal action LEGAL, any other OPEN. */
  private statusAfter(facts: Readonly<CaseFacts>, status: string): string {
    return status === 'OPEN' && facts.ladder.stage === 'LEGAL_ACTION' ? 'LEGAL' : status;
  }

  private takeFault(state: string): StepBehaviour | undefined {
    return this.faults.get(state)?.shift();
  }

  private caseFacts(caseId: string): CaseFacts {
    let facts = this.cases.get(caseId);
    if (facts === undefined) {
      facts = {
        caseId,
        dueAt: this.startedAt,
        status: 'OPEN',
        stage: 'OVERDUE_NOTICE',
        ladder: { stage: 'OVERDUE_NOTICE', waitUntil: this.startedAt },
        pausedRemaining: null,
        disputeDueAt: null,
        creditReport: 'NONE',
        reportedAt: null,
        accountRestricted: false,
        legalReviewDue: this.legalReviewDue,
      };
      this.cases.set(caseId, facts);
    }
    return facts;
  }

  /** The fake case follows what each step said it did, whether its script is the default or not. */
  private observe(call: StepCall, returned: JsonValue): void {
    const facts = this.caseFacts(call.payload.caseId);
    const result = (returned ?? {}) as Record<string, JsonValue>;
    const at = Date.parse(call.payload.at ?? '');
    const done = result.outcome === 'DONE';
    switch (call.step) {
      case 'SendStageContact':
        if (result.outcome === 'SENT' && typeof result.waitSeconds === 'number') {
          const stage = call.payload.stage ?? facts.stage;
          facts.ladder = { stage, waitUntil: at + result.waitSeconds * SECOND };
          facts.stage = stage;
        }
        break;
      case 'PrepareWait': {
        const pause = { PROMISE: 'PROMISED', PLAN: 'ON_PLAN', DISPUTE: 'DISPUTED' }[
          call.payload.awaiting as 'PROMISE' | 'PLAN' | 'DISPUTE'
        ];
        if (pause === undefined) break;
        facts.status = pause;
        facts.pausedRemaining ??= Math.max(0, facts.ladder.waitUntil - at);
        if (pause === 'DISPUTED') facts.disputeDueAt ??= at + DISPUTE_RULING_SECONDS * SECOND;
        break;
      }
      case 'ResumeLadder':
        facts.status = facts.ladder.stage === 'LEGAL_ACTION' ? 'LEGAL' : 'OPEN';
        facts.pausedRemaining = null;
        facts.disputeDueAt = null;
        if (typeof result.waitSeconds === 'number') {
          facts.ladder = { ...facts.ladder, waitUntil: at + result.waitSeconds * SECOND };
        }
        break;
      case 'ReportToBureau':
        if (done) {
          facts.creditReport = 'REPORTED';
          facts.reportedAt ??= at;
          facts.stage = 'CREDIT_REPORTED';
        }
        break;
      case 'RestrictAccount':
        if (done) {
          facts.accountRestricted = true;
          facts.stage = 'CREDIT_REPORTED';
        }
        break;
      case 'OpenLegalReview':
        if (done) {
          facts.stage = 'LEGAL_REVIEW';
          facts.ladder = { stage: 'LEGAL_REVIEW', waitUntil: at + 365 * DAY };
        }
        break;
      case 'StartLegalAction':
        if (done) {
          facts.status = 'LEGAL';
          facts.stage = 'LEGAL_ACTION';
          facts.ladder = { stage: 'LEGAL_ACTION', waitUntil: at + 365 * DAY };
        }
        break;
      case 'UpdateCreditReport':
        if (result.changed === true)
          facts.creditReport = CREDIT_REPORT_AFTER[call.payload.action as CreditReportAction];
        break;
      case 'CheckCase':
      case 'CheckArrangement': {
        // A check reads the case: news it finds is a change the API already made.
        const status = STATUS_AFTER[typeof result.kind === 'string' ? result.kind : ''];
        if (status !== undefined) facts.status = this.statusAfter(facts, status);
        break;
      }
      case 'CloseCase':
      case 'CancelCase':
      case 'WriteOffCase': {
        const status = (result.detail as { status?: JsonValue } | undefined)?.status;
        if (typeof status === 'string') facts.status = status;
        if (result.restrictionLifted === true) facts.accountRestricted = false;
        break;
      }
      case 'ContinueCase':
        if (this.continueExecutions && typeof result.next === 'string') {
          // A definition that continues at once would start executions forever at one instant.
          if (++this.continuations > MAX_CONTINUATIONS)
            throw new Error(`more than ${MAX_CONTINUATIONS} continuations: a runaway chain of executions`);
          this.engine.startExecution({
            stateMachineArn: call.payload.stateMachineArn ?? this.stateMachineArn,
            name: result.next,
            input: JSON.stringify({
              caseId: call.payload.caseId,
              continueAt: call.payload.continueAt ?? 'LEGAL_ACTION',
            }),
          });
        }
        break;
      default:
        break;
    }
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
    this.outbound.push(call);
    const behaviour =
      this.takeFault(context.stateName) ?? this.scripts[step](call, this.caseFacts(Payload.caseId));
    if ('fail' in behaviour) throw new TaskFailedError(behaviour.fail, behaviour.cause);
    if ('crash' in behaviour) throw new Error(behaviour.crash);
    call.returned = behaviour.return;
    this.observe(call, behaviour.return);
    // The lambda:invoke integration's result: the function's response, its result under `Payload`.
    return { ExecutedVersion: '$LATEST', Payload: behaviour.return, StatusCode: 200 };
  }

  private failure(state: string): Extract<StepBehaviour, { fail: string }> | undefined {
    const fault = this.takeFault(state);
    return fault !== undefined && 'fail' in fault ? fault : undefined;
  }

  private async putEvents(
    parameters: unknown,
    context: { executionArn: string; stateName: string },
  ): Promise<unknown> {
    const { Entries } = parameters as { Entries: EventEntry[] };
    const failure = this.failure(context.stateName);
    const attempt: PutEventsAttempt = {
      state: context.stateName,
      executionArn: context.executionArn,
      calledAt: this.clock.now(),
      entries: structuredClone(Entries),
      delivered: failure === undefined,
    };
    this.putEventsAttempts.push(attempt);
    this.outbound.push(attempt);
    if (failure) throw new TaskFailedError(failure.fail, failure.cause);
    return {
      Entries: Entries.map(() => ({ EventId: `event-${++this.ids}` })),
      FailedEntryCount: 0,
    };
  }

  private async publish(
    parameters: unknown,
    context: { executionArn: string; stateName: string },
  ): Promise<unknown> {
    const { TopicArn, Subject, Message } = parameters as {
      TopicArn: string;
      Subject: string;
      Message: string;
    };
    const failure = this.failure(context.stateName);
    const attempt: PublishAttempt = {
      state: context.stateName,
      executionArn: context.executionArn,
      calledAt: this.clock.now(),
      topicArn: TopicArn,
      subject: Subject,
      message: Message,
      delivered: failure === undefined,
    };
    this.publishAttempts.push(attempt);
    this.outbound.push(attempt);
    if (failure) throw new TaskFailedError(failure.fail, failure.cause);
    // The sns:publish integration's result: the Publish response.
    return { MessageId: `message-${++this.ids}` };
  }

  private enteredAt(executionArn: string, state: string): number {
    const entered = this.lastEntered.get(executionArn);
    if (entered?.name !== state) throw new Error(`'${state}' called while '${entered?.name}' is current`);
    return entered.at;
  }
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
