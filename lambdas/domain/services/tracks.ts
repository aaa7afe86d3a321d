import {
  balanceOf,
  type CaseEventDetail,
  type CaseRecord,
  closeRecord,
  eventDetailOf,
  isActive,
} from '../case';
import { type CreditBureau, CreditBureauRefusedError, type LegalReferrals } from '../ports';
import { MS_PER_DAY, parseIso, toIso } from '../time';
import type { TimelineEntry } from '../timeline';
import { startExecutionOnce } from './case-command';
import { type LadderDeps, loadCase } from './ladder';
import { policyOf } from './policy-of';
import { updateCase } from './update-case';
import { cancelOpenWorkItems, createWorkItems, newWorkItem } from './work-items';

/**
 * The credit and legal tracks, and the endings of a case, as workflow steps. Every step re-reads the
 * case and acts only if it still applies (a payment may have landed a moment ago), is safe to retry,
 * and says whether it changed anything so the workflow announces only what happened.
 */
export interface TrackDeps extends LadderDeps {
  bureau: () => Promise<CreditBureau>;
  referrals: LegalReferrals;
}

/** Nobody to report: the customer's record is gone (erased). The workflow alerts ops and goes on. */
export class CreditSubjectMissingError extends CreditBureauRefusedError {
  override readonly name = 'CreditSubjectMissingError';
  constructor(caseId: string) {
    super(`case ${caseId} has no customer record to report`);
  }
}

export interface TrackResult {
  outcome: 'DONE' | 'SKIPPED' | 'REFUSED';
  detail: CaseEventDetail;
}

export interface ReportResult {
  outcome: TrackResult['outcome'] | 'ALREADY';
  detail: CaseEventDetail;
}

const detail = (record: CaseRecord, at: string) => eventDetailOf(record, at, policyOf(record));

async function note(deps: Pick<TrackDeps, 'timeline'>, caseId: string, entry: TimelineEntry): Promise<void> {
  await deps.timeline.append(caseId, [entry]);
}

/**
 * "Report to credit bureau": files the overdue debt (once: the case id is the bureau's order number)
 * after the pre-notice wait. A refusal (business error, untrusted answer, credentials missing) is
 * REFUSED: ops are alerted and the ladder goes on; an outage throws and the workflow retries. A
 * report filed by an earlier step (the ladder came back here after a broken promise) is ALREADY, so
 * it is announced once; a retry of the step that filed it (same `at`) answers DONE again.
 */
export async function reportToBureau(
  deps: Pick<TrackDeps, 'cases' | 'timeline' | 'customers' | 'bureau'>,
  input: { caseId: string; at: string },
): Promise<ReportResult> {
  const { caseId, at } = input;
  const record = await loadCase(deps.cases, caseId);
  const policy = policyOf(record);
  if (record.status !== 'OPEN') return { outcome: 'SKIPPED', detail: detail(record, at) };
  const filedAt = record.creditReport.reportedAt;
  if (filedAt !== null && filedAt !== at) return { outcome: 'ALREADY', detail: detail(record, at) };
  const amount = { amount: Math.max(0, balanceOf(record, at, policy)), currency: record.currency };
  let reference = record.creditReport.reference;
  if (!reference) {
    const customer = await deps.customers.get(record.customerId);
    try {
      if (!customer) throw new CreditSubjectMissingError(caseId);
      ({ reference } = await (await deps.bureau()).report({
        caseId,
        subject: { customerId: customer.customerId, name: customer.name, phone: customer.phone },
        amount,
        overdueSince: record.dueAt,
        at,
      }));
    } catch (error) {
      if (!(error instanceof CreditBureauRefusedError)) throw error;
      await note(deps, caseId, {
        eventId: `credit-report-refused:${at}`,
        at,
        type: 'CREDIT_REPORT_REFUSED',
        detail: { error: error.name },
      });
      return { outcome: 'REFUSED', detail: detail(record, at) };
    }
  }
  const { record: updated } = await updateCase(deps.cases, caseId, (latest) => ({
    next:
      latest.creditReport.status === 'REPORTED'
        ? null
        : {
            ...latest,
            stage: 'CREDIT_REPORTED',
            creditReport: { ...latest.creditReport, status: 'REPORTED', reference, reportedAt: at },
          },
    result: undefined,
  }));
  await note(deps, caseId, {
    eventId: 'credit-report-filed',
    at: updated.creditReport.reportedAt ?? at,
    type: 'CREDIT_REPORT_FILED',
    detail: { amount: amount.amount, currency: amount.currency, reference: updated.creditReport.reference },
  });
  return { outcome: 'DONE', detail: detail(updated, at) };
}

