import {
  type AppliedPayment,
  type CaseRecord,
  closeRecord,
  type EndedPromise,
  endArrangements,
  isActive,
  type PaymentEffect,
  type PaymentPlan,
  type PromiseToPay,
  pauseLadder,
  withStatus,
} from './case';
import { CaseStateConflictError, InvalidRequestError } from './errors';
import {
  amountsOf,
  isWholePromise,
  type PolicyFees,
  paidTowards,
  planPaidBy,
  promiseWindowEnd,
  type Settlement,
  settledBeforeItsDispute,
  settlementOf,
} from './ledger';
import type { Money } from './money';
import { MS_PER_DAY, parseIso, toIso } from './time';

/**
 * Applying one payment to a case (pure): the rules of ledger.ts decide what it settles; here is what
 * it changes. Besides lowering the debt, a payment dated in time honours the arrangement it was for,
 * even when it is reported after the grace check:
 * - a promise of a part, once paid, ends kept: the ladder resumes where it stood (no fee waived);
 * - a promise of the whole amount, once paid, settles the case for the amount promised;
 * - a plan found broken is honoured if the missed instalment was in fact paid in time: the fees
 *   counted since the break are taken back, and the plan stands again if the case is still OPEN or
 *   PROMISED;
 * - a returned case whose payments had settled it before the device came back is resolved as PAID.
 */

/** How far ahead of the request a payment's date may be (clock skew between systems). */
export const ALLOWED_CLOCK_SKEW_MS = 5 * 60_000;

export interface PaymentInput {
  paymentId: string;
  amount: Money;
  /** The date the request states (normalised ISO), at most `ALLOWED_CLOCK_SKEW_MS` ahead of it. */
  paidAt: string;
}

/**
 * The date a stored payment's request stated. Records from before `statedPaidAt` was kept hold only
 * the date taken: a payment dated at its report may have stated a date up to the skew ahead of it.
 */
function statedDateMatches(earlier: AppliedPayment, stated: string): boolean {
  if (earlier.statedPaidAt !== undefined) return earlier.statedPaidAt === stated;
  if (earlier.paidAt === stated) return true;
  const reportedAt = earlier.reportedAt;
  return (
    reportedAt !== undefined &&
    earlier.paidAt === reportedAt &&
    stated > reportedAt &&
    parseIso(stated) <= parseIso(reportedAt) + ALLOWED_CLOCK_SKEW_MS
  );
}

/** The same payment again (null: change nothing), or a conflict when the id was used otherwise. */
function replayOf(current: CaseRecord, input: PaymentInput): null | undefined {
  const earlier = current.payments.find((payment) => payment.paymentId === input.paymentId);
  if (!earlier) return undefined;
  const sameCurrency = (earlier.currency ?? current.currency) === input.amount.currency;
  if (earlier.amount === input.amount.amount && sameCurrency && statedDateMatches(earlier, input.paidAt))
    return null;
  throw new CaseStateConflictError(
    `Payment ${input.paymentId} was already applied to case ${current.caseId} with another amount, currency or date.`,
  );
}

/** The first instalment whose grace ended by `at` with the plan's payments dated by then short of it. */
function firstMissedInstalment(record: CaseRecord, plan: PaymentPlan, graceMs: number, at: string) {
  let covers = 0;
  for (const installment of plan.installments) {
    covers += installment.amount;
    const checkAt = toIso(parseIso(installment.dueAt) + graceMs);
    if (checkAt > at) return null;
    if (planPaidBy(record, plan, checkAt) < covers) return { checkAt, covers };
  }
  return null;
}

/**
 * A plan found broken whose missed instalment this payment (dated in time) covers is honoured: the fee
 * accrual the break started is taken back, whatever ended it since. If a later instalment's grace has
 * also ended unpaid meanwhile, the plan broke there instead (the fees count from then). Otherwise, if
 * the case is OPEN (or PROMISED by a promise made since the break, which the plan replaces again), the
 * plan stands again; in any other status (disputed, at law, closed) only the fees are put right (a case
 * resolved since may turn out to have been settled by the plan).
 */
