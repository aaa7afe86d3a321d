/**
 * The overdue case workflow: the source of `overdue-case.asl.json` (`npm run asl` writes it; a test
 * fails when the two differ). The states are listed in the order of the file, each built by a small
 * helper below; their names are the ops UI (the console graph), so they stay sentences, and tests
 * import them from here (`STATE`, `STAGE_STATES`) instead of typing them again.
 *
 * The fields the workflow reads from a step's result come from the step's TypeScript type in
 * `lambdas/domain` (`Slot`), so a field renamed there fails the typecheck here.
 */
import type { Awaiting, CaseEventDetail } from '../lambdas/domain/case';
import type {
  MessageDeliveryError,
  MessagingConfigurationError,
  MessagingUnavailableError,
} from '../lambdas/domain/ports';
import type { WorkflowResolution } from '../lambdas/domain/resolution';
import type { CaseMessage, CaseMessageOutcome } from '../lambdas/domain/services/case-messages';
import type {
  ContactStage,
  checkArrangement,
  checkCase,
  StepOutcome,
} from '../lambdas/domain/services/ladder';
import type {
  ClosingResult,
  ContinueAt,
  CreditReportAction,
  continueCase,
  ReportResult,
  restrictAccount,
  TrackResult,
  updateCreditReport,
} from '../lambdas/domain/services/tracks';
import {
  type ChoiceState,
  catching,
  format,
  type Parameters,
  type Path,
  type Retrier,
  type Slot,
  type StateMachine,
  type SucceedState,
  slot,
  type TaskState,
  type WaitState,
  when,
} from './asl';

// ---- The state names ----------------------------------------------------------------------------

/** How each stage's states speak of its contact, and the stage's own wait. */
const STAGE_WORDING: Record<ContactStage, { contact: string; await: string }> = {
  OVERDUE_NOTICE: { contact: 'overdue notice', await: 'Await resolution after notice' },
  FIRST_COLLECTION: {
    contact: 'first collection reminder',
    await: 'Await resolution after first collection',
  },
  SECOND_COLLECTION: {
    contact: 'second collection reminder',
    await: 'Await resolution after second collection',
  },
  CREDIT_PRE_NOTICE: { contact: 'credit report pre-notice', await: 'Await resolution before credit report' },
  SOFT_REMINDERS: { contact: 'soft reminder', await: 'Await resolution during soft reminders' },
};

/** The ladder's contact stages, in the order the ladder goes through them (docs/policy.md). */
export const LADDER_STAGES = Object.keys(STAGE_WORDING) as ContactStage[];

export interface StageStates {
  /** "Send overdue notice": the stage's contact. */
  send: string;
  /** "Is the overdue notice deferred?" (for the soft reminders: "Are the soft reminders over?"). */
  afterSend: string;
  /** Outside the contact window: waits until it opens. */
  waitForWindow: string;
  /** The contact could not be sent (a setup problem, or the provider down for an hour). */
  alertOps: string;
  /** After the alert: the same step again in 2 hours. */
  waitBeforeRetry: string;
  /** The provider busy or down: the same step again in 5 minutes. */
  waitBeforeQuickRetry: string;
  /** The stage's wait for the customer (a callback). */
  await: string;
}

/** The seven states of one contact stage, named after its contact. */
export function stageStates(stage: ContactStage): StageStates {
  const { contact, await: awaitState } = STAGE_WORDING[stage];
  return {
    send: `Send ${contact}`,
    afterSend: stage === 'SOFT_REMINDERS' ? 'Are the soft reminders over?' : `Is the ${contact} deferred?`,
    waitForWindow: `Wait for the contact window before the ${contact}`,
    alertOps: `Alert ops: the ${contact} could not be sent`,
    waitBeforeRetry: `Wait before sending the ${contact} again`,
    waitBeforeQuickRetry: `Wait a few minutes before sending the ${contact} again`,
    await: awaitState,
  };
}

export const STAGE_STATES = Object.fromEntries(
  LADDER_STAGES.map((stage) => [stage, stageStates(stage)]),
) as Record<ContactStage, StageStates>;

