import { createHash } from 'node:crypto';
import { type FeeState, startAccrual, stopAccrual } from './fees';
import { amountsOf, isWholePromise, paidTowards } from './ledger';
import type { Money } from './money';
import type { Policy, Stage } from './policy';

export const CASE_STATUSES = [
  'OPEN',
  'PROMISED',
  'ON_PLAN',
  'DISPUTED',
  'LEGAL',
  'RESOLVED',
  'CANCELLED',
  'WRITTEN_OFF',
] as const;
export type CaseStatus = (typeof CASE_STATUSES)[number];

/** Statuses in which the ladder is still running (the workflow is alive). */
export const ACTIVE_STATUSES: readonly CaseStatus[] = ['OPEN', 'PROMISED', 'ON_PLAN', 'DISPUTED', 'LEGAL'];
/** Statuses in which late fees accrue (docs/policy.md); frozen in every other one. */
export const ACCRUING_STATUSES: readonly CaseStatus[] = ['OPEN', 'PROMISED'];

export const RESOLUTIONS = [
  'PAID',
  'RETURNED',
  'DISPUTE_UPHELD',
  'WRITTEN_OFF',
  'LEGAL_LOST',
  'LEGAL_WITHDRAWN',
] as const;
export type Resolution = (typeof RESOLUTIONS)[number];

export const CREDIT_REPORT_STATUSES = [
  'NONE',
  'PRE_NOTICE_SENT',
  'REPORTED',
  'DISPUTED',
  'SETTLED',
  'DELETED',
] as const;
export type CreditReportStatus = (typeof CREDIT_REPORT_STATUSES)[number];

export interface Device {
  sku: string;
  name: string;
  serial: string;
}

export interface AppliedPayment {
  paymentId: string;
  amount: number;
  /** Absent on records from before currencies were kept per payment: the case's currency. */
  currency?: string;
  /** The payment's own date (never after the request that reported it): fees are priced to it. */
  paidAt: string;
  /**
   * The date the request stated, when it was a little ahead of the request and taken as the request's
   * time instead: a retry of the same payment states it again, whenever the retry comes.
   */
  statedPaidAt?: string;
  /** When the platform reported it. Absent on older records. */
  reportedAt?: string;
  /** How much of this payment is due back (what the case's refund grew by, never above the payment). */
  excess: number;
  /** What else it did (kept a promise, honoured a plan, resolved the case), for its timeline entries. */
  effects?: PaymentEffect[];
  /**
   * Money reaching a closed case is announced (Case Refund Due): PENDING from the write that applied
   * it until the event is on the bus. Any later request on the case's payments announces what is
   * PENDING, so a failed publish is made good by the next payment or retry (at least once; `paymentId`
   * is the platform's key to drop a repeat). A request claims a notice for `leasedUntil` before it
   * publishes, so two deliveries of one payment at once announce it once. Absent: nothing to announce.
   */
  refundNotice?: RefundNotice;
}

export interface RefundNotice {
  status: 'PENDING' | 'SENT';
  /** Set while a request is putting it on the bus; another request may claim it after this. */
  leasedUntil?: string;
}

export type PaymentEffect =
  | { kind: 'PROMISE_KEPT'; promiseMadeAt: string; late: boolean }
  | { kind: 'PLAN_HONOURED'; brokenAt: string }
  /** Honoured, but a later instalment's grace had ended unpaid too: broken there instead. */
  | { kind: 'PLAN_BROKEN'; brokenAt: string }
  | { kind: 'CASE_RESOLVED' }
  /** A returned case turned out to have been paid in full before the device came back. */
  | { kind: 'RESOLUTION_CORRECTED'; from: Resolution; to: Resolution }
  /** It moved the settlement of a closed case: its fees, or its refund by more than the payment. */
  | {
      kind: 'SETTLEMENT_CORRECTED';
      fees: { before: number; after: number };
      refundDue: { before: number; after: number };
    };

/**
 * What a waiting workflow is waiting for: the ladder's next stage, a promised payment, the next
 * instalment, a dispute ruling, a legal-review decision or the legal outcome. The same change to the
 * case means different things to each (a PROMISED case wakes a ladder wait, not a promise wait).
 */
export const AWAITING = ['LADDER', 'PROMISE', 'PLAN', 'DISPUTE', 'LEGAL_REVIEW', 'LEGAL_OUTCOME'] as const;
export type Awaiting = (typeof AWAITING)[number];

/** A callback the workflow is waiting on: the API completes it when the case changes. */
export interface PendingResolution {
  token: string;
  stage: Stage;
  awaiting: Awaiting;
  since: string;
  until: string;
}

