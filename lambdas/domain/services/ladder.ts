import {
  type Awaiting,
  balanceOf,
  type CaseEventDetail,
  type CaseRecord,
  endArrangements,
  eventDetailOf,
  isActive,
  withStatus,
} from '../case';
import { checkContactWindow } from '../compliance/contact-window';
import { profileForCountry } from '../compliance/profiles';
import { planPaidBy } from '../ledger';
import type { Policy, Stage } from '../policy';
import {
  type CaseRepository,
  type CaseWorkflow,
  MessageDeliveryError,
  MessagingUnavailableError,
  type WorkItem,
  type WorkItemRepository,
} from '../ports';
import { type ResolutionKind, resolutionOf } from '../resolution';
import { MS_PER_DAY, MS_PER_SECOND, parseIso, toIso } from '../time';
import type { TimelineEntry } from '../timeline';
import { type MessagingDeps, sendMessages } from './messaging';
import { policyOf } from './policy-of';
import { updateCase } from './update-case';
import { cancelSupersededCalls, createWorkItems, newWorkItem } from './work-items';

/** The ladder's Lambda steps: contacts, waits, and what happens when a promise, plan or dispute ends. */

export interface LadderDeps extends MessagingDeps {
  cases: CaseRepository;
  workItems: WorkItemRepository;
  workflow: CaseWorkflow;
}

export type ContactStage = Extract<
  Stage,
  'OVERDUE_NOTICE' | 'FIRST_COLLECTION' | 'SECOND_COLLECTION' | 'CREDIT_PRE_NOTICE' | 'SOFT_REMINDERS'
>;
export const CONTACT_STAGES: readonly ContactStage[] = [
  'OVERDUE_NOTICE',
  'FIRST_COLLECTION',
  'SECOND_COLLECTION',
  'CREDIT_PRE_NOTICE',
  'SOFT_REMINDERS',
];

/**
 * What a contact or wait step tells the workflow; every field always present (the ASL reads them).
 * - SENT: the stage's contact went out (or as much of it as the rules allow); wait `waitSeconds`.
 * - DEFERRED: outside the contact window; try again at `deferUntil`.
 * - SKIPPED: nothing may be sent now (recorded why); the wait that follows learns why at once.
 * - WRITE_OFF_DUE: the soft reminders are over.
 * - WAITING / RESUMED: a prepared wait, or the ladder resumed at `resumeStage`.
 */
export interface StepOutcome {
  outcome:
    | 'SENT'
    | 'DEFERRED'
    | 'SKIPPED'
    | 'WRITE_OFF_DUE'
    | 'WAITING'
    | 'RESUMED'
    | 'CLOSED'
    | 'CASE_CHANGED';
  waitSeconds: number;
  deferUntil: string | null;
  resumeStage: Stage | null;
  /**
   * The wait would outlive the execution (a Standard execution lives at most a year): continue the
   * case in a new execution first, in the same wait.
   */
  continueAsNew: boolean;
}

/**
 * A stage's contact that the provider keeps failing: retried every few minutes for an hour (the
 * workflow's waits), then with an ops alert every two hours, and after two days given up for the
 * channels that still fail (recorded as not sent), so a case never stays stuck on a provider.
 */
const ALERT_SENDING_AFTER_MS = 60 * 60 * 1000;
const GIVE_UP_SENDING_AFTER_MS = 2 * MS_PER_DAY;

/** How old an execution may get, wait included, before the case continues in a new one. */
const CONTINUE_AFTER_DAYS = 330;

/** Whether a wait of `waitSeconds` from `at` would take an execution started at `startedAt` too far. */
export function outlivesExecution(startedAt: string | undefined, at: string, waitSeconds: number): boolean {
  const ageSeconds = startedAt ? (parseIso(at) - parseIso(startedAt)) / MS_PER_SECOND : 0;
  return ageSeconds + waitSeconds > days(CONTINUE_AFTER_DAYS);
}

const outcome = (
  kind: StepOutcome['outcome'],
  waitSeconds: number,
  extra: Partial<StepOutcome> = {},
): StepOutcome => ({
  outcome: kind,
  waitSeconds: Math.max(1, Math.ceil(waitSeconds)),
  deferUntil: null,
  resumeStage: null,
  continueAsNew: false,
  ...extra,
});