/** Every state that is not one of a contact stage's (those are `STAGE_STATES`). */
export const STATE = {
  isContinuing: 'Is this case continuing from an earlier execution?',
  openCase: 'Open case',
  announceCaseOpened: 'Announce case opened',

  reportToBureau: 'Report to credit bureau',
  alertReportNotFiled: 'Alert ops: the credit report could not be filed',
  alertReportRefused: 'Alert ops: the credit bureau refused the report',
  wasReportFiled: 'Was the credit report filed?',
  announceReportFiled: 'Announce credit report filed',
  restrictAccount: 'Restrict account',
  wasAccountRestricted: 'Was the account restricted?',
  announceRestrictionRequested: 'Announce account restriction requested',
  isAboveLegalThreshold: 'Is the debt above the legal threshold?',

  openLegalReview: 'Open legal review',
  didLegalReviewOpen: 'Did the legal review open?',
  prepareReviewWait: 'Prepare the wait for the legal review decision',
  isTimeToContinueReview: 'Is it time to continue the legal review in a new execution?',
  continueReview: 'Continue the legal review in a new execution',
  awaitReviewDecision: 'Await legal review decision',
  remindOpsOfReview: 'Remind ops of the pending legal review',

  sendDemandLetter: 'Send demand letter',
  isDemandLetterDeferred: 'Is the demand letter deferred?',
  waitForWindowBeforeDemandLetter: 'Wait for the contact window before the demand letter',
  alertDemandLetterNotSent: 'Alert ops: the demand letter could not be sent',
  startLegalAction: 'Start legal action',
  didLegalActionStart: 'Did legal action start?',
  announceLegalActionOpened: 'Announce legal action opened',
  prepareOutcomeWait: 'Prepare the wait for the legal outcome',
  isTimeToContinueOutcomeWait: 'Is it time to continue in a new execution?',
  awaitLegalOutcome: 'Await legal outcome',
  continueCase: 'Continue the case in a new execution',
  continueLadder: 'Continue the ladder in a new execution',
  caseContinues: 'Case continues in a new execution',
  caseStaysClosed: 'Case stays closed after the dispute',

  writeOff: 'Write off the debt',
  wasWrittenOff: 'Was the debt written off?',
  announceWrittenOff: 'Announce case written off',
  caseWrittenOff: 'Case written off',

  whatHappened: 'What happened to the case?',
  unknownResolution: 'Unknown resolution',
  checkCase: 'Check what happened to the case',

  preparePromiseWait: 'Prepare the wait for the promised payment',
  isTimeToContinuePromise: 'Is it time to continue the promise wait in a new execution?',
  continuePromise: 'Continue the promise wait in a new execution',
  awaitPromisedPayment: 'Await the promised payment',
  wasPromiseKept: 'Was the promise kept?',
  didPromiseHold: 'Did the promise hold?',

  preparePlanWait: 'Prepare the wait for the next instalment',
  isTimeToContinuePlan: 'Is it time to continue the plan in a new execution?',
  continuePlan: 'Continue the plan in a new execution',
  awaitInstalment: 'Await the next instalment',
  wasInstalmentPaid: 'Was the instalment paid?',
  doesPlanHold: 'Does the plan hold?',

  flagReport: 'Flag the credit report as disputed',
  alertReportNotFlagged: 'Alert ops: the credit report could not be flagged',
  wasReportFlagged: 'Was the credit report flagged?',
  announceReportDisputed: 'Announce credit report disputed',
  prepareDisputeWait: 'Prepare the wait for the dispute ruling',
  isTimeToContinueDispute: 'Is it time to continue the dispute hold in a new execution?',
  continueDispute: 'Continue the dispute hold in a new execution',
  holdForRuling: 'Hold for the dispute ruling',
  alertRulingOverdue: 'Alert ops: the dispute ruling is overdue',
  liftDisputeFlag: 'Lift the dispute flag',
  alertReportNotRestored: 'Alert ops: the credit report could not be restored',
  wasDisputeFlagLifted: 'Was the dispute flag lifted?',
  announceReportRestored: 'Announce credit report restored',

  resumeLadder: 'Resume the ladder',
  whereLadderResumes: 'Where does the ladder resume?',

  closeCase: 'Close case',
  wasRestrictionLifted: 'Was the account restriction lifted?',
  announceRestrictionLifted: 'Announce account restriction lifted',
  announceCaseResolved: 'Announce case resolved',
  sendReceipt: 'Send receipt',
  isReceiptDeferred: 'Is the receipt deferred?',
  waitForWindowBeforeReceipt: 'Wait for the contact window before the receipt',
  alertReceiptNotSent: 'Alert ops: the receipt could not be sent',
  settleReport: 'Update the credit report to settled',
  alertReportNotSettled: 'Alert ops: the credit report could not be settled',
  wasReportSettled: 'Was the credit report settled?',
  announceReportSettled: 'Announce credit report settled',
  caseResolved: 'Case resolved',

  cancelCase: 'Cancel case',
  wasRestrictionLiftedAfterCancelling: 'Was the restriction lifted after cancelling?',
  announceRestrictionLiftedAfterCancelling: 'Announce account restriction lifted after cancelling',
  announceCaseCancelled: 'Announce case cancelled',
  deleteReport: 'Delete the credit report',
  alertReportNotDeleted: 'Alert ops: the credit report could not be deleted',
  wasReportDeleted: 'Was the credit report deleted?',
  announceReportDeleted: 'Announce credit report deleted',
  caseCancelled: 'Case cancelled',
  caseClosedElsewhere: 'Case closed elsewhere',
} as const;

// ---- Retry policies -----------------------------------------------------------------------------

/** Lambda's own errors and throttling: retried quickly, with jitter, on every Lambda task. */
const LAMBDA_SERVICE_ERRORS: Retrier = {
  ErrorEquals: [
    'Lambda.ServiceException',
    'Lambda.AWSLambdaException',
    'Lambda.SdkClientException',
    'Lambda.TooManyRequestsException',
  ],
  IntervalSeconds: 2,
  MaxAttempts: 6,
  BackoffRate: 2,
  JitterStrategy: 'FULL',
};
/** The step itself failed (a bug, a timeout of a dependency): a few slower tries. */
const STEP_FAILED: Retrier = {
  ErrorEquals: ['States.TaskFailed'],
  IntervalSeconds: 5,
  MaxAttempts: 3,
  BackoffRate: 3,
};

// The errors are named by the domain's classes, so a renamed class fails the typecheck here.
const MESSAGING_CONFIGURATION: MessagingConfigurationError['name'] = 'MessagingConfigurationError';
const MESSAGING_UNAVAILABLE: MessagingUnavailableError['name'] = 'MessagingUnavailableError';
const MESSAGE_DELIVERY: MessageDeliveryError['name'] = 'MessageDeliveryError';
/** Raised by the bureau's adapter (lambdas/adapters) when the bureau does not answer. */
const CREDIT_BUREAU_UNAVAILABLE = 'CreditBureauUnavailableError';

export const RETRY = {
  /** Every Lambda step that neither sends messages nor calls the credit bureau. */
  lambdaStep: [LAMBDA_SERVICE_ERRORS, STEP_FAILED],
  /**
   * A step that sends messages: a refused setup or an hour-long outage is never retried here (the
   * workflow alerts ops and comes back later); a busy provider a few times within seconds.
   */
  sendingStep: [
    LAMBDA_SERVICE_ERRORS,
    { ErrorEquals: [MESSAGING_CONFIGURATION, MESSAGING_UNAVAILABLE], MaxAttempts: 0 },
    {
      ErrorEquals: [MESSAGE_DELIVERY],
      IntervalSeconds: 2,
      MaxAttempts: 3,
      BackoffRate: 2,
      JitterStrategy: 'FULL',
    },
    { ...STEP_FAILED, JitterStrategy: 'FULL' },
  ],
  /** A step that calls the credit bureau: an outage is retried for hours before ops are alerted. */
  creditBureauStep: [
    LAMBDA_SERVICE_ERRORS,
    {
      ErrorEquals: [CREDIT_BUREAU_UNAVAILABLE],
      IntervalSeconds: 60,
      MaxAttempts: 10,
      BackoffRate: 2,
      MaxDelaySeconds: 3600,
      JitterStrategy: 'FULL',
    },
    STEP_FAILED,
  ],
  /** An `events:putEvents` announcement. */
  announcement: [
    {
      ErrorEquals: [
        'EventBridge.AmazonEventBridgeException',
        'EventBridge.InternalException',
        'EventBridge.FailedEntry',
        'States.TaskFailed',
      ],
      IntervalSeconds: 2,
      MaxAttempts: 5,
      BackoffRate: 2,
      JitterStrategy: 'FULL',
    },
  ],
  /** An `sns:publish` alert to ops. */
  opsAlert: [
    {
      ErrorEquals: [
        'SNS.SnsException',
        'SNS.InternalErrorException',
        'SNS.ThrottledException',
        'States.TaskFailed',
      ],
      IntervalSeconds: 2,
      MaxAttempts: 5,
      BackoffRate: 2,
      JitterStrategy: 'FULL',
    },
  ],
} satisfies Record<string, readonly Retrier[]>;