export interface PromiseToPay {
  promisedAt: string;
  amount: number;
  madeAt: string;
  /** `promisedAt` plus the policy's grace days: a payment by then keeps the promise. */
  keepBy: string;
  /**
   * The debt when it was made (amount due and fees then). A promise is of the whole amount when it is
   * for this less the payments dated by then (`isWholePromise`, from the payments known now): kept, it
   * settles the case for this and the fees since are waived. A promise of a part waives nothing.
   */
  settlesFor: number;
}

/** A promise that no longer stands, kept for a payment dated within it that is reported late. */
export interface EndedPromise extends PromiseToPay {
  outcome: 'KEPT' | 'BROKEN' | 'SUPERSEDED';
  endedAt: string;
}

export interface Installment {
  dueAt: string;
  amount: number;
}

export interface PaymentPlan {
  type: 'INSTALLMENTS' | 'EXTENDED_RETURN';
  installments: Installment[];
  returnBy: string | null;
  agreedAt: string;
  /** What had been paid when the plan was agreed: instalments are checked against payments since. */
  paidBefore: number;
}

export interface DisputeRecord {
  /** The customer's words stay on the case (never on the timeline or in logs). */
  reason: string;
  openedAt: string;
  /** docs/policy.md: a dispute must be ruled within 30 days. */
  rulingDueAt: string;
  /** The status to return to when the dispute is rejected. */
  statusBefore: 'OPEN' | 'LEGAL' | 'WRITTEN_OFF' | 'RESOLVED';
  /**
   * A closed case disputed while its credit report is still filed: how it was closed, to restore on
   * a rejection. Its dispute runs in an execution of its own (`<caseId>-dispute-…`).
   */
  closedBefore?: {
    resolution: Resolution | null;
    closedAt: string | null;
    writtenOffAt: string | null;
  } | null;
  outcome: 'UPHELD' | 'REJECTED' | null;
  ruledAt: string | null;
}

export interface LegalRecord {
  reviewWorkItemId: string | null;
  decision: 'APPROVE' | 'DECLINE' | null;
  reviewer: string | null;
  decidedAt: string | null;
  outcome: 'JUDGMENT' | 'SETTLED' | 'LOST' | 'WITHDRAWN' | null;
  judgmentRef: string | null;
  outcomeAt: string | null;
  /** Distinct approvers of a public disclosure (two are needed, with a judgment reference). */
  disclosureApprovals: Array<{ approver: string; at: string }>;
  disclosedAt: string | null;
}

/**
 * A plan the grace check found broken. A payment dated by that instalment's grace end but reported
 * after the check honours it: the plan stands again, as if it had never been broken.
 */
export interface BrokenPlan {
  plan: PaymentPlan;
  brokenAt: string;
  /** The grace end of the instalment that was missed. */
  checkAt: string;
  /** What the plan's payments had to add up to by then. */
  covers: number;
}

/** Where the ladder stands, so a broken promise or plan or a rejected dispute resumes it there. */
export interface LadderPosition {
  stage: Stage;
  /** When the stage's wait ends (its contact's time plus the stage wait). */
  waitUntil: string;
  /** Set while the ladder is paused: what was left of the stage's wait when the pause began. */
  pausedRemainingSeconds: number | null;
  /** When the stage's contact began (its first attempt), and whether all of it went out. */
  contactKey?: string | null;
  contactDone?: boolean;
}

export interface CreditReportState {
  status: CreditReportStatus;
  /** The bureau's reference once reported. */
  reference: string | null;
  preNoticeAt: string | null;
  reportedAt: string | null;
  /** The status before a dispute flagged the report (REPORTED or SETTLED), to return to. */
  statusBeforeDispute: CreditReportStatus | null;
  /** The last update sent to the bureau and the step time it ran at, so a retried step knows it did it. */
  lastUpdate?: { action: 'SETTLE' | 'DELETE' | 'FLAG' | 'UNFLAG'; at: string } | null;
}

/**
 * The execution the case's workflow runs in (or last ran in). While one is recorded no other is
 * started for the case by a replayed opening: AWS frees an execution's name 90 days after it closes,
 * so a name alone cannot keep a second ladder from starting.
 */
export interface WorkflowExecution {
  name: string;
  requestedAt: string;
  /** When the execution's first step ran (its "Open case"), or when a continuation was started. */
  startedAt: string | null;
}