const days = (n: number) => (n * MS_PER_DAY) / MS_PER_SECOND;
const secondsBetween = (from: string, to: string) => (parseIso(to) - parseIso(from)) / MS_PER_SECOND;

export async function loadCase(cases: CaseRepository, caseId: string): Promise<CaseRecord> {
  const record = await cases.get(caseId);
  if (!record) throw new Error(`case ${caseId} does not exist`);
  return record;
}

/** The "Open case" step: records that the workflow runs and returns the facts its events carry. */
export async function beginCase(
  deps: Pick<LadderDeps, 'cases' | 'timeline'>,
  input: { caseId: string; at: string; execution: string },
): Promise<CaseEventDetail> {
  const { record } = await updateCase(deps.cases, input.caseId, (current) =>
    current.workflow?.name === input.execution && current.workflow.startedAt !== null
      ? { next: null, result: undefined }
      : {
          next: {
            ...current,
            workflow: {
              name: input.execution,
              requestedAt: current.workflow?.requestedAt ?? input.at,
              startedAt: input.at,
            },
          },
          result: undefined,
        },
  );
  await deps.timeline.append(input.caseId, [
    {
      eventId: `workflow-started:${input.execution}`,
      at: input.at,
      type: 'WORKFLOW_STARTED',
      detail: { execution: input.execution },
    },
  ]);
  return eventDetailOf(record, input.at, policyOf(record));
}

const writeOffAt = (policy: Policy, record: CaseRecord): number =>
  parseIso(record.dueAt) + policy.stages.SOFT_REMINDERS.writeOffAfterDays * MS_PER_DAY;

export function stageWaitSeconds(
  policy: Policy,
  record: CaseRecord,
  stage: ContactStage,
  at: string,
): number {
  switch (stage) {
    case 'SOFT_REMINDERS':
      return Math.min(
        days(policy.stages.SOFT_REMINDERS.everyDays),
        (writeOffAt(policy, record) - parseIso(at)) / MS_PER_SECOND,
      );
    case 'CREDIT_PRE_NOTICE': {
      const preNotice = policy.stages.CREDIT_PRE_NOTICE;
      return days(record.profile === 'US' ? preNotice.waitDaysUS : preNotice.waitDays);
    }
    default:
      return days(policy.stages[stage].waitDays);
  }
}

/** The call, visit and letter tasks a stage creates for people. */
function stageWorkItems(
  policy: Policy,
  record: CaseRecord,
  stage: ContactStage,
  at: string,
  waitSeconds: number,
  electronicNoticeSent: boolean,
  callsAllowed: boolean,
): WorkItem[] {
  const items: WorkItem[] = [];
  if (stage === 'SOFT_REMINDERS') return items;
  const stagePolicy = policy.stages[stage];
  if (stage === 'SECOND_COLLECTION') {
    const every = policy.stages.SECOND_COLLECTION.callEveryDays * MS_PER_DAY;
    for (let slot = 0; callsAllowed && slot * every < waitSeconds * MS_PER_SECOND; slot++) {
      items.push(newWorkItem(record, 'CALLS', stage, slot, toIso(parseIso(at) + slot * every), at));
    }
    const threshold = policy.thresholds[record.currency]?.fieldVisit ?? Number.POSITIVE_INFINITY;
    if (balanceOf(record, at, policy) >= threshold)
      items.push(newWorkItem(record, 'VISITS', stage, 0, at, at));
  } else if (stagePolicy.callTask && callsAllowed) {
    items.push(newWorkItem(record, 'CALLS', stage, 0, at, at));
  }
  // docs/policy.md: a notice the law requires goes by any channel still allowed, else by letter.
  if (stage === 'CREDIT_PRE_NOTICE' && !electronicNoticeSent) {
    items.push(newWorkItem(record, 'LETTERS', stage, 0, at, at));
  }
  return items;
}

