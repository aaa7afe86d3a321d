import type { AppliedPayment, CaseRecord, EndedPromise, PaymentPlan, PromiseToPay } from './case';
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
 *   they are reported after the grace check. Whether it is of the whole amount is decided from the
 *   payments known now, so it does not depend on the order they were reported in.
 * - An instalment plan settles the case for what was paid before it plus its total once the payments
 *   reach that (a plan agreed while a promise of the whole amount stood carries the promise's waiver).
 * - A case closed by a return or an upheld dispute owes nothing: everything received is due back.
 */

export type PolicyFees = Pick<Policy, 'lateFee'>;

export interface Settlement {
  /** What the case was settled for: the debt it owed (the rest of what was received is refunded). */
  amount: number;
  /** The date of the payment that completed it. */
  asOf: string;
  by: 'PAYMENTS' | 'PROMISE' | 'PLAN';
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
  | 'amountDue'
  | 'feeAccrual'
  | 'payments'
  | 'paid'
  | 'status'
  | 'resolution'
  | 'promise'
  | 'pastPromises'
  | 'plan'
  | 'dispute'
>;

export const debtAt = (
  record: Pick<CaseRecord, 'amountDue' | 'feeAccrual'>,
  at: string,
  policy: PolicyFees,
) => record.amountDue + lateFeeAt(record, at, policy);

/** What the payments dated by `date` add up to. */
export function paidBy(payments: readonly AppliedPayment[], date: string): number {
  return payments
    .filter((payment) => payment.paidAt <= date)
    .reduce((sum, payment) => sum + payment.amount, 0);
}

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
 * Whether a promise is of the whole amount: for all that was owed when it was made (`settlesFor`, the
 * debt then) less the payments dated by then, as far as they are known now. A payment dated before the
 * promise but reported after it can make a promise of a part whole, as it would have been had the
 * payment been reported first; it never makes a whole promise a part.
 */
export const isWholePromise = (
  record: Pick<CaseRecord, 'payments'>,
  promise: PromiseToPay | EndedPromise,
): boolean => promise.amount >= promise.settlesFor - paidBy(record.payments, promise.madeAt);

/**
 * What the payments that count towards a promise add up to: those dated after it was made (the ones
 * dated by then were paid before it) and by the end of its window.
 */
export function paidTowards(
  record: Pick<CaseRecord, 'payments'>,
  promise: PromiseToPay | EndedPromise,
): number {
  const end = promiseWindowEnd(promise);
  return record.payments
    .filter((payment) => payment.paidAt > promise.madeAt && payment.paidAt <= end)
    .reduce((sum, payment) => sum + payment.amount, 0);
}

/**
 * What an instalment plan settles the case for once its payments reach it: what was paid before it
 * plus its total (for a plan agreed while a promise of the whole amount stood, the promise's amount,
 * the waiver with it). Null for an extended return, which settles nothing by payment.
 */
export function planSettlesFor(plan: PaymentPlan): number | null {
  if (plan.type !== 'INSTALLMENTS') return null;
  return plan.paidBefore + plan.installments.reduce((sum, installment) => sum + installment.amount, 0);
}

/** What the plan's payments (beyond what was paid when it was agreed) add up to by `date`. */
export const planPaidBy = (record: Pick<CaseRecord, 'payments'>, plan: PaymentPlan, date: string): number =>
  paidBy(record.payments, date) - plan.paidBefore;

/**
 * The plan that may settle the case: the one in force, or the one that settled it. A plan broken,
 * replaced or ended by a dispute or write-off is gone from the record, and its waiver with it.
 */
const settlingPlan = (record: LedgerRecord): PaymentPlan | null =>
  record.status === 'ON_PLAN' || record.status === 'RESOLVED' ? record.plan : null;

/**
 * What settles the case, if anything yet: the payments covering the debt by some date, a promise of
 * the whole amount kept by its grace end, or an instalment plan paid up; the cheapest for the customer
 * when several do.
 */
export function settlementOf(record: LedgerRecord, policy: PolicyFees): Settlement | null {
  const candidates: Settlement[] = [];
  const byPayments = firstCover(record.payments, (date) => debtAt(record, date, policy));
  if (byPayments) candidates.push({ amount: byPayments.target, asOf: byPayments.date, by: 'PAYMENTS' });
  for (const promise of promisesOf(record)) {
    if (!isWholePromise(record, promise)) continue;
    const kept = firstCover(record.payments, () => promise.settlesFor, promiseWindowEnd(promise));
    if (kept) candidates.push({ amount: promise.settlesFor, asOf: kept.date, by: 'PROMISE' });
  }
  const plan = settlingPlan(record);
  const planAmount = plan ? planSettlesFor(plan) : null;
  if (planAmount !== null) {
    const paidUp = firstCover(record.payments, () => planAmount);
    if (paidUp) candidates.push({ amount: planAmount, asOf: paidUp.date, by: 'PLAN' });
  }
  candidates.sort((a, b) => a.amount - b.amount || (a.asOf < b.asOf ? -1 : a.asOf > b.asOf ? 1 : 0));
  return candidates[0] ?? null;
}

/**
 * The resolution of a case paid or returned before and disputed since (its credit report was still
 * filed): it is settled already, so a payment now is only money due back, and its money stands as it
 * was closed until the ruling. Null for any other case.
 */
export function settledBeforeItsDispute(
  record: Pick<CaseRecord, 'status' | 'dispute'>,
): 'PAID' | 'RETURNED' | null {
  const closedAs = record.status === 'DISPUTED' ? record.dispute?.closedBefore?.resolution : null;
  return closedAs === 'PAID' || closedAs === 'RETURNED' ? closedAs : null;
}

/** The case's fees, outstanding amount and refund as of `at` (docs/api.md's view and events). */
export function amountsOf(record: LedgerRecord, at: string, policy: PolicyFees): CaseAmounts {
  const fee = (when: string) => lateFeeAt(record, when, policy);
  const closedAs = settledBeforeItsDispute(record);
  if (closedAs) return amountsOf({ ...record, status: 'RESOLVED', resolution: closedAs }, at, policy);
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
      if (promise && isWholePromise(record, promise) && at <= promise.keepBy) {
        // While a promise of the whole amount can still be kept, what keeps it is what the case shows.
        return settledFor(record, promise.settlesFor);
      }
      const planAmount = record.status === 'ON_PLAN' && record.plan ? planSettlesFor(record.plan) : null;
      // While on an instalment plan, what it settles for is what the case shows.
      if (planAmount !== null) return settledFor(record, planAmount);
      const debt = debtAt(record, at, policy);
      return {
        fees: fee(at),
        outstanding: Math.max(0, debt - record.paid),
        refundDue: Math.max(0, record.paid - debt),
      };
    }
  }
}

/** The amounts of a case that owes `amount` in all (amount due and fees), whatever the fee runs to. */
const settledFor = (record: LedgerRecord, amount: number): CaseAmounts => ({
  fees: amount - record.amountDue,
  outstanding: Math.max(0, amount - record.paid),
  refundDue: Math.max(0, record.paid - amount),
});
