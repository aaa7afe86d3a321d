/**
 * The case workflow's ASL file on the local engine, one test per path: the ladder and its timeouts,
 * every resolution the API can send, promises, plans, disputes, the credit and legal tracks, the
 * continuation in a new execution, each Retry, each Catch, data flow, determinism. Every step is
 * scripted (harness.ts); time is virtual, so a 90-day wait takes milliseconds and fires at its
 * exact instant.
 */

import { type HistoryEvent, type JsonValue, TaskTimedOut } from '@rental-collections/local-aws';
import { RESOLUTION_KINDS } from '../../lambdas/domain/resolution';
import { STAGE_STATES, STATE } from '../../statemachines/overdue-case';
import { stageDay } from '../support/policy';
import {
  CASE_ID,
  type CaseFacts,
  type CreditReportAction,
  caseDetail,
  closing,
  creditReportUpdate,
  DAY,
  DEFAULT_SCRIPTS,
  deferred,
  EVENT_BUS,
  executionArnOf,
  type HarnessOptions,
  HOUR,
  INSTALMENT_WAIT_SECONDS,
  iso,
  kind,
  LEGAL_OUTCOME_CHECK_SECONDS,
  LEGAL_REVIEW_REMINDER_SECONDS,
  NOTICE_WAIT_SECONDS,
  OPS_TOPIC,
  offset,
  openedDetail,
  type PlannedResolution,
  PROMISE_WAIT_SECONDS,
  readAslText,
  reportRefused,
  restriction,
  resumed,
  retryDelays,
  SECOND,
  STAGE_WAIT_SECONDS,
  START,
  type StepBehaviour,
  type StepCall,
  type StepName,
  type StepScript,
  sent,
  sequence,
  trackSkipped,
  WorkflowHarness,
  waiting,
} from './harness';

// ---- The states the tests name ----

type LadderStage = keyof typeof STAGE_WAIT_SECONDS;
const LADDER_STAGES = Object.keys(STAGE_WAIT_SECONDS) as LadderStage[];
/** When each stage starts when nobody answers (the default policy's days), and what its timeout leads to. */
const STAGE_STARTS = Object.fromEntries(
  LADDER_STAGES.map((stage) => [stage, START + stageDay(stage) * DAY]),
) as Record<LadderStage, number>;
const AFTER_STAGE: Record<LadderStage, string> = {
  OVERDUE_NOTICE: STAGE_STATES.FIRST_COLLECTION.send,
  FIRST_COLLECTION: STAGE_STATES.SECOND_COLLECTION.send,
  SECOND_COLLECTION: STAGE_STATES.CREDIT_PRE_NOTICE.send,
  CREDIT_PRE_NOTICE: STATE.reportToBureau,
  SOFT_REMINDERS: STAGE_STATES.SOFT_REMINDERS.send,
};
const SOFT_REMINDER_STATES = [
  STAGE_STATES.SOFT_REMINDERS.send,
  STAGE_STATES.SOFT_REMINDERS.afterSend,
  STAGE_STATES.SOFT_REMINDERS.await,
];
/** The receipt goes out (within the contact window) after the platform is told, before the bureau. */
const RECEIPT = [STATE.sendReceipt, STATE.isReceiptDeferred];
/** What "Close case" and "Cancel case" go through when the step changed nothing it reports. */
const CLOSING_TAIL = [
  STATE.closeCase,
  STATE.wasRestrictionLifted,
  STATE.announceCaseResolved,
  ...RECEIPT,
  STATE.settleReport,
  STATE.wasReportSettled,
  STATE.caseResolved,
];
const CANCELLING_TAIL = [
  STATE.cancelCase,
  STATE.wasRestrictionLiftedAfterCancelling,
  STATE.announceCaseCancelled,
  STATE.deleteReport,
  STATE.wasReportDeleted,
  STATE.caseCancelled,
];

/** The ASL file's own transitions, for "goes on where it would have". */
const ASL = JSON.parse(readAslText()) as {
  States: Record<string, { Type: string; Resource?: string; Next?: string }>;
};
const nextOf = (state: string): string => ASL.States[state]?.Next ?? '(none)';

const on = (state: string, after: number, resolution: string): PlannedResolution => ({
  state,
  after,
  output: { kind: resolution },
});
/** `first` for the first call, then `then`. */
const once = (first: StepScript, then: StepScript): StepScript => {
  let called = false;
  return (call, facts) => {
    if (called) return then(call, facts);
    called = true;
    return first(call, facts);
  };
};

/** The provider refuses the message for our setup: the error the messenger raises (never retried). */
const MISCONFIGURED: StepBehaviour = {
  fail: 'MessagingConfigurationError',
  cause: 'EMAIL is not set up correctly at the provider (MessageRejected)',
};

/**
 * `stage`'s first contact refused by the provider for our setup; every other contact as usual. Once per
 * harness (its fake case), as scenarios are shared by every test that runs them.
 */
function misconfiguredOnce(stage: string): StepScript {
  const refused = new WeakSet<object>();
  return (call, facts) => {
    if (call.payload.stage === stage && !refused.has(facts)) {
      refused.add(facts);
      return MISCONFIGURED;
    }
    return DEFAULT_SCRIPTS.SendStageContact(call, facts);
  };
}

/** A prepared wait of `awaiting` that finds the execution too old for it: continue in a new one. */
function nearAYear(awaiting: string, seconds: number): StepScript {
  return (call, facts) =>
    call.payload.awaiting === awaiting ? waiting(seconds, true) : DEFAULT_SCRIPTS.PrepareWait(call, facts);
}

/** The bureau does not answer, however often it is asked. */
const bureauDown: StepScript = () => ({
  fail: 'CreditBureauUnavailableError',
  cause: 'bureau returned 503',
});

// ---- Whole paths, each a scenario of scripted steps and planned resolutions ----

interface Scenario {
  steps?: Partial<Record<StepName, StepScript>>;
  /** The debt is at or above the legal threshold ("Restrict account" says legal review is due). */
  legalReview?: boolean;
  resolve?: PlannedResolution[];
  /** The state the execution ends in. */
  ends: string;
}

const SCENARIOS = {
  /** Paid an hour into the notice's wait. */
  paid: { resolve: [on(STAGE_STATES.OVERDUE_NOTICE.await, HOUR, 'PAID')], ends: STATE.caseResolved },
  /** Nobody answers: the whole ladder, the report, monthly soft reminders, written off at day 180. */
  'written off': { ends: STATE.caseWrittenOff },
  /** Above the legal threshold: a review reminder, approval on day 51, the outcome awaited until day 321. */
  legal: {
    legalReview: true,
    resolve: [on(STATE.awaitReviewDecision, 20 * DAY, 'LEGAL_APPROVED')],
    ends: STATE.caseContinues,
  },
  /** Above the legal threshold, and nobody decides the review: near a year the case continues in <caseId>-2. */
  'review undecided': { legalReview: true, ends: STATE.caseContinues },
  /** A dispute during the soft reminders that nobody rules on: near a year the hold continues in <caseId>-2. */
  'dispute unruled': {
    resolve: [on(STAGE_STATES.SOFT_REMINDERS.await, HOUR, 'DISPUTE')],
    ends: STATE.caseContinues,
  },
  /** A promise an hour into the notice, broken; the notice's wait resumes; then paid. */
  'promise broken': {
    resolve: [
      on(STAGE_STATES.OVERDUE_NOTICE.await, HOUR, 'PROMISE'),
      on(STAGE_STATES.OVERDUE_NOTICE.await, HOUR, 'PAID'),
    ],
    ends: STATE.caseResolved,
  },
  /** A plan an hour into the notice; the first instalment kept; paid in full during the second. */
  plan: {
    steps: { CheckArrangement: () => kind('KEPT') },
    resolve: [
      on(STAGE_STATES.OVERDUE_NOTICE.await, HOUR, 'PLAN'),
      on(STATE.awaitInstalment, 33 * DAY, 'PAID'),
    ],
    ends: STATE.caseResolved,
  },
  /** Reported and restricted; a dispute during the soft reminders, its ruling overdue once, upheld. */
  'dispute upheld': {
    resolve: [
      on(STAGE_STATES.SOFT_REMINDERS.await, HOUR, 'DISPUTE'),
      on(STATE.holdForRuling, 31 * DAY, 'CANCELLED'),
    ],
    ends: STATE.caseCancelled,
  },
  /** Reported and restricted; a dispute, rejected; the soft reminders resume; then paid. */
  'dispute rejected': {
    resolve: [
      on(STAGE_STATES.SOFT_REMINDERS.await, HOUR, 'DISPUTE'),
      on(STATE.holdForRuling, 10 * DAY, 'DISPUTE_REJECTED'),
      on(STAGE_STATES.SOFT_REMINDERS.await, HOUR, 'PAID'),
    ],
    ends: STATE.caseResolved,
  },
  /** The bureau refuses the report; the restriction finds the case paid meanwhile. */
  'refused report': {
    steps: {
      ReportToBureau: reportRefused,
      RestrictAccount: trackSkipped({ legalReview: false }),
      CheckCase: () => kind('PAID'),
    },
    ends: STATE.caseResolved,
  },
  /** The bureau down through every retry of the report: ops are alerted, the ladder goes on without it. */
  'bureau down at report': {
    steps: { ReportToBureau: bureauDown },
    ends: STATE.caseWrittenOff,
  },
  /** "dispute rejected" while the bureau takes no update: flag, restore and settle each end in an ops alert. */
  'bureau down, dispute rejected': {
    steps: { UpdateCreditReport: bureauDown },
    resolve: [
      on(STAGE_STATES.SOFT_REMINDERS.await, HOUR, 'DISPUTE'),
      on(STATE.holdForRuling, 10 * DAY, 'DISPUTE_REJECTED'),
      on(STAGE_STATES.SOFT_REMINDERS.await, HOUR, 'PAID'),
    ],
    ends: STATE.caseResolved,
  },
  /** "dispute upheld" while the bureau takes no update: flag and delete each end in an ops alert. */
  'bureau down, dispute upheld': {
    steps: { UpdateCreditReport: bureauDown },
    resolve: [
      on(STAGE_STATES.SOFT_REMINDERS.await, HOUR, 'DISPUTE'),
      on(STATE.holdForRuling, 31 * DAY, 'CANCELLED'),
    ],
    ends: STATE.caseCancelled,
  },
  /** The provider refuses the notice once (a setup problem): ops alerted, the notice sent 2 h later, paid. */
  'overdue notice not sent': {
    steps: { SendStageContact: misconfiguredOnce('OVERDUE_NOTICE') },
    resolve: [on(STAGE_STATES.OVERDUE_NOTICE.await, HOUR, 'PAID')],
    ends: STATE.caseResolved,
  },
  'first collection reminder not sent': {
    steps: { SendStageContact: misconfiguredOnce('FIRST_COLLECTION') },
    resolve: [on(STAGE_STATES.FIRST_COLLECTION.await, HOUR, 'PAID')],
    ends: STATE.caseResolved,
  },
  'second collection reminder not sent': {
    steps: { SendStageContact: misconfiguredOnce('SECOND_COLLECTION') },
    resolve: [on(STAGE_STATES.SECOND_COLLECTION.await, HOUR, 'PAID')],
    ends: STATE.caseResolved,
  },
  'credit report pre-notice not sent': {
    steps: { SendStageContact: misconfiguredOnce('CREDIT_PRE_NOTICE') },
    resolve: [on(STAGE_STATES.CREDIT_PRE_NOTICE.await, HOUR, 'PAID')],
    ends: STATE.caseResolved,
  },
  'soft reminder not sent': {
    steps: { SendStageContact: misconfiguredOnce('SOFT_REMINDERS') },
    resolve: [on(STAGE_STATES.SOFT_REMINDERS.await, HOUR, 'PAID')],
    ends: STATE.caseResolved,
  },
  /** The receipt refused by the provider: ops alerted, the bureau still updated, the case resolved. */
  'receipt not sent': {
    steps: { SendCaseMessage: () => MISCONFIGURED },
    resolve: [on(STAGE_STATES.OVERDUE_NOTICE.await, HOUR, 'PAID')],
    ends: STATE.caseResolved,
  },
  /** The demand letter refused: ops alerted, legal action goes on (the referral, the outcome wait). */
  'demand letter not sent': {
    steps: { SendCaseMessage: () => MISCONFIGURED },
    legalReview: true,
    resolve: [on(STATE.awaitReviewDecision, 20 * DAY, 'LEGAL_APPROVED')],
    ends: STATE.caseContinues,
  },
  /** A promise made when the execution is near a year old: its wait continues in <caseId>-2. */
  'promise near a year': {
    steps: { PrepareWait: nearAYear('PROMISE', PROMISE_WAIT_SECONDS) },
    resolve: [on(STAGE_STATES.OVERDUE_NOTICE.await, HOUR, 'PROMISE')],
    ends: STATE.caseContinues,
  },
  /** A plan agreed when the execution is near a year old: its wait continues in <caseId>-2. */
  'plan near a year': {
    steps: { PrepareWait: nearAYear('PLAN', INSTALMENT_WAIT_SECONDS) },
    resolve: [on(STAGE_STATES.OVERDUE_NOTICE.await, HOUR, 'PLAN')],
    ends: STATE.caseContinues,
  },
  /** A stage's wait that would take the execution past its year: the ladder continues in <caseId>-2. */
  'ladder near a year': {
    steps: {
      SendStageContact: ({ payload }) =>
        payload.stage === 'FIRST_COLLECTION' ? sent(7 * 86_400, true) : sent(3 * 86_400),
    },
    ends: STATE.caseContinues,
  },
} satisfies Record<string, Scenario>;
type ScenarioName = keyof typeof SCENARIOS;
const SCENARIO_NAMES = Object.keys(SCENARIOS) as ScenarioName[];

const scenarioOf = (name: ScenarioName): Scenario => SCENARIOS[name];

function harnessFor(name: ScenarioName, options: HarnessOptions = {}): WorkflowHarness {
  const scenario: Scenario = SCENARIOS[name];
  return new WorkflowHarness({
    ...options,
    legalReview: options.legalReview ?? scenario.legalReview ?? false,
    steps: { ...scenario.steps, ...options.steps },
  });
}

/** Runs one scenario to its end. */
async function runScenario(
  name: ScenarioName,
  options: HarnessOptions = {},
  input: Record<string, string> = { caseId: CASE_ID },
) {
  const harness = harnessFor(name, options);
  const arn = await harness.start(input);
  const end = await harness.runToEnd(arn, { resolve: scenarioOf(name).resolve ?? [] });
  return { harness, arn, end };
}

/** Runs one scenario until it waits on its token in `state`. */
async function reach(name: ScenarioName, state: string, options: HarnessOptions = {}) {
  const harness = harnessFor(name, options);
  const arn = await harness.start();
  await harness.runUntilAwaiting(arn, state, { resolve: scenarioOf(name).resolve ?? [] });
  return { harness, arn };
}

/** The five events of a task that runs and succeeds at one instant. */
const task = (at: string, state: string): string[] =>
  ['TaskStateEntered', 'TaskScheduled', 'TaskStarted', 'TaskSucceeded', 'TaskStateExited'].map(
    (type) => `${at} ${type} ${state}`,
  );
const choice = (at: string, state: string): string[] => [
  `${at} ChoiceStateEntered ${state}`,
  `${at} ChoiceStateExited ${state}`,
];
const T0 = '0d 00:00:00.000';
const T1H = '0d 01:00:00.000';
const days = (instants: number[]) => instants.map((instant) => (instant - START) / DAY);
const record = (value: JsonValue | undefined): Record<string, JsonValue> =>
  (value ?? {}) as Record<string, JsonValue>;

/** The state entered right after the first entry of `state`, and its input. */
function enteredAfterFirst(harness: WorkflowHarness, arn: string, state: string) {
  const entries = harness
    .history(arn)
    .filter((event) => event.stateEnteredEventDetails !== undefined)
    .map((event) => ({
      name: event.stateEnteredEventDetails?.name,
      at: event.timestamp.getTime(),
      input: record(JSON.parse(event.stateEnteredEventDetails?.input ?? 'null')),
    }));
  return entries[entries.findIndex((entry) => entry.name === state) + 1];
}

/** The failures of `state`'s attempts (a Task's events belong to the state last entered). */
function failuresIn(events: HistoryEvent[], state: string) {
  let current = '';
  return events.flatMap((event) => {
    current = event.stateEnteredEventDetails?.name ?? current;
    return current === state && event.type === 'TaskFailed' ? [event.taskFailedEventDetails] : [];
  });
}

/** Each backoff in [0, interval x 2^n] (FULL jitter), and not the plain exponential schedule. */
function expectFullJitter(delays: number[], intervalMs: number, count: number): void {
  expect(delays).toHaveLength(count);
  delays.forEach((delay, n) => {
    expect(delay).toBeGreaterThanOrEqual(0);
    expect(delay).toBeLessThanOrEqual(intervalMs * 2 ** n);
  });
  expect(delays.some((delay, n) => delay !== intervalMs * 2 ** n)).toBe(true);
}