/**
 * A stage's contact: the compliance rules first (case active and not on hold, contact window in the
 * customer's time zone, opt-outs per channel), then the stage's messages once each with their opt-out
 * links, the stage's work for people, and how long to wait next.
 */
export async function sendStageContact(
  deps: Pick<LadderDeps, 'cases' | 'timeline' | 'customers' | 'messenger' | 'links' | 'workItems'>,
  input: { caseId: string; stage: ContactStage; at: string; executionStartedAt?: string | undefined },
): Promise<StepOutcome> {
  const { caseId, stage, at } = input;
  const record = await loadCase(deps.cases, caseId);
  const policy = policyOf(record);
  const waitSeconds = stageWaitSeconds(policy, record, stage, at);
  const continueAsNew = outlivesExecution(input.executionStartedAt, at, waitSeconds);
  const skip = async (reason: string): Promise<StepOutcome> => {
    await deps.timeline.append(caseId, [
      { eventId: `skipped:${stage}:${at}`, at, type: 'CONTACT_SKIPPED', detail: { stage, reason } },
    ]);
    return outcome('SKIPPED', waitSeconds, { continueAsNew });
  };
  if (!isActive(record)) return skip('CASE_CLOSED');
  if (record.status === 'DISPUTED') return skip('DISPUTE_HOLD');
  if (record.status !== 'OPEN') return skip('ARRANGEMENT_HOLD');
  if (stage === 'SOFT_REMINDERS' && parseIso(at) >= writeOffAt(policy, record))
    return outcome('WRITE_OFF_DUE', 1);
  const customer = await deps.customers.get(record.customerId);
  if (!customer) return skip('NO_CONTACT_DETAILS');

  const window = checkContactWindow(
    profileForCountry(customer.country),
    customer.timezone,
    at,
    `${caseId}:${stage}`,
  );
  if (!window.allowed) {
    await deps.timeline.append(caseId, [
      {
        eventId: `deferred:${stage}:${at}`,
        at,
        type: 'CONTACT_DEFERRED',
        detail: { stage, until: window.deferUntil, rule: window.rule },
      },
    ]);
    // The workflow waits until then (a Wait state) and comes back to this step, which looks again.
    return outcome('DEFERRED', secondsBetween(at, window.deferUntil), { deferUntil: window.deferUntil });
  }

  const waitUntil = toIso(parseIso(at) + waitSeconds * MS_PER_SECOND);
  // A stage's contact keeps the instant it began through every attempt (a retry, or a try again after
  // the provider failed for hours): what went out then is not sent again.
  const sameVisit =
    record.ladder.stage === stage && record.ladder.contactKey && record.ladder.contactDone === false;
  const key = sameVisit && record.ladder.contactKey ? record.ladder.contactKey : at;
  // Decided again on the latest record: a payment, promise or dispute may have come in meanwhile.
  const { record: current, result: stillOpen } = await updateCase(deps.cases, caseId, (latest) =>
    latest.status === 'OPEN'
      ? {
          next: {
            ...latest,
            stage,
            ladder: { stage, waitUntil, pausedRemainingSeconds: null, contactKey: key, contactDone: false },
            nextActionAt: waitUntil,
            updatedAt: at,
          },
          result: true,
        }
      : { next: null, result: false },
  );
  if (!stillOpen) return skip(isActive(current) ? 'ARRANGEMENT_HOLD' : 'CASE_CLOSED');
  if (record.stage !== stage) {
    await deps.timeline.append(caseId, [
      {
        eventId: `stage:${stage}:${key}`,
        at: key,
        type: 'STAGE_ENTERED',
        detail: { stage, from: record.stage },
      },
    ]);
  }
  const stagePolicy = policy.stages[stage];
  const tried = parseIso(at) - parseIso(key);
  const sent = await sendMessages(deps, policy, {
    record: current,
    at,
    key,
    step: stage,
    // Tried for days: the channels that still fail are recorded as not sent and the ladder goes on
    // (a notice the law requires then goes by letter); until then the step fails and is tried again.
    onProviderFailure: tried >= GIVE_UP_SENDING_AFTER_MS ? 'SKIP' : 'THROW',
    customer,
    kind: stagePolicy.template,
    channels: stagePolicy.channels,
    facts: {
      record: current,
      amount: { amount: Math.max(0, balanceOf(current, at, policy)), currency: current.currency },
      locale: customer.locale,
      timeZone: customer.timezone,
      deadline: waitUntil,
      reportDate: waitUntil,
    },
  }).catch((error: unknown) => {
    // Throttled or down for an hour of tries: now people should look (ops are alerted).
    if (error instanceof MessageDeliveryError && tried >= ALERT_SENDING_AFTER_MS)
      throw new MessagingUnavailableError(error.channel, error.providerError);
    throw error;
  });
  const electronicNoticeSent =
    sent.SMS === 'SENT' ||
    sent.SMS === 'ALREADY_SENT' ||
    sent.EMAIL === 'SENT' ||
    sent.EMAIL === 'ALREADY_SENT';
  if (stage === 'CREDIT_PRE_NOTICE') await notePreNotice(deps, caseId, at);
  const wantsCalls = stage !== 'SOFT_REMINDERS' && policy.stages[stage].callTask;
  const callsAllowed = !customer.optOuts.CALL;
  if (wantsCalls && !callsAllowed) {
    await deps.timeline.append(caseId, [
      {
        eventId: `skipped:${stage}:CALL:${key}`,
        at: key,
        type: 'CONTACT_SKIPPED',
        channel: 'CALL',
        detail: { stage, reason: 'OPTED_OUT' },
      },
    ]);
  }
  await createWorkItems(
    deps,
    stageWorkItems(policy, current, stage, at, waitSeconds, electronicNoticeSent, callsAllowed),
  );
  // A stage's calls are for its own wait: entering the next stage (with calls of its own, or none,
  // as the pre-notice) cancels the earlier stages' calls nobody took (those claimed may be under way).
  await cancelSupersededCalls(deps, caseId, CONTACT_STAGES.slice(0, CONTACT_STAGES.indexOf(stage)), at);
  await updateCase(deps.cases, caseId, (latest) =>
    latest.ladder.contactKey === key && latest.ladder.contactDone === false
      ? { next: { ...latest, ladder: { ...latest.ladder, contactDone: true } }, result: undefined }
      : { next: null, result: undefined },
  );
  return outcome('SENT', waitSeconds, { continueAsNew });
}