// ---- The data the states read -------------------------------------------------------------------

type ResultOf<Step extends (...args: never[]) => Promise<unknown>> = Awaited<ReturnType<Step>>;
/** What a Catch keeps of an error. */
interface CaughtError {
  Error: string;
  Cause: string;
}
/** How an execution starts: a new case, or one continuing in a new execution (`continueAt`). */
interface ExecutionInput {
  caseId: string;
  continueAt?: ContinueAt | 'CLOSE' | 'DISPUTE_AFTER_CLOSE';
}

/** What a wait was told (the API's resolution), or what a check found. */
type WaitNews = WorkflowResolution | ResultOf<typeof checkCase> | ResultOf<typeof checkArrangement>;

const input = slot<ExecutionInput>('$');
const opened = slot<{ detail: CaseEventDetail }>('$.opened');
/** A contact or prepared wait (the ladder's stages, the long waits, the ladder resumed). */
const contact = slot<StepOutcome>('$.contact');
const resolution = slot<WaitNews>('$.resolution');
const report = slot<ReportResult>('$.report');
const restriction = slot<ResultOf<typeof restrictAccount>>('$.restriction');
const review = slot<TrackResult>('$.review');
const legal = slot<TrackResult>('$.legal');
const message = slot<CaseMessageOutcome>('$.message');
const closed = slot<ClosingResult>('$.closed');
const creditReport = slot<ResultOf<typeof updateCreditReport>>('$.creditReport');
const continuation = slot<ResultOf<typeof continueCase>>('$.continuation');
const sendFailure = slot<CaughtError>('$.sendFailure');

const EVERY_STEP_OUTCOME_FIELD = [
  'outcome',
  'waitSeconds',
  'deferUntil',
  'resumeStage',
  'continueAsNew',
] as const;

// ---- Helpers, one per kind of state -------------------------------------------------------------

const LAMBDA_INVOKE = 'arn:aws:states:::lambda:invoke';
const LAMBDA_CALLBACK = 'arn:aws:states:::lambda:invoke.waitForTaskToken';
const PUT_EVENTS = 'arn:aws:states:::events:putEvents';
const SNS_PUBLISH = 'arn:aws:states:::sns:publish';

/** A `${…}` the stack replaces with an ARN or a name when it deploys the file (lib/workflow.ts). */
const substitution = (name: string): string => `\${${name}}`;

/** The step functions, each named in the file by its `${…FunctionArn}` substitution. */
type StepFunction =
  | 'BeginCase'
  | 'SendStageContact'
  | 'SendCaseMessage'
  | 'AwaitResolution'
  | 'PrepareWait'
  | 'CheckCase'
  | 'CheckArrangement'
  | 'ResumeLadder'
  | 'ReportToBureau'
  | 'RestrictAccount'
  | 'OpenLegalReview'
  | 'StartLegalAction'
  | 'UpdateCreditReport'
  | 'CloseCase'
  | 'CancelCase'
  | 'WriteOffCase'
  | 'ContinueCase';
const functionArn = (name: StepFunction): string => substitution(`${name}FunctionArn`);

/** Parts of every step's Payload. */
const CASE_ID = { 'caseId.$': '$.caseId' } as const;
const ENTERED_AT = { 'at.$': '$$.State.EnteredTime' } as const;
const EXECUTION_STARTED_AT = { 'executionStartedAt.$': '$$.Execution.StartTime' } as const;

interface LambdaStep {
  comment?: string;
  payload: Parameters;
  /** The task's ResultSelector and ResultPath (`Slot.keep`). */
  keep: { ResultSelector: Record<string, Path>; ResultPath: Path };
  /** `RETRY.lambdaStep` unless given. */
  retry?: readonly Retrier[];
  catch?: TaskState['Catch'];
  next: string;
}

/** A `lambda:invoke` task of a step function. */
function invoke(
  step: StepFunction,
  { comment, payload, keep, retry = RETRY.lambdaStep, catch: catchers, next }: LambdaStep,
): TaskState {
  return {
    ...(comment === undefined ? {} : { Comment: comment }),
    Type: 'Task',
    Resource: LAMBDA_INVOKE,
    Parameters: { FunctionName: functionArn(step), Payload: payload },
    ...keep,
    Retry: retry,
    ...(catchers === undefined ? {} : { Catch: catchers }),
    Next: next,
  };
}

/** Waits (a callback) until the API resumes the case or `contact.waitSeconds` passes. */
function awaitResolution(awaiting: Awaiting, comment: string, onTimeout: string): TaskState {
  return {
    Comment: comment,
    Type: 'Task',
    Resource: LAMBDA_CALLBACK,
    Parameters: {
      FunctionName: functionArn('AwaitResolution'),
      Payload: {
        ...CASE_ID,
        awaiting,
        'token.$': '$$.Task.Token',
        ...ENTERED_AT,
        'timeoutSeconds.$': contact.field('waitSeconds'),
      },
    },
    TimeoutSecondsPath: contact.field('waitSeconds'),
    ResultPath: resolution.path,
    Retry: RETRY.lambdaStep,
    Catch: [catching(['States.Timeout'], '$.timeout', onTimeout)],
    Next: STATE.whatHappened,
  };
}

/** How long a long wait (promise, plan, dispute, legal) lasts before the workflow looks again. */
const prepareWait = (awaiting: Exclude<Awaiting, 'LADDER'>, comment: string, next: string): TaskState =>
  invoke('PrepareWait', {
    comment,
    payload: { ...CASE_ID, awaiting, ...ENTERED_AT, ...EXECUTION_STARTED_AT },
    keep: contact.keep(...EVERY_STEP_OUTCOME_FIELD),
    next,
  });

/** The prepared wait would outlive the execution: continue in a new one first. */
const continueIfTooOld = (continueState: string, waitState: string): ChoiceState => ({
  Type: 'Choice',
  Choices: [when(contact.isTrue('continueAsNew'), continueState)],
  Default: waitState,
});