/**
 * "Restrict account": the platform is asked to restrict the customer's account functions (ALREADY
 * when it was, so the request is announced once). Only an OPEN case is restricted; any other status
 * (closed, or a dispute, promise, plan or legal action under way) is SKIPPED and the workflow asks
 * what happened to the case. Says whether people must review the case for legal action
 * (outstanding at or above the policy's legal threshold).
 */
export async function restrictAccount(
  deps: Pick<TrackDeps, 'cases' | 'timeline'>,
  input: { caseId: string; at: string },
): Promise<{ outcome: 'DONE' | 'ALREADY' | 'SKIPPED'; detail: CaseEventDetail; legalReview: boolean }> {
  const { record, result: changed } = await updateCase(deps.cases, input.caseId, (latest) =>
    latest.status === 'OPEN' && !latest.accountRestricted
      ? { next: { ...latest, accountRestricted: true, stage: 'CREDIT_REPORTED' }, result: true }
      : { next: null, result: false },
  );
  const policy = policyOf(record);
  const threshold = policy.thresholds[record.currency]?.legalReview ?? Number.POSITIVE_INFINITY;
  const legalReview = balanceOf(record, input.at, policy) >= threshold;
  if (record.status !== 'OPEN') return { outcome: 'SKIPPED', detail: detail(record, input.at), legalReview };
  if (!changed) return { outcome: 'ALREADY', detail: detail(record, input.at), legalReview };
  await note(deps, input.caseId, {
    eventId: `account-restricted:${input.at}`,
    at: input.at,
    type: 'ACCOUNT_RESTRICTED',
    detail: {},
  });
  return { outcome: 'DONE', detail: detail(record, input.at), legalReview };
}

/** "Open legal review": people decide (LEGAL_REVIEW work item); the ladder stands at LEGAL_REVIEW. */
export async function openLegalReview(
  deps: Pick<TrackDeps, 'cases' | 'timeline' | 'workItems'>,
  input: { caseId: string; at: string },
): Promise<TrackResult> {
  const { caseId, at } = input;
  const item = (record: CaseRecord) => newWorkItem(record, 'LEGAL_REVIEW', 'LEGAL_REVIEW', 0, at, at);
  const { record, result: open } = await updateCase(deps.cases, caseId, (latest) =>
    latest.status === 'OPEN'
      ? {
          next: {
            ...latest,
            stage: 'LEGAL_REVIEW',
            ladder: {
              stage: 'LEGAL_REVIEW',
              waitUntil: toIso(parseIso(at) + 365 * MS_PER_DAY),
              pausedRemainingSeconds: null,
            },
            legal: { ...latest.legal, reviewWorkItemId: item(latest).workItemId },
          },
          result: true,
        }
      : { next: null, result: false },
  );
  if (!open) return { outcome: 'SKIPPED', detail: detail(record, at) };
  await note(deps, caseId, {
    eventId: 'legal-review-opened',
    at,
    type: 'LEGAL_REVIEW_OPENED',
    detail: { workItemId: item(record).workItemId },
  });
  await createWorkItems(deps, [item(record)]);
  return { outcome: 'DONE', detail: detail(record, at) };
}

/**
 * "Start legal action" after approval: the referral with its evidence bundle (contract data, every
 * contact and its outcome, amounts) on the legal topic. The formal demand letter went out just before,
 * in a step of its own ("Send demand letter", which waits for the contact window).
 */