async function notePreNotice(deps: Pick<LadderDeps, 'cases'>, caseId: string, at: string): Promise<void> {
  await updateCase(deps.cases, caseId, (latest) =>
    latest.creditReport.status === 'NONE'
      ? {
          next: {
            ...latest,
            creditReport: { ...latest.creditReport, status: 'PRE_NOTICE_SENT', preNoticeAt: at },
          },
          result: undefined,
        }
      : { next: null, result: undefined },
  );
}

/**
 * The start of every "Await …" callback: stores the task token on the case so the API can wake it,
 * and wakes it at once if the case already has news for this kind of wait.
 */
export async function awaitResolution(
  deps: Pick<LadderDeps, 'cases' | 'workflow'>,
  input: {
    caseId: string;
    awaiting: Awaiting;
    token: string;
    at: string;
    timeoutSeconds: number;
  },
): Promise<void> {
  const until = toIso(parseIso(input.at) + input.timeoutSeconds * MS_PER_SECOND);
  const { record, result: news } = await updateCase(deps.cases, input.caseId, (current) => {
    const resolution = resolutionOf(current, input.awaiting);
    if (resolution) return { next: null, result: resolution };
    return {
      next: {
        ...current,
        pendingResolution: {
          token: input.token,
          stage: current.stage,
          awaiting: input.awaiting,
          since: input.at,
          until,
        },
        nextActionAt: until,
      },
      result: null,
    };
  });
  if (news) await deps.workflow.resume(input.token, news);
  else if (!isActive(record))
    throw new Error(`case ${input.caseId} is closed but has no news for ${input.awaiting}`);
}