/** The case aggregate as stored. Amounts are integer minor units of `currency`. */
export interface CaseRecord extends FeeState {
  caseId: string;
  rentalId: string;
  customerId: string;
  dueAt: string;
  openedAt: string;
  updatedAt: string;
  status: CaseStatus;
  stage: Stage;
  resolution: Resolution | null;
  closedAt: string | null;
  /**
   * When the case was written off, kept once a later payment in full or return resolves it: its
   * execution had ended, so the closing runs in `<caseId>-recovered`. Absent on older records.
   */
  writtenOffAt?: string | null;
  currency: string;
  /** Total received, payments after closing included. */
  paid: number;
  device: Device;
  policyId: string;
  policyVersion: number;
  /** Compliance profile from the customer's country at opening (CN or US). */
  profile: 'CN' | 'US';
  creditReport: CreditReportState;
  accountRestricted: boolean;
  promise: PromiseToPay | null;
  /** Promises that ended (kept, broken, replaced by a plan or dispute), oldest first. */
  pastPromises: EndedPromise[];
  plan: PaymentPlan | null;
  /**
   * The last plan broken, until a new plan is agreed: a payment dated in time and reported late still
   * honours it, through any promise, dispute or legal action since (the fees since the break are
   * taken back; the plan stands again only if the case is OPEN or PROMISED).
   */
  brokenPlan: BrokenPlan | null;
  dispute: DisputeRecord | null;
  legal: LegalRecord;
  ladder: LadderPosition;
  /** Returned device's condition, once returned. */
  returnCondition: 'GOOD' | 'DAMAGED' | null;
  /** When the device came back (the platform's time), once returned: a repeated event matches it. */
  returnedAt: string | null;
  /** Every payment applied, in order; its id makes a repeated payment a no-op. */
  payments: AppliedPayment[];
  pendingResolution: PendingResolution | null;
  /** Absent on records from before it was kept: their timeline's WORKFLOW_STARTED entries say instead. */
  workflow?: WorkflowExecution | null;
  /** When the workflow next acts on its own (ops queue index). */
  nextActionAt: string;
  /** Optimistic lock: every write expects the version it read. */
  version: number;
}

/** The case as the API shows it (docs/api.md), with amounts as of `at`. */
export interface CaseView {
  caseId: string;
  rentalId: string;
  customerId: string;
  status: CaseStatus;
  stage: Stage;
  outstanding: Money;
  amountDue: Money;
  fees: Money;
  paid: Money;
  /** What was received beyond what is owed (an overpayment; everything, after a return or an upheld dispute). */
  refundDue: Money;
  resolution: Resolution | null;
  dueAt: string;
  openedAt: string;
  updatedAt: string;
  closedAt: string | null;
  device: Device;
  policy: { id: string; version: number };
  creditReport: { status: CreditReportStatus };
  accountRestricted: boolean;
  promise: {
    promisedAt: string;
    amount: Money;
    keepBy: string;
    /** Whether it is for the whole outstanding (kept, it settles the case) or a part. */
    wholeAmount: boolean;
    /** What is still to be paid, by `keepBy`, to keep it. */
    toKeep: Money;
  } | null;
  plan: {
    type: PaymentPlan['type'];
    installments: Array<{ dueAt: string; amount: Money }>;
    returnBy: string | null;
  } | null;
  dispute: { openedAt: string; rulingDueAt: string; outcome: DisputeRecord['outcome'] } | null;
  legal: { decision: LegalRecord['decision']; outcome: LegalRecord['outcome']; judgmentRef: string | null };
}

/** The detail of every outbound case event (docs/api.md). */
export interface CaseEventDetail {
  caseId: string;
  rentalId: string;
  customerId: string;
  status: CaseStatus;
  stage: Stage;
  outstanding: Money;
  refundDue: Money;
  at: string;
}

export const isActive = (record: Pick<CaseRecord, 'status'>): boolean =>
  ACTIVE_STATUSES.includes(record.status);

/**
 * The case id for a rental and due date: the natural key of docs/api.md, so the same overdue rental always
 * maps to the same case, whichever path (API or event) opens it and however often.
 */
export function caseIdFor(rentalId: string, dueAt: string): string {
  const digest = createHash('sha256')
    .update(`${rentalId}\u0000${new Date(dueAt).toISOString()}`)
    .digest('hex');
  return `case-${digest.slice(0, 24)}`;
}

/** What the customer still owes as of `at` (never negative; 0 once closed by payment, return or upheld dispute). */
export function balanceOf(record: CaseRecord, at: string, policy: Pick<Policy, 'lateFee'>): number {
  return amountsOf(record, at, policy).outstanding;
}