export async function startLegalAction(
  deps: Pick<TrackDeps, 'cases' | 'timeline' | 'customers' | 'referrals'>,
  input: { caseId: string; at: string },
): Promise<TrackResult> {
  const { caseId, at } = input;
  const record = await loadCase(deps.cases, caseId);
  if (record.status !== 'LEGAL') return { outcome: 'SKIPPED', detail: detail(record, at) };
  const policy = policyOf(record);
  const customer = await deps.customers.get(record.customerId);
  const amount = { amount: Math.max(0, balanceOf(record, at, policy)), currency: record.currency };
  const started = { eventId: 'legal-action-started', at, type: 'LEGAL_ACTION_STARTED' as const, detail: {} };
  if (customer) {
    if (!(await deps.timeline.has(caseId, started))) {
      const timeline = await deps.timeline.list(caseId);
      await deps.referrals.refer({
        kind: 'LEGAL_REFERRAL',
        caseId,
        rentalId: record.rentalId,
        contract: {
          device: record.device,
          dueAt: record.dueAt,
          amountDue: { amount: record.amountDue, currency: record.currency },
        },
        amounts: {
          outstanding: amount,
          fees: {
            amount: balanceOf(record, at, policy) - record.amountDue + record.paid,
            currency: record.currency,
          },
          paid: { amount: record.paid, currency: record.currency },
        },
        // The law firm needs to identify the debtor: this bundle goes only to the encrypted legal topic.
        debtor: {
          customerId: customer.customerId,
          name: customer.name,
          phone: customer.phone,
          email: customer.email,
        },
        contacts: timeline
          .filter((entry) =>
            ['MESSAGE_SENT', 'CONTACT_RECORDED', 'CONTACT_SKIPPED', 'CONTACT_DEFERRED'].includes(entry.type),
          )
          .map(({ at: when, type, channel, detail: facts }) => ({
            at: when,
            type,
            channel: channel ?? null,
            ...facts,
          })),
        review: { reviewer: record.legal.reviewer, decidedAt: record.legal.decidedAt },
        at,
      });
    }
  }
  const { record: updated } = await updateCase(deps.cases, caseId, (latest) => ({
    next: {
      ...latest,
      stage: 'LEGAL_ACTION',
      ladder: {
        stage: 'LEGAL_ACTION',
        waitUntil: toIso(parseIso(at) + 365 * MS_PER_DAY),
        pausedRemainingSeconds: null,
      },
    },
    result: undefined,
  }));
  await note(deps, caseId, started);
  return { outcome: 'DONE', detail: detail(updated, at) };
}

export type CreditReportAction = NonNullable<CaseRecord['creditReport']['lastUpdate']>['action'];

const UPDATE_ENTRY = {
  SETTLE: 'CREDIT_REPORT_SETTLED',
  DELETE: 'CREDIT_REPORT_DELETED',
  FLAG: 'CREDIT_REPORT_FLAGGED',
  UNFLAG: 'CREDIT_REPORT_UNFLAGGED',
} as const;

function updateApplies(record: CaseRecord, action: CreditReportAction): boolean {
  const report = record.creditReport;
  const filed = report.reference !== null && ['REPORTED', 'DISPUTED', 'SETTLED'].includes(report.status);
  if (!filed) return false;
  switch (action) {
    case 'SETTLE':
      return (
        report.status !== 'SETTLED' && (record.resolution === 'PAID' || record.resolution === 'RETURNED')
      );
    case 'DELETE':
      return record.status === 'CANCELLED';
    case 'FLAG':
      return record.status === 'DISPUTED' && report.status !== 'DISPUTED';
    case 'UNFLAG':
      return report.status === 'DISPUTED' && record.status !== 'DISPUTED';
  }
}

function reportAfter(report: CaseRecord['creditReport'], action: CreditReportAction, at: string) {
  const lastUpdate = { action, at };
  switch (action) {
    case 'SETTLE':
      return { ...report, status: 'SETTLED' as const, statusBeforeDispute: null, lastUpdate };
    case 'DELETE':
      return { ...report, status: 'DELETED' as const, statusBeforeDispute: null, lastUpdate };
    case 'FLAG':
      return { ...report, status: 'DISPUTED' as const, statusBeforeDispute: report.status, lastUpdate };
    case 'UNFLAG':
      return {
        ...report,
        status: report.statusBeforeDispute ?? ('REPORTED' as const),
        statusBeforeDispute: null,
        lastUpdate,
      };
  }
}

/**
 * The credit report follows the case (a step of its own, so a bureau outage never holds up closing
 * a case): SETTLE after payment or return (the history stays; a dispute flag still on is lifted
 * first), DELETE after an upheld dispute, FLAG while a dispute is open, UNFLAG when it is rejected.
 * Nothing filed, nothing to do. The bureau is told first, then the timeline, then the case; a retry
 * of the same step (same `at`) that finds its own update on the case answers DONE again, so the
 * workflow still announces it.
 */