const SAME_WAIT =
  'A Standard execution lives at most a year: the case continues in <caseId>-N, in this same wait.';

/** Starts `<caseId>-N` at `continueAt` (no `continueAt`: the legal outcome's wait) and ends this execution. */
const continueInNewExecution = (continueAt: ContinueAt | undefined, comment = SAME_WAIT): TaskState =>
  invoke('ContinueCase', {
    comment,
    payload: {
      ...CASE_ID,
      'execution.$': '$$.Execution.Name',
      'stateMachineArn.$': '$$.StateMachine.Id',
      ...(continueAt === undefined ? {} : { continueAt }),
      ...ENTERED_AT,
    },
    keep: continuation.keep('next'),
    next: STATE.caseContinues,
  });

/**
 * A long wait in this execution (a promise, a plan, a dispute, a legal review): prepared, continued in
 * a new execution first if it would outlive this one, then the callback task people or payments end.
 */
function longWait(
  awaiting: Exclude<Awaiting, 'LADDER' | 'LEGAL_OUTCOME'>,
  names: { prepare: string; isTimeToContinue: string; continue: string; await: string },
  comments: { prepare: string; await: string },
  onTimeout: string,
): Record<string, TaskState | ChoiceState> {
  return {
    [names.prepare]: prepareWait(awaiting, comments.prepare, names.isTimeToContinue),
    [names.isTimeToContinue]: continueIfTooOld(names.continue, names.await),
    [names.continue]: continueInNewExecution(awaiting),
    [names.await]: awaitResolution(awaiting, comments.await, onTimeout),
  };
}

/** Tells the platform (EventBridge); a failure never stops the case, which goes on to `next`. */
const announce = (detailType: string, detail: Path, next: string): TaskState => ({
  Type: 'Task',
  Resource: PUT_EVENTS,
  Parameters: {
    Entries: [
      {
        EventBusName: substitution('EventBusName'),
        Source: 'rental.collections',
        DetailType: detailType,
        'Detail.$': detail,
      },
    ],
  },
  ResultPath: null,
  Retry: RETRY.announcement,
  Catch: [catching(['States.ALL'], '$.announcementFailure', next)],
  Next: next,
});

/** Tells ops (SNS); a failure never stops the case, which goes on to `next`. */
const alertOps = (comment: string, subject: string, text: string, next: string): TaskState => ({
  Comment: comment,
  Type: 'Task',
  Resource: SNS_PUBLISH,
  Parameters: { TopicArn: substitution('OpsTopicArn'), Subject: subject, 'Message.$': text },
  ResultPath: null,
  Retry: RETRY.opsAlert,
  Catch: [catching(['States.ALL'], '$.alertFailure', next)],
  Next: next,
});

const MESSAGING_ALERT = 'The case goes on; ops find why messages cannot go out (runbook: messaging).';

/** A step that sends: goes on to the Choice that reads what it did; every failure is caught. */
function sendStep(
  step: 'SendStageContact' | 'SendCaseMessage',
  {
    comment,
    payload,
    keep,
    next,
    catch: catchers,
  }: Omit<LambdaStep, 'retry'> & { catch: TaskState['Catch'] },
): TaskState {
  return {
    Comment: comment,
    Type: 'Task',
    Resource: LAMBDA_INVOKE,
    Parameters: { FunctionName: functionArn(step), Payload: payload },
    ...keep,
    Retry: RETRY.sendingStep,
    Next: next,
    Catch: catchers,
  };
}

const waitUntil = (comment: string, timestamp: Path, next: string): WaitState => ({
  Comment: comment,
  Type: 'Wait',
  TimestampPath: timestamp,
  Next: next,
});

const waitFor = (comment: string, seconds: number, next: string): WaitState => ({
  Comment: comment,
  Type: 'Wait',
  Seconds: seconds,
  Next: next,
});

const succeed = (comment?: string): SucceedState =>
  comment === undefined ? { Type: 'Succeed' } : { Comment: comment, Type: 'Succeed' };

// ---- The parts that repeat ----------------------------------------------------------------------

/** After an alert that a contact could not be sent, and after a provider's busy answer. */
const RETRY_AFTER_ALERT_SECONDS = 2 * 60 * 60;
const QUICK_RETRY_SECONDS = 5 * 60;

const SEND_COMMENT: Record<ContactStage, string> = {
  OVERDUE_NOTICE:
    "SMS and email with the device, amount and deadline in the customer's language, and a call task.",
  FIRST_COLLECTION: 'A friendly SMS and a call task.',
  SECOND_COLLECTION:
    'Email and SMS, call tasks every two days within the caps, a field visit above the threshold.',
  CREDIT_PRE_NOTICE:
    'The customer is told before negative information is reported (a letter if every electronic channel is opted out).',
  SOFT_REMINDERS: 'One gentle reminder a month, until the write-off day.',
};

/** Where a stage's wait goes when nobody answers. */
const AFTER_STAGE_WAIT: Record<ContactStage, string> = {
  OVERDUE_NOTICE: STAGE_STATES.FIRST_COLLECTION.send,
  FIRST_COLLECTION: STAGE_STATES.SECOND_COLLECTION.send,
  SECOND_COLLECTION: STAGE_STATES.CREDIT_PRE_NOTICE.send,
  CREDIT_PRE_NOTICE: STATE.reportToBureau,
  SOFT_REMINDERS: STAGE_STATES.SOFT_REMINDERS.send,
};

/**
 * One stage of the ladder: its contact (deferred to the contact window, retried when the provider is
 * busy, an ops alert and a retry 2 hours later when it cannot go out), then its wait for the customer.
 */