describe('the ladder', () => {
  it.each(['PAID', 'RETURNED'])(
    '%s an hour after the notice: opened, announced, notice sent, resolved, closed, announced, succeeded',
    async (resolution) => {
      // Prepare
      const harness = new WorkflowHarness();

      // Act
      const arn = await harness.start();
      await harness.runUntilAwaiting(arn, STAGE_STATES.OVERDUE_NOTICE.await);
      await harness.advanceTo(START + HOUR);
      await harness.resolve(arn, { kind: resolution });

      // Assess
      const execution = harness.describe(arn);
      expect(execution.status).toBe('SUCCEEDED');
      expect(execution.stopDate).toEqual(new Date(START + HOUR));
      expect(harness.trace(arn)).toEqual([
        `${T0} ExecutionStarted`,
        ...choice(T0, STATE.isContinuing),
        ...task(T0, STATE.openCase),
        ...task(T0, STATE.announceCaseOpened),
        ...task(T0, STAGE_STATES.OVERDUE_NOTICE.send),
        ...choice(T0, STAGE_STATES.OVERDUE_NOTICE.afterSend),
        `${T0} TaskStateEntered ${STAGE_STATES.OVERDUE_NOTICE.await}`,
        `${T0} TaskScheduled ${STAGE_STATES.OVERDUE_NOTICE.await}`,
        `${T0} TaskStarted ${STAGE_STATES.OVERDUE_NOTICE.await}`,
        `${T0} TaskSubmitted ${STAGE_STATES.OVERDUE_NOTICE.await}`,
        `${T1H} TaskSucceeded ${STAGE_STATES.OVERDUE_NOTICE.await}`,
        `${T1H} TaskStateExited ${STAGE_STATES.OVERDUE_NOTICE.await}`,
        ...choice(T1H, STATE.whatHappened),
        ...task(T1H, STATE.closeCase),
        ...choice(T1H, STATE.wasRestrictionLifted),
        ...task(T1H, STATE.announceCaseResolved),
        ...task(T1H, STATE.sendReceipt),
        ...choice(T1H, STATE.isReceiptDeferred),
        ...task(T1H, STATE.settleReport),
        ...choice(T1H, STATE.wasReportSettled),
        `${T1H} SucceedStateEntered ${STATE.caseResolved}`,
        `${T1H} SucceedStateExited ${STATE.caseResolved}`,
        `${T1H} ExecutionSucceeded`,
      ]);
      const [open, notice, wait, close, receipt, settle, ...others] = harness.calls;
      expect(others).toEqual([]);
      expect(receipt).toMatchObject({
        step: 'SendCaseMessage',
        payload: { caseId: CASE_ID, message: 'RECEIPT', at: iso(START + HOUR) },
      });
      expect(open).toMatchObject({
        step: 'BeginCase',
        state: STATE.openCase,
        payload: { caseId: CASE_ID, at: iso(START), execution: CASE_ID },
      });
      expect(notice).toMatchObject({
        step: 'SendStageContact',
        payload: { caseId: CASE_ID, stage: 'OVERDUE_NOTICE', at: iso(START) },
      });
      expect(wait).toMatchObject({
        step: 'AwaitResolution',
        payload: {
          caseId: CASE_ID,
          awaiting: 'LADDER',
          at: iso(START),
          token: wait?.taskToken,
          timeoutSeconds: NOTICE_WAIT_SECONDS,
        },
      });
      expect(wait?.taskToken).toMatch(/^AQ/);
      expect(close).toMatchObject({ step: 'CloseCase', payload: { caseId: CASE_ID, at: iso(START + HOUR) } });
      // Nothing was filed: the settle step is asked, and says it changed nothing.
      expect(settle).toMatchObject({
        step: 'UpdateCreditReport',
        state: STATE.settleReport,
        payload: { caseId: CASE_ID, action: 'SETTLE', at: iso(START + HOUR) },
        returned: { outcome: 'SKIPPED', changed: false },
      });
      const closedDetail = caseDetail(
        { caseId: CASE_ID, at: iso(START + HOUR) },
        'RESOLVED',
        'OVERDUE_NOTICE',
        0,
      );
      const common = { EventBusName: EVENT_BUS, Source: 'rental.collections' };
      expect(harness.published()).toEqual([
        {
          ...common,
          DetailType: 'Case Opened',
          Detail: openedDetail({ caseId: CASE_ID, at: iso(START) }),
          state: STATE.announceCaseOpened,
          publishedAt: START,
        },
        {
          ...common,
          DetailType: 'Case Resolved',
          Detail: closedDetail,
          state: STATE.announceCaseResolved,
          publishedAt: START + HOUR,
        },
      ]);
      expect(harness.alerts()).toEqual([]);
      // The announcements add nothing (ResultPath null); each step's result sits at its own path.
      expect(JSON.parse(execution.output ?? 'null')).toEqual({
        caseId: CASE_ID,
        opened: { detail: openedDetail({ caseId: CASE_ID, at: iso(START) }) },
        contact: {
          outcome: 'SENT',
          waitSeconds: NOTICE_WAIT_SECONDS,
          deferUntil: null,
          resumeStage: null,
          continueAsNew: false,
        },
        resolution: { kind: resolution },
        closed: { detail: closedDetail, restrictionLifted: false },
        message: { outcome: 'SENT', deferUntil: null },
        creditReport: { changed: false, detail: closedDetail },
      });
    },
  );

  it('nobody answers: each stage times out into the next on its day, the report and restriction at day 31, monthly soft reminders, written off at day 180', async () => {
    // Prepare
    const harness = new WorkflowHarness();

    // Act
    const arn = await harness.start();
    const end = await harness.runToEnd(arn);

    // Assess
    expect(end).toMatchObject({ status: 'SUCCEEDED', stopDate: new Date(START + 180 * DAY) });
    const entries = (state: string) => days(harness.enteredTimes(arn, state));
    expect(entries(STAGE_STATES.OVERDUE_NOTICE.send)).toEqual([0]);
    expect(entries(STAGE_STATES.FIRST_COLLECTION.send)).toEqual([3]);
    expect(entries(STAGE_STATES.SECOND_COLLECTION.send)).toEqual([10]);
    expect(entries(STAGE_STATES.CREDIT_PRE_NOTICE.send)).toEqual([24]);
    expect(entries(STATE.reportToBureau)).toEqual([31]);
    expect(entries(STATE.restrictAccount)).toEqual([31]);
    expect(entries(STATE.isAboveLegalThreshold)).toEqual([31]);
    expect(entries(STAGE_STATES.SOFT_REMINDERS.send)).toEqual([31, 61, 91, 121, 151, 180]);
    expect(entries(STATE.writeOff)).toEqual([180]);
    const timeouts = harness.history(arn).filter((event) => event.type === 'TaskTimedOut');
    expect(days(timeouts.map((event) => event.timestamp.getTime()))).toEqual([
      3, 10, 24, 31, 61, 91, 121, 151, 180,
    ]);
    expect(timeouts.every((event) => event.taskTimedOutEventDetails?.error === 'States.Timeout')).toBe(true);
    expect(harness.callsOf('SendStageContact').map((call) => call.payload.stage)).toEqual([
      'OVERDUE_NOTICE',
      'FIRST_COLLECTION',
      'SECOND_COLLECTION',
      'CREDIT_PRE_NOTICE',
      ...Array(6).fill('SOFT_REMINDERS'),
    ]);
    // The last reminder waits only until the write-off day (29 days), and the reminder then finds it due.
    expect(harness.callsOf('AwaitResolution').map((call) => call.payload.timeoutSeconds)).toEqual([
      3 * 86_400,
      7 * 86_400,
      14 * 86_400,
      7 * 86_400,
      ...Array(4).fill(30 * 86_400),
      29 * 86_400,
    ]);
    expect(harness.callsOf('AwaitResolution').every((call) => call.payload.awaiting === 'LADDER')).toBe(true);
    expect(harness.path(arn).slice(-6)).toEqual([
      STAGE_STATES.SOFT_REMINDERS.send,
      STAGE_STATES.SOFT_REMINDERS.afterSend,
      STATE.writeOff,
      STATE.wasWrittenOff,
      STATE.announceWrittenOff,
      STATE.caseWrittenOff,
    ]);
    const at31 = iso(START + 31 * DAY);
    expect(
      harness
        .published()
        .map(({ DetailType, Detail, publishedAt }) => [DetailType, Detail, days([publishedAt])[0]]),
    ).toEqual([
      ['Case Opened', openedDetail({ caseId: CASE_ID, at: iso(START) }), 0],
      ['Credit Report Filed', caseDetail({ caseId: CASE_ID, at: at31 }, 'OPEN', 'CREDIT_REPORTED'), 31],
      [
        'Account Restriction Requested',
        caseDetail({ caseId: CASE_ID, at: at31 }, 'OPEN', 'CREDIT_REPORTED'),
        31,
      ],
      [
        'Case Written Off',
        caseDetail({ caseId: CASE_ID, at: iso(START + 180 * DAY) }, 'WRITTEN_OFF', 'SOFT_REMINDERS'),
        180,
      ],
    ]);
    expect(harness.callsOf('OpenLegalReview')).toEqual([]);
  });

  it("a retried await counts its timeout from the retry (the step's own `at + timeoutSeconds` is earlier)", async () => {
    // Prepare
    const harness = new WorkflowHarness({
      faults: { [STAGE_STATES.OVERDUE_NOTICE.await]: [{ fail: 'Lambda.ServiceException' }] },
    });

    // Act
    const arn = await harness.start();
    await harness.runUntilAwaiting(arn, STAGE_STATES.OVERDUE_NOTICE.await);
    const retriedAt = harness.clock.now();
    await harness.advanceTo(START + 4 * DAY);

    // Assess
    const [first, retry] = harness.callsIn(STAGE_STATES.OVERDUE_NOTICE.await);
    expect(retry?.calledAt).toBe(retriedAt);
    expect(retriedAt).toBeGreaterThan(START);
    expect(retry?.payload.at).toBe(first?.payload.at);
    expect(harness.enteredTimes(arn, STAGE_STATES.FIRST_COLLECTION.send)).toEqual([
      retriedAt + NOTICE_WAIT_SECONDS * SECOND,
    ]);
  });
});

/** Every callback task, a scenario that reaches it, and where its timeout leads. */
const TIMEOUTS: Array<[string, ScenarioName, string]> = [
  [STAGE_STATES.OVERDUE_NOTICE.await, 'written off', STAGE_STATES.FIRST_COLLECTION.send],
  [STAGE_STATES.FIRST_COLLECTION.await, 'written off', STAGE_STATES.SECOND_COLLECTION.send],
  [STAGE_STATES.SECOND_COLLECTION.await, 'written off', STAGE_STATES.CREDIT_PRE_NOTICE.send],
  [STAGE_STATES.CREDIT_PRE_NOTICE.await, 'written off', STATE.reportToBureau],
  [STAGE_STATES.SOFT_REMINDERS.await, 'written off', STAGE_STATES.SOFT_REMINDERS.send],
  [STATE.awaitReviewDecision, 'legal', STATE.remindOpsOfReview],
  [STATE.awaitLegalOutcome, 'legal', STATE.prepareOutcomeWait],
  [STATE.awaitPromisedPayment, 'promise broken', STATE.wasPromiseKept],
  [STATE.awaitInstalment, 'plan', STATE.wasInstalmentPaid],
  [STATE.holdForRuling, 'dispute upheld', STATE.alertRulingOverdue],
];
const CALLBACK_TASKS = TIMEOUTS.map(([state, scenario]) => [state, scenario] as [string, ScenarioName]);

describe('timeouts', () => {
  it.each(TIMEOUTS)(
    '%s (%s): still waiting 1 ms before its deadline; at the deadline it times out into "%s", $.timeout added, the input kept',
    async (state, scenario, next) => {
      // Prepare
      const { harness, arn } = await reach(scenario, state);
      const call = harness.callsIn(state).at(-1) as StepCall;
      const deadline = call.calledAt + (call.payload.timeoutSeconds ?? Number.NaN) * SECOND;
      const input = harness.inputsOf(arn, state).at(-1);
      const token = harness.currentToken(arn);
      const scheduled = harness.history(arn).findLast((event) => event.type === 'TaskScheduled');

      // Act
      await harness.advanceTo(deadline - 1);
      const before = { awaiting: harness.awaiting(arn), token: harness.currentToken(arn) };
      await harness.advanceTo(deadline);

      // Assess
      expect(before).toEqual({ awaiting: state, token });
      expect(scheduled?.taskScheduledEventDetails).toMatchObject({
        resource: 'invoke.waitForTaskToken',
        timeoutInSeconds: call.payload.timeoutSeconds,
      });
      const timedOut = harness.history(arn).findLast((event) => event.type === 'TaskTimedOut');
      expect(timedOut?.timestamp).toEqual(new Date(deadline));
      expect(timedOut?.taskTimedOutEventDetails?.error).toBe('States.Timeout');
      const after = harness.statesAfter(arn, state).at(-1);
      expect(after).toBe(next);
      expect(harness.enteredTimes(arn, next).at(-1)).toBe(deadline);
      expect(harness.inputsOf(arn, next).at(-1)).toEqual({
        ...record(input),
        timeout: expect.objectContaining({ Error: 'States.Timeout' }),
      });
      // The token died with the timeout: a payment now finds it stale.
      expect(() => harness.engine.sendTaskSuccess({ taskToken: token, output: '{"kind":"PAID"}' })).toThrow(
        TaskTimedOut,
      );
    },
  );
});

/** What "What happened to the case?" does with each kind the API (or a check) can send. */
const ROUTES: Array<[string, string]> = [
  ['PAID', STATE.closeCase],
  ['RETURNED', STATE.closeCase],
  ['CANCELLED', STATE.cancelCase],
  ['WRITTEN_OFF', STATE.writeOff],
  ['PROMISE', STATE.preparePromiseWait],
  ['PROMISE_KEPT', STATE.resumeLadder],
  ['PLAN', STATE.preparePlanWait],
  ['DISPUTE', STATE.flagReport],
  ['DISPUTE_REJECTED', STATE.liftDisputeFlag],
  ['LEGAL_APPROVED', STATE.sendDemandLetter],
  ['LEGAL_DECLINED', STAGE_STATES.SOFT_REMINDERS.send],
  ['NONE', STATE.resumeLadder],
];