export async function updateCreditReport(
  deps: Pick<TrackDeps, 'cases' | 'timeline' | 'bureau'>,
  input: { caseId: string; action: CreditReportAction; at: string },
): Promise<TrackResult & { changed: boolean }> {
  const { caseId, action, at } = input;
  const record = await loadCase(deps.cases, caseId);
  const report = record.creditReport;
  const entry = (): TimelineEntry => {
    // A settlement or deletion is dated by the case's end, so a replayed close writes the same entry.
    const when = action === 'SETTLE' || action === 'DELETE' ? (record.closedAt ?? at) : at;
    return {
      eventId: `credit-${action.toLowerCase()}:${when}`,
      at: when,
      type: UPDATE_ENTRY[action],
      detail: { reference: report.reference },
    };
  };
  const doneBefore = report.lastUpdate?.action === action && report.lastUpdate.at === at;
  if (doneBefore) {
    await note(deps, caseId, entry());
    return { outcome: 'DONE', changed: true, detail: detail(record, at) };
  }
  if (!updateApplies(record, action) || !report.reference) {
    return { outcome: 'SKIPPED', changed: false, detail: detail(record, at) };
  }
  const reference = report.reference;
  const bureau = await deps.bureau();
  if (action === 'SETTLE') {
    if (report.status === 'DISPUTED') await bureau.flagDispute({ caseId, reference, disputed: false, at });
    await bureau.settle({
      caseId,
      reference,
      resolution: record.resolution === 'RETURNED' ? 'RETURNED' : 'PAID',
      at,
    });
  } else if (action === 'DELETE') {
    await bureau.remove({ caseId, reference, reason: 'DISPUTE_UPHELD', at });
  } else {
    await bureau.flagDispute({ caseId, reference, disputed: action === 'FLAG', at });
  }
  await note(deps, caseId, entry());
  const { record: updated } = await updateCase(deps.cases, caseId, (latest) => ({
    next: { ...latest, creditReport: reportAfter(latest.creditReport, action, at) },
    result: undefined,
  }));
  return { outcome: 'DONE', changed: true, detail: detail(updated, at) };
}

export interface ClosingResult {
  detail: CaseEventDetail;
  restrictionLifted: boolean;
}

/** Lifts the account restriction and cancels open work when a case ends (the credit report is its own step). */
async function unwind(
  deps: Pick<TrackDeps, 'cases' | 'timeline' | 'workItems'>,
  record: CaseRecord,
  at: string,
): Promise<{ record: CaseRecord; restrictionLifted: boolean }> {
  const { caseId } = record;
  const restrictionLifted = record.accountRestricted;
  const { record: updated } = await updateCase(deps.cases, caseId, (latest) => ({
    next:
      latest.accountRestricted || latest.pendingResolution
        ? { ...latest, accountRestricted: false, pendingResolution: null }
        : null,
    result: undefined,
  }));
  const closedAt = updated.closedAt ?? at;
  if (restrictionLifted) {
    await note(deps, caseId, {
      eventId: 'restriction-lifted',
      at: closedAt,
      type: 'ACCOUNT_RESTRICTION_LIFTED',
      detail: {},
    });
  }
  await cancelOpenWorkItems(deps, caseId, closedAt);
  return { record: updated, restrictionLifted };
}

/** "Close case" after a payment or return: the restriction lifted, open work cancelled. */
export async function closeCase(
  deps: Pick<TrackDeps, 'cases' | 'timeline' | 'workItems'>,
  input: { caseId: string; at: string },
): Promise<ClosingResult> {
  const record = await loadCase(deps.cases, input.caseId);
  if (isActive(record))
    throw new Error(`case ${input.caseId} is still ${record.status}; it cannot be closed`);
  const unwound = await unwind(deps, record, input.at);
  await note(deps, input.caseId, {
    eventId: 'case-closed',
    at: record.closedAt ?? input.at,
    type: 'CASE_CLOSED',
    detail: { status: record.status, resolution: record.resolution },
  });
  // The receipt is a step of its own ("Send receipt"): it waits for the customer's contact window.
  return { detail: detail(unwound.record, input.at), restrictionLifted: unwound.restrictionLifted };
}