function contactStage(stage: ContactStage): Record<string, TaskState | ChoiceState | WaitState> {
  const names = STAGE_STATES[stage];
  const { contact: what } = STAGE_WORDING[stage];
  const softReminders = stage === 'SOFT_REMINDERS';
  return {
    [names.send]: sendStep('SendStageContact', {
      comment: SEND_COMMENT[stage],
      payload: { ...CASE_ID, stage, ...ENTERED_AT, ...EXECUTION_STARTED_AT },
      keep: contact.keep(...EVERY_STEP_OUTCOME_FIELD),
      next: names.afterSend,
      catch: [
        catching([MESSAGE_DELIVERY], sendFailure.path, names.waitBeforeQuickRetry),
        catching(['States.ALL'], sendFailure.path, names.alertOps),
      ],
    }),
    [names.afterSend]: {
      Type: 'Choice',
      Choices: [
        ...(softReminders ? [when(contact.is('outcome', 'WRITE_OFF_DUE'), STATE.writeOff)] : []),
        when(contact.is('outcome', 'DEFERRED'), names.waitForWindow),
        when(contact.isTrue('continueAsNew'), STATE.continueLadder),
      ],
      Default: names.await,
    },
    [names.waitForWindow]: waitUntil(
      "Outside the customer's contact window (quiet hours): the contact is deferred, never dropped.",
      contact.field('deferUntil'),
      names.send,
    ),
    [names.alertOps]: alertOps(
      MESSAGING_ALERT,
      'Messages not sent',
      format(
        `The ${what} of case {} could not be sent ({}); it is tried again in 2 hours. Check SES and SNS (runbook: messaging).`,
        input.field('caseId'),
        sendFailure.field('Error'),
      ),
      names.waitBeforeRetry,
    ),
    [names.waitBeforeRetry]: waitFor(
      'The contact is never dropped: the same step again, which sends only what did not go out.',
      RETRY_AFTER_ALERT_SECONDS,
      names.send,
    ),
    [names.waitBeforeQuickRetry]: waitFor(
      'The provider is busy or down: the same step again in 5 minutes, which checks the contact window again and sends only what did not go out.',
      QUICK_RETRY_SECONDS,
      names.send,
    ),
    [names.await]: awaitResolution(
      'LADDER',
      softReminders
        ? 'Waits a month (or until the write-off day).'
        : "Waits for payment, return, promise, plan or dispute; times out after the stage's wait.",
      AFTER_STAGE_WAIT[stage],
    ),
  };
}

/** The names of a case message's four states. */
interface CaseMessageStates {
  send: string;
  isDeferred: string;
  waitForWindow: string;
  alertOps: string;
}

/**
 * A message sent once (the receipt, the demand letter), in the customer's contact window; when it
 * cannot go out ops are alerted to send it by hand, and the case goes on to `next`.
 */
function caseMessage(
  kind: CaseMessage,
  what: string,
  names: CaseMessageStates,
  comment: string,
  next: string,
): Record<string, TaskState | ChoiceState | WaitState> {
  return {
    [names.send]: sendStep('SendCaseMessage', {
      comment,
      payload: { ...CASE_ID, message: kind, ...ENTERED_AT },
      keep: message.keep('outcome', 'deferUntil'),
      next: names.isDeferred,
      catch: [catching(['States.ALL'], sendFailure.path, names.alertOps)],
    }),
    [names.isDeferred]: {
      Type: 'Choice',
      Choices: [when(message.is('outcome', 'DEFERRED'), names.waitForWindow)],
      Default: next,
    },
    [names.waitForWindow]: waitUntil(
      "Outside the customer's contact window (quiet hours): it goes out when the window opens.",
      message.field('deferUntil'),
      names.send,
    ),
    [names.alertOps]: alertOps(
      MESSAGING_ALERT,
      'Messages not sent',
      format(
        `The ${what} of case {} could not be sent ({}): send it by hand (runbook: messaging).`,
        input.field('caseId'),
        sendFailure.field('Error'),
      ),
      next,
    ),
  };
}

/** The names of a credit report update's four states. */
interface CreditReportStates {
  update: string;
  alertOps: string;
  wasChanged: string;
  announce: string;
}

/**
 * A credit report update (settle, delete, flag, lift the flag), announced only when it changed the
 * report; when the bureau does not take it ops correct the report by hand, and the case goes on.
 */
function creditReportUpdate(
  action: CreditReportAction,
  names: CreditReportStates,
  comment: string,
  detailType: 'Credit Report Updated' | 'Credit Report Deleted',
  next: string,
): Record<string, TaskState | ChoiceState> {
  return {
    [names.update]: invoke('UpdateCreditReport', {
      comment,
      payload: { ...CASE_ID, action, ...ENTERED_AT },
      keep: creditReport.keep('changed', 'detail'),
      retry: RETRY.creditBureauStep,
      catch: [catching(['States.ALL'], '$.creditReportFailure', names.alertOps)],
      next: names.wasChanged,
    }),
    [names.alertOps]: alertOps(
      'The case goes on; people correct the report.',
      'Credit report update failed',
      format(
        `The credit bureau did not take the ${action} update for case {}: correct the report by hand (runbook: credit report).`,
        input.field('caseId'),
      ),
      next,
    ),
    [names.wasChanged]: {
      Type: 'Choice',
      Choices: [when(creditReport.isTrue('changed'), names.announce)],
      Default: next,
    },
    [names.announce]: announce(detailType, creditReport.field('detail'), next),
  };
}

/** A step whose result says whether it did its work (`outcome` DONE); anything else asks the case. */
const didIt = (result: Slot<TrackResult>, next: string): ChoiceState => ({
  Type: 'Choice',
  Choices: [when(result.is('outcome', 'DONE'), next)],
  Default: STATE.checkCase,
});

/** Closing or cancelling a case: a restriction lifted is announced before the case's end. */
const ifRestrictionLifted = (announceLifted: string, announceEnd: string): ChoiceState => ({
  Type: 'Choice',
  Choices: [when(closed.isTrue('restrictionLifted'), announceLifted)],
  Default: announceEnd,
});

type ContinuingAt = NonNullable<ExecutionInput['continueAt']>;
/**
 * Where the first Choice sends an execution that continues an earlier one, by its `continueAt`;
 * LEGAL_ACTION (the legal outcome's wait) is the Choice's Default.
 */
const CONTINUES_AT: Record<Exclude<ContinuingAt, 'LEGAL_ACTION'>, string> = {
  CLOSE: STATE.closeCase,
  LEGAL_REVIEW: STATE.prepareReviewWait,
  DISPUTE: STATE.prepareDisputeWait,
  PROMISE: STATE.preparePromiseWait,
  PLAN: STATE.preparePlanWait,
  LADDER: STATE.resumeLadder,
  DISPUTE_AFTER_CLOSE: STATE.flagReport,
};
const continuingRoutes = (Object.keys(CONTINUES_AT) as Array<keyof typeof CONTINUES_AT>).map((at) =>
  when(input.is('continueAt', at), CONTINUES_AT[at]),
);

const routeOnResolution = (kind: WaitNews['kind'], next: string) => when(resolution.is('kind', kind), next);

// ---- The definition -----------------------------------------------------------------------------