function honourBrokenPlan(record: CaseRecord, payment: AppliedPayment, at: string, graceMs: number) {
  const broken = record.brokenPlan;
  if (!broken || payment.paidAt > broken.checkAt || broken.plan.type !== 'INSTALLMENTS') return null;
  if (planPaidBy(record, broken.plan, broken.checkAt) < broken.covers) return null;
  const started = record.feeAccrual.find((period) => period.from === broken.brokenAt);
  const feeAccrual = record.feeAccrual.filter((period) => period !== started);
  const effects: PaymentEffect[] = [{ kind: 'PLAN_HONOURED', brokenAt: broken.brokenAt }];
  const later = firstMissedInstalment(record, broken.plan, graceMs, at);
  if (later) {
    effects.push({ kind: 'PLAN_BROKEN', brokenAt: later.checkAt });
    const end = started ? started.to : undefined;
    // The time from the later grace end on was counted rightly, as far as the first break's accrual ran.
    const counted =
      end === undefined || (end !== null && end <= later.checkAt) ? [] : [{ from: later.checkAt, to: end }];
    const rebroken: CaseRecord = {
      ...record,
      feeAccrual: [...feeAccrual, ...counted],
      brokenPlan: { ...broken, brokenAt: later.checkAt, checkAt: later.checkAt, covers: later.covers },
    };
    return { record: rebroken, effects };
  }
  const standsAgain =
    record.status === 'OPEN' ||
    (record.status === 'PROMISED' && record.promise !== null && record.promise.madeAt >= broken.brokenAt);
  if (!standsAgain) {
    // A case paid in full since keeps the plan as what may have settled it (with its waiver, if any).
    const plan = record.status === 'RESOLVED' ? broken.plan : record.plan;
    return { record: { ...record, feeAccrual, plan, brokenPlan: null }, effects };
  }
  const reinstated: CaseRecord = {
    ...endArrangements(record, at),
    status: 'ON_PLAN',
    plan: broken.plan,
    brokenPlan: null,
    feeAccrual,
    ladder: pauseLadder(record, at),
  };
  return { record: reinstated, effects };
}

/** Promises of a part that the payments counting towards them now cover end (or are marked) kept. */
function keepPartPromises(record: CaseRecord, at: string): { record: CaseRecord; effects: PaymentEffect[] } {
  const effects: PaymentEffect[] = [];
  let next = record;
  const active = record.status === 'PROMISED' ? record.promise : null;
  if (active && !isWholePromise(record, active) && paidTowards(record, active) >= active.amount) {
    next = withStatus(endArrangements(record, at, 'KEPT'), 'OPEN', at);
    effects.push({ kind: 'PROMISE_KEPT', promiseMadeAt: active.madeAt, late: false });
  }
  const pastPromises = next.pastPromises.map((promise) => {
    if (promise.outcome !== 'BROKEN' || isWholePromise(next, promise)) return promise;
    if (paidTowards(next, promise) < promise.amount) return promise;
    effects.push({ kind: 'PROMISE_KEPT', promiseMadeAt: promise.madeAt, late: true });
    return { ...promise, outcome: 'KEPT' as const };
  });
  return { record: { ...next, pastPromises }, effects };
}

/** The whole-amount promise a settlement by promise kept: the one in force, or one that had ended. */
function keepSettlingPromise(
  record: CaseRecord,
  settlement: Settlement,
  at: string,
): { record: CaseRecord; effects: PaymentEffect[] } {
  const keeps = (promise: PromiseToPay | EndedPromise) =>
    promise.settlesFor === settlement.amount &&
    isWholePromise(record, promise) &&
    settlement.asOf <= promiseWindowEnd(promise);
  if (record.promise && keeps(record.promise)) {
    const promise = record.promise;
    return {
      record: endArrangements(record, at, 'KEPT'),
      effects: [{ kind: 'PROMISE_KEPT', promiseMadeAt: promise.madeAt, late: false }],
    };
  }
  const kept = record.pastPromises.find((promise) => keeps(promise));
  // Already recorded as kept (a promise of a part that a late-reported earlier payment made whole).
  if (!kept || kept.outcome === 'KEPT') return { record, effects: [] };
  return {
    record: {
      ...record,
      pastPromises: record.pastPromises.map((promise) =>
        promise === kept ? { ...promise, outcome: 'KEPT' as const } : promise,
      ),
    },
    effects: [{ kind: 'PROMISE_KEPT', promiseMadeAt: kept.madeAt, late: kept.outcome === 'BROKEN' }],
  };
}