describe(STATE.whatHappened, () => {
  it('the table below routes every resolution kind the domain knows, and NONE (a check that found nothing)', () => {
    // Prepare
    const known = [...RESOLUTION_KINDS, 'NONE'];

    // Act
    const routed = ROUTES.map(([resolution]) => resolution);

    // Assess
    expect([...routed].sort()).toEqual([...known].sort());
  });

  it.each(ROUTES)(
    '%s an hour after the notice goes to "%s" at once, with the resolution at $.resolution',
    async (resolution, next) => {
      // Prepare
      const harness = new WorkflowHarness();
      const arn = await harness.start();
      await harness.runUntilAwaiting(arn, STAGE_STATES.OVERDUE_NOTICE.await);
      await harness.advanceTo(START + HOUR);

      // Act
      await harness.resolve(arn, { kind: resolution });

      // Assess
      expect(harness.statesAfter(arn, STATE.whatHappened)).toEqual([next]);
      expect(harness.enteredTimes(arn, next)[0]).toBe(START + HOUR);
      expect(harness.inputsOf(arn, next)[0]).toMatchObject({
        caseId: CASE_ID,
        resolution: { kind: resolution },
      });
      const [call] = harness.callsIn(next);
      expect(call?.payload).toMatchObject({ caseId: CASE_ID, at: iso(START + HOUR) });
      expect(harness.describe(arn).status).not.toBe('FAILED');
    },
  );

  it.each(['CLOSED', 'KEPT', 'paid'])(
    'an unknown kind (%s) stops the execution with UnknownResolution instead of guessing',
    async (resolution) => {
      // Prepare
      const harness = new WorkflowHarness();

      // Act
      const arn = await harness.start();
      const end = await harness.runToEnd(arn, {
        resolve: on(STAGE_STATES.OVERDUE_NOTICE.await, HOUR, resolution),
      });

      // Assess
      expect(end).toMatchObject({
        status: 'FAILED',
        error: 'UnknownResolution',
        cause: 'The case was resumed with a resolution kind this workflow does not handle.',
      });
      expect(harness.path(arn).slice(-2)).toEqual([STATE.whatHappened, STATE.unknownResolution]);
      expect(harness.callsOf('CloseCase')).toEqual([]);
    },
  );

  it.each<[string, JsonValue]>([
    ['an empty resolution', {}],
    ['a resolution without a kind', { status: 'PAID' }],
    ['a null resolution', null],
  ])(
    '%s stops the execution with UnknownResolution (the first rule), not an invalid-path States.Runtime',
    async (_label, output) => {
      // Prepare
      const harness = new WorkflowHarness();
      const arn = await harness.start();
      await harness.runUntilAwaiting(arn, STAGE_STATES.OVERDUE_NOTICE.await);
      await harness.advanceTo(START + HOUR);

      // Act
      await harness.resolve(arn, output);

      // Assess
      expect(harness.describe(arn)).toMatchObject({
        status: 'FAILED',
        error: 'UnknownResolution',
        stopDate: new Date(START + HOUR),
      });
      expect(harness.path(arn).slice(-2)).toEqual([STATE.whatHappened, STATE.unknownResolution]);
      expect(harness.inputsOf(arn, STATE.unknownResolution)).toEqual([
        expect.objectContaining({ caseId: CASE_ID, resolution: output }),
      ]);
      expect(harness.history(arn).at(-1)?.executionFailedEventDetails).toEqual({
        error: 'UnknownResolution',
        cause: 'The case was resumed with a resolution kind this workflow does not handle.',
      });
      expect(harness.calls.map((call) => call.step)).toEqual([
        'BeginCase',
        'SendStageContact',
        'AwaitResolution',
      ]);
    },
  );

  it.each<[string, string[]]>([
    ['PAID', CLOSING_TAIL],
    ['CANCELLED', CANCELLING_TAIL],
  ])(
    'contact SKIPPED and the await step answers its own token at once (%s, before its invoke returns): no wait',
    async (resolution, tail) => {
      // Prepare: what the steps do for a case that changed while the workflow was busy
      const holder: { harness?: WorkflowHarness } = {};
      const answerAtOnce: StepScript = ({ payload }) => {
        holder.harness?.engine.sendTaskSuccess({
          taskToken: payload.token ?? '',
          output: JSON.stringify({ kind: resolution }),
        });
        return { return: null };
      };
      const harness = new WorkflowHarness({
        steps: {
          SendStageContact: () => ({
            return: {
              outcome: 'SKIPPED',
              waitSeconds: NOTICE_WAIT_SECONDS,
              deferUntil: null,
              resumeStage: null,
              continueAsNew: false,
            },
          }),
          AwaitResolution: answerAtOnce,
        },
      });
      holder.harness = harness;

      // Act
      const arn = await harness.start();

      // Assess
      expect(harness.describe(arn)).toMatchObject({ status: 'SUCCEEDED', stopDate: new Date(START) });
      const entered = harness.entered(arn);
      expect(
        entered.slice(entered.findIndex(([name]) => name === STAGE_STATES.OVERDUE_NOTICE.await)),
      ).toEqual([STAGE_STATES.OVERDUE_NOTICE.await, STATE.whatHappened, ...tail].map((name) => [name, T0]));
      expect(harness.trace(arn).filter((line) => line.endsWith(STAGE_STATES.OVERDUE_NOTICE.await))).toEqual(
        ['TaskStateEntered', 'TaskScheduled', 'TaskStarted', 'TaskSucceeded', 'TaskStateExited'].map(
          (type) => `${T0} ${type} ${STAGE_STATES.OVERDUE_NOTICE.await}`,
        ),
      );
    },
  );

  it.each<[string, string, string[], string[], CreditReportAction]>([
    [
      'a payment',
      'RESOLVED',
      [
        STATE.closeCase,
        STATE.wasRestrictionLifted,
        STATE.announceRestrictionLifted,
        STATE.announceCaseResolved,
        ...RECEIPT,
        STATE.settleReport,
        STATE.wasReportSettled,
        STATE.announceReportSettled,
        STATE.caseResolved,
      ],
      ['Account Restriction Lifted', 'Case Resolved', 'Credit Report Updated'],
      'SETTLE',
    ],
    [
      'an upheld dispute',
      'CANCELLED',
      [
        STATE.cancelCase,
        STATE.wasRestrictionLiftedAfterCancelling,
        STATE.announceRestrictionLiftedAfterCancelling,
        STATE.announceCaseCancelled,
        STATE.deleteReport,
        STATE.wasReportDeleted,
        STATE.announceReportDeleted,
        STATE.caseCancelled,
      ],
      ['Account Restriction Lifted', 'Case Cancelled', 'Credit Report Deleted'],
      'DELETE',
    ],
  ])(
    '%s that lands between the write-off decision and the write-off: the write-off finds the case %s and the case ends as that',
    async (_race, status, tail, announced, action) => {
      // Prepare: the write-off step finds the case already closed and writes nothing
      const harness = new WorkflowHarness({ steps: { WriteOffCase: closing(status, false) } });

      // Act
      const arn = await harness.start();
      const end = await harness.runToEnd(arn);

      // Assess
      expect(end).toMatchObject({ status: 'SUCCEEDED', stopDate: new Date(START + 180 * DAY) });
      expect(harness.path(arn).slice(-(tail.length + 2))).toEqual([
        STATE.writeOff,
        STATE.wasWrittenOff,
        ...tail,
      ]);
      expect(harness.publishedTypes()).not.toContain('Case Written Off');
      expect(harness.publishedTypes().slice(-3)).toEqual(announced);
      expect(
        harness.callsOf('UpdateCreditReport').map((call) => [call.payload.action, call.returned]),
      ).toEqual([[action, expect.objectContaining({ outcome: 'DONE', changed: true })]]);
      expect(harness.callsOf(status === 'RESOLVED' ? 'CancelCase' : 'CloseCase')).toEqual([]);
    },
  );

  it('a write-off that finds the case in a status this workflow does not know (ARCHIVED) ends as "Case closed elsewhere", announcing nothing', async () => {
    // Prepare: every status the domain has today is routed above; this is the Choice's Default
    const harness = new WorkflowHarness({ steps: { WriteOffCase: closing('ARCHIVED', false) } });

    // Act
    const arn = await harness.start();
    const end = await harness.runToEnd(arn);

    // Assess
    expect(end.status).toBe('SUCCEEDED');
    expect(harness.path(arn).slice(-3)).toEqual([
      STATE.writeOff,
      STATE.wasWrittenOff,
      STATE.caseClosedElsewhere,
    ]);
    expect(harness.publishedTypes().at(-1)).toBe('Account Restriction Requested');
    expect(harness.callsOf('UpdateCreditReport')).toEqual([]);
  });
});

describe('promises', () => {
  it.each(LADDER_STAGES)(
    'a promise during %s, broken: checked when the promise ends, the ladder resumes that stage with the rest of its wait',
    async (stage) => {
      // Prepare
      const harness = new WorkflowHarness();
      const arn = await harness.start();
      await harness.runUntilAwaiting(arn, STAGE_STATES[stage].await);
      const stageStart = STAGE_STARTS[stage];
      const wait = STAGE_WAIT_SECONDS[stage] * SECOND;
      const promisedAt = stageStart + HOUR;
      await harness.advanceTo(promisedAt);

      // Act
      await harness.resolve(arn, { kind: 'PROMISE' });
      await harness.advanceTo(stageStart + PROMISE_WAIT_SECONDS * SECOND + wait - 1);
      const nextBefore = harness.enteredTimes(arn, AFTER_STAGE[stage]).length;
      await harness.advanceTo(stageStart + PROMISE_WAIT_SECONDS * SECOND + wait);

      // Assess
      const path = harness.path(arn);
      expect(
        path.slice(path.lastIndexOf(STATE.whatHappened), path.lastIndexOf(STATE.whatHappened) + 10),
      ).toEqual([
        STATE.whatHappened,
        STATE.preparePromiseWait,
        STATE.isTimeToContinuePromise,
        STATE.awaitPromisedPayment,
        STATE.wasPromiseKept,
        STATE.didPromiseHold,
        STATE.resumeLadder,
        STATE.whereLadderResumes,
        STAGE_STATES[stage].await,
        AFTER_STAGE[stage],
      ]);
      const brokenAt = promisedAt + PROMISE_WAIT_SECONDS * SECOND;
      expect(harness.callsIn(STATE.awaitPromisedPayment).map((call) => call.payload)).toEqual([
        expect.objectContaining({
          awaiting: 'PROMISE',
          at: iso(promisedAt),
          timeoutSeconds: PROMISE_WAIT_SECONDS,
        }),
      ]);
      expect(harness.callsIn(STATE.wasPromiseKept).map((call) => call.payload)).toEqual([
        { caseId: CASE_ID, arrangement: 'PROMISE', at: iso(brokenAt) },
      ]);
      expect(harness.callsIn(STATE.resumeLadder).map((call) => [call.payload, call.returned])).toEqual([
        [
          { caseId: CASE_ID, at: iso(brokenAt), executionStartedAt: iso(START) },
          expect.objectContaining({
            outcome: 'RESUMED',
            resumeStage: stage,
            waitSeconds: (wait - HOUR) / SECOND,
          }),
        ],
      ]);
      const resumedWait = harness
        .callsIn(STAGE_STATES[stage].await)
        .find((call) => call.calledAt === brokenAt);
      expect(resumedWait?.payload).toMatchObject({
        awaiting: 'LADDER',
        at: iso(brokenAt),
        timeoutSeconds: (wait - HOUR) / SECOND,
      });
      // The pause moved the next stage by exactly the promise's wait.
      expect(nextBefore).toBe(stage === 'SOFT_REMINDERS' ? 1 : 0);
      expect(harness.enteredTimes(arn, AFTER_STAGE[stage]).at(-1)).toBe(
        stageStart + wait + PROMISE_WAIT_SECONDS * SECOND,
      );
    },
  );

  it('kept: a payment during the promised wait closes the case at once, without checking the promise', async () => {
    // Prepare
    const harness = new WorkflowHarness();
    const arn = await harness.start();

    // Act
    const end = await harness.runToEnd(arn, {
      resolve: [
        on(STAGE_STATES.OVERDUE_NOTICE.await, HOUR, 'PROMISE'),
        on(STATE.awaitPromisedPayment, 2 * DAY, 'PAID'),
      ],
    });

    // Assess
    expect(end).toMatchObject({ status: 'SUCCEEDED', stopDate: new Date(START + HOUR + 2 * DAY) });
    expect(harness.path(arn).slice(harness.path(arn).indexOf(STATE.awaitPromisedPayment))).toEqual([
      STATE.awaitPromisedPayment,
      STATE.whatHappened,
      ...CLOSING_TAIL,
    ]);
    expect(harness.callsOf('CheckArrangement')).toEqual([]);
  });

  it('the check finds news (paid at the deadline): "Did the promise hold?" hands it to "What happened to the case?"', async () => {
    // Prepare
    const harness = new WorkflowHarness({ steps: { CheckArrangement: () => kind('PAID') } });
    const arn = await harness.start();

    // Act
    const end = await harness.runToEnd(arn, {
      resolve: on(STAGE_STATES.OVERDUE_NOTICE.await, HOUR, 'PROMISE'),
    });

    // Assess
    expect(end.status).toBe('SUCCEEDED');
    expect(harness.statesAfter(arn, STATE.didPromiseHold)).toEqual([STATE.whatHappened]);
    expect(harness.statesAfter(arn, STATE.whatHappened)).toEqual([STATE.preparePromiseWait, STATE.closeCase]);
    expect(harness.callsOf('ResumeLadder')).toEqual([]);
  });
});

describe('plans', () => {
  it('each instalment kept loops back to the next; a broken one resumes the ladder with the rest of its wait', async () => {
    // Prepare
    const harness = new WorkflowHarness({
      steps: { CheckArrangement: sequence(kind('KEPT'), kind('KEPT'), kind('BROKEN')) },
    });
    const arn = await harness.start();
    const wait = INSTALMENT_WAIT_SECONDS * SECOND;

    // Act
    await harness.runUntilAwaiting(arn, STATE.awaitInstalment, {
      resolve: on(STAGE_STATES.OVERDUE_NOTICE.await, HOUR, 'PLAN'),
    });
    await harness.advanceTo(START + HOUR + 3 * wait + NOTICE_WAIT_SECONDS * SECOND - HOUR);

    // Assess
    const checks = [1, 2, 3].map((n) => START + HOUR + n * wait);
    expect(harness.enteredTimes(arn, STATE.wasInstalmentPaid)).toEqual(checks);
    expect(harness.callsIn(STATE.wasInstalmentPaid).map((call) => call.payload)).toEqual(
      checks.map((at) => ({ caseId: CASE_ID, arrangement: 'PLAN', at: iso(at) })),
    );
    expect(harness.statesAfter(arn, STATE.doesPlanHold)).toEqual([
      STATE.preparePlanWait,
      STATE.preparePlanWait,
      STATE.resumeLadder,
    ]);
    expect(harness.callsIn(STATE.awaitInstalment).map((call) => call.payload.awaiting)).toEqual([
      'PLAN',
      'PLAN',
      'PLAN',
    ]);
    expect(harness.statesAfter(arn, STATE.whereLadderResumes)).toEqual([STAGE_STATES.OVERDUE_NOTICE.await]);
    expect(harness.callsIn(STAGE_STATES.OVERDUE_NOTICE.await).at(-1)?.payload.timeoutSeconds).toBe(
      NOTICE_WAIT_SECONDS - 3600,
    );
    expect(harness.enteredTimes(arn, STAGE_STATES.FIRST_COLLECTION.send)).toEqual([
      START + 3 * wait + NOTICE_WAIT_SECONDS * SECOND,
    ]);
    expect(harness.callsOf('SendStageContact')).toHaveLength(2);
  });

  it('paid in full during the plan: closed (the scenario "plan")', async () => {
    // Prepare, Act
    const { harness, arn, end } = await runScenario('plan');

    // Assess
    expect(end).toMatchObject({ status: 'SUCCEEDED', stopDate: new Date(START + HOUR + 33 * DAY) });
    expect(harness.statesAfter(arn, STATE.awaitInstalment)).toEqual([
      STATE.wasInstalmentPaid,
      STATE.whatHappened,
    ]);
    expect(harness.statesAfter(arn, STATE.whatHappened)).toEqual([STATE.preparePlanWait, STATE.closeCase]);
  });

  it('the instalment check finds news (a dispute): "Does the plan hold?" hands it to "What happened to the case?"', async () => {
    // Prepare
    const harness = new WorkflowHarness({ steps: { CheckArrangement: () => kind('DISPUTE') } });
    const arn = await harness.start();

    // Act
    await harness.runUntilAwaiting(arn, STATE.holdForRuling, {
      resolve: on(STAGE_STATES.OVERDUE_NOTICE.await, HOUR, 'PLAN'),
    });

    // Assess
    expect(harness.statesAfter(arn, STATE.doesPlanHold)).toEqual([STATE.whatHappened]);
    expect(harness.statesAfter(arn, STATE.whatHappened)).toEqual([STATE.preparePlanWait, STATE.flagReport]);
  });
});

