import {
  type AppliedPayment,
  type CaseRecord,
  type CaseView,
  eventDetailOf,
  isActive,
  type RefundNotice,
  type Resolution,
  viewOf,
} from '../case';
import { InvalidRequestError } from '../errors';
import { settledBeforeItsDispute } from '../ledger';
import { ALLOWED_CLOCK_SKEW_MS, applyPayment } from '../payments';
import type { CaseEvents, CaseRepository, CaseWorkflow, TimelineRepository } from '../ports';
import type { PaymentRequest } from '../requests';
import { parseIso, toIso } from '../time';
import type { TimelineEntry } from '../timeline';
import { closeRecoveredCase, wakeWorkflow } from './case-command';
import { policyOf } from './policy-of';
import { updateCase } from './update-case';

export interface RecordPaymentDeps {
  cases: CaseRepository;
  timeline: TimelineRepository;
  workflow: CaseWorkflow;
  /** The bus, to tell the platform of money it must refund on a case the workflow no longer announces. */
  events: CaseEvents;
}

/**
 * What a payment changed about how a closed case was settled (a late payment dated earlier than the
 * settlement, or a return found paid before it), for the platform to hear of: its refund may differ.
 */
export interface SettlementCorrection {
  paymentId: string;
  fees: { before: number; after: number };
  refundDue: { before: number; after: number };
  /** Set when the case is closed otherwise than it was (a return found paid in full before it). */
  resolution: { from: Resolution; to: Resolution } | null;
}

export interface PaymentOutcome {
  view: CaseView;
  /** Null unless this payment corrected the case's settlement (the same on a retry of it). */
  correction: SettlementCorrection | null;
}

function correctionOf(payment: AppliedPayment): SettlementCorrection | null {
  const effects = payment.effects ?? [];
  const settlement = effects.find((effect) => effect.kind === 'SETTLEMENT_CORRECTED');
  if (!settlement) return null;
  const resolution = effects.find((effect) => effect.kind === 'RESOLUTION_CORRECTED');
  return {
    paymentId: payment.paymentId,
    fees: settlement.fees,
    refundDue: settlement.refundDue,
    resolution: resolution ? { from: resolution.from, to: resolution.to } : null,
  };
}

/** The timeline facts of one applied payment, derived from what is stored so a retry rewrites them exactly. */
function paymentEntries(record: CaseRecord, payment: AppliedPayment): TimelineEntry[] {
  const reportedAt = payment.reportedAt ?? payment.paidAt;
  const entries: TimelineEntry[] = [
    {
      eventId: `payment:${payment.paymentId}`,
      at: payment.paidAt,
      type: 'PAYMENT_RECEIVED',
      detail: {
        paymentId: payment.paymentId,
        amount: payment.amount,
        currency: record.currency,
        ...(reportedAt !== payment.paidAt ? { reportedAt } : {}),
      },
    },
  ];
  if (payment.excess > 0) {
    entries.push({
      eventId: `overpayment:${payment.paymentId}`,
      at: reportedAt,
      type: 'OVERPAYMENT_FOR_REFUND',
      detail: { paymentId: payment.paymentId, excess: payment.excess, currency: record.currency },
    });
  }
  for (const effect of payment.effects ?? []) {
    if (effect.kind === 'PROMISE_KEPT') {
      entries.push({
        eventId: `promise-kept:${effect.promiseMadeAt}`,
        at: reportedAt,
        type: 'PROMISE_KEPT',
        detail: { paymentId: payment.paymentId, promiseMadeAt: effect.promiseMadeAt, late: effect.late },
      });
    } else if (effect.kind === 'PLAN_HONOURED') {
      entries.push({
        eventId: `plan-honoured:${effect.brokenAt}`,
        at: reportedAt,
        type: 'PLAN_HONOURED',
        detail: { paymentId: payment.paymentId, brokenAt: effect.brokenAt },
      });
    } else if (effect.kind === 'PLAN_BROKEN') {
      entries.push({
        eventId: `plan-broken:${effect.brokenAt}`,
        at: reportedAt,
        type: 'PLAN_BROKEN',
        detail: { paymentId: payment.paymentId, brokenAt: effect.brokenAt, resumesAt: record.ladder.stage },
      });
    } else if (effect.kind === 'RESOLUTION_CORRECTED') {
      entries.push({
        eventId: `resolution-corrected:${payment.paymentId}`,
        at: reportedAt,
        type: 'CASE_RESOLUTION_CORRECTED',
        detail: { paymentId: payment.paymentId, from: effect.from, to: effect.to },
      });
    } else if (effect.kind === 'SETTLEMENT_CORRECTED') {
      entries.push({
        eventId: `settlement-corrected:${payment.paymentId}`,
        at: reportedAt,
        type: 'SETTLEMENT_CORRECTED',
        detail: {
          paymentId: payment.paymentId,
          feesBefore: effect.fees.before,
          feesAfter: effect.fees.after,
          refundDueBefore: effect.refundDue.before,
          refundDueAfter: effect.refundDue.after,
          currency: record.currency,
        },
      });
    } else if (record.closedAt !== null) {
      entries.push({
        eventId: 'case-resolved',
        at: record.closedAt,
        type: 'CASE_RESOLVED',
        detail: { resolution: 'PAID', paymentId: payment.paymentId },
      });
    }
  }
  return entries;
}

/**
 * Marks the payment just applied as to be announced when it is money the workflow will not announce:
 * the workflow announces the end of a case with its refundDue, so money that reaches a case already
 * closed (or changes how it was settled) must be announced by the payment, or the platform would never
 * refund it. A payment that resolves the case is announced by the workflow's close.
 */
