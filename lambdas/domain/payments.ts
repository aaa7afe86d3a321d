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
  type PolicyFees,
  paidTowards,
  promiseWindowEnd,
  type Settlement,
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
 * - a plan found broken stands again if the missed instalment was in fact paid in time (the fees
 *   counted since the break are taken back, the ladder pauses again).
 */

export interface PaymentInput {
  paymentId: string;
  amount: Money;
  paidAt: string;
}

/** The same payment again (null: change nothing), or a conflict when the id was used otherwise. */
function replayOf(current: CaseRecord, input: PaymentInput, paidAt: string): null | undefined {
  const earlier = current.payments.find((payment) => payment.paymentId === input.paymentId);
  if (!earlier) return undefined;
  const sameCurrency = (earlier.currency ?? current.currency) === input.amount.currency;
  if (earlier.amount === input.amount.amount && sameCurrency && earlier.paidAt === paidAt) return null;
  throw new CaseStateConflictError(
    `Payment ${input.paymentId} was already applied to case ${current.caseId} with another amount, currency or date.`,
  );
}

/** What the plan's payments (those since it was agreed) add up to by `date`. */
function planPaidBy(record: CaseRecord, plan: PaymentPlan, date: string): number {
  const paid = record.payments
    .filter((payment) => payment.paidAt <= date)
    .reduce((sum, payment) => sum + payment.amount, 0);
  return paid - plan.paidBefore;
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
 * A plan found broken whose missed instalment this payment (dated in time) covers stands again, as if
 * never broken: the fees counted since the break are taken back. If a later instalment's grace has
 * also ended unpaid meanwhile, the plan is broken there instead.
 */
function honourBrokenPlan(record: CaseRecord, payment: AppliedPayment, at: string, graceMs: number) {
  const broken = record.brokenPlan;
  if (!broken || payment.paidAt > broken.checkAt || broken.plan.type !== 'INSTALLMENTS') return null;
  if (planPaidBy(record, broken.plan, broken.checkAt) < broken.covers) return null;
  // The accrual the break started never should have run (it may have ended since: paid, written off).
  const started = record.feeAccrual.find((period) => period.from === broken.brokenAt);
  const feeAccrual = record.feeAccrual.filter((period) => period !== started);
  const effects: PaymentEffect[] = [{ kind: 'PLAN_HONOURED', brokenAt: broken.brokenAt }];
  const later = firstMissedInstalment(record, broken.plan, graceMs, at);
  if (later) {
    // A later instalment's grace ended unpaid too: the plan broke there instead.
    effects.push({ kind: 'PLAN_BROKEN', brokenAt: later.checkAt });
    const end = started?.to ?? null;
    const rebroken: CaseRecord = {
      ...record,
      feeAccrual:
        end !== null && end <= later.checkAt ? feeAccrual : [...feeAccrual, { from: later.checkAt, to: end }],
      brokenPlan: { ...broken, brokenAt: later.checkAt, checkAt: later.checkAt, covers: later.covers },
    };
    return { record: rebroken, effects };
  }
  if (record.status !== 'OPEN') {
    // Paid in full (or closed otherwise) since the break: only the fees are put right.
    return { record: { ...record, feeAccrual, brokenPlan: null }, effects };
  }
  const reinstated: CaseRecord = {
    ...record,
    status: 'ON_PLAN',
    plan: broken.plan,
    brokenPlan: null,
    feeAccrual,
    ladder: pauseLadder(record, at),
  };
  return { record: reinstated, effects };
}

/** Promises of a part that the payments dated within them now cover end (or are marked) kept. */
function keepPartPromises(record: CaseRecord, at: string): { record: CaseRecord; effects: PaymentEffect[] } {
  const effects: PaymentEffect[] = [];
  let next = record;
  const active = record.status === 'PROMISED' ? record.promise : null;
  if (active && active.settlesFor === null && paidTowards(record, active) >= active.amount) {
    next = { ...withStatus(endArrangements(record, at, 'KEPT'), 'OPEN', at), brokenPlan: null };
    effects.push({ kind: 'PROMISE_KEPT', promiseMadeAt: active.madeAt, late: false });
  }
  const pastPromises = next.pastPromises.map((promise) => {
    if (promise.outcome !== 'BROKEN' || promise.settlesFor !== null) return promise;
    if (paidTowards(next, promise) < promise.amount) return promise;
    effects.push({ kind: 'PROMISE_KEPT', promiseMadeAt: promise.madeAt, late: true });
    return { ...promise, outcome: 'KEPT' as const };
  });
  return { record: { ...next, pastPromises }, effects };
}

/** The whole-amount promise a settlement by promise kept: the one in force, or one found broken. */
function keepSettlingPromise(
  record: CaseRecord,
  settlement: Settlement,
  at: string,
): { record: CaseRecord; effect: PaymentEffect } {
  const keeps = (promise: PromiseToPay | EndedPromise) =>
    promise.settlesFor === settlement.amount && settlement.asOf <= promiseWindowEnd(promise);
  if (record.promise && keeps(record.promise)) {
    const promise = record.promise;
    return {
      record: endArrangements(record, at, 'KEPT'),
      effect: { kind: 'PROMISE_KEPT', promiseMadeAt: promise.madeAt, late: false },
    };
  }
  const kept = record.pastPromises.find((promise) => keeps(promise));
  if (!kept) return { record, effect: { kind: 'CASE_RESOLVED' } };
  return {
    record: {
      ...record,
      pastPromises: record.pastPromises.map((promise) =>
        promise === kept ? { ...promise, outcome: 'KEPT' as const } : promise,
      ),
    },
    effect: { kind: 'PROMISE_KEPT', promiseMadeAt: kept.madeAt, late: kept.outcome === 'BROKEN' },
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
  const paidAt = input.paidAt < at ? input.paidAt : at;
  const replay = replayOf(current, input, paidAt);
  if (replay === null) return null;
  if (input.amount.currency !== current.currency) {
    throw new InvalidRequestError('Payment currency differs from the case.', [
      { path: 'amount.currency', message: `must be ${current.currency}, the currency of the case` },
    ]);
  }
  const refundBefore = amountsOf(current, at, policy).refundDue;
  const payment: AppliedPayment = {
    paymentId: input.paymentId,
    amount: input.amount.amount,
    currency: input.amount.currency,
    paidAt,
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
  const honoured = honourBrokenPlan(next, payment, at, graceMs);
  if (honoured) {
    next = honoured.record;
    effects.push(...honoured.effects);
  }
  const kept = keepPartPromises(next, at);
  next = kept.record;
  effects.push(...kept.effects);

  const settlement = isActive(next) || next.status === 'WRITTEN_OFF' ? settlementOf(next, policy) : null;
  if (settlement) {
    if (settlement.by === 'PROMISE') {
      const promise = keepSettlingPromise(next, settlement, at);
      next = promise.record;
      if (promise.effect.kind === 'PROMISE_KEPT') effects.push(promise.effect);
    }
    const writtenOff = next.status === 'WRITTEN_OFF';
    next = {
      ...closeRecord(next, 'RESOLVED', 'PAID', at, settlement.asOf),
      ...(writtenOff ? { writtenOffAt: next.closedAt } : {}),
    };
    effects.push({ kind: 'CASE_RESOLVED' });
  }
  const excess = amountsOf(next, at, policy).refundDue - refundBefore;
  const recorded: AppliedPayment = { ...payment, excess, ...(effects.length ? { effects } : {}) };
  return { ...next, payments: [...next.payments.slice(0, -1), recorded] };
}