describe('disputes', () => {
  it('before any report: nothing flagged or announced, no contact during the hold, ops alerted when the ruling is overdue (30 d, then every 7 d); rejected: the ladder resumes', async () => {
    // Prepare
    const harness = new WorkflowHarness();
    const arn = await harness.start();
    await harness.runUntilAwaiting(arn, STATE.holdForRuling, {
      resolve: on(STAGE_STATES.OVERDUE_NOTICE.await, HOUR, 'DISPUTE'),
    });
    const contactsBefore = harness.callsOf('SendStageContact').length;

    // Act
    await harness.advanceTo(START + HOUR + 40 * DAY);
    const contactsDuringHold = harness.callsOf('SendStageContact').length - contactsBefore;
    await harness.resolve(arn, { kind: 'DISPUTE_REJECTED' });
    await harness.advanceTo(START + 43 * DAY + HOUR);

    // Assess
    expect(contactsDuringHold).toBe(0);
    expect(harness.statesAfter(arn, STATE.wasReportFlagged)).toEqual([STATE.prepareDisputeWait]);
    expect(
      harness.callsOf('UpdateCreditReport').map((call) => [call.state, call.payload.action, call.returned]),
    ).toEqual([
      [STATE.flagReport, 'FLAG', expect.objectContaining({ outcome: 'SKIPPED', changed: false })],
      [STATE.liftDisputeFlag, 'UNFLAG', expect.objectContaining({ outcome: 'SKIPPED', changed: false })],
    ]);
    expect(
      harness
        .callsIn(STATE.holdForRuling)
        .map((call) => [call.payload.awaiting, call.payload.timeoutSeconds]),
    ).toEqual([
      ['DISPUTE', 30 * 86_400],
      ['DISPUTE', 7 * 86_400],
      ['DISPUTE', 7 * 86_400],
    ]);
    expect(
      harness.alerts().map(({ state, calledAt, topicArn, subject, message }) => ({
        state,
        at: offset(calledAt),
        topicArn,
        subject,
        message,
      })),
    ).toEqual(
      [30, 37].map((day) => ({
        state: STATE.alertRulingOverdue,
        at: `${day}d 01:00:00.000`,
        topicArn: OPS_TOPIC,
        subject: 'Dispute ruling overdue',
        message: `The dispute on case ${CASE_ID} is past its ruling deadline: rule on it (POST disputes/resolution on the case).`,
      })),
    );
    expect(harness.statesAfter(arn, STATE.alertRulingOverdue)).toEqual([
      STATE.prepareDisputeWait,
      STATE.prepareDisputeWait,
    ]);
    expect(harness.statesAfter(arn, STATE.wasDisputeFlagLifted)).toEqual([STATE.resumeLadder]);
    expect(harness.publishedTypes()).toEqual(['Case Opened']);
    // The notice had 71 h left when the dispute paused it: the first collection runs 71 h after the ruling.
    expect(harness.enteredTimes(arn, STAGE_STATES.FIRST_COLLECTION.send)).toEqual([
      START + 40 * DAY + HOUR + 71 * HOUR,
    ]);
  });

  it('with a filed report: flagged and announced; rejected: restored and announced, the soft reminders resume; then paid: settled and lifted, each announced', async () => {
    // Prepare, Act
    const { harness, arn, end } = await runScenario('dispute rejected');

    // Assess
    expect(end.status).toBe('SUCCEEDED');
    const disputedAt = START + 31 * DAY + HOUR;
    const rejectedAt = disputedAt + 10 * DAY;
    expect(
      harness
        .published()
        .map(({ DetailType, state, publishedAt }) => [DetailType, state, offset(publishedAt)]),
    ).toEqual([
      ['Case Opened', STATE.announceCaseOpened, T0],
      ['Credit Report Filed', STATE.announceReportFiled, '31d 00:00:00.000'],
      ['Account Restriction Requested', STATE.announceRestrictionRequested, '31d 00:00:00.000'],
      ['Credit Report Updated', STATE.announceReportDisputed, offset(disputedAt)],
      ['Credit Report Updated', STATE.announceReportRestored, offset(rejectedAt)],
      ['Account Restriction Lifted', STATE.announceRestrictionLifted, offset(rejectedAt + HOUR)],
      ['Case Resolved', STATE.announceCaseResolved, offset(rejectedAt + HOUR)],
      ['Credit Report Updated', STATE.announceReportSettled, offset(rejectedAt + HOUR)],
    ]);
    const flagged = harness.callsIn(STATE.flagReport)[0];
    expect(flagged?.payload).toEqual({ caseId: CASE_ID, action: 'FLAG', at: iso(disputedAt) });
    expect(harness.published()[3]?.Detail).toEqual(record(flagged?.returned).detail);
    const restored = harness.callsIn(STATE.liftDisputeFlag);
    expect(restored.map((call) => call.payload)).toEqual([
      { caseId: CASE_ID, action: 'UNFLAG', at: iso(rejectedAt) },
    ]);
    expect(harness.published()[4]?.Detail).toEqual(record(restored[0]?.returned).detail);
    const settled = harness.callsIn(STATE.settleReport);
    expect(settled.map((call) => call.payload)).toEqual([
      { caseId: CASE_ID, action: 'SETTLE', at: iso(rejectedAt + HOUR) },
    ]);
    // The settled report is announced with what the update step says, the resolved case with what "Close case" says.
    expect(harness.published()[6]?.Detail).toEqual(
      record(harness.callsIn(STATE.closeCase)[0]?.returned).detail,
    );
    expect(harness.published()[7]?.Detail).toEqual(record(settled[0]?.returned).detail);
    expect(harness.facts()).toMatchObject({
      status: 'RESOLVED',
      creditReport: 'SETTLED',
      accountRestricted: false,
    });
    expect(harness.statesAfter(arn, STATE.whereLadderResumes)).toEqual([STAGE_STATES.SOFT_REMINDERS.await]);
    expect(harness.callsIn(STAGE_STATES.SOFT_REMINDERS.await).at(-1)?.payload.timeoutSeconds).toBe(
      30 * 86_400 - 3600,
    );
  });

  it('upheld: the case is cancelled, the report deleted and the restriction lifted, each announced', async () => {
    // Prepare, Act
    const { harness, arn, end } = await runScenario('dispute upheld');

    // Assess
    const upheldAt = START + 31 * DAY + HOUR + 31 * DAY;
    expect(end).toMatchObject({ status: 'SUCCEEDED', stopDate: new Date(upheldAt) });
    expect(harness.path(arn).slice(harness.path(arn).lastIndexOf(STATE.holdForRuling))).toEqual([
      STATE.holdForRuling,
      STATE.whatHappened,
      STATE.cancelCase,
      STATE.wasRestrictionLiftedAfterCancelling,
      STATE.announceRestrictionLiftedAfterCancelling,
      STATE.announceCaseCancelled,
      STATE.deleteReport,
      STATE.wasReportDeleted,
      STATE.announceReportDeleted,
      STATE.caseCancelled,
    ]);
    const cancelled = caseDetail({ caseId: CASE_ID, at: iso(upheldAt) }, 'CANCELLED', 'SOFT_REMINDERS');
    expect(
      harness
        .published()
        .slice(3)
        .map(({ DetailType, Detail }) => [DetailType, Detail]),
    ).toEqual([
      ['Credit Report Updated', expect.objectContaining({ status: 'DISPUTED' })],
      ['Account Restriction Lifted', cancelled],
      ['Case Cancelled', cancelled],
      ['Credit Report Deleted', cancelled],
    ]);
    expect(harness.alerts().map((alert) => offset(alert.calledAt))).toEqual(['61d 01:00:00.000']);
    expect(harness.callsOf('CloseCase')).toEqual([]);
    expect(harness.callsIn(STATE.deleteReport).map((call) => call.payload)).toEqual([
      { caseId: CASE_ID, action: 'DELETE', at: iso(upheldAt) },
    ]);
    expect(harness.facts()).toMatchObject({
      status: 'CANCELLED',
      creditReport: 'DELETED',
      accountRestricted: false,
    });
  });
});

describe('where the ladder resumes', () => {
  it.each<[string, string, string, string, PlannedResolution[]]>([
    ['LEGAL_REVIEW', STATE.awaitReviewDecision, 'PROMISE', STATE.prepareReviewWait, []],
    ['LEGAL_ACTION', STATE.awaitLegalOutcome, 'PLAN', STATE.prepareOutcomeWait, SCENARIOS.legal.resolve],
  ])(
    '%s: an arrangement made in "%s" (%s), broken, resumes via "Where does the ladder resume?" at "%s"',
    async (stage, awaiting, arrangement, target, before) => {
      // Prepare
      const harness = new WorkflowHarness({ legalReview: true });
      const arn = await harness.start();
      await harness.runUntilAwaiting(arn, awaiting, { resolve: before });
      const at = harness.clock.now() + HOUR;

      // Act
      await harness.advanceTo(at);
      await harness.resolve(arn, { kind: arrangement });
      await harness.runUntilAwaiting(arn, awaiting);

      // Assess
      expect(harness.callsIn(STATE.resumeLadder).map((call) => record(call.returned).resumeStage)).toEqual([
        stage,
      ]);
      expect(harness.statesAfter(arn, STATE.whereLadderResumes)).toEqual([target]);
      const path = harness.path(arn);
      expect(path.slice(path.lastIndexOf(STATE.whereLadderResumes))).toEqual(
        stage === 'LEGAL_ACTION'
          ? [STATE.whereLadderResumes, target, STATE.isTimeToContinueOutcomeWait, awaiting]
          : stage === 'LEGAL_REVIEW'
            ? [STATE.whereLadderResumes, target, STATE.isTimeToContinueReview, awaiting]
            : [STATE.whereLadderResumes, target, awaiting],
      );
    },
  );

  it.each<[boolean, string, string]>([
    [false, STAGE_STATES.SOFT_REMINDERS.await, STAGE_STATES.SOFT_REMINDERS.send],
    [true, STATE.awaitReviewDecision, STATE.openLegalReview],
  ])(
    'CREDIT_REPORTED (legal review due: %s): resumed at "Restrict account", which finds the account restricted (ALREADY, not announced again); the threshold decides again',
    async (legalReview, awaiting, next) => {
      // Prepare
      const harness = new WorkflowHarness({
        legalReview,
        steps: { ResumeLadder: () => resumed('CREDIT_REPORTED', 1) },
      });
      const arn = await harness.start();
      await harness.runUntilAwaiting(arn, awaiting);
      const promisedAt = harness.clock.now() + HOUR;
      await harness.advanceTo(promisedAt);

      // Act
      await harness.resolve(arn, { kind: 'PROMISE' });
      await harness.advanceTo(promisedAt + PROMISE_WAIT_SECONDS * SECOND);

      // Assess
      const brokenAt = promisedAt + PROMISE_WAIT_SECONDS * SECOND;
      expect(harness.statesAfter(arn, STATE.whereLadderResumes)).toEqual([STATE.restrictAccount]);
      expect(harness.callsIn(STATE.restrictAccount).map((call) => [call.payload.at, call.returned])).toEqual([
        [iso(START + 31 * DAY), expect.objectContaining({ outcome: 'DONE', legalReview })],
        [iso(brokenAt), expect.objectContaining({ outcome: 'ALREADY', legalReview })],
      ]);
      expect(harness.statesAfter(arn, STATE.wasAccountRestricted)).toEqual([
        STATE.announceRestrictionRequested,
        STATE.isAboveLegalThreshold,
      ]);
      expect(
        harness.publishedTypes().filter((type) => type === 'Account Restriction Requested'),
      ).toHaveLength(1);
      expect(harness.statesAfter(arn, STATE.isAboveLegalThreshold)).toEqual([next, next]);
      expect(harness.enteredTimes(arn, next).at(-1)).toBe(brokenAt);
      expect(harness.awaiting(arn)).toBe(awaiting);
    },
  );

  it('CREDIT_REPORTED after a restriction that did not happen (SKIPPED, the check found nothing): the resumed ladder restricts the account and announces it', async () => {
    // Prepare: the first restriction found the case busy; the check then found nothing new
    const harness = new WorkflowHarness({
      steps: {
        RestrictAccount: once(restriction({ outcome: 'SKIPPED' }), restriction()),
        ResumeLadder: () => resumed('CREDIT_REPORTED', 1),
      },
    });
    const arn = await harness.start();

    // Act
    await harness.runUntilAwaiting(arn, STAGE_STATES.SOFT_REMINDERS.await);

    // Assess
    const path = harness.path(arn);
    expect(path.slice(path.indexOf(STATE.restrictAccount))).toEqual([
      STATE.restrictAccount,
      STATE.wasAccountRestricted,
      STATE.checkCase,
      STATE.whatHappened,
      STATE.resumeLadder,
      STATE.whereLadderResumes,
      STATE.restrictAccount,
      STATE.wasAccountRestricted,
      STATE.announceRestrictionRequested,
      STATE.isAboveLegalThreshold,
      ...SOFT_REMINDER_STATES,
    ]);
    expect(harness.callsIn(STATE.restrictAccount).map((call) => call.calledAt)).toEqual([
      START + 31 * DAY,
      START + 31 * DAY,
    ]);
    expect(harness.publishedTypes()).toEqual([
      'Case Opened',
      'Credit Report Filed',
      'Account Restriction Requested',
    ]);
    expect(harness.facts().accountRestricted).toBe(true);
  });
});

describe('the credit track', () => {
  it.each<[StepName, string, HarnessOptions, PlannedResolution[], string[]]>([
    ['ReportToBureau', STATE.reportToBureau, {}, [], ['Case Opened', 'Case Resolved']],
    [
      'RestrictAccount',
      STATE.restrictAccount,
      {},
      [],
      ['Case Opened', 'Credit Report Filed', 'Case Resolved', 'Credit Report Updated'],
    ],
    [
      'OpenLegalReview',
      STATE.openLegalReview,
      { legalReview: true },
      [],
      [
        'Case Opened',
        'Credit Report Filed',
        'Account Restriction Requested',
        'Account Restriction Lifted',
        'Case Resolved',
        'Credit Report Updated',
      ],
    ],
    [
      'StartLegalAction',
      STATE.startLegalAction,
      { legalReview: true },
      [on(STATE.awaitReviewDecision, HOUR, 'LEGAL_APPROVED')],
      [
        'Case Opened',
        'Credit Report Filed',
        'Account Restriction Requested',
        'Account Restriction Lifted',
        'Case Resolved',
        'Credit Report Updated',
      ],
    ],
  ])(
    '%s SKIPPED (the case changed under it): nothing announced for it, "Check what happened to the case" routes the news at once',
    async (step, state, options, resolutions, announced) => {
      // Prepare: the case was paid just before the step looked
      const harness = new WorkflowHarness({
        ...options,
        steps: { [step]: trackSkipped({ legalReview: false }), CheckCase: () => kind('PAID') },
      });
      const arn = await harness.start();

      // Act
      const end = await harness.runToEnd(arn, { resolve: resolutions });

      // Assess
      expect(end.status).toBe('SUCCEEDED');
      const path = harness.path(arn);
      expect(path.slice(path.indexOf(state), path.indexOf(state) + 5)).toEqual([
        state,
        expect.stringMatching(/\?$/),
        STATE.checkCase,
        STATE.whatHappened,
        STATE.closeCase,
      ]);
      expect(harness.callsIn(STATE.checkCase).map((call) => call.payload)).toEqual([
        { caseId: CASE_ID, awaiting: 'LADDER' },
      ]);
      expect(harness.enteredTimes(arn, STATE.closeCase)).toEqual([harness.callsIn(state)[0]?.calledAt]);
      expect(harness.publishedTypes()).toEqual(announced);
    },
  );

  it('the check finds nothing (NONE): the ladder resumes where it stands (a review whose action did not start)', async () => {
    // Prepare
    const harness = new WorkflowHarness({ legalReview: true, steps: { StartLegalAction: trackSkipped() } });
    const arn = await harness.start();
    await harness.runUntilAwaiting(arn, STATE.awaitReviewDecision);
    await harness.advanceTo(harness.clock.now() + HOUR);

    // Act
    await harness.resolve(arn, { kind: 'LEGAL_APPROVED' });

    // Assess
    const path = harness.path(arn);
    expect(path.slice(path.indexOf(STATE.sendDemandLetter))).toEqual([
      STATE.sendDemandLetter,
      STATE.isDemandLetterDeferred,
      STATE.startLegalAction,
      STATE.didLegalActionStart,
      STATE.checkCase,
      STATE.whatHappened,
      STATE.resumeLadder,
      STATE.whereLadderResumes,
      STATE.prepareReviewWait,
      STATE.isTimeToContinueReview,
      STATE.awaitReviewDecision,
    ]);
  });

  it('a report filed before (outcome ALREADY): not announced again, straight to "Restrict account"', async () => {
    // Prepare
    const harness = new WorkflowHarness({
      steps: {
        ReportToBureau: ({ payload }) => ({
          return: { outcome: 'ALREADY', detail: caseDetail(payload, 'OPEN', 'CREDIT_PRE_NOTICE') },
        }),
      },
    });
    const arn = await harness.start();

    // Act
    await harness.runUntilAwaiting(arn, STAGE_STATES.SOFT_REMINDERS.await);

    // Assess
    const path = harness.path(arn);
    expect(path.slice(path.indexOf(STATE.reportToBureau))).toEqual([
      STATE.reportToBureau,
      STATE.wasReportFiled,
      STATE.restrictAccount,
      STATE.wasAccountRestricted,
      STATE.announceRestrictionRequested,
      STATE.isAboveLegalThreshold,
      ...SOFT_REMINDER_STATES,
    ]);
    expect(harness.publishedTypes()).toEqual(['Case Opened', 'Account Restriction Requested']);
    expect(harness.callsOf('CheckCase')).toEqual([]);
    expect(harness.alerts()).toEqual([]);
  });

  it('the ladder back at the report after a broken promise: the report is ALREADY filed and announced once, the account restricted then', async () => {
    // Prepare: the first restriction finds the case promised (SKIPPED); the promise is broken, so the
    // ladder resumes where it stood (CREDIT_PRE_NOTICE, nothing left of its wait) and reaches the report again
    const harness = new WorkflowHarness({
      steps: { RestrictAccount: once(restriction({ outcome: 'SKIPPED' }), restriction()) },
    });
    const arn = await harness.start();

    // Act
    await harness.runUntilAwaiting(arn, STAGE_STATES.SOFT_REMINDERS.await);

    // Assess
    const path = harness.path(arn);
    expect(path.slice(path.indexOf(STATE.whereLadderResumes))).toEqual([
      STATE.whereLadderResumes,
      STAGE_STATES.CREDIT_PRE_NOTICE.await,
      STATE.reportToBureau,
      STATE.wasReportFiled,
      STATE.restrictAccount,
      STATE.wasAccountRestricted,
      STATE.announceRestrictionRequested,
      STATE.isAboveLegalThreshold,
      ...SOFT_REMINDER_STATES,
    ]);
    expect(harness.callsIn(STATE.reportToBureau).map((call) => record(call.returned).outcome)).toEqual([
      'DONE',
      'ALREADY',
    ]);
    expect(harness.publishedTypes()).toEqual([
      'Case Opened',
      'Credit Report Filed',
      'Account Restriction Requested',
    ]);
    expect(harness.facts()).toMatchObject({ creditReport: 'REPORTED', accountRestricted: true });
  });

  it('a report the bureau refuses (outcome REFUSED): ops alerted at once, no retry and no failure, nothing filed announced, the account restricted next', async () => {
    // Prepare
    const harness = new WorkflowHarness({ steps: { ReportToBureau: reportRefused } });
    const arn = await harness.start();

    // Act
    await harness.runUntilAwaiting(arn, STAGE_STATES.SOFT_REMINDERS.await);

    // Assess
    const reportedAt = START + 31 * DAY;
    const path = harness.path(arn);
    expect(path.slice(path.indexOf(STATE.reportToBureau))).toEqual([
      STATE.reportToBureau,
      STATE.wasReportFiled,
      STATE.alertReportRefused,
      STATE.restrictAccount,
      STATE.wasAccountRestricted,
      STATE.announceRestrictionRequested,
      STATE.isAboveLegalThreshold,
      ...SOFT_REMINDER_STATES,
    ]);
    expect(harness.callsIn(STATE.reportToBureau).map((call) => call.calledAt)).toEqual([reportedAt]);
    expect(harness.history(arn).filter((event) => event.type === 'TaskFailed')).toEqual([]);
    expect(
      harness.alerts().map(({ state, calledAt, topicArn, subject, message }) => ({
        state,
        calledAt,
        topicArn,
        subject,
        message,
      })),
    ).toEqual([
      {
        state: STATE.alertReportRefused,
        calledAt: reportedAt,
        topicArn: OPS_TOPIC,
        subject: 'Credit report refused',
        message: `The credit bureau refused the report for case ${CASE_ID}; the ladder goes on without it. Check the bureau integration.`,
      },
    ]);
    const next = enteredAfterFirst(harness, arn, STATE.alertReportRefused);
    expect(next?.name).toBe(STATE.restrictAccount);
    expect(next?.input.report).toEqual({
      outcome: 'REFUSED',
      detail: caseDetail({ caseId: CASE_ID, at: iso(reportedAt) }, 'OPEN', 'CREDIT_PRE_NOTICE'),
    });
    // The restriction still happens, and moves the stage on.
    expect(harness.published().map(({ DetailType, Detail }) => [DetailType, record(Detail).stage])).toEqual([
      ['Case Opened', 'OVERDUE_NOTICE'],
      ['Account Restriction Requested', 'CREDIT_REPORTED'],
    ]);
    expect(harness.facts()).toMatchObject({ creditReport: 'NONE', accountRestricted: true });
  });

  it.each<[boolean, string]>([
    [false, STAGE_STATES.SOFT_REMINDERS.send],
    [true, STATE.openLegalReview],
  ])(
    'after a refused report the ladder goes on (legal review due: %s): the restriction says whether the threshold leads to %s',
    async (legalReview, next) => {
      // Prepare
      const harness = new WorkflowHarness({ legalReview, steps: { ReportToBureau: reportRefused } });
      const arn = await harness.start();

      // Act
      await harness.runUntilAwaiting(
        arn,
        legalReview ? STATE.awaitReviewDecision : STAGE_STATES.SOFT_REMINDERS.await,
      );

      // Assess
      expect(harness.statesAfter(arn, STATE.alertReportRefused)).toEqual([STATE.restrictAccount]);
      expect(harness.inputsOf(arn, STATE.isAboveLegalThreshold)).toEqual([
        expect.objectContaining({ restriction: expect.objectContaining({ outcome: 'DONE', legalReview }) }),
      ]);
      expect(harness.statesAfter(arn, STATE.isAboveLegalThreshold)).toEqual([next]);
      expect(harness.describe(arn).status).toBe('RUNNING');
    },
  );

  it('after a refused report, nobody answering still ends in the write-off at day 180', async () => {
    // Prepare
    const harness = new WorkflowHarness({ steps: { ReportToBureau: reportRefused } });
    const arn = await harness.start();

    // Act
    const end = await harness.runToEnd(arn);

    // Assess
    expect({ status: end.status, error: end.error, cause: end.cause }).toEqual({
      status: 'SUCCEEDED',
      error: undefined,
      cause: undefined,
    });
    expect(end.stopDate).toEqual(new Date(START + 180 * DAY));
    expect(harness.path(arn).at(-1)).toBe(STATE.caseWrittenOff);
    expect(harness.publishedTypes()).not.toContain('Credit Report Filed');
  });

  it.each<[string, boolean]>([
    [STAGE_STATES.SOFT_REMINDERS.send, false],
    [STATE.openLegalReview, true],
  ])(
    'an account already restricted (ALREADY): nothing announced, straight to the threshold, which goes to "%s" (legal review due: %s)',
    async (next, legalReview) => {
      // Prepare
      const harness = new WorkflowHarness({
        steps: { RestrictAccount: restriction({ outcome: 'ALREADY', legalReview }) },
      });
      const arn = await harness.start();

      // Act
      await harness.runUntilAwaiting(
        arn,
        legalReview ? STATE.awaitReviewDecision : STAGE_STATES.SOFT_REMINDERS.await,
      );

      // Assess
      expect(harness.statesAfter(arn, STATE.wasAccountRestricted)).toEqual([STATE.isAboveLegalThreshold]);
      expect(harness.statesAfter(arn, STATE.isAboveLegalThreshold)).toEqual([next]);
      expect(harness.enteredTimes(arn, next)).toEqual([START + 31 * DAY]);
      expect(harness.inputsOf(arn, STATE.isAboveLegalThreshold)[0]).toMatchObject({
        restriction: { outcome: 'ALREADY', legalReview },
      });
      expect(harness.publishedTypes()).toEqual(['Case Opened', 'Credit Report Filed']);
      expect(harness.callsOf('CheckCase')).toEqual([]);
    },
  );

  it('"Is the debt above the legal threshold?" reads the restriction, not the report: a report saying legalReview true is ignored', async () => {
    // Prepare: an old-style report result still carrying legalReview
    const harness = new WorkflowHarness({
      steps: {
        ReportToBureau: (call, facts) => {
          const filed = DEFAULT_SCRIPTS.ReportToBureau(call, facts);
          return 'return' in filed ? { return: { ...record(filed.return), legalReview: true } } : filed;
        },
      },
    });
    const arn = await harness.start();

    // Act
    await harness.runUntilAwaiting(arn, STAGE_STATES.SOFT_REMINDERS.await);

    // Assess: the ResultSelector keeps only outcome and detail, and the restriction says no review
    expect(harness.inputsOf(arn, STATE.isAboveLegalThreshold)[0]).toMatchObject({
      report: { outcome: 'DONE' },
      restriction: { outcome: 'DONE', legalReview: false },
    });
    expect(record(record(harness.inputsOf(arn, STATE.isAboveLegalThreshold)[0]).report)).not.toHaveProperty(
      'legalReview',
    );
    expect(harness.statesAfter(arn, STATE.isAboveLegalThreshold)).toEqual([STAGE_STATES.SOFT_REMINDERS.send]);
    expect(harness.callsOf('OpenLegalReview')).toEqual([]);
  });
});