function withRefundNotice(record: CaseRecord, paymentId: string): CaseRecord {
  const payment = record.payments.find((candidate) => candidate.paymentId === paymentId);
  if (!payment) return record;
  const resolvedIt = payment.effects?.some((effect) => effect.kind === 'CASE_RESOLVED') ?? false;
  const closed = !isActive(record) || settledBeforeItsDispute(record) !== null;
  const refundMoved = payment.excess > 0 || correctionOf(payment) !== null;
  if (resolvedIt || !closed || !refundMoved) return record;
  return withPayment(record, { ...payment, refundNotice: { status: 'PENDING' } });
}

/** How long a request that claimed refund notices has to put them on the bus before another may. */
const NOTICE_LEASE_MS = 30_000;

const isClaimable = (payment: AppliedPayment, at: string) =>
  payment.refundNotice?.status === 'PENDING' &&
  (payment.refundNotice.leasedUntil === undefined || payment.refundNotice.leasedUntil <= at);

/**
 * Puts every PENDING refund notice of the case on the bus, this payment's and any an earlier request
 * failed to publish: claimed in one write (so a concurrent delivery of the same payment does not
 * announce it too), published, then marked SENT one by one. On a failed publish the claims not yet
 * sent are given back, so the retry that follows need not wait for the lease.
 */
async function announceRefundsDue(deps: RecordPaymentDeps, caseId: string, at: string): Promise<void> {
  const leasedUntil = toIso(parseIso(at) + NOTICE_LEASE_MS);
  const { record, result: claimed } = await updateCase(deps.cases, caseId, (current) => {
    const due = current.payments.filter((payment) => isClaimable(payment, at));
    if (due.length === 0) return { next: null, result: [] };
    const leased = due.map((payment) => ({
      ...payment,
      refundNotice: { status: 'PENDING' as const, leasedUntil },
    }));
    return { next: leased.reduce(withPayment, current), result: due.map((payment) => payment.paymentId) };
  });
  for (const [index, paymentId] of claimed.entries()) {
    try {
      await deps.events.publish('Case Refund Due', {
        ...eventDetailOf(record, at, policyOf(record)),
        paymentId,
      });
    } catch (error) {
      await changeNotices(deps, caseId, claimed.slice(index), (notice) =>
        notice.status === 'PENDING' && notice.leasedUntil === leasedUntil ? { status: 'PENDING' } : null,
      );
      throw error;
    }
    await changeNotices(deps, caseId, [paymentId], (notice) =>
      notice.status === 'PENDING' ? { status: 'SENT' } : null,
    );
  }
}

/** Rewrites the named payments' notices (`change` answers null to leave one as it is). */
async function changeNotices(
  deps: RecordPaymentDeps,
  caseId: string,
  paymentIds: readonly string[],
  change: (notice: RefundNotice) => RefundNotice | null,
): Promise<void> {
  await updateCase(deps.cases, caseId, (current) => {
    let next: CaseRecord | null = null;
    for (const payment of current.payments) {
      if (!paymentIds.includes(payment.paymentId) || !payment.refundNotice) continue;
      const changed = change(payment.refundNotice);
      if (changed) next = withPayment(next ?? current, { ...payment, refundNotice: changed });
    }
    return { next, result: undefined };
  });
}

function withPayment(record: CaseRecord, payment: AppliedPayment): CaseRecord {
  return {
    ...record,
    payments: record.payments.map((candidate) =>
      candidate.paymentId === payment.paymentId ? payment : candidate,
    ),
  };
}

/**
 * Applies a payment once (by `paymentId`), by the rules of ledger.ts and payments.ts: paying the debt
 * resolves the case at once and wakes the workflow; a part payment lowers `outstanding` and leaves the
 * ladder where it is (unless it keeps a promise or honours a plan). A WRITTEN_OFF case paid in full is
 * RESOLVED / PAID as well, and its closing runs in a new execution (`<caseId>-recovered`): the credit
 * report must be settled within a business day (docs/policy.md). A payment on a closed case is kept and
 * shows as `refundDue`; one that moves how the case was settled is answered as a `correction`.
 */
export async function recordPayment(
  deps: RecordPaymentDeps,
  caseId: string,
  request: PaymentRequest,
  at: string,
): Promise<PaymentOutcome> {
  if (parseIso(request.paidAt) > parseIso(at) + ALLOWED_CLOCK_SKEW_MS) {
    throw new InvalidRequestError('The payment is dated in the future.', [
      { path: 'paidAt', message: `must not be after the time of the request (${at})` },
    ]);
  }
  const input = {
    paymentId: request.paymentId,
    amount: request.amount,
    paidAt: toIso(parseIso(request.paidAt)),
  };
  const { record } = await updateCase(deps.cases, caseId, (current) => {
    const next = applyPayment(current, input, at, policyOf(current));
    return { next: next && withRefundNotice(next, request.paymentId), result: undefined };
  });

  const payment = record.payments.find((candidate) => candidate.paymentId === request.paymentId);
  if (payment) await deps.timeline.append(caseId, paymentEntries(record, payment));
  await wakeWorkflow(deps.workflow, record);
  // Only for the payment that resolved it: a later overpayment on the case starts nothing.
  const resolvedIt = payment?.effects?.some((effect) => effect.kind === 'CASE_RESOLVED') ?? false;
  if (resolvedIt) await closeRecoveredCase(deps, record, at);
  const correction = payment ? correctionOf(payment) : null;
  // The record just read or written tells whether there is anything to claim; the claim re-reads.
  if (record.payments.some((candidate) => isClaimable(candidate, at)))
    await announceRefundsDue(deps, caseId, at);
  return { view: viewOf(record, at, policyOf(record)), correction };
}
