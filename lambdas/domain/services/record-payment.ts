import {
  type AppliedPayment,
  balanceOf,
  type CaseRecord,
  type CaseView,
  closeRecord,
  isActive,
  viewOf,
} from '../case';
import { CaseStateConflictError, InvalidRequestError } from '../errors';
import type { CaseRepository, CaseWorkflow, TimelineRepository } from '../ports';
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
}

/** What was paid at or after `since`. */
function paidSince(record: CaseRecord, since: string): number {
  return record.payments
    .filter((payment) => payment.paidAt >= since)
    .reduce((sum, payment) => sum + payment.amount, 0);
}

/** How far ahead of the request a payment time may be (clock skew between systems). */
const ALLOWED_CLOCK_SKEW_MS = 5 * 60_000;

/** The timeline facts of one applied payment, derived from the stored case so a retry rewrites them exactly. */
function paymentEntries(record: CaseRecord, payment: AppliedPayment): TimelineEntry[] {
  const entries: TimelineEntry[] = [
    {
      eventId: `payment:${payment.paymentId}`,
      at: payment.paidAt,
      type: 'PAYMENT_RECEIVED',
      detail: { paymentId: payment.paymentId, amount: payment.amount, currency: record.currency },
    },
  ];
  if (payment.excess > 0) {
    entries.push({
      eventId: `overpayment:${payment.paymentId}`,
      at: payment.paidAt,
      type: 'OVERPAYMENT_FOR_REFUND',
      detail: { paymentId: payment.paymentId, excess: payment.excess, currency: record.currency },
    });
  }
  if (record.resolution === 'PAID' && record.closedAt !== null && record.payments.at(-1) === payment) {
    entries.push({
      eventId: 'case-resolved',
      at: record.closedAt,
      type: 'CASE_RESOLVED',
      detail: { resolution: 'PAID', paymentId: payment.paymentId },
    });
  }
  return entries;
}

/**
 * Applies a payment once (by `paymentId`). Paying the whole outstanding amount resolves the case at
 * once and wakes the workflow; a part payment lowers `outstanding` and leaves the ladder where it is.
 * A WRITTEN_OFF case paid in full is RESOLVED / PAID as well, and its closing runs in a new execution
 * (`<caseId>-recovered`): the credit report must be settled within a business day (POLICY.md).
 */
export async function recordPayment(
  deps: RecordPaymentDeps,
  caseId: string,
  request: PaymentRequest,
  at: string,
): Promise<CaseView> {
  if (parseIso(request.paidAt) > parseIso(at) + ALLOWED_CLOCK_SKEW_MS) {
    throw new InvalidRequestError('The payment is dated in the future.', [
      { path: 'paidAt', message: `must not be after the time of the request (${at})` },
    ]);
  }
  const paidAt = toIso(parseIso(request.paidAt));
  const { record } = await updateCase(deps.cases, caseId, (current) => {
    const earlier = current.payments.find((payment) => payment.paymentId === request.paymentId);
    if (earlier) {
      // The same payment again changes nothing; another payment under a used id is the caller's mistake.
      if (earlier.amount === request.amount.amount && earlier.paidAt === paidAt)
        return { next: null, result: undefined };
      throw new CaseStateConflictError(
        `Payment ${request.paymentId} was already applied to case ${caseId} with another amount or date.`,
      );
    }
    if (current.status === 'CANCELLED') {
      throw new CaseStateConflictError(`Case ${caseId} was cancelled; a payment cannot be applied to it.`);
    }
    if (request.amount.currency !== current.currency) {
      throw new InvalidRequestError('Payment currency differs from the case.', [
        { path: 'amount.currency', message: `must be ${current.currency}, the currency of the case` },
      ]);
    }
    const policy = policyOf(current);
    // Fees count up to the payment's own time, not to when the platform reported it. They accrue
    // while PROMISED (POLICY.md), but a kept promise settles the case for the amount promised: the
    // fees since the promise are waived then, never charged as an overpayment either.
    const reported = paidAt < at ? paidAt : at;
    const owedNow = Math.max(0, balanceOf(current, reported, policy));
    const promise = current.status === 'PROMISED' ? current.promise : null;
    const keepsPromise =
      promise !== null &&
      paidAt <= promise.keepBy &&
      paidSince(current, promise.madeAt) + request.amount.amount >= promise.amount;
    const asOf = keepsPromise && promise && request.amount.amount < owedNow ? promise.madeAt : reported;
    const owed = asOf === reported ? owedNow : Math.max(0, balanceOf(current, asOf, policy));
    const applied: AppliedPayment = {
      paymentId: request.paymentId,
      amount: request.amount.amount,
      paidAt,
      excess: Math.max(0, request.amount.amount - owed),
    };
    const paidUp = {
      ...current,
      paid: current.paid + applied.amount,
      payments: [...current.payments, applied],
      updatedAt: at,
    };
    // A written-off case paid in full is resolved too (its closing runs in a new execution); a
    // part payment on it is only recorded, as is any payment on a RESOLVED case.
    const next =
      isActive(current) && applied.amount >= owed
        ? closeRecord(paidUp, 'RESOLVED', 'PAID', at, asOf)
        : current.status === 'WRITTEN_OFF' && applied.amount >= owed
          ? { ...closeRecord(paidUp, 'RESOLVED', 'PAID', at, asOf), writtenOffAt: current.closedAt }
          : paidUp;
    return { next, result: undefined };
  });

  const payment = record.payments.find((candidate) => candidate.paymentId === request.paymentId);
  if (payment) await deps.timeline.append(caseId, paymentEntries(record, payment));
  await wakeWorkflow(deps.workflow, record);
  // Only for the payment that resolved it: a later overpayment on the case starts nothing.
  if (payment && record.resolution === 'PAID' && record.payments.at(-1) === payment)
    await closeRecoveredCase(deps.workflow, record);
  return viewOf(record, at, policyOf(record));
}