describe('the legal track', () => {
  it('a pending review: ops reminded at exactly 14 and 28 days, the wait prepared again each time', async () => {
    // Prepare
    const harness = new WorkflowHarness({ legalReview: true });
    const arn = await harness.start();
    await harness.runUntilAwaiting(arn, STATE.awaitReviewDecision);

    // Act
    await harness.advanceTo(START + 31 * DAY + 28 * DAY);

    // Assess
    expect(harness.statesAfter(arn, STATE.isAboveLegalThreshold)).toEqual([STATE.openLegalReview]);
    expect(days(harness.enteredTimes(arn, STATE.prepareReviewWait))).toEqual([31, 45, 59]);
    expect(harness.callsIn(STATE.prepareReviewWait).map((call) => call.payload.awaiting)).toEqual([
      'LEGAL_REVIEW',
      'LEGAL_REVIEW',
      'LEGAL_REVIEW',
    ]);
    expect(
      harness
        .callsIn(STATE.awaitReviewDecision)
        .map((call) => [call.payload.awaiting, call.payload.timeoutSeconds]),
    ).toEqual(Array(3).fill(['LEGAL_REVIEW', LEGAL_REVIEW_REMINDER_SECONDS]));
    expect(
      harness
        .alerts()
        .map(({ calledAt, topicArn, subject, message }) => [days([calledAt])[0], topicArn, subject, message]),
    ).toEqual(
      [45, 59].map((day) => [
        day,
        OPS_TOPIC,
        'Legal review pending',
        `Case ${CASE_ID} waits for a legal review decision: approve or decline it (POST legal-review on the case).`,
      ]),
    );
    expect(harness.awaiting(arn)).toBe(STATE.awaitReviewDecision);
    expect(
      harness.callsOf('SendStageContact').filter((call) => call.payload.stage === 'SOFT_REMINDERS'),
    ).toEqual([]);
  });

  it('approved: legal action started and announced, the outcome looked at every 90 days; near a year the case continues in <caseId>-2, which waits for the outcome at once', async () => {
    // Prepare, Act
    const { harness, arn, end } = await runScenario('legal');

    // Assess
    expect(end).toMatchObject({ status: 'SUCCEEDED', stopDate: new Date(START + 321 * DAY) });
    expect(days(harness.enteredTimes(arn, STATE.startLegalAction))).toEqual([51]);
    expect(harness.published().filter((event) => event.DetailType === 'Legal Action Opened')).toEqual([
      expect.objectContaining({
        state: STATE.announceLegalActionOpened,
        Detail: caseDetail({ caseId: CASE_ID, at: iso(START + 51 * DAY) }, 'LEGAL', 'LEGAL_ACTION'),
      }),
    ]);
    expect(days(harness.enteredTimes(arn, STATE.prepareOutcomeWait))).toEqual([51, 141, 231, 321]);
    expect(
      harness
        .callsIn(STATE.prepareOutcomeWait, arn)
        .map((call) => [call.payload.awaiting, call.payload.executionStartedAt]),
    ).toEqual(Array(4).fill(['LEGAL_OUTCOME', iso(START)]));
    expect(
      harness
        .callsIn(STATE.awaitLegalOutcome, arn)
        .map((call) => [call.payload.awaiting, call.payload.timeoutSeconds]),
    ).toEqual(Array(3).fill(['LEGAL_OUTCOME', LEGAL_OUTCOME_CHECK_SECONDS]));
    expect(harness.statesAfter(arn, STATE.isTimeToContinueOutcomeWait)).toEqual([
      STATE.awaitLegalOutcome,
      STATE.awaitLegalOutcome,
      STATE.awaitLegalOutcome,
      STATE.continueCase,
    ]);
    expect(harness.callsIn(STATE.continueCase).map((call) => call.payload)).toEqual([
      {
        caseId: CASE_ID,
        execution: CASE_ID,
        stateMachineArn: harness.stateMachineArn,
        at: iso(START + 321 * DAY),
      },
    ]);
    expect(harness.path(arn).at(-1)).toBe(STATE.caseContinues);
    expect(JSON.parse(end.output ?? 'null').continuation).toEqual({ next: `${CASE_ID}-2` });
    // The next execution, as the step started it:
    const second = executionArnOf(`${CASE_ID}-2`);
    expect(harness.describe(second)).toMatchObject({
      status: 'RUNNING',
      startDate: new Date(START + 321 * DAY),
      input: JSON.stringify({ caseId: CASE_ID, continueAt: 'LEGAL_ACTION' }),
    });
    expect(harness.entered(second)).toEqual(
      [
        STATE.isContinuing,
        STATE.prepareOutcomeWait,
        STATE.isTimeToContinueOutcomeWait,
        STATE.awaitLegalOutcome,
      ].map((name) => [name, '321d 00:00:00.000']),
    );
    expect(harness.callsOf('BeginCase', second)).toEqual([]);
    expect(harness.callsIn(STATE.prepareOutcomeWait, second)[0]?.payload.executionStartedAt).toBe(
      iso(START + 321 * DAY),
    );
  });

  it.each([
    [
      'review undecided',
      STATE.continueReview,
      'LEGAL_REVIEW',
      STATE.prepareReviewWait,
      STATE.awaitReviewDecision,
    ],
    ['dispute unruled', STATE.continueDispute, 'DISPUTE', STATE.prepareDisputeWait, STATE.holdForRuling],
  ] as Array<[ScenarioName, string, string, string, string]>)(
    '%s: near a year "%s" starts <caseId>-2 with continueAt %s, which goes straight back to that wait',
    async (scenario, continueState, continueAt, prepare, wait) => {
      // Prepare, Act
      const { harness, arn, end } = await runScenario(scenario);

      // Assess: this execution ends well within its year, after one continuation
      expect(end.status).toBe('SUCCEEDED');
      expect(end.stopDate?.getTime()).toBeLessThanOrEqual(START + 365 * DAY);
      expect(harness.callsIn(continueState, arn).map((call) => call.payload.continueAt)).toEqual([
        continueAt,
      ]);
      expect(harness.path(arn).slice(-2)).toEqual([continueState, STATE.caseContinues]);
      // every earlier look at the wait stayed in this execution
      const prepared = harness.callsIn(prepare, arn);
      expect(prepared.length).toBeGreaterThan(1);
      expect(prepared.every((call) => call.payload.executionStartedAt === iso(START))).toBe(true);
      // the next execution waits in the same place, without opening the case again
      const second = executionArnOf(`${CASE_ID}-2`);
      expect(harness.describe(second)).toMatchObject({
        status: 'RUNNING',
        input: JSON.stringify({ caseId: CASE_ID, continueAt }),
      });
      expect(harness.awaiting(second)).toBe(wait);
      expect(harness.entered(second).map(([name]) => name)).toEqual([
        STATE.isContinuing,
        prepare,
        expect.stringMatching(/^Is it time to continue the /),
        wait,
      ]);
      expect(harness.callsOf('BeginCase', second)).toEqual([]);
    },
  );

  it('a continued execution continues again in <caseId>-3 before its own year is up', async () => {
    // Prepare
    const { harness } = await runScenario('legal');
    const second = executionArnOf(`${CASE_ID}-2`);

    // Act
    const end = await harness.runToEnd(second, { limit: START + 700 * DAY });

    // Assess
    expect(end).toMatchObject({ status: 'SUCCEEDED', stopDate: new Date(START + (321 + 270) * DAY) });
    expect(harness.callsIn(STATE.continueCase, second).map((call) => call.payload.execution)).toEqual([
      `${CASE_ID}-2`,
    ]);
    expect(JSON.parse(end.output ?? 'null').continuation).toEqual({ next: `${CASE_ID}-3` });
    expect(harness.describe(executionArnOf(`${CASE_ID}-3`)).status).toBe('RUNNING');
  });

  it('the continuation input ({caseId, continueAt}) skips the ladder and waits for the legal outcome; a payment closes the case', async () => {
    // Prepare
    const harness = new WorkflowHarness();

    // Act
    const arn = await harness.start({ caseId: CASE_ID, continueAt: 'LEGAL_ACTION' }, `${CASE_ID}-2`);
    const waitingFor = harness.awaiting(arn);
    const end = await harness.runToEnd(arn, { resolve: on(STATE.awaitLegalOutcome, 10 * DAY, 'PAID') });

    // Assess
    expect(waitingFor).toBe(STATE.awaitLegalOutcome);
    expect(end.status).toBe('SUCCEEDED');
    expect(harness.path(arn)).toEqual([
      STATE.isContinuing,
      STATE.prepareOutcomeWait,
      STATE.isTimeToContinueOutcomeWait,
      STATE.awaitLegalOutcome,
      STATE.whatHappened,
      ...CLOSING_TAIL,
    ]);
    expect(harness.callsOf('BeginCase')).toEqual([]);
    expect(harness.callsIn(STATE.prepareOutcomeWait)[0]?.payload).toEqual({
      caseId: CASE_ID,
      awaiting: 'LEGAL_OUTCOME',
      at: iso(START),
      executionStartedAt: iso(START),
    });
  });

  it('a written-off case paid or returned later ({caseId, continueAt: CLOSE} in <caseId>-recovered) runs only the closing tail: lifted, resolved, settled, each announced', async () => {
    // Prepare: the real steps would find the case RESOLVED with a filed report and the account restricted
    const harness = new WorkflowHarness({
      steps: {
        CloseCase: closing('RESOLVED', true),
        UpdateCreditReport: creditReportUpdate({ changed: true }),
      },
    });

    // Act
    const arn = await harness.start({ caseId: CASE_ID, continueAt: 'CLOSE' }, `${CASE_ID}-recovered`);
    const end = harness.describe(arn);

    // Assess
    expect(end.status).toBe('SUCCEEDED');
    expect(harness.path(arn)).toEqual([
      STATE.isContinuing,
      STATE.closeCase,
      STATE.wasRestrictionLifted,
      STATE.announceRestrictionLifted,
      STATE.announceCaseResolved,
      ...RECEIPT,
      STATE.settleReport,
      STATE.wasReportSettled,
      STATE.announceReportSettled,
      STATE.caseResolved,
    ]);
    expect(harness.callsOf('BeginCase')).toEqual([]);
    expect(harness.callsIn(STATE.closeCase).map((call) => call.payload)).toEqual([
      { caseId: CASE_ID, at: iso(START) },
    ]);
    expect(harness.callsIn(STATE.settleReport).map((call) => call.payload)).toEqual([
      { caseId: CASE_ID, action: 'SETTLE', at: iso(START) },
    ]);
    expect(harness.publishedTypes()).toEqual([
      'Account Restriction Lifted',
      'Case Resolved',
      'Credit Report Updated',
    ]);
  });

  it('declined: soft reminders instead', async () => {
    // Prepare
    const harness = new WorkflowHarness({ legalReview: true });
    const arn = await harness.start();

    // Act
    await harness.runUntilAwaiting(arn, STAGE_STATES.SOFT_REMINDERS.await, {
      resolve: on(STATE.awaitReviewDecision, 3 * DAY, 'LEGAL_DECLINED'),
    });

    // Assess
    expect(harness.statesAfter(arn, STATE.whatHappened)).toEqual([STAGE_STATES.SOFT_REMINDERS.send]);
    expect(harness.callsIn(STAGE_STATES.SOFT_REMINDERS.send).map((call) => call.payload.at)).toEqual([
      iso(START + 34 * DAY),
    ]);
    expect(harness.callsOf('StartLegalAction')).toEqual([]);
  });

  it.each<[string, string[], string[]]>([
    [
      'PAID',
      [
        STATE.closeCase,
        STATE.wasRestrictionLifted,
        STATE.announceRestrictionLifted,
        STATE.announceCaseResolved,
        ...RECEIPT,
        STATE.settleReport,
        STATE.wasReportSettled,
        STATE.announceReportSettled,
        STATE.caseResolved,
      ],
      ['Account Restriction Lifted', 'Case Resolved', 'Credit Report Updated'],
    ],
    [
      'WRITTEN_OFF',
      [STATE.writeOff, STATE.wasWrittenOff, STATE.announceWrittenOff, STATE.caseWrittenOff],
      ['Case Written Off'],
    ],
  ])(
    '%s while waiting for the legal outcome ends the case, each change announced',
    async (resolution, tail, announced) => {
      // Prepare
      const harness = new WorkflowHarness({ legalReview: true });
      const arn = await harness.start();

      // Act
      const end = await harness.runToEnd(arn, {
        resolve: [
          on(STATE.awaitReviewDecision, HOUR, 'LEGAL_APPROVED'),
          on(STATE.awaitLegalOutcome, 100 * DAY, resolution),
        ],
      });

      // Assess
      expect(end).toMatchObject({
        status: 'SUCCEEDED',
        stopDate: new Date(START + 31 * DAY + HOUR + 100 * DAY),
      });
      expect(harness.path(arn).slice(harness.path(arn).lastIndexOf(STATE.awaitLegalOutcome) + 2)).toEqual(
        tail,
      );
      expect(harness.publishedTypes().slice(4)).toEqual(announced);
    },
  );
});