/** An active or written-off case the payments now settle is RESOLVED / PAID as of the settlement. */
function resolveIfSettled(record: CaseRecord, at: string, policy: PolicyFees) {
  const settlement = settlementOf(record, policy);
  if (!settlement) return null;
  const promise =
    settlement.by === 'PROMISE' ? keepSettlingPromise(record, settlement, at) : { record, effects: [] };
  const writtenOff = record.status === 'WRITTEN_OFF';
  const resolved: CaseRecord = {
    ...closeRecord(promise.record, 'RESOLVED', 'PAID', at, settlement.asOf),
    ...(writtenOff ? { writtenOffAt: record.closedAt } : {}),
  };
  return { record: resolved, effects: [...promise.effects, { kind: 'CASE_RESOLVED' } as const] };
}

/**
 * A returned case whose payments dated up to the return (this one among them) had settled it by then
 * was paid before the device came back: it is RESOLVED / PAID, as it would have been had the payment
 * been reported first (the return would have been refused).
 */
function correctReturnedCase(record: CaseRecord, payment: AppliedPayment, at: string, policy: PolicyFees) {
  const returnedAt = record.returnedAt;
  if (record.status !== 'RESOLVED' || record.resolution !== 'RETURNED' || !returnedAt) return null;
  if (payment.paidAt > returnedAt) return null;
  const settlement = settlementOf(record, policy);
  if (!settlement || settlement.asOf > returnedAt) return null;
  const promise =
    settlement.by === 'PROMISE' ? keepSettlingPromise(record, settlement, at) : { record, effects: [] };
  const effect: PaymentEffect = { kind: 'RESOLUTION_CORRECTED', from: 'RETURNED', to: 'PAID' };
  return {
    record: { ...promise.record, resolution: 'PAID' as const },
    effects: [...promise.effects, effect],
  };
}

/**
 * Applies one payment to `current` as reported at `at`. Returns null for the same payment again;
 * throws a conflict for a used `paymentId` with another amount, currency or date, and a 400 for a
 * payment in another currency.
 */
export function applyPayment(
  current: CaseRecord,
  input: PaymentInput,
  at: string,
  policy: PolicyFees & { promise: { graceDays: number } },
): CaseRecord | null {
  const graceMs = policy.promise.graceDays * MS_PER_DAY;
  const replay = replayOf(current, input);
  if (replay === null) return null;
  if (input.amount.currency !== current.currency) {
    throw new InvalidRequestError('Payment currency differs from the case.', [
      { path: 'amount.currency', message: `must be ${current.currency}, the currency of the case` },
    ]);
  }
  const before = amountsOf(current, at, policy);
  // A date a little ahead of the request (clock skew) is taken as the request's time.
  const paidAt = input.paidAt < at ? input.paidAt : at;
  const payment: AppliedPayment = {
    paymentId: input.paymentId,
    amount: input.amount.amount,
    currency: input.amount.currency,
    paidAt,
    ...(paidAt !== input.paidAt ? { statedPaidAt: input.paidAt } : {}),
    reportedAt: at,
    excess: 0,
  };
  let next: CaseRecord = {
    ...current,
    paid: current.paid + payment.amount,
    payments: [...current.payments, payment],
    updatedAt: at,
  };
  const effects: PaymentEffect[] = [];
  for (const step of [
    (record: CaseRecord) => honourBrokenPlan(record, payment, at, graceMs),
    (record: CaseRecord) => keepPartPromises(record, at),
    (record: CaseRecord) =>
      settledBeforeItsDispute(record)
        ? null
        : isActive(record) || record.status === 'WRITTEN_OFF'
          ? resolveIfSettled(record, at, policy)
          : correctReturnedCase(record, payment, at, policy),
  ]) {
    const changed = step(next);
    if (!changed) continue;
    next = changed.record;
    effects.push(...changed.effects);
  }

  const after = amountsOf(next, at, policy);
  const refundGrowth = after.refundDue - before.refundDue;
  const wasResolved = current.status === 'RESOLVED';
  if (
    refundGrowth > payment.amount ||
    (wasResolved && (after.fees !== before.fees || refundGrowth !== payment.amount))
  ) {
    effects.push({
      kind: 'SETTLEMENT_CORRECTED',
      fees: { before: before.fees, after: after.fees },
      refundDue: { before: before.refundDue, after: after.refundDue },
    });
  }
  const recorded: AppliedPayment = {
    ...payment,
    // Never more of it than it is: what else the refund grew by is the settlement's correction.
    excess: Math.min(payment.amount, Math.max(0, refundGrowth)),
    ...(effects.length ? { effects } : {}),
  };
  return { ...next, payments: [...next.payments.slice(0, -1), recorded] };
}
