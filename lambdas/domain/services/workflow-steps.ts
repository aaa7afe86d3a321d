import {
  balanceOf,
  type CaseEventDetail,
  type CaseRecord,
  closeRecord,
  eventDetailOf,
  isActive,
} from '../case';
import { checkContactWindow } from '../compliance/contact-window';
import { profileForCountry } from '../compliance/profiles';
import type { MessageChannel, Policy, Stage, TemplateKind } from '../policy';
import type {
  CaseRepository,
  CaseWorkflow,
  Customer,
  CustomerRepository,
  Messenger,
  TimelineRepository,
  WorkflowResolution,
} from '../ports';
import { type MessageFacts, renderMessage } from '../templates';
import { MS_PER_DAY, MS_PER_SECOND, parseIso, toIso } from '../time';
import { messageEventId, messageSent, type TimelineEntry } from '../timeline';
import { policyOf } from './policy-of';
import { updateCase } from './update-case';

/** What the workflow's Lambda steps need. */
export interface WorkflowStepDeps {
  cases: CaseRepository;
  timeline: TimelineRepository;
  customers: CustomerRepository;
  messenger: Messenger;
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

export interface StageContactOutcome {
  /**
   * SENT: the stage's messages went out; DEFERRED: outside the contact window, try again at
   * `deferUntil`; SKIPPED: nothing may or need be sent (recorded why); WRITE_OFF_DUE: the soft
   * reminders are over.
   */
  outcome: 'SENT' | 'DEFERRED' | 'SKIPPED' | 'WRITE_OFF_DUE';
  /** How long the workflow waits for a resolution after this contact. Always a positive integer. */
  waitSeconds: number;
  /** Set when DEFERRED, else null (always present: the ASL reads it). */
  deferUntil: string | null;
}

const loadCase = async (cases: CaseRepository, caseId: string): Promise<CaseRecord> => {
  const record = await cases.get(caseId);
  if (!record) throw new Error(`case ${caseId} does not exist`);
  return record;
};

/** The "Open case" step: records that the workflow runs and returns the facts its events carry. */
export async function beginCase(
  deps: Pick<WorkflowStepDeps, 'cases' | 'timeline'>,
  input: { caseId: string; at: string; execution: string },
): Promise<CaseEventDetail> {
  const record = await loadCase(deps.cases, input.caseId);
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

function waitAfterContact(policy: Policy, record: CaseRecord, stage: ContactStage, at: string): number {
  const days = (n: number) => n * (MS_PER_DAY / MS_PER_SECOND);
  switch (stage) {
    case 'SOFT_REMINDERS': {
      const soft = policy.stages.SOFT_REMINDERS;
      const untilWriteOff = (writeOffAt(policy, record) - parseIso(at)) / MS_PER_SECOND;
      return Math.max(1, Math.ceil(Math.min(days(soft.everyDays), untilWriteOff)));
    }
    case 'CREDIT_PRE_NOTICE': {
      const preNotice = policy.stages.CREDIT_PRE_NOTICE;
      return days(record.profile === 'US' ? preNotice.waitDaysUS : preNotice.waitDays);
    }
    default:
      return days(policy.stages[stage].waitDays);
  }
}

const writeOffAt = (policy: Policy, record: CaseRecord): number =>
  parseIso(record.dueAt) + policy.stages.SOFT_REMINDERS.writeOffAfterDays * MS_PER_DAY;

/**
 * A stage's contact: checks the compliance rules, sends the stage's messages once each (a retried
 * step finds them on the timeline and does not send again) and says how long to wait next.
 */
export async function sendStageContact(
  deps: WorkflowStepDeps,
  input: { caseId: string; stage: ContactStage; at: string },
): Promise<StageContactOutcome> {
  const { caseId, stage, at } = input;
  const record = await loadCase(deps.cases, caseId);
  const policy = policyOf(record);
  const waitSeconds = waitAfterContact(policy, record, stage, at);
  const skip = async (reason: string): Promise<StageContactOutcome> => {
    await deps.timeline.append(caseId, [
      { eventId: `skipped:${stage}:${at}`, at, type: 'CONTACT_SKIPPED', detail: { stage, reason } },
    ]);
    return { outcome: 'SKIPPED', waitSeconds, deferUntil: null };
  };
  // A closed case is never written off: SKIPPED leads the workflow to its resolution (and receipt).
  if (!isActive(record)) return skip('CASE_CLOSED');
  if (stage === 'SOFT_REMINDERS' && parseIso(at) >= writeOffAt(policy, record)) {
    return { outcome: 'WRITE_OFF_DUE', waitSeconds: 1, deferUntil: null };
  }
  const customer = await deps.customers.get(record.customerId);
  if (!customer) return skip('NO_CONTACT_DETAILS');

  const window = checkContactWindow(profileForCountry(customer.country), customer.timezone, at);
  if (!window.allowed) {
    await deps.timeline.append(caseId, [
      {
        eventId: `deferred:${stage}:${at}`,
        at,
        type: 'CONTACT_DEFERRED',
        detail: { stage, until: window.deferUntil, rule: window.rule },
      },
    ]);
    return { outcome: 'DEFERRED', waitSeconds, deferUntil: window.deferUntil };
  }

  const deadline = toIso(parseIso(at) + waitSeconds * MS_PER_SECOND);
  // Decided again on the latest record: a payment may have closed the case since the first read.
  const {
    record: current,
    changed,
    result: stillActive,
  } = await updateCase(deps.cases, caseId, (latest) =>
    isActive(latest)
      ? { next: { ...latest, stage, nextActionAt: deadline, updatedAt: at }, result: true }
      : { next: null, result: false },
  );
  if (!stillActive) return skip('CASE_CLOSED');
  if (changed && record.stage !== stage) {
    await deps.timeline.append(caseId, [
      { eventId: `stage:${stage}`, at, type: 'STAGE_ENTERED', detail: { stage, from: record.stage } },
    ]);
  }
  const stagePolicy = policy.stages[stage];
  const facts: MessageFacts = {
    record: current,
    amount: { amount: Math.max(0, balanceOf(current, at, policy)), currency: current.currency },
    locale: customer.locale,
    timeZone: customer.timezone,
    deadline,
    reportDate: deadline,
  };
  await sendOnce(
    deps,
    { caseId, at, stage, customer, kind: stagePolicy.template, channels: stagePolicy.channels },
    facts,
    policy,
  );
  return { outcome: 'SENT', waitSeconds, deferUntil: null };
}

interface SendPlan {
  caseId: string;
  at: string;
  stage: string;
  customer: Customer;
  kind: TemplateKind;
  channels: readonly MessageChannel[];
}

/** Sends each channel's message unless the timeline shows it already went out at this step. */
async function sendOnce(
  deps: WorkflowStepDeps,
  plan: SendPlan,
  facts: MessageFacts,
  policy: Policy,
): Promise<void> {
  const text = renderMessage(policy, plan.kind, facts);
  for (const [order, channel] of plan.channels.entries()) {
    const marker = {
      at: plan.at,
      type: 'MESSAGE_SENT' as const,
      eventId: messageEventId(plan.at, plan.stage, channel, order),
    };
    if (await deps.timeline.has(plan.caseId, marker)) continue;
    const messageId = await deps.messenger.send(
      channel === 'SMS'
        ? { channel, caseId: plan.caseId, kind: plan.kind, to: plan.customer.phone, body: text.sms }
        : {
            channel,
            caseId: plan.caseId,
            kind: plan.kind,
            to: plan.customer.email,
            subject: text.emailSubject,
            body: text.emailBody,
          },
    );
    await deps.timeline.append(plan.caseId, [
      messageSent(plan.at, plan.stage, channel, plan.kind, messageId, order),
    ]);
  }
}

/** The resolution a closed case reports to a workflow waiting on it. */
export function resolutionOf(record: CaseRecord): WorkflowResolution {
  if (record.status === 'RESOLVED' && (record.resolution === 'PAID' || record.resolution === 'RETURNED')) {
    return { kind: record.resolution };
  }
  return { kind: 'CLOSED' };
}

/**
 * The start of an "Await resolution" callback: stores the task token on the case so the API can
 * complete it. If the case closed while the workflow was busy elsewhere, completes it at once.
 */
export async function awaitResolution(
  deps: Pick<WorkflowStepDeps, 'cases' | 'workflow'>,
  input: { caseId: string; stage: Stage; token: string; at: string; timeoutSeconds: number },
): Promise<void> {
  const until = toIso(parseIso(input.at) + input.timeoutSeconds * MS_PER_SECOND);
  const { record, result } = await updateCase(deps.cases, input.caseId, (current) => {
    if (!isActive(current)) return { next: null, result: 'closed' as const };
    return {
      next: {
        ...current,
        pendingResolution: {
          token: input.token,
          stage: input.stage,
          awaiting: 'LADDER',
          since: input.at,
          until,
        },
        nextActionAt: until,
      },
      result: 'waiting' as const,
    };
  });
  if (result === 'closed') await deps.workflow.resume(input.token, resolutionOf(record));
}

/** The "Close case" step after a payment or return: receipt to the customer, then the case is done. */
export async function closeCase(
  deps: WorkflowStepDeps,
  input: { caseId: string; at: string },
): Promise<CaseEventDetail> {
  const record = await loadCase(deps.cases, input.caseId);
  if (isActive(record))
    throw new Error(`case ${input.caseId} is still ${record.status}; it cannot be closed`);
  const policy = policyOf(record);
  const customer = await deps.customers.get(record.customerId);
  if (customer && record.resolution !== null && ['PAID', 'RETURNED'].includes(record.resolution)) {
    const facts: MessageFacts = {
      record,
      amount: { amount: record.paid, currency: record.currency },
      locale: customer.locale,
      timeZone: customer.timezone,
    };
    // Keyed by when the case closed, not by this step's time: a replayed close sends no second receipt.
    await sendOnce(
      deps,
      {
        caseId: record.caseId,
        at: record.closedAt ?? input.at,
        stage: 'CLOSE',
        customer,
        kind: 'RECEIPT',
        channels: ['SMS', 'EMAIL'],
      },
      facts,
      policy,
    );
  }
  const closed = await updateCase(deps.cases, input.caseId, (current) => ({
    next: current.pendingResolution ? { ...current, pendingResolution: null } : null,
    result: undefined,
  }));
  const entry: TimelineEntry = {
    eventId: 'case-closed',
    at: record.closedAt ?? input.at,
    type: 'CASE_CLOSED',
    detail: { status: record.status, resolution: record.resolution },
  };
  await deps.timeline.append(input.caseId, [entry]);
  return eventDetailOf(closed.record, input.at, policy);
}

/** The end of the soft reminders: the debt is written off (the history stays). */
export async function writeOffCase(
  deps: Pick<WorkflowStepDeps, 'cases' | 'timeline'>,
  input: { caseId: string; at: string },
): Promise<CaseEventDetail> {
  const { record } = await updateCase(deps.cases, input.caseId, (current) => ({
    next: isActive(current)
      ? { ...closeRecord(current, 'WRITTEN_OFF', 'WRITTEN_OFF', input.at), pendingResolution: null }
      : null,
    result: undefined,
  }));
  const policy = policyOf(record);
  if (record.status === 'WRITTEN_OFF') {
    await deps.timeline.append(input.caseId, [
      {
        eventId: 'case-written-off',
        at: record.closedAt ?? input.at,
        type: 'CASE_WRITTEN_OFF',
        detail: { outstanding: Math.max(0, balanceOf(record, input.at, policy)), currency: record.currency },
      },
    ]);
  }
  return eventDetailOf(record, input.at, policy);
}