describe('closing announcements: only what the steps say they changed', () => {
  it.each<[string, string, string, boolean, boolean, string[]]>([
    [
      'PAID',
      STATE.closeCase,
      STATE.settleReport,
      true,
      true,
      ['Account Restriction Lifted', 'Case Resolved', 'Credit Report Updated'],
    ],
    ['PAID', STATE.closeCase, STATE.settleReport, true, false, ['Case Resolved', 'Credit Report Updated']],
    [
      'PAID',
      STATE.closeCase,
      STATE.settleReport,
      false,
      true,
      ['Account Restriction Lifted', 'Case Resolved'],
    ],
    ['PAID', STATE.closeCase, STATE.settleReport, false, false, ['Case Resolved']],
    [
      'CANCELLED',
      STATE.cancelCase,
      STATE.deleteReport,
      true,
      true,
      ['Account Restriction Lifted', 'Case Cancelled', 'Credit Report Deleted'],
    ],
    [
      'CANCELLED',
      STATE.cancelCase,
      STATE.deleteReport,
      true,
      false,
      ['Case Cancelled', 'Credit Report Deleted'],
    ],
    [
      'CANCELLED',
      STATE.cancelCase,
      STATE.deleteReport,
      false,
      true,
      ['Account Restriction Lifted', 'Case Cancelled'],
    ],
    ['CANCELLED', STATE.cancelCase, STATE.deleteReport, false, false, ['Case Cancelled']],
  ])(
    '%s -> %s, then %s changed %s, restriction lifted %s: announces %j',
    async (resolution, closeState, updateState, changed, restrictionLifted, announced) => {
      // Prepare
      const status = resolution === 'PAID' ? 'RESOLVED' : 'CANCELLED';
      const script = closing(status, restrictionLifted);
      // The update's detail is told apart from the closing step's, to see which one each event carries.
      const update: StepScript = (call, facts) => {
        const result = record((creditReportUpdate({ changed })(call, facts) as { return: JsonValue }).return);
        return { return: { ...result, detail: { ...record(result.detail), from: 'UpdateCreditReport' } } };
      };
      const harness = new WorkflowHarness({
        steps: { CloseCase: script, CancelCase: script, UpdateCreditReport: update },
      });
      const arn = await harness.start();

      // Act
      const end = await harness.runToEnd(arn, {
        resolve: on(STAGE_STATES.OVERDUE_NOTICE.await, HOUR, resolution),
      });

      // Assess: the platform hears of the end first, the bureau is updated after
      expect(end.status).toBe('SUCCEEDED');
      const paid = resolution === 'PAID';
      const path = harness.path(arn);
      expect(path.slice(path.indexOf(closeState))).toEqual([
        closeState,
        paid ? STATE.wasRestrictionLifted : STATE.wasRestrictionLiftedAfterCancelling,
        ...(restrictionLifted
          ? [paid ? STATE.announceRestrictionLifted : STATE.announceRestrictionLiftedAfterCancelling]
          : []),
        paid ? STATE.announceCaseResolved : STATE.announceCaseCancelled,
        ...(paid ? RECEIPT : []),
        updateState,
        paid ? STATE.wasReportSettled : STATE.wasReportDeleted,
        ...(changed ? [paid ? STATE.announceReportSettled : STATE.announceReportDeleted] : []),
        paid ? STATE.caseResolved : STATE.caseCancelled,
      ]);
      const [updated, ...more] = harness.callsOf('UpdateCreditReport');
      expect(more).toEqual([]);
      expect(updated).toMatchObject({
        state: updateState,
        payload: {
          caseId: CASE_ID,
          action: resolution === 'PAID' ? 'SETTLE' : 'DELETE',
          at: iso(START + HOUR),
        },
      });
      const closedDetail = record(harness.callsIn(closeState)[0]?.returned).detail;
      const reportDetail = record(updated?.returned).detail;
      expect(reportDetail).toMatchObject({ from: 'UpdateCreditReport', caseId: CASE_ID });
      expect(closedDetail).not.toHaveProperty('from');
      expect(
        harness
          .published()
          .slice(1)
          .map(({ DetailType, Detail }) => [DetailType, Detail]),
      ).toEqual(
        announced.map((type) => [type, type.startsWith('Credit Report') ? reportDetail : closedDetail]),
      );
    },
  );
});

describe('deferred contacts', () => {
  it.each(LADDER_STAGES)(
    '%s DEFERRED: waits until deferUntil, is sent again at exactly that instant, and its wait counts from then',
    async (stage) => {
      // Prepare: 14 hours after the stage's contact the customer's window opens
      const stageStart = STAGE_STARTS[stage];
      const deferUntil = stageStart + 14 * HOUR;
      let deferredOnce = false;
      const contacts: StepScript = (call, facts) => {
        if (call.payload.stage !== stage || deferredOnce)
          return DEFAULT_SCRIPTS.SendStageContact(call, facts);
        deferredOnce = true;
        return deferred(deferUntil, STAGE_WAIT_SECONDS[stage]);
      };
      const harness = new WorkflowHarness({ steps: { SendStageContact: contacts } });
      const arn = await harness.start();

      // Act
      await harness.advanceTo(deferUntil - 1);
      const before = harness.callsIn(STAGE_STATES[stage].send).length;
      await harness.advanceTo(deferUntil);
      const awaitingThen = harness.awaiting(arn);
      await harness.advanceTo(deferUntil + STAGE_WAIT_SECONDS[stage] * SECOND);

      // Assess
      expect(before).toBe(1);
      expect(awaitingThen).toBe(STAGE_STATES[stage].await);
      expect(harness.enteredTimes(arn, STAGE_STATES[stage].waitForWindow)).toEqual([stageStart]);
      const wait = harness.history(arn).find((event) => event.type === 'WaitStateExited');
      expect(wait?.timestamp).toEqual(new Date(deferUntil));
      expect(
        harness
          .callsIn(STAGE_STATES[stage].send)
          .slice(0, 2)
          .map(({ calledAt, payload }) => ({ calledAt, payload })),
      ).toEqual([
        {
          calledAt: stageStart,
          payload: { caseId: CASE_ID, stage, at: iso(stageStart), executionStartedAt: iso(START) },
        },
        {
          calledAt: deferUntil,
          payload: { caseId: CASE_ID, stage, at: iso(deferUntil), executionStartedAt: iso(START) },
        },
      ]);
      expect(harness.enteredTimes(arn, AFTER_STAGE[stage]).at(-1)).toBe(
        deferUntil + STAGE_WAIT_SECONDS[stage] * SECOND,
      );
    },
  );
});

// ---- Every Task state, and a scenario that runs through it ----

const LAMBDA_TASKS: Array<[string, ScenarioName]> = [
  [STATE.openCase, 'paid'],
  [STAGE_STATES.OVERDUE_NOTICE.send, 'paid'],
  [STAGE_STATES.FIRST_COLLECTION.send, 'written off'],
  [STAGE_STATES.SECOND_COLLECTION.send, 'written off'],
  [STAGE_STATES.CREDIT_PRE_NOTICE.send, 'written off'],
  [STATE.reportToBureau, 'written off'],
  [STATE.restrictAccount, 'written off'],
  [STATE.openLegalReview, 'legal'],
  [STATE.prepareReviewWait, 'legal'],
  [STATE.startLegalAction, 'legal'],
  [STATE.prepareOutcomeWait, 'legal'],
  [STATE.continueCase, 'legal'],
  [STATE.continueReview, 'review undecided'],
  [STATE.continueDispute, 'dispute unruled'],
  [STATE.continuePromise, 'promise near a year'],
  [STATE.continuePlan, 'plan near a year'],
  [STATE.continueLadder, 'ladder near a year'],
  [STAGE_STATES.SOFT_REMINDERS.send, 'written off'],
  [STATE.sendReceipt, 'paid'],
  [STATE.sendDemandLetter, 'legal'],
  [STATE.writeOff, 'written off'],
  [STATE.checkCase, 'refused report'],
  [STATE.preparePromiseWait, 'promise broken'],
  [STATE.wasPromiseKept, 'promise broken'],
  [STATE.preparePlanWait, 'plan'],
  [STATE.wasInstalmentPaid, 'plan'],
  [STATE.flagReport, 'dispute upheld'],
  [STATE.prepareDisputeWait, 'dispute upheld'],
  [STATE.liftDisputeFlag, 'dispute rejected'],
  [STATE.resumeLadder, 'promise broken'],
  [STATE.closeCase, 'paid'],
  [STATE.settleReport, 'paid'],
  [STATE.cancelCase, 'dispute upheld'],
  [STATE.deleteReport, 'dispute upheld'],
];
const PUT_EVENTS_TASKS: Array<[string, ScenarioName]> = [
  [STATE.announceCaseOpened, 'paid'],
  [STATE.announceCaseResolved, 'paid'],
  [STATE.announceReportFiled, 'written off'],
  [STATE.announceRestrictionRequested, 'written off'],
  [STATE.announceWrittenOff, 'written off'],
  [STATE.announceLegalActionOpened, 'legal'],
  [STATE.announceReportDisputed, 'dispute upheld'],
  [STATE.announceReportDeleted, 'dispute upheld'],
  [STATE.announceRestrictionLiftedAfterCancelling, 'dispute upheld'],
  [STATE.announceCaseCancelled, 'dispute upheld'],
  [STATE.announceReportRestored, 'dispute rejected'],
  [STATE.announceReportSettled, 'dispute rejected'],
  [STATE.announceRestrictionLifted, 'dispute rejected'],
];
const SNS_TASKS: Array<[string, ScenarioName]> = [
  [STATE.alertReportRefused, 'refused report'],
  [STATE.alertReportNotFiled, 'bureau down at report'],
  [STATE.remindOpsOfReview, 'legal'],
  [STATE.alertRulingOverdue, 'dispute upheld'],
  [STATE.alertReportNotFlagged, 'bureau down, dispute upheld'],
  [STATE.alertReportNotRestored, 'bureau down, dispute rejected'],
  [STATE.alertReportNotSettled, 'bureau down, dispute rejected'],
  [STATE.alertReportNotDeleted, 'bureau down, dispute upheld'],
  [STAGE_STATES.OVERDUE_NOTICE.alertOps, 'overdue notice not sent'],
  [STAGE_STATES.FIRST_COLLECTION.alertOps, 'first collection reminder not sent'],
  [STAGE_STATES.SECOND_COLLECTION.alertOps, 'second collection reminder not sent'],
  [STAGE_STATES.CREDIT_PRE_NOTICE.alertOps, 'credit report pre-notice not sent'],
  [STAGE_STATES.SOFT_REMINDERS.alertOps, 'soft reminder not sent'],
  [STATE.alertReceiptNotSent, 'receipt not sent'],
  [STATE.alertDemandLetterNotSent, 'demand letter not sent'],
];
/**
 * The four "Update the credit report" states: the action each sends, a scenario in which it changes
 * the report, the ops alert its Catch goes to, and where both its success and its alert go on.
 */
const CREDIT_UPDATES: Array<
  [
    state: string,
    action: CreditReportAction,
    scenario: ScenarioName,
    alert: string,
    after: string,
    announce: string,
  ]
> = [
  [
    STATE.flagReport,
    'FLAG',
    'dispute upheld',
    STATE.alertReportNotFlagged,
    STATE.prepareDisputeWait,
    STATE.announceReportDisputed,
  ],
  [
    STATE.liftDisputeFlag,
    'UNFLAG',
    'dispute rejected',
    STATE.alertReportNotRestored,
    STATE.resumeLadder,
    STATE.announceReportRestored,
  ],
  [
    STATE.settleReport,
    'SETTLE',
    'dispute rejected',
    STATE.alertReportNotSettled,
    STATE.caseResolved,
    STATE.announceReportSettled,
  ],
  [
    STATE.deleteReport,
    'DELETE',
    'dispute upheld',
    STATE.alertReportNotDeleted,
    STATE.caseCancelled,
    STATE.announceReportDeleted,
  ],
];
const isCreditUpdate = (state: string) => CREDIT_UPDATES.some(([name]) => name === state);
/**
 * The states that send the customer messages, a scenario through each, the alert their Catch goes to,
 * and their ladder stage (null: the receipt or the demand letter, which go on after the alert).
 */
const SENDING: Array<[state: string, scenario: ScenarioName, alert: string, stage: string | null]> = [
  [STAGE_STATES.OVERDUE_NOTICE.send, 'paid', STAGE_STATES.OVERDUE_NOTICE.alertOps, 'OVERDUE_NOTICE'],
  [
    STAGE_STATES.FIRST_COLLECTION.send,
    'written off',
    STAGE_STATES.FIRST_COLLECTION.alertOps,
    'FIRST_COLLECTION',
  ],
  [
    STAGE_STATES.SECOND_COLLECTION.send,
    'written off',
    STAGE_STATES.SECOND_COLLECTION.alertOps,
    'SECOND_COLLECTION',
  ],
  [
    STAGE_STATES.CREDIT_PRE_NOTICE.send,
    'written off',
    STAGE_STATES.CREDIT_PRE_NOTICE.alertOps,
    'CREDIT_PRE_NOTICE',
  ],
  [STAGE_STATES.SOFT_REMINDERS.send, 'written off', STAGE_STATES.SOFT_REMINDERS.alertOps, 'SOFT_REMINDERS'],
  [STATE.sendReceipt, 'paid', STATE.alertReceiptNotSent, null],
  [STATE.sendDemandLetter, 'legal', STATE.alertDemandLetterNotSent, null],
];
const isSending = (state: string) => SENDING.some(([name]) => name === state);
/** Each announcement and alert, the error its service fails with, and where its Catch keeps it. */
type Notification = [state: string, scenario: ScenarioName, error: string, field: string];
const NOTIFICATIONS: Notification[] = [
  ...PUT_EVENTS_TASKS.map(
    ([state, scenario]): Notification => [
      state,
      scenario,
      'EventBridge.InternalException',
      'announcementFailure',
    ],
  ),
  ...SNS_TASKS.map(
    ([state, scenario]): Notification => [state, scenario, 'SNS.InternalErrorException', 'alertFailure'],
  ),
];

describe('scenarios', () => {
  it('the tables name every Task state of the ASL file, each with its resource', () => {
    // Prepare
    const byResource = (resource: string) =>
      Object.entries(ASL.States)
        .filter(([, state]) => state.Resource === resource)
        .map(([name]) => name)
        .sort();

    // Act
    const names = (table: Array<[string, ScenarioName]>) => table.map(([name]) => name).sort();

    // Assess
    expect(names(LAMBDA_TASKS)).toEqual(byResource('arn:aws:states:::lambda:invoke'));
    expect(names(CALLBACK_TASKS)).toEqual(byResource('arn:aws:states:::lambda:invoke.waitForTaskToken'));
    expect(names(PUT_EVENTS_TASKS)).toEqual(byResource('arn:aws:states:::events:putEvents'));
    expect(names(SNS_TASKS)).toEqual(byResource('arn:aws:states:::sns:publish'));
    expect(LAMBDA_TASKS.length + CALLBACK_TASKS.length + PUT_EVENTS_TASKS.length + SNS_TASKS.length).toBe(
      Object.values(ASL.States).filter((state) => state.Type === 'Task').length,
    );
  });

  it.each(SCENARIO_NAMES)(
    '%s: succeeds where it should, through every state the tables give it',
    async (name) => {
      // Prepare
      const states = [...LAMBDA_TASKS, ...CALLBACK_TASKS, ...PUT_EVENTS_TASKS, ...SNS_TASKS]
        .filter(([, scenario]) => scenario === name)
        .map(([state]) => state);

      // Act
      const { harness, arn, end } = await runScenario(name);

      // Assess
      expect(end.status).toBe('SUCCEEDED');
      expect(harness.path(arn).at(-1)).toBe(SCENARIOS[name].ends);
      expect(states.filter((state) => !harness.path(arn).includes(state))).toEqual([]);
      expect(states.length).toBeGreaterThan(0);
    },
  );
});