export const OVERDUE_CASE: StateMachine = {
  Comment:
    "One execution per overdue rental case, named by the case id: the collections ladder of docs/policy.md, with the customer's options (payment, return, promise, plan, dispute) and the credit and legal tracks. Days, channels and templates come from the case's policy; the states are the business process.",
  StartAt: STATE.isContinuing,
  States: {
    [STATE.isContinuing]: {
      Comment:
        'A case in a long wait (legal outcome, review decision, dispute ruling) near the one-year execution limit continues in <caseId>-2, -3, … in that same wait. A written-off case paid in full or returned later is closed in <caseId>-recovered (continueAt CLOSE). A promise, plan or ladder wait continues in that wait (PROMISE, PLAN, LADDER); a closed case disputed while its credit report is filed is ruled in <caseId>-dispute-… (DISPUTE_AFTER_CLOSE).',
      Type: 'Choice',
      Choices: [{ Not: input.isPresent('continueAt'), Next: STATE.openCase }, ...continuingRoutes],
      Default: STATE.prepareOutcomeWait,
    },
    [STATE.openCase]: invoke('BeginCase', {
      payload: { ...CASE_ID, ...ENTERED_AT, 'execution.$': '$$.Execution.Name' },
      keep: opened.keepWholeAs('detail'),
      next: STATE.announceCaseOpened,
    }),
    [STATE.announceCaseOpened]: announce(
      'Case Opened',
      opened.field('detail'),
      STAGE_STATES.OVERDUE_NOTICE.send,
    ),
    ...contactStage('OVERDUE_NOTICE'),
    ...contactStage('FIRST_COLLECTION'),
    ...contactStage('SECOND_COLLECTION'),
    ...contactStage('CREDIT_PRE_NOTICE'),

    // ---- The credit report and the account restriction
    [STATE.reportToBureau]: invoke('ReportToBureau', {
      comment: 'Files the overdue debt with the credit bureau (once: keyed by the case id).',
      payload: { ...CASE_ID, ...ENTERED_AT },
      keep: report.keep('outcome', 'detail'),
      retry: RETRY.creditBureauStep,
      catch: [catching(['States.ALL'], '$.reportFailure', STATE.alertReportNotFiled)],
      next: STATE.wasReportFiled,
    }),
    [STATE.alertReportNotFiled]: alertOps(
      'A bureau outage never stops the case; people file the report.',
      'Credit report not filed',
      format(
        'The credit bureau could not be reached for case {} after hours of retries; the ladder goes on without the report. File it by hand (runbook: credit report).',
        input.field('caseId'),
      ),
      STATE.restrictAccount,
    ),
    [STATE.alertReportRefused]: alertOps(
      "People look at the bureau's refusal; the ladder goes on.",
      'Credit report refused',
      format(
        'The credit bureau refused the report for case {}; the ladder goes on without it. Check the bureau integration.',
        input.field('caseId'),
      ),
      STATE.restrictAccount,
    ),
    [STATE.wasReportFiled]: {
      Type: 'Choice',
      Choices: [
        when(report.is('outcome', 'DONE'), STATE.announceReportFiled),
        when(report.is('outcome', 'ALREADY'), STATE.restrictAccount),
        when(report.is('outcome', 'REFUSED'), STATE.alertReportRefused),
      ],
      Default: STATE.checkCase,
    },
    [STATE.announceReportFiled]: announce(
      'Credit Report Filed',
      report.field('detail'),
      STATE.restrictAccount,
    ),
    [STATE.restrictAccount]: invoke('RestrictAccount', {
      comment: "The platform is asked to restrict the account's functions.",
      payload: { ...CASE_ID, ...ENTERED_AT },
      keep: restriction.keep('outcome', 'detail', 'legalReview'),
      next: STATE.wasAccountRestricted,
    }),
    [STATE.wasAccountRestricted]: {
      Type: 'Choice',
      Choices: [
        when(restriction.is('outcome', 'DONE'), STATE.announceRestrictionRequested),
        when(restriction.is('outcome', 'ALREADY'), STATE.isAboveLegalThreshold),
      ],
      Default: STATE.checkCase,
    },
    [STATE.announceRestrictionRequested]: announce(
      'Account Restriction Requested',
      restriction.field('detail'),
      STATE.isAboveLegalThreshold,
    ),
    [STATE.isAboveLegalThreshold]: {
      Comment:
        "Above the policy's legal threshold people review the case for legal action; below it, soft reminders.",
      Type: 'Choice',
      Choices: [when(restriction.isTrue('legalReview'), STATE.openLegalReview)],
      Default: STAGE_STATES.SOFT_REMINDERS.send,
    },

    // ---- The legal track
    [STATE.openLegalReview]: invoke('OpenLegalReview', {
      comment: 'A LEGAL_REVIEW work item: people decide through POST /cases/{id}/legal-review.',
      payload: { ...CASE_ID, ...ENTERED_AT },
      keep: review.keep('outcome', 'detail'),
      next: STATE.didLegalReviewOpen,
    }),
    [STATE.didLegalReviewOpen]: didIt(review, STATE.prepareReviewWait),
    ...longWait(
      'LEGAL_REVIEW',
      {
        prepare: STATE.prepareReviewWait,
        isTimeToContinue: STATE.isTimeToContinueReview,
        continue: STATE.continueReview,
        await: STATE.awaitReviewDecision,
      },
      {
        prepare: 'Ops are reminded of an undecided review every few days (policy).',
        await: 'People approve or decline; a payment or promise still ends or pauses the case.',
      },
      STATE.remindOpsOfReview,
    ),
    [STATE.remindOpsOfReview]: alertOps(
      'A reminder, then back to waiting.',
      'Legal review pending',
      format(
        'Case {} waits for a legal review decision: approve or decline it (POST legal-review on the case).',
        input.field('caseId'),
      ),
      STATE.prepareReviewWait,
    ),
    ...caseMessage(
      'DEMAND_LETTER',
      'demand letter',
      {
        send: STATE.sendDemandLetter,
        isDeferred: STATE.isDemandLetterDeferred,
        waitForWindow: STATE.waitForWindowBeforeDemandLetter,
        alertOps: STATE.alertDemandLetterNotSent,
      },
      "The formal demand by email, in the customer's contact window (once); the referral to the law firm follows with it in its evidence.",
      STATE.startLegalAction,
    ),
    [STATE.startLegalAction]: invoke('StartLegalAction', {
      comment: 'Referral with the evidence bundle (the demand letter included) on the legal topic.',
      payload: { ...CASE_ID, ...ENTERED_AT },
      keep: legal.keep('outcome', 'detail'),
      next: STATE.didLegalActionStart,
    }),
    [STATE.didLegalActionStart]: didIt(legal, STATE.announceLegalActionOpened),
    [STATE.announceLegalActionOpened]: announce(
      'Legal Action Opened',
      legal.field('detail'),
      STATE.prepareOutcomeWait,
    ),
    [STATE.prepareOutcomeWait]: prepareWait(
      'LEGAL_OUTCOME',
      'The legal outcome can take long: the case is looked at periodically.',
      STATE.isTimeToContinueOutcomeWait,
    ),
    [STATE.isTimeToContinueOutcomeWait]: continueIfTooOld(STATE.continueCase, STATE.awaitLegalOutcome),
    [STATE.awaitLegalOutcome]: awaitResolution(
      'LEGAL_OUTCOME',
      'People record the outcome (POST /cases/{id}/legal-outcome); a payment closes the case.',
      STATE.prepareOutcomeWait,
    ),
    [STATE.continueCase]: continueInNewExecution(
      undefined,
      'A Standard execution lives at most a year: the case continues in <caseId>-N, waiting for the legal outcome.',
    ),
    [STATE.continueLadder]: continueInNewExecution(
      'LADDER',
      "A Standard execution lives at most a year: the case continues in <caseId>-N, in the stage's wait.",
    ),
    [STATE.caseContinues]: succeed(),
    [STATE.caseStaysClosed]: succeed(
      'A closed case disputed while its credit report was filed: rejected, it stays as it was closed.',
    ),

    // ---- Below the legal threshold: soft reminders until the write-off
    ...contactStage('SOFT_REMINDERS'),
    [STATE.writeOff]: invoke('WriteOffCase', {
      comment: 'The history and any credit report stay; open work is cancelled.',
      payload: { ...CASE_ID, ...ENTERED_AT },
      keep: closed.keep('detail'),
      next: STATE.wasWrittenOff,
    }),
    [STATE.wasWrittenOff]: {
      Comment:
        'A payment can land between the write-off decision and the write-off itself: then the case is closed as paid.',
      Type: 'Choice',
      Choices: [
        when(closed.within('detail').is('status', 'WRITTEN_OFF'), STATE.announceWrittenOff),
        when(closed.within('detail').is('status', 'RESOLVED'), STATE.closeCase),
        when(closed.within('detail').is('status', 'CANCELLED'), STATE.cancelCase),
      ],
      Default: STATE.caseClosedElsewhere,
    },
    [STATE.announceWrittenOff]: announce('Case Written Off', closed.field('detail'), STATE.caseWrittenOff),
    [STATE.caseWrittenOff]: succeed(),

    // ---- What the API told a wait, or what a step found
    [STATE.whatHappened]: {
      Comment: 'Every change the API makes to a case reaches the workflow here.',
      Type: 'Choice',
      Choices: [
        { Not: resolution.isPresent('kind'), Next: STATE.unknownResolution },
        {
          Or: [resolution.is('kind', 'PAID'), resolution.is('kind', 'RETURNED')],
          Next: STATE.closeCase,
        },
        routeOnResolution('CANCELLED', STATE.cancelCase),
        routeOnResolution('WRITTEN_OFF', STATE.writeOff),
        routeOnResolution('PROMISE', STATE.preparePromiseWait),
        routeOnResolution('PROMISE_KEPT', STATE.resumeLadder),
        routeOnResolution('PLAN', STATE.preparePlanWait),
        routeOnResolution('DISPUTE', STATE.flagReport),
        routeOnResolution('DISPUTE_REJECTED', STATE.liftDisputeFlag),
        routeOnResolution('LEGAL_APPROVED', STATE.sendDemandLetter),
        routeOnResolution('LEGAL_DECLINED', STAGE_STATES.SOFT_REMINDERS.send),
        routeOnResolution('NONE', STATE.resumeLadder),
      ],
      Default: STATE.unknownResolution,
    },
    [STATE.unknownResolution]: {
      Comment: 'A resolution this version of the workflow does not know: stop and alarm rather than guess.',
      Type: 'Fail',
      Error: 'UnknownResolution',
      Cause: 'The case was resumed with a resolution kind this workflow does not handle.',
    },
    [STATE.checkCase]: invoke('CheckCase', {
      comment: 'A step found the case changed under it (paid, promised, disputed…).',
      payload: { ...CASE_ID, awaiting: 'LADDER' },
      keep: resolution.keep('kind'),
      next: STATE.whatHappened,
    }),

    // ---- A promise to pay
    ...longWait(
      'PROMISE',
      {
        prepare: STATE.preparePromiseWait,
        isTimeToContinue: STATE.isTimeToContinuePromise,
        continue: STATE.continuePromise,
        await: STATE.awaitPromisedPayment,
      },
      {
        prepare: 'Until the promised date plus the grace days.',
        await: 'Collection pauses; a payment in full keeps the promise.',
      },
      STATE.wasPromiseKept,
    ),
    [STATE.wasPromiseKept]: invoke('CheckArrangement', {
      payload: { ...CASE_ID, arrangement: 'PROMISE', ...ENTERED_AT },
      keep: resolution.keep('kind'),
      next: STATE.didPromiseHold,
    }),
    [STATE.didPromiseHold]: {
      Type: 'Choice',
      Choices: [routeOnResolution('BROKEN', STATE.resumeLadder)],
      Default: STATE.whatHappened,
    },

    // ---- A payment plan
    ...longWait(
      'PLAN',
      {
        prepare: STATE.preparePlanWait,
        isTimeToContinue: STATE.isTimeToContinuePlan,
        continue: STATE.continuePlan,
        await: STATE.awaitInstalment,
      },
      {
        prepare: "Until the next instalment's date (or the extended return date) plus the grace days.",
        await: 'Collection pauses while the plan is kept.',
      },
      STATE.wasInstalmentPaid,
    ),
    [STATE.wasInstalmentPaid]: invoke('CheckArrangement', {
      payload: { ...CASE_ID, arrangement: 'PLAN', ...ENTERED_AT },
      keep: resolution.keep('kind'),
      next: STATE.doesPlanHold,
    }),
    [STATE.doesPlanHold]: {
      Type: 'Choice',
      Choices: [
        routeOnResolution('KEPT', STATE.preparePlanWait),
        routeOnResolution('BROKEN', STATE.resumeLadder),
      ],
      Default: STATE.whatHappened,
    },

    // ---- A dispute
    ...creditReportUpdate(
      'FLAG',
      {
        update: STATE.flagReport,
        alertOps: STATE.alertReportNotFlagged,
        wasChanged: STATE.wasReportFlagged,
        announce: STATE.announceReportDisputed,
      },
      'A filed report is flagged as disputed while the dispute is open.',
      'Credit Report Updated',
      STATE.prepareDisputeWait,
    ),
    ...longWait(
      'DISPUTE',
      {
        prepare: STATE.prepareDisputeWait,
        isTimeToContinue: STATE.isTimeToContinueDispute,
        continue: STATE.continueDispute,
        await: STATE.holdForRuling,
      },
      {
        prepare: 'The ruling is due within 30 days (policy); then ops are alerted.',
        await: 'No contact at all until people rule (POST /cases/{id}/disputes/resolution).',
      },
      STATE.alertRulingOverdue,
    ),
    [STATE.alertRulingOverdue]: alertOps(
      'A missed ruling deadline raises an ops alert, then the hold goes on.',
      'Dispute ruling overdue',
      format(
        'The dispute on case {} is past its ruling deadline: rule on it (POST disputes/resolution on the case).',
        input.field('caseId'),
      ),
      STATE.prepareDisputeWait,
    ),
    ...creditReportUpdate(
      'UNFLAG',
      {
        update: STATE.liftDisputeFlag,
        alertOps: STATE.alertReportNotRestored,
        wasChanged: STATE.wasDisputeFlagLifted,
        announce: STATE.announceReportRestored,
      },
      'The dispute was rejected: a flagged report is restored.',
      'Credit Report Updated',
      STATE.resumeLadder,
    ),

    // ---- Back to the ladder
    [STATE.resumeLadder]: invoke('ResumeLadder', {
      comment:
        "A broken promise or plan, or a rejected dispute: back where the ladder stood, with the rest of that stage's wait.",
      payload: { ...CASE_ID, ...ENTERED_AT, ...EXECUTION_STARTED_AT },
      keep: contact.keep(...EVERY_STEP_OUTCOME_FIELD),
      next: STATE.whereLadderResumes,
    }),
    [STATE.whereLadderResumes]: {
      Type: 'Choice',
      Choices: [
        when(contact.is('outcome', 'CLOSED'), STATE.caseStaysClosed),
        when(contact.is('outcome', 'CASE_CHANGED'), STATE.checkCase),
        when(contact.isTrue('continueAsNew'), STATE.continueLadder),
        ...LADDER_STAGES.filter((stage) => stage !== 'SOFT_REMINDERS').map((stage) =>
          when(contact.is('resumeStage', stage), STAGE_STATES[stage].await),
        ),
        when(contact.is('resumeStage', 'CREDIT_REPORTED'), STATE.restrictAccount),
        when(contact.is('resumeStage', 'LEGAL_REVIEW'), STATE.prepareReviewWait),
        when(contact.is('resumeStage', 'LEGAL_ACTION'), STATE.prepareOutcomeWait),
      ],
      Default: STAGE_STATES.SOFT_REMINDERS.await,
    },

    // ---- Paid or returned
    [STATE.closeCase]: invoke('CloseCase', {
      comment: 'Restriction lifted, open work cancelled; the receipt follows once the bureau is told.',
      payload: { ...CASE_ID, ...ENTERED_AT },
      keep: closed.keep('detail', 'restrictionLifted'),
      next: STATE.wasRestrictionLifted,
    }),
    [STATE.wasRestrictionLifted]: ifRestrictionLifted(
      STATE.announceRestrictionLifted,
      STATE.announceCaseResolved,
    ),
    [STATE.announceRestrictionLifted]: announce(
      'Account Restriction Lifted',
      closed.field('detail'),
      STATE.announceCaseResolved,
    ),
    [STATE.announceCaseResolved]: announce('Case Resolved', closed.field('detail'), STATE.sendReceipt),
    ...caseMessage(
      'RECEIPT',
      'receipt',
      {
        send: STATE.sendReceipt,
        isDeferred: STATE.isReceiptDeferred,
        waitForWindow: STATE.waitForWindowBeforeReceipt,
        alertOps: STATE.alertReceiptNotSent,
      },
      "The receipt by SMS and email, in the customer's contact window (once, however often this runs); the credit report is updated after it.",
      STATE.settleReport,
    ),
    ...creditReportUpdate(
      'SETTLE',
      {
        update: STATE.settleReport,
        alertOps: STATE.alertReportNotSettled,
        wasChanged: STATE.wasReportSettled,
        announce: STATE.announceReportSettled,
      },
      'A filed report is updated to settled (the history stays); the bureau has a business day.',
      'Credit Report Updated',
      STATE.caseResolved,
    ),
    [STATE.caseResolved]: succeed(),

    // ---- The dispute upheld
    [STATE.cancelCase]: invoke('CancelCase', {
      comment: 'The dispute was upheld: restriction lifted, open work cancelled.',
      payload: { ...CASE_ID, ...ENTERED_AT },
      keep: closed.keep('detail', 'restrictionLifted'),
      next: STATE.wasRestrictionLiftedAfterCancelling,
    }),
    [STATE.wasRestrictionLiftedAfterCancelling]: ifRestrictionLifted(
      STATE.announceRestrictionLiftedAfterCancelling,
      STATE.announceCaseCancelled,
    ),
    [STATE.announceRestrictionLiftedAfterCancelling]: announce(
      'Account Restriction Lifted',
      closed.field('detail'),
      STATE.announceCaseCancelled,
    ),
    [STATE.announceCaseCancelled]: announce('Case Cancelled', closed.field('detail'), STATE.deleteReport),
    ...creditReportUpdate(
      'DELETE',
      {
        update: STATE.deleteReport,
        alertOps: STATE.alertReportNotDeleted,
        wasChanged: STATE.wasReportDeleted,
        announce: STATE.announceReportDeleted,
      },
      'The debt was not owed: a filed report is deleted.',
      'Credit Report Deleted',
      STATE.caseCancelled,
    ),
    [STATE.caseCancelled]: succeed(),
    [STATE.caseClosedElsewhere]: succeed('The case ended outside the ladder; nothing more to do.'),
  },
};