/** A synchronous look at the case, for the workflow after a step found it changed: its news, if any. */
export async function checkCase(
  deps: Pick<LadderDeps, 'cases'>,
  input: { caseId: string; awaiting: Awaiting },
): Promise<{ kind: ResolutionKind | 'NONE' }> {
  const record = await loadCase(deps.cases, input.caseId);
  return { kind: resolutionOf(record, input.awaiting)?.kind ?? 'NONE' };
}

/**
 * The next instalment not covered by the payments dated by its grace end (or the extended return):
 * when it is checked, and what it needs. A payment dated after an instalment's grace end does not
 * make up for missing it.
 */
function nextPlanDue(record: CaseRecord, policy: Policy): { checkAt: string; covers: number } | null {
  const plan = record.plan;
  if (!plan) return null;
  const grace = policy.promise.graceDays * MS_PER_DAY;
  if (plan.type === 'EXTENDED_RETURN')
    return plan.returnBy ? { checkAt: toIso(parseIso(plan.returnBy) + grace), covers: 0 } : null;
  let due = 0;
  for (const installment of plan.installments) {
    due += installment.amount;
    const checkAt = toIso(parseIso(installment.dueAt) + grace);
    if (planPaidBy(record, plan, checkAt) < due) return { checkAt, covers: due };
  }
  return null;
}

/** When the next instalment (or the extended return) is checked: its date plus the grace days. */
function nextPlanCheck(record: CaseRecord, policy: Policy): string | null {
  return nextPlanDue(record, policy)?.checkAt ?? null;
}

/** The instalment whose grace has ended unpaid at `at`, if any. */
function missedInstallment(record: CaseRecord, policy: Policy, at: string) {
  const next = nextPlanDue(record, policy);
  return next && parseIso(next.checkAt) <= parseIso(at) ? next : null;
}

/**
 * Prepares the wait of a pause or of the legal track: how long until the promise's grace ends, the
 * next instalment is checked, a dispute ruling is due, or people are reminded of a pending decision.
 */
export async function prepareWait(
  deps: Pick<LadderDeps, 'cases'>,
  input: {
    caseId: string;
    awaiting: Exclude<Awaiting, 'LADDER'>;
    at: string;
    executionStartedAt?: string | undefined;
  },
): Promise<StepOutcome> {
  const record = await loadCase(deps.cases, input.caseId);
  const policy = policyOf(record);
  const { at } = input;
  // A Standard execution lives at most a year: a wait that can repeat without end (legal outcome,
  // an undecided review, an unruled dispute) continues in a new execution well before that.
  const endless = (waitSeconds: number) =>
    outcome('WAITING', waitSeconds, {
      continueAsNew: outlivesExecution(input.executionStartedAt, at, waitSeconds),
    });
  switch (input.awaiting) {
    // A promise or plan wait is not endless, but it may start late in an execution's life.
    case 'PROMISE':
      return endless(record.promise ? secondsBetween(at, record.promise.keepBy) : 1);
    case 'PLAN': {
      const check = nextPlanCheck(record, policy);
      return endless(check ? secondsBetween(at, check) : 1);
    }
    case 'DISPUTE': {
      const due = record.dispute?.rulingDueAt;
      const untilDue = due ? secondsBetween(at, due) : 0;
      // Once the ruling is overdue, ops are alerted again every `reminderDays` until people rule.
      return endless(untilDue > 0 ? untilDue : days(policy.disputes.reminderDays));
    }
    case 'LEGAL_REVIEW':
      return endless(days(policy.legal.reviewReminderDays));
    case 'LEGAL_OUTCOME':
      return endless(days(policy.legal.outcomeCheckDays));
  }
}

/**
 * A promise's grace ran out, or a plan's instalment fell due: kept (the plan goes on) or broken (the case
 * is OPEN again, fees resume). If the case changed meanwhile (paid, disputed), its news instead.
 */