describe('Retry', () => {
  it.each([...LAMBDA_TASKS, ...CALLBACK_TASKS])(
    '%s: Lambda service errors 6 times in a row are retried within 2 s x 2^n (FULL jitter), each with the same input; the path goes on',
    async (state, scenario) => {
      // Prepare: the three Lambda errors, and the throttling one
      const errors = [
        'Lambda.ServiceException',
        'Lambda.TooManyRequestsException',
        'Lambda.AWSLambdaException',
        'Lambda.SdkClientException',
        'Lambda.ServiceException',
        'Lambda.TooManyRequestsException',
      ];
      const faults = { [state]: errors.map((error) => ({ fail: error, cause: 'Rate exceeded' })) };

      // Act
      const { harness, arn, end } = await runScenario(scenario, { faults });

      // Assess
      expect(end.status).toBe('SUCCEEDED');
      expect(harness.path(arn).at(-1)).toBe(SCENARIOS[scenario].ends);
      const events = harness.history(arn);
      expect(failuresIn(events, state).map((failure) => failure?.error)).toEqual(errors);
      const delays = retryDelays(events, state).slice(0, 6);
      expectFullJitter(delays, 2 * SECOND, 6);
      const calls = harness.callsIn(state, arn).slice(0, 7);
      const first = calls[0] as StepCall;
      const offsets = [0];
      for (const delay of delays) offsets.push((offsets.at(-1) ?? 0) + delay);
      expect(calls.map((call) => call.calledAt - first.calledAt)).toEqual(offsets);
      for (const retried of calls.slice(1)) {
        // Same state entry: `at` is the state's entered time on every attempt, not the retry's time.
        expect(retried.stateEnteredAt).toBe(first.stateEnteredAt);
        expect(retried.payload).toEqual({ ...first.payload, token: retried.taskToken });
      }
      if (CALLBACK_TASKS.some(([name]) => name === state)) {
        // Each attempt has its own token; a failed attempt's token answers nothing.
        expect(new Set(calls.map((call) => call.payload.token)).size).toBe(7);
        expect(() =>
          harness.engine.sendTaskSuccess({ taskToken: first.payload.token ?? '', output: '{}' }),
        ).toThrow(TaskTimedOut);
      }
    },
  );

  it.each([
    [6, 'SUCCEEDED'],
    [7, 'FAILED'],
  ])(
    'Lambda service errors: %i in a row -> %s; each backoff within 2 s x 2^n (FULL jitter)',
    async (failures, status) => {
      // Prepare
      const faults: StepBehaviour[] = Array(failures).fill({ fail: 'Lambda.TooManyRequestsException' });

      // Act
      const { harness, arn, end } = await runScenario('paid', { faults: { [STATE.openCase]: faults } });

      // Assess
      expect(end.status).toBe(status);
      expectFullJitter(retryDelays(harness.history(arn), STATE.openCase), 2 * SECOND, 6);
      expect(harness.callsIn(STATE.openCase)).toHaveLength(Math.min(failures + 1, 7));
      if (status === 'FAILED') {
        expect(end.error).toBe('Lambda.TooManyRequestsException');
        expect(harness.path(arn)).toEqual([STATE.isContinuing, STATE.openCase]);
      }
    },
  );

  it.each(
    LAMBDA_TASKS.filter(
      ([state]) => !isCreditUpdate(state) && state !== STATE.reportToBureau && !isSending(state),
    ),
  )(
    '%s: a plain error (States.TaskFailed) is retried after 5, 15, 45 s, then fails the execution with it',
    async (state, scenario) => {
      // Prepare
      const crash: StepBehaviour = { crash: 'case store unavailable' };

      // Act
      const { harness, arn, end } = await runScenario(scenario, {
        faults: { [state]: Array(4).fill(crash) },
      });

      // Assess
      expect(end).toMatchObject({
        status: 'FAILED',
        error: 'States.TaskFailed',
        cause: 'case store unavailable',
      });
      const events = harness.history(arn);
      expect(retryDelays(events, state)).toEqual([5 * SECOND, 15 * SECOND, 45 * SECOND]);
      const calls = harness.callsIn(state, arn);
      expect(calls.map((call) => call.calledAt - (calls[0]?.calledAt ?? 0))).toEqual([
        0,
        5 * SECOND,
        20 * SECOND,
        65 * SECOND,
      ]);
      expect(harness.path(arn).at(-1)).toBe(state);
      expect(end.stopDate?.getTime()).toBe((calls[0]?.calledAt ?? 0) + 65 * SECOND);
      expect(events.at(-1)?.executionFailedEventDetails).toEqual({
        error: 'States.TaskFailed',
        cause: 'case store unavailable',
      });
    },
  );

  it.each(SENDING.filter(([, , , stage]) => stage !== null))(
    '%s: the provider busy (MessageDeliveryError 4 times): 3 quick tries with FULL jitter within 2 s x 2^n, then the same step again 5 minutes later (entered anew: the window checked again), no alert',
    async (state, scenario, alert, _stage) => {
      // Prepare
      const busy: StepBehaviour = {
        fail: 'MessageDeliveryError',
        cause: 'SMS could not be sent now (Throttled)',
      };

      // Act
      const { harness, arn, end } = await runScenario(scenario, { faults: { [state]: Array(4).fill(busy) } });

      // Assess: the case lives on and ends as its scenario does
      expect(end.status).toBe('SUCCEEDED');
      const delays = retryDelays(harness.history(arn), state).slice(0, 3);
      expect(delays).toHaveLength(3);
      delays.forEach((delay, n) => {
        expect(delay).toBeGreaterThanOrEqual(0);
        expect(delay).toBeLessThanOrEqual(2 * SECOND * 2 ** n);
      });
      const soon = alert.replace(
        /^Alert ops: the (.*) could not be sent$/,
        'Wait a few minutes before sending the $1 again',
      );
      const path = harness.path(arn);
      const at = path.indexOf(soon);
      expect(path.slice(at - 1, at + 2)).toEqual([state, soon, state]);
      const entered = harness.enteredTimes(arn, state);
      expect((entered[1] ?? 0) - (harness.enteredTimes(arn, soon)[0] ?? 0)).toBe(300 * SECOND);
      expect(harness.alerts().filter((p) => p.state === alert)).toEqual([]);
    },
  );

  it.each(SENDING.filter(([, , , stage]) => stage !== null))(
    '%s: the provider failing for an hour (MessagingUnavailableError): never retried in place, ops are alerted, and the same contact is tried again 2 h later',
    async (state, scenario, alert, _stage) => {
      // Prepare
      const unavailable: StepBehaviour = {
        fail: 'MessagingUnavailableError',
        cause: 'SMS could not be sent for an hour (Throttled)',
      };

      // Act
      const { harness, arn, end } = await runScenario(scenario, { faults: { [state]: [unavailable] } });

      // Assess
      expect(end.status).toBe('SUCCEEDED');
      expect(retryDelays(harness.history(arn), state)).toEqual([]);
      const path = harness.path(arn);
      const at = path.indexOf(alert);
      expect(path.slice(at - 1, at + 3)).toEqual([
        state,
        alert,
        alert.replace(/^Alert ops: the (.*) could not be sent$/, 'Wait before sending the $1 again'),
        state,
      ]);
      const published = harness.alerts().filter((p) => p.state === alert);
      expect(published).toEqual([
        expect.objectContaining({ subject: 'Messages not sent', topicArn: OPS_TOPIC }),
      ]);
      expect(published[0]?.message).toContain('MessagingUnavailableError');
      const entered = harness.enteredTimes(arn, state);
      expect((entered[1] ?? 0) - (harness.enteredTimes(arn, alert)[0] ?? 0)).toBe(7_200 * SECOND);
    },
  );

  it.each(SENDING)(
    '%s: the provider refuses our setup (MessagingConfigurationError): never retried, ops are alerted at once, and the case goes on',
    async (state, scenario, alert) => {
      // Prepare
      const misconfigured: StepBehaviour = {
        fail: 'MessagingConfigurationError',
        cause: 'EMAIL is not set up correctly at the provider (MessageRejected)',
      };

      // Act
      const { harness, arn, end } = await runScenario(scenario, { faults: { [state]: [misconfigured] } });

      // Assess
      expect(end.status).toBe('SUCCEEDED');
      expect(retryDelays(harness.history(arn), state)).toEqual([]);
      expect(harness.statesAfter(arn, state)[0]).toBe(alert);
      expect(harness.alerts().filter((p) => p.state === alert)).toHaveLength(1);
      expect(harness.path(arn).at(-1)).toBe(SCENARIOS[scenario].ends);
    },
  );

  it('Close case: a function error named by the Lambda (`Error`) is retried by States.TaskFailed too, and recovers', async () => {
    // Prepare
    const functionError: StepBehaviour = {
      fail: 'Error',
      cause: '{"errorType":"Error","errorMessage":"conflict"}',
    };

    // Act
    const { harness, arn, end } = await runScenario('paid', {
      faults: { [STATE.closeCase]: [functionError, functionError] },
    });

    // Assess
    expect(end.status).toBe('SUCCEEDED');
    expect(retryDelays(harness.history(arn), STATE.closeCase)).toEqual([5 * SECOND, 15 * SECOND]);
    expect(harness.callsIn(STATE.closeCase)).toHaveLength(3);
    expect(harness.publishedTypes()).toEqual(['Case Opened', 'Case Resolved']);
  });

  it('Report to credit bureau: CreditBureauUnavailableError 10 times is retried within min(60 s x 2^n, 1 h) (FULL jitter), and the 11th attempt files the report', async () => {
    // Prepare
    const faults = Array(10).fill({ fail: 'CreditBureauUnavailableError', cause: 'bureau returned 503' });

    // Act
    const { harness, arn, end } = await runScenario('written off', {
      faults: { [STATE.reportToBureau]: faults },
    });

    // Assess
    expect(end.status).toBe('SUCCEEDED');
    expect(harness.path(arn).at(-1)).toBe(STATE.caseWrittenOff);
    const delays = retryDelays(harness.history(arn), STATE.reportToBureau);
    expect(delays).toHaveLength(10);
    delays.forEach((delay, n) => {
      expect(delay).toBeGreaterThanOrEqual(0);
      expect(delay).toBeLessThanOrEqual(Math.min(60 * 2 ** n, 3600) * SECOND);
    });
    const calls = harness.callsIn(STATE.reportToBureau, arn);
    expect(calls.map((call) => call.returned === undefined)).toEqual([...Array(10).fill(true), false]);
    expect(new Set(calls.map((call) => call.payload.at))).toEqual(new Set([calls[0]?.payload.at]));
    expect(harness.statesAfter(arn, STATE.wasReportFiled)).toEqual([STATE.announceReportFiled]);
    expect(harness.alerts()).toEqual([]);
  });

  it.each([
    [
      'the bureau stays down',
      { fail: 'CreditBureauUnavailableError', cause: 'bureau returned 503' },
      11,
      'CreditBureauUnavailableError',
    ],
    [
      'Lambda stays unavailable',
      { fail: 'Lambda.ServiceException', cause: 'Rate exceeded' },
      7,
      'Lambda.ServiceException',
    ],
    ['the step keeps crashing', { crash: 'case store unavailable' }, 4, 'States.TaskFailed'],
  ] as Array<[string, StepBehaviour, number, string]>)(
    'Report to credit bureau, %s: after %i attempts the error is caught at $.reportFailure, ops are alerted once, and the account is still restricted',
    async (_label, behaviour, attempts, error) => {
      // Prepare
      const faults = Array(attempts).fill(behaviour);

      // Act
      const { harness, arn, end } = await runScenario('written off', {
        faults: { [STATE.reportToBureau]: faults },
      });

      // Assess: the case goes on without the report, to its write-off
      expect(end.status).toBe('SUCCEEDED');
      expect(harness.path(arn).at(-1)).toBe(STATE.caseWrittenOff);
      expect(harness.callsIn(STATE.reportToBureau, arn)).toHaveLength(attempts);
      expect(harness.statesAfter(arn, STATE.reportToBureau)).toEqual([STATE.alertReportNotFiled]);
      expect(harness.alerts().map(({ state, subject, message }) => ({ state, subject, message }))).toEqual([
        {
          state: STATE.alertReportNotFiled,
          subject: 'Credit report not filed',
          message: `The credit bureau could not be reached for case ${CASE_ID} after hours of retries; the ladder goes on without the report. File it by hand (runbook: credit report).`,
        },
      ]);
      const next = enteredAfterFirst(harness, arn, STATE.alertReportNotFiled);
      expect(next?.name).toBe(STATE.restrictAccount);
      expect(record(next?.input.reportFailure).Error).toBe(error);
      expect(harness.path(arn)).not.toContain(STATE.announceReportFiled);
      expect(harness.publishedTypes()).toContain('Account Restriction Requested');
    },
  );

  it.each([STATE.closeCase, STATE.cancelCase])(
    '%s no longer talks to the bureau: CreditBureauUnavailableError is only a plain error to it (3 retries after 5, 15, 45 s)',
    async (state) => {
      // Prepare
      const scenario: ScenarioName = state === STATE.closeCase ? 'paid' : 'dispute upheld';
      const faults = Array(4).fill({ fail: 'CreditBureauUnavailableError', cause: 'bureau returned 503' });

      // Act
      const { harness, arn, end } = await runScenario(scenario, { faults: { [state]: faults } });

      // Assess
      expect(end).toMatchObject({ status: 'FAILED', error: 'CreditBureauUnavailableError' });
      expect(retryDelays(harness.history(arn), state)).toEqual([5 * SECOND, 15 * SECOND, 45 * SECOND]);
    },
  );

  it.each(PUT_EVENTS_TASKS)(
    '%s: EventBridge.FailedEntry once is retried within 2 s and the event is published once',
    async (state, scenario) => {
      // Prepare
      const options = {
        faults: { [state]: [{ fail: 'EventBridge.FailedEntry', cause: 'ThrottlingException' }] },
      };

      // Act
      const { harness, arn, end } = await runScenario(scenario, options);

      // Assess
      expect(end.status).toBe('SUCCEEDED');
      const [delay, ...more] = retryDelays(harness.history(arn), state);
      expect(more).toEqual([]);
      expect(delay).toBeGreaterThanOrEqual(0);
      expect(delay).toBeLessThanOrEqual(2 * SECOND);
      const attempts = harness.putEventsAttempts.filter((attempt) => attempt.state === state);
      expect(attempts.map((attempt) => attempt.delivered)).toEqual([false, true]);
      expect(attempts[1]?.entries).toEqual(attempts[0]?.entries);
      expect(harness.published().filter((event) => event.state === state)).toHaveLength(1);
    },
  );

  it.each(SNS_TASKS)(
    '%s: SNS.ThrottledException once is retried within 2 s and the alert is sent once',
    async (state, scenario) => {
      // Prepare
      const options = { faults: { [state]: [{ fail: 'SNS.ThrottledException', cause: 'Rate exceeded' }] } };

      // Act
      const { harness, arn, end } = await runScenario(scenario, options);

      // Assess
      expect(end.status).toBe('SUCCEEDED');
      const [delay, ...more] = retryDelays(harness.history(arn), state);
      expect(more).toEqual([]);
      expect(delay).toBeGreaterThanOrEqual(0);
      expect(delay).toBeLessThanOrEqual(2 * SECOND);
      const attempts = harness.publishAttempts.filter((attempt) => attempt.state === state);
      expect(attempts.slice(0, 2).map((attempt) => attempt.delivered)).toEqual([false, true]);
      expect(attempts[1]?.message).toBe(attempts[0]?.message);
      // Every entry of the alert state delivers its alert exactly once.
      expect(harness.alerts().filter((sent) => sent.state === state)).toHaveLength(
        harness.enteredTimes(arn, state).length,
      );
      expect(harness.enteredTimes(arn, state).length).toBeGreaterThan(0);
    },
  );
});

/** What keeps failing an "Update the credit report" state, how many attempts its Retry makes, and the error caught. */
const CREDIT_UPDATE_FAILURES: Array<
  [label: string, behaviour: StepBehaviour, attempts: number, error: string, cause: string]
> = [
  [
    'the bureau stays down',
    { fail: 'CreditBureauUnavailableError', cause: 'bureau returned 503' },
    11,
    'CreditBureauUnavailableError',
    'bureau returned 503',
  ],
  [
    'Lambda stays unavailable',
    { fail: 'Lambda.ServiceException', cause: 'Rate exceeded' },
    7,
    'Lambda.ServiceException',
    'Rate exceeded',
  ],
  [
    'the step keeps crashing',
    { crash: 'case store unavailable' },
    4,
    'States.TaskFailed',
    'case store unavailable',
  ],
];