export function viewOf(record: CaseRecord, at: string, policy: Pick<Policy, 'lateFee'>): CaseView {
  const money = (amount: number): Money => ({ amount, currency: record.currency });
  const amounts = amountsOf(record, at, policy);
  const promise = record.promise;
  const wholePromise = promise !== null && isWholePromise(record, promise);
  return {
    caseId: record.caseId,
    rentalId: record.rentalId,
    customerId: record.customerId,
    status: record.status,
    stage: record.stage,
    outstanding: money(amounts.outstanding),
    amountDue: money(record.amountDue),
    fees: money(amounts.fees),
    paid: money(record.paid),
    refundDue: money(amounts.refundDue),
    resolution: record.resolution,
    dueAt: record.dueAt,
    openedAt: record.openedAt,
    updatedAt: record.updatedAt,
    closedAt: record.closedAt,
    device: record.device,
    policy: { id: record.policyId, version: record.policyVersion },
    creditReport: { status: record.creditReport.status },
    accountRestricted: record.accountRestricted,
    promise: promise
      ? {
          promisedAt: promise.promisedAt,
          amount: money(promise.amount),
          keepBy: promise.keepBy,
          wholeAmount: wholePromise,
          toKeep: money(
            wholePromise
              ? Math.max(0, promise.settlesFor - record.paid)
              : Math.max(0, promise.amount - paidTowards(record, promise)),
          ),
        }
      : null,
    plan: record.plan
      ? {
          type: record.plan.type,
          installments: record.plan.installments.map((installment) => ({
            dueAt: installment.dueAt,
            amount: money(installment.amount),
          })),
          returnBy: record.plan.returnBy,
        }
      : null,
    dispute: record.dispute
      ? {
          openedAt: record.dispute.openedAt,
          rulingDueAt: record.dispute.rulingDueAt,
          outcome: record.dispute.outcome,
        }
      : null,
    legal: {
      decision: record.legal.decision,
      outcome: record.legal.outcome,
      judgmentRef: record.legal.judgmentRef,
    },
  };
}

export function eventDetailOf(
  record: CaseRecord,
  at: string,
  policy: Pick<Policy, 'lateFee'>,
): CaseEventDetail {
  const view = viewOf(record, at, policy);
  return {
    caseId: view.caseId,
    rentalId: view.rentalId,
    customerId: view.customerId,
    status: view.status,
    stage: view.stage,
    outstanding: view.outstanding,
    refundDue: view.refundDue,
    at,
  };
}

/**
 * Moves a case to an end state: fees stop for good (at `feesAsOf`, when the event that closed it came
 * earlier than its report), no arrangement stands, no callback stays pending. A resolved case keeps
 * its plan (it may be what settled it); a written-off or cancelled one loses it, and its waiver.
 */
export function closeRecord(
  record: CaseRecord,
  status: Extract<CaseStatus, 'RESOLVED' | 'CANCELLED' | 'WRITTEN_OFF'>,
  resolution: Resolution,
  at: string,
  feesAsOf: string = at,
): CaseRecord {
  return {
    ...endArrangements(record, at),
    feeAccrual: stopAccrual(record, feesAsOf),
    plan: status === 'RESOLVED' ? record.plan : null,
    status,
    resolution,
    closedAt: at,
    updatedAt: at,
    nextActionAt: at,
  };
}

/** The promise in force, if any, ends (`SUPERSEDED` unless said otherwise). */
export function endArrangements(
  record: CaseRecord,
  at: string,
  outcome: EndedPromise['outcome'] = 'SUPERSEDED',
): CaseRecord {
  const ended = record.promise ? [{ ...record.promise, outcome, endedAt: at }] : [];
  return { ...record, promise: null, pastPromises: [...record.pastPromises, ...ended] };
}

/** Moves an active case to another active status; fees accrue only in OPEN and PROMISED. */
export function withStatus(record: CaseRecord, status: CaseStatus, at: string): CaseRecord {
  const accruing = ACCRUING_STATUSES.includes(status);
  const feeAccrual = accruing ? startAccrual(record, at) : stopAccrual(record, at);
  return { ...record, feeAccrual, status, updatedAt: at };
}

/** Pauses the ladder's wait (a promise, plan or dispute): keeps what was left of the stage's wait. */
export function pauseLadder(record: CaseRecord, at: string): LadderPosition {
  if (record.ladder.pausedRemainingSeconds !== null) return record.ladder;
  const remaining = Math.max(0, Math.ceil((Date.parse(record.ladder.waitUntil) - Date.parse(at)) / 1000));
  return { ...record.ladder, pausedRemainingSeconds: remaining };
}
