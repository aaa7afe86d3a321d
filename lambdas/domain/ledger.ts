import type { AppliedPayment, CaseRecord, EndedPromise, PromiseToPay } from './case';
import { lateFeeAt } from './fees';
import type { Policy } from './policy';

/**
 * The money of a case, derived from what is stored (amount due, accrual history, payments with their
 * own dates, promises), never kept as running totals: so the same payments give the same case in
 * whatever order they are reported, and a payment reported late is priced as of its own date.
 *
 * - The debt as of `t` is `amountDue` + the late fee as of `t` (fees.ts).
 * - Payments count by their date. The debt is paid in full at the first payment date by which the
 *   payments dated up to then cover the debt as of then: fees stop there, and whatever else was
 *   received (earlier or later) is due back to the customer.
 * - A promise of the whole outstanding settles the case for what was owed when it was made (the fees
 *   since are waived) if the payments dated by the promise's grace end reach that amount, even when
 *   they are reported after the grace check.
 * - A case closed by a return or an upheld dispute owes nothing: everything received is due back.
 */

export type PolicyFees = Pick<Policy, 'lateFee'>;

export interface Settlement {
  /** What the case was settled for: the debt it owed (the rest of what was received is refunded). */
  amount: number;
  /** The date of the payment that completed it. */
  asOf: string;
  by: 'PAYMENTS' | 'PROMISE';
}

export interface CaseAmounts {
  /** The late fee the case carries (for a settled case: the fee it was settled with). */
  fees: number;
  /** What the customer still owes; 0 once closed by payment, return or an upheld dispute. */
  outstanding: number;
  /** What was received beyond what is owed, for the platform to refund. */
  refundDue: number;
}

export type LedgerRecord = Pick<
  CaseRecord,
  'amountDue' | 'feeAccrual' | 'payments' | 'paid' | 'status' | 'resolution' | 'promise' | 'pastPromises'
>;

export const debtAt = (record: LedgerRecord, at: string, policy: PolicyFees): number =>
  record.amountDue + lateFeeAt(record, at, policy);

/**
 * What an active case owes with every fee, whatever a promise of the whole amount would settle it for:
 * what a plan must add up to (a plan replaces the promise, and with it the promise's waiver).
 */
export const owedInFull = (record: LedgerRecord, at: string, policy: PolicyFees): number =>
  Math.max(0, debtAt(record, at, policy) - record.paid);

/** Payments in business order: by their own date, then by id (a stable order for one instant). */
export function paymentsByDate(payments: readonly AppliedPayment[]): AppliedPayment[] {
  return [...payments].sort((a, b) =>
    a.paidAt === b.paidAt ? (a.paymentId < b.paymentId ? -1 : 1) : a.paidAt < b.paidAt ? -1 : 1,
  );
}

/**
 * The first date at which the payments dated up to it reach `target(date)`, walking the payment dates
 * in order; null if they never do (or not by `until`).
 */
function firstCover(
  payments: readonly AppliedPayment[],
  target: (date: string) => number,
  until?: string,
): { date: string; target: number } | null {
  const ordered = paymentsByDate(payments);
  let total = 0;
  for (const [index, payment] of ordered.entries()) {
    if (until !== undefined && payment.paidAt > until) return null;
    total += payment.amount;
    // Several payments of one instant count together.
    if (ordered[index + 1]?.paidAt === payment.paidAt) continue;
    const owed = target(payment.paidAt);
    if (total >= owed) return { date: payment.paidAt, target: owed };
  }
  return null;
}

/**
 * Until when payments count towards a promise: its grace end, or when the customer replaced it (a plan,
 * a dispute), if that came first. A broken promise keeps its grace end: a payment dated within it and
 * reported after the check still keeps it.
 */
export function promiseWindowEnd(promise: PromiseToPay | EndedPromise): string {
  if ('outcome' in promise && promise.outcome === 'SUPERSEDED' && promise.endedAt < promise.keepBy)
    return promise.endedAt;
  return promise.keepBy;
}

/** Every promise the case ever had, the one in force first. */
export const promisesOf = (
  record: Pick<CaseRecord, 'promise' | 'pastPromises'>,
): Array<PromiseToPay | EndedPromise> => [
  ...(record.promise ? [record.promise] : []),
  ...record.pastPromises,
];

/**
 * What settles the case, if anything yet: the payments covering the debt by some date, or a promise
 * of the whole amount kept by its grace end; the cheaper for the customer when both do.
 */
export function settlementOf(record: LedgerRecord, policy: PolicyFees): Settlement | null {
  const candidates: Settlement[] = [];
  const byPayments = firstCover(record.payments, (date) => debtAt(record, date, policy));
  if (byPayments) candidates.push({ amount: byPayments.target, asOf: byPayments.date, by: 'PAYMENTS' });
  for (const promise of promisesOf(record)) {
    const settlesFor = promise.settlesFor;
    if (settlesFor === null) continue;
    const kept = firstCover(record.payments, () => settlesFor, promiseWindowEnd(promise));
    if (kept) candidates.push({ amount: settlesFor, asOf: kept.date, by: 'PROMISE' });
  }
  candidates.sort((a, b) => a.amount - b.amount || (a.asOf < b.asOf ? -1 : a.asOf > b.asOf ? 1 : 0));
  return candidates[0] ?? null;
}

/** What the payments dated within a promise's window (made … grace end) add up to. */
export function paidTowards(
  record: Pick<CaseRecord, 'payments'>,
  promise: PromiseToPay | EndedPromise,
): number {
  const end = promiseWindowEnd(promise);
  return record.payments
    .filter((payment) => payment.paidAt >= promise.madeAt && payment.paidAt <= end)
    .reduce((sum, payment) => sum + payment.amount, 0);
}

/** The case's fees, outstanding amount and refund as of `at` (API.md's view and events). */
export function amountsOf(record: LedgerRecord, at: string, policy: PolicyFees): CaseAmounts {
  const fee = (when: string) => lateFeeAt(record, when, policy);
  switch (record.status) {
    case 'RESOLVED': {
      if (record.resolution === 'RETURNED') return { fees: fee(at), outstanding: 0, refundDue: record.paid };
      // Closed as paid with no payments that settle it (a record written by hand): the debt as frozen.
      const settled = settlementOf(record, policy)?.amount ?? debtAt(record, at, policy);
      return {
        fees: settled - record.amountDue,
        outstanding: 0,
        refundDue: Math.max(0, record.paid - settled),
      };
    }
    case 'CANCELLED':
      // An upheld dispute: the debt was not owed.
      return { fees: fee(at), outstanding: 0, refundDue: record.paid };
    default: {
      const promise = record.status === 'PROMISED' ? record.promise : null;
      if (promise && promise.settlesFor !== null && at <= promise.keepBy) {
        // While a promise of the whole amount can still be kept, what keeps it is what the case shows.
        return {
          fees: promise.settlesFor - record.amountDue,
          outstanding: Math.max(0, promise.settlesFor - record.paid),
          refundDue: 0,
        };
      }
      const debt = debtAt(record, at, policy);
      return {
        fees: fee(at),
        outstanding: Math.max(0, debt - record.paid),
        refundDue: Math.max(0, record.paid - debt),
      };
    }
  }
}