describe('Update the credit report: the long retry, and the ops alert when it runs out', () => {
  it.each(CREDIT_UPDATES)(
    '%s: CreditBureauUnavailableError 10 times is retried within min(60 s x 2^n, 1 h) (FULL jitter); the 11th attempt sends %s, and the change is announced',
    async (state, action, scenario, alert, after, announce) => {
      // Prepare
      const faults = Array(10).fill({ fail: 'CreditBureauUnavailableError', cause: 'bureau returned 503' });

      // Act
      const { harness, arn, end } = await runScenario(scenario, { faults: { [state]: faults } });

      // Assess
      expect(end.status).toBe('SUCCEEDED');
      expect(harness.path(arn).at(-1)).toBe(SCENARIOS[scenario].ends);
      const delays = retryDelays(harness.history(arn), state);
      expect(delays).toHaveLength(10);
      delays.forEach((delay, n) => {
        expect(delay).toBeGreaterThanOrEqual(0);
        expect(delay).toBeLessThanOrEqual(Math.min(60 * 2 ** n, 3600) * SECOND);
      });
      // About six hours at most, as the bureau's business day needs.
      expect(delays.reduce((sum, delay) => sum + delay, 0)).toBeLessThanOrEqual(18_180 * SECOND);
      const calls = harness.callsIn(state, arn);
      expect(calls.map((call) => call.returned === undefined)).toEqual([...Array(10).fill(true), false]);
      expect(calls.map((call) => call.payload)).toEqual(Array(11).fill(calls[0]?.payload));
      expect(calls[0]?.payload.action).toBe(action);
      expect(calls.at(-1)?.returned).toMatchObject({ outcome: 'DONE', changed: true });
      expect(harness.statesAfter(arn, state)).toEqual([expect.stringMatching(/^Was the /)]);
      expect(harness.published().filter((event) => event.state === announce)).toEqual([
        expect.objectContaining({ Detail: record(calls.at(-1)?.returned).detail }),
      ]);
      expect(harness.statesAfter(arn, announce)).toEqual([after]);
      expect(harness.alerts().filter((sent) => sent.state === alert)).toEqual([]);
    },
  );

  describe.each(CREDIT_UPDATE_FAILURES)('%s', (_label, behaviour, attempts, error, cause) => {
    it.each(CREDIT_UPDATES)(
      `%s (%s): after ${attempts} failed attempts the error is caught at $.creditReportFailure, ops are alerted, and the case goes on where the update would have`,
      async (state, action, scenario, alert, after, announce) => {
        // Prepare
        const faults = Array(attempts).fill(behaviour);

        // Act
        const { harness, arn, end } = await runScenario(scenario, { faults: { [state]: faults } });

        // Assess: the case is never stuck on the report
        expect(end.status).toBe('SUCCEEDED');
        expect(harness.path(arn).at(-1)).toBe(SCENARIOS[scenario].ends);
        const calls = harness.callsIn(state, arn);
        expect(calls).toHaveLength(attempts);
        expect(calls.every((call) => call.returned === undefined)).toBe(true);
        const failures = failuresIn(harness.history(arn), state);
        expect(failures.map((failure) => failure?.error)).toEqual(Array(attempts).fill(error));
        if (error === 'States.TaskFailed')
          expect(retryDelays(harness.history(arn), state)).toEqual([5 * SECOND, 15 * SECOND, 45 * SECOND]);
        expect(harness.statesAfter(arn, state)).toEqual([alert]);
        const lastFailure = harness
          .history(arn)
          .findLast((event) => event.type === 'TaskFailed' && event.taskFailedEventDetails?.error === error);
        expect(
          harness.alerts().map(({ state: from, calledAt, topicArn, subject, message }) => ({
            from,
            calledAt,
            topicArn,
            subject,
            message,
          })),
        ).toContainEqual({
          from: alert,
          calledAt: lastFailure?.timestamp.getTime(),
          topicArn: OPS_TOPIC,
          subject: 'Credit report update failed',
          message: `The credit bureau did not take the ${action} update for case ${CASE_ID}: correct the report by hand (runbook: credit report).`,
        });
        expect(harness.alerts().filter((sent) => sent.state === alert)).toHaveLength(1);
        const next = enteredAfterFirst(harness, arn, alert);
        expect(next?.name).toBe(after);
        expect(next?.input.creditReportFailure).toEqual({ Error: error, Cause: cause });
        expect(harness.path(arn)).not.toContain(announce);
        expect(harness.published().filter((event) => event.state === announce)).toEqual([]);
      },
    );
  });

  it('the bureau down all along (dispute rejected, then paid): flag, restore and settle each alert ops once, in order; the case still closes, the restriction lifted', async () => {
    // Prepare, Act
    const { harness, end } = await runScenario('bureau down, dispute rejected');

    // Assess
    expect(end.status).toBe('SUCCEEDED');
    expect(harness.callsOf('UpdateCreditReport').map((call) => call.payload.action)).toEqual([
      ...Array(11).fill('FLAG'),
      ...Array(11).fill('UNFLAG'),
      ...Array(11).fill('SETTLE'),
    ]);
    expect(harness.alerts().map((sent) => [sent.state, sent.subject])).toEqual([
      [STATE.alertReportNotFlagged, 'Credit report update failed'],
      [STATE.alertReportNotRestored, 'Credit report update failed'],
      [STATE.alertReportNotSettled, 'Credit report update failed'],
    ]);
    expect(harness.publishedTypes()).toEqual([
      'Case Opened',
      'Credit Report Filed',
      'Account Restriction Requested',
      'Account Restriction Lifted',
      'Case Resolved',
    ]);
    // What the bureau holds is now out of step with the case: that is what the alerts are for.
    expect(harness.facts()).toMatchObject({ status: 'RESOLVED', creditReport: 'REPORTED' });
  });

  it('the bureau down all along (dispute upheld): flag and delete each alert ops once; the case is still cancelled', async () => {
    // Prepare, Act
    const { harness, end } = await runScenario('bureau down, dispute upheld');

    // Assess
    expect(end.status).toBe('SUCCEEDED');
    expect(harness.alerts().map((sent) => sent.state)).toEqual([
      STATE.alertReportNotFlagged,
      STATE.alertRulingOverdue,
      STATE.alertReportNotDeleted,
    ]);
    expect(harness.publishedTypes().slice(-2)).toEqual(['Account Restriction Lifted', 'Case Cancelled']);
    expect(harness.publishedTypes()).not.toContain('Credit Report Deleted');
    expect(harness.facts()).toMatchObject({ status: 'CANCELLED', creditReport: 'REPORTED' });
  });

  it('the bureau down when a restricted, reported case is paid: "Account Restriction Lifted" and "Case Resolved" are published before the first attempt to settle the report, not after its hours of retries', async () => {
    // Prepare: filed and restricted on day 31, paid an hour into the soft reminders; the bureau takes no update
    const harness = new WorkflowHarness({ steps: { UpdateCreditReport: bureauDown } });
    const arn = await harness.start();

    // Act
    const end = await harness.runToEnd(arn, { resolve: on(STAGE_STATES.SOFT_REMINDERS.await, HOUR, 'PAID') });

    // Assess: the platform hears at the instant of the payment; the bureau's retries come after
    expect(end.status).toBe('SUCCEEDED');
    expect(harness.path(arn).at(-1)).toBe(STATE.caseResolved);
    const paidAt = START + 31 * DAY + HOUR;
    const delivered = (type: string) =>
      harness.putEventsAttempts.find(
        (attempt) => attempt.delivered && attempt.entries.some((entry) => entry.DetailType === type),
      );
    const lifted = delivered('Account Restriction Lifted');
    const resolved = delivered('Case Resolved');
    const settles = harness.callsIn(STATE.settleReport, arn);
    expect(settles).toHaveLength(11);
    expect(settles.every((call) => call.returned === undefined)).toBe(true);
    const [firstSettle] = settles;
    if (lifted === undefined || resolved === undefined || firstSettle === undefined)
      throw new Error('expected both announcements and a settle attempt');
    const order = (effect: (typeof harness.outbound)[number]) => harness.outbound.indexOf(effect);
    expect(order(lifted)).toBeLessThan(order(resolved));
    expect(order(resolved)).toBeLessThan(order(firstSettle));
    expect([lifted.calledAt, resolved.calledAt, firstSettle.calledAt]).toEqual([paidAt, paidAt, paidAt]);
    expect(settles.at(-1)?.calledAt).toBeGreaterThan(paidAt);
    // After the first settle attempt only the bureau's retries and the ops alert: nothing more is announced.
    expect(
      harness.outbound
        .slice(order(firstSettle))
        .filter((effect) => 'entries' in effect)
        .map((effect) => effect.state),
    ).toEqual([]);
    expect(harness.publishedTypes()).toEqual([
      'Case Opened',
      'Credit Report Filed',
      'Account Restriction Requested',
      'Account Restriction Lifted',
      'Case Resolved',
    ]);
    expect(harness.alerts().map((sent) => sent.state)).toEqual([STATE.alertReportNotSettled]);
    expect(harness.outbound.at(-1)).toBe(harness.alerts()[0]);
    expect(harness.facts()).toMatchObject({
      status: 'RESOLVED',
      accountRestricted: false,
      creditReport: 'REPORTED',
    });
  });
});

describe('Catch', () => {
  it.each(NOTIFICATIONS)(
    '%s: after 6 failed attempts (%s, %s) the notification is given up, the error kept at $.%s, and the case goes on',
    async (state, scenario, error, field) => {
      // Prepare
      const faults: StepBehaviour[] = Array(6).fill({ fail: error, cause: 'InternalFailure' });

      // Act
      const { harness, arn, end } = await runScenario(scenario, { faults: { [state]: faults } });

      // Assess: an outbound event or an alert is not worth a stuck case
      expect(end.status).toBe('SUCCEEDED');
      expect(harness.path(arn).at(-1)).toBe(SCENARIOS[scenario].ends);
      expectFullJitter(retryDelays(harness.history(arn), state).slice(0, 5), 2 * SECOND, 5);
      const next = enteredAfterFirst(harness, arn, state);
      expect(next?.name).toBe(nextOf(state));
      expect(next?.input[field]).toEqual({ Error: error, Cause: 'InternalFailure' });
      const attempts = [...harness.putEventsAttempts, ...harness.publishAttempts].filter(
        (a) => a.state === state,
      );
      expect(attempts.slice(0, 6).every((attempt) => !attempt.delivered)).toBe(true);
    },
  );

  it.each(CALLBACK_TASKS)(
    '%s: a step failure is retried like any Lambda task, then fails the execution; never caught as a timeout',
    async (state, scenario) => {
      // Prepare: the first call and its 3 retries all fail
      const faults = { [state]: Array(4).fill({ crash: 'token store unavailable' }) };

      // Act
      const { harness, arn, end } = await runScenario(scenario, { faults });

      // Assess
      expect(end).toMatchObject({
        status: 'FAILED',
        error: 'States.TaskFailed',
        cause: 'token store unavailable',
      });
      expect(harness.callsIn(state, arn)).toHaveLength(4);
      expect(harness.path(arn).at(-1)).toBe(state);
      const events = harness.history(arn);
      const entered = events.findIndex((event) => event.stateEnteredEventDetails?.name === state);
      expect(events.slice(entered).filter((event) => event.type === 'TaskTimedOut')).toEqual([]);
    },
  );

  it.each(CALLBACK_TASKS)(
    '%s: SendTaskFailure is retried like a step failure (the step runs again with a new token), not caught',
    async (state, scenario) => {
      // Prepare
      const { harness, arn } = await reach(scenario, state);
      const calls = harness.callsIn(state, arn).length;
      const token = harness.currentToken(arn);
      const seen = harness.history(arn).length;

      // Act
      await harness.failTask(arn, 'CaseDisputed', 'the customer disputes the debt');
      await harness.advanceTo(harness.clock.now() + 5 * SECOND);

      // Assess
      expect(harness.describe(arn).status).toBe('RUNNING');
      expect(harness.awaiting(arn)).toBe(state);
      expect(harness.callsIn(state, arn)).toHaveLength(calls + 1);
      expect(harness.currentToken(arn)).not.toBe(token);
      const after = harness.history(arn).slice(seen);
      expect(after.map((event) => event.type)).toEqual([
        'TaskFailed',
        'TaskScheduled',
        'TaskStarted',
        'TaskSubmitted',
      ]);
      expect(after[0]?.taskFailedEventDetails).toMatchObject({ error: 'CaseDisputed' });
    },
  );
});

describe('data flow', () => {
  const AWAITING: Record<string, string> = {
    ...Object.fromEntries(LADDER_STAGES.map((stage) => [STAGE_STATES[stage].await, 'LADDER'])),
    [STATE.awaitReviewDecision]: 'LEGAL_REVIEW',
    [STATE.awaitLegalOutcome]: 'LEGAL_OUTCOME',
    [STATE.awaitPromisedPayment]: 'PROMISE',
    [STATE.awaitInstalment]: 'PLAN',
    [STATE.holdForRuling]: 'DISPUTE',
  };

  it.each(SCENARIO_NAMES)(
    "%s: every step gets the caseId and its state's entered time; each await its own token, its kind, and the wait of the step before it; the input survives",
    async (name) => {
      // Prepare: a retry and a deferral on the way, so `at` and tokens are not trivially "now"
      const input = { caseId: 'case-7781', rentalId: 'rental-9', source: 'platform' };
      const options: HarnessOptions = {
        faults: {
          [STAGE_STATES.OVERDUE_NOTICE.send]: [
            { fail: 'Lambda.ServiceException' },
            deferred(START + 14 * HOUR, NOTICE_WAIT_SECONDS),
          ],
          [STAGE_STATES.OVERDUE_NOTICE.await]: [{ fail: 'Lambda.SdkClientException' }],
        },
      };

      // Act
      const { harness, arn, end } = await runScenario(name, options, input);

      // Assess
      expect(end.status).toBe('SUCCEEDED');
      const calls = harness.calls.filter((call) => call.executionArn === arn);
      expect(calls.length).toBeGreaterThanOrEqual(6);
      for (const call of calls) {
        expect(call.payload.caseId).toBe('case-7781');
        // "Check what happened to the case" is a look at the case, not a business decision: no time.
        expect(call.payload.at).toBe(call.step === 'CheckCase' ? undefined : iso(call.stateEnteredAt));
        expect(call.payload.token).toBe(call.taskToken);
      }
      const expected: Array<number | undefined> = [];
      let wait: number | undefined;
      for (const call of calls) {
        if (['SendStageContact', 'PrepareWait', 'ResumeLadder'].includes(call.step))
          wait = (call.returned as { waitSeconds?: number } | undefined)?.waitSeconds;
        if (call.step !== 'AwaitResolution') continue;
        expected.push(wait);
        expect(call.payload.awaiting).toBe(AWAITING[call.state]);
      }
      const awaits = calls.filter((call) => call.step === 'AwaitResolution');
      expect(awaits.map((call) => call.payload.timeoutSeconds)).toEqual(expected);
      const timeouts = harness
        .history(arn)
        .flatMap((event) => event.taskScheduledEventDetails?.timeoutInSeconds ?? []);
      expect(timeouts).toEqual(expected);
      expect(JSON.parse(end.output ?? 'null')).toMatchObject(input);
      for (const event of harness.published()) expect(event.Detail).toMatchObject({ caseId: 'case-7781' });
      for (const alert of harness.alerts()) expect(alert.message).toContain('case-7781');
    },
  );

  it('the fake case the default scripts keep follows the steps (a check on the harness itself)', async () => {
    // Prepare, Act
    const { harness } = await reach('dispute upheld', STATE.holdForRuling);

    // Assess
    const facts: Readonly<CaseFacts> = harness.facts();
    expect(facts).toMatchObject({
      status: 'DISPUTED',
      creditReport: 'DISPUTED',
      accountRestricted: true,
      ladder: { stage: 'SOFT_REMINDERS', waitUntil: START + 61 * DAY },
      pausedRemaining: 30 * DAY - HOUR,
    });
  });
});

describe('determinism', () => {
  const scenario = (seed: number) =>
    runScenario('dispute rejected', {
      seed,
      faults: {
        [STATE.openCase]: [{ fail: 'Lambda.ServiceException' }],
        [STATE.announceCaseOpened]: [{ fail: 'EventBridge.FailedEntry' }],
        [STATE.holdForRuling]: [{ fail: 'Lambda.AWSLambdaException' }],
        [STATE.liftDisputeFlag]: [{ fail: 'CreditBureauUnavailableError' }],
      },
    });

  it('the same scenario and seed twice give the same history JSON, byte for byte', async () => {
    // Prepare
    const runs = [await scenario(7), await scenario(7), await scenario(8)];

    // Act
    const histories = runs.map(({ harness, arn }) => JSON.stringify(harness.history(arn)));
    const calls = runs.map(({ harness }) => JSON.stringify(harness.calls));

    // Assess
    expect(histories[1]).toBe(histories[0]);
    expect(calls[1]).toBe(calls[0]);
    // The comparison can see a difference: another seed draws other tokens and jitter.
    expect(histories[2]).not.toBe(histories[0]);
  });
});