export async function checkArrangement(
  deps: Pick<LadderDeps, 'cases' | 'timeline'>,
  input: { caseId: string; arrangement: 'PROMISE' | 'PLAN'; at: string },
): Promise<{ kind: ResolutionKind | 'BROKEN' | 'KEPT' }> {
  const { at } = input;
  const { record, result } = await updateCase(deps.cases, input.caseId, (current) => {
    // This very check, retried: the promise it broke stays broken (its timeline entry is rewritten).
    const lastPromise = current.pastPromises.at(-1);
    if (
      input.arrangement === 'PROMISE' &&
      current.status === 'OPEN' &&
      lastPromise?.outcome === 'BROKEN' &&
      lastPromise.endedAt === at
    ) {
      return { next: null, result: 'BROKEN' as const };
    }
    const news = resolutionOf(current, input.arrangement);
    if (news) return { next: null, result: news.kind };
    const expected = input.arrangement === 'PROMISE' ? 'PROMISED' : 'ON_PLAN';
    if (current.status !== expected) return { next: null, result: 'NONE' as const };
    if (input.arrangement === 'PROMISE') {
      return {
        next: { ...withStatus(endArrangements(current, at, 'BROKEN'), 'OPEN', at), plan: null },
        result: 'BROKEN' as const,
      };
    }
    const missed = missedInstallment(current, policyOf(current), at);
    if (!missed || !current.plan) return { next: null, result: 'KEPT' as const };
    // Broken as of the instalment's grace end, however late this check runs: fees resume from then.
    return {
      next: {
        ...withStatus(endArrangements(current, at), 'OPEN', missed.checkAt),
        updatedAt: at,
        plan: null,
        brokenPlan: {
          plan: current.plan,
          brokenAt: missed.checkAt,
          checkAt: missed.checkAt,
          covers: missed.covers,
        },
      },
      result: 'BROKEN' as const,
    };
  });
  if (result === 'BROKEN') {
    await deps.timeline.append(input.caseId, [
      {
        eventId: `${input.arrangement.toLowerCase()}-broken:${at}`,
        at,
        type: input.arrangement === 'PROMISE' ? 'PROMISE_BROKEN' : 'PLAN_BROKEN',
        detail: { resumesAt: record.ladder.stage },
      },
    ]);
  } else if (result === 'KEPT') {
    await deps.timeline.append(input.caseId, [
      { eventId: `installment-kept:${at}`, at, type: 'INSTALLMENT_KEPT', detail: { paid: record.paid } },
    ]);
  }
  if (result === 'NONE') return { kind: 'BROKEN' };
  return { kind: result };
}

/**
 * Resumes the ladder where it stood, with what was left of that stage's wait when the pause began
 * (none left: the next stage runs at once, after one second).
 */
export async function resumeLadder(
  deps: Pick<LadderDeps, 'cases' | 'timeline'>,
  input: { caseId: string; at: string; executionStartedAt?: string | undefined },
): Promise<StepOutcome> {
  const { at } = input;
  const before = await loadCase(deps.cases, input.caseId);
  if (!isActive(before)) {
    // A closed case's dispute was rejected: it stays as it was closed, there is no ladder to resume.
    // Closed otherwise (paid, returned, upheld, written off since): the workflow asks what happened.
    const rejectedAfterClose = before.dispute?.closedBefore && before.dispute.outcome === 'REJECTED';
    return outcome(rejectedAfterClose ? 'CLOSED' : 'CASE_CHANGED', 1);
  }
  const { record } = await updateCase(deps.cases, input.caseId, (current) => {
    if (current.ladder.pausedRemainingSeconds === null) return { next: null, result: undefined };
    const remaining = current.ladder.pausedRemainingSeconds;
    return {
      next: {
        ...current,
        ladder: {
          ...current.ladder,
          waitUntil: toIso(parseIso(at) + remaining * MS_PER_SECOND),
          pausedRemainingSeconds: null,
        },
      },
      result: undefined,
    };
  });
  const remaining = Math.max(0, secondsBetween(at, record.ladder.waitUntil));
  await deps.timeline.append(input.caseId, [
    {
      eventId: `ladder-resumed:${at}`,
      at,
      type: 'LADDER_RESUMED',
      detail: { stage: record.ladder.stage, remainingSeconds: Math.ceil(remaining) },
    },
  ]);
  return outcome('RESUMED', remaining, {
    resumeStage: record.ladder.stage,
    continueAsNew: outlivesExecution(input.executionStartedAt, at, remaining),
  });
}

export type { TimelineEntry };