/** "Cancel case" after an upheld dispute: the restriction lifted, open work cancelled. */
export async function cancelCase(
  deps: Pick<TrackDeps, 'cases' | 'timeline' | 'workItems'>,
  input: { caseId: string; at: string },
): Promise<ClosingResult> {
  const record = await loadCase(deps.cases, input.caseId);
  if (record.status !== 'CANCELLED')
    throw new Error(`case ${input.caseId} is ${record.status}, not CANCELLED`);
  const unwound = await unwind(deps, record, input.at);
  await note(deps, input.caseId, {
    eventId: 'case-cancelled',
    at: record.closedAt ?? input.at,
    type: 'CASE_CANCELLED',
    detail: { resolution: record.resolution },
  });
  return { detail: detail(unwound.record, input.at), restrictionLifted: unwound.restrictionLifted };
}

/**
 * "Write off the debt" at the end of the soft reminders (or after a lost or withdrawn legal case):
 * the history and any credit report stay, open work is cancelled.
 */
export async function writeOffCase(
  deps: Pick<TrackDeps, 'cases' | 'timeline' | 'workItems'>,
  input: { caseId: string; at: string },
): Promise<ClosingResult> {
  const { record } = await updateCase(deps.cases, input.caseId, (current) => ({
    next: isActive(current)
      ? { ...closeRecord(current, 'WRITTEN_OFF', 'WRITTEN_OFF', input.at), pendingResolution: null }
      : null,
    result: undefined,
  }));
  if (record.status !== 'WRITTEN_OFF') return { detail: detail(record, input.at), restrictionLifted: false };
  const policy = policyOf(record);
  await note(deps, input.caseId, {
    eventId: 'case-written-off',
    at: record.closedAt ?? input.at,
    type: 'CASE_WRITTEN_OFF',
    detail: {
      outstanding: Math.max(0, balanceOf(record, input.at, policy)),
      currency: record.currency,
      resolution: record.resolution,
    },
  });
  await cancelOpenWorkItems(deps, input.caseId, record.closedAt ?? input.at);
  return { detail: detail(record, input.at), restrictionLifted: false };
}

/**
 * The next execution of a lineage: `<caseId>` → `<caseId>-2` → `-3`; a lineage of its own (a recovered
 * case, a closed case's dispute) counts on its own name: `<caseId>-recovered` → `<caseId>-recovered-2`.
 */
export function nextExecutionName(caseId: string, execution: string): string {
  const numbered = /^(.*)-(\d+)$/.exec(execution);
  if (execution === caseId || !numbered?.[1]?.startsWith(caseId)) return `${execution}-2`;
  return `${numbered[1]}-${Number(numbered[2]) + 1}`;
}

/** The waits a case can continue in after a new execution starts (the ASL's first Choice routes them). */
export const CONTINUE_AT = ['LEGAL_ACTION', 'LEGAL_REVIEW', 'DISPUTE', 'PROMISE', 'PLAN', 'LADDER'] as const;
export type ContinueAt = (typeof CONTINUE_AT)[number];

/**
 * "Continue the case in a new execution": a Standard execution lives at most a year, so a case still
 * waiting for its legal outcome, a review decision or a dispute ruling continues in `<caseId>-2`,
 * `-3`, …, in that same wait.
 */
export async function continueCase(
  deps: Pick<TrackDeps, 'workflow' | 'timeline' | 'cases'>,
  input: {
    caseId: string;
    execution: string;
    stateMachineArn: string;
    at: string;
    continueAt?: ContinueAt | undefined;
  },
): Promise<{ next: string }> {
  const next = nextExecutionName(input.caseId, input.execution);
  await startExecutionOnce(deps.cases, input.caseId, next, input.at, () =>
    deps.workflow.continueAs(input.stateMachineArn, next, {
      caseId: input.caseId,
      continueAt: input.continueAt ?? 'LEGAL_ACTION',
    }),
  );
  await note(deps, input.caseId, {
    eventId: `continued:${next}`,
    at: input.at,
    type: 'WORKFLOW_STARTED',
    detail: { execution: next, continuedFrom: input.execution },
  });
  return { next };
}
