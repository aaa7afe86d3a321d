import type { Policy } from './policy';
import { MS_PER_DAY, parseIso } from './time';

/**
 * A stretch of time in which the late fee accrues (the case was OPEN or PROMISED). `to` is null while
 * it still runs. Kept as history, not as a running total, so the fee can be priced as of any past
 * instant: a payment reported late is priced to its own date, and a plan honoured late can take back
 * the time it was wrongly counted as broken.
 */
export interface AccrualPeriod {
  from: string;
  to: string | null;
}

/** What the fee calculation needs to know about a case. */
export interface FeeState {
  amountDue: number;
  feeAccrual: AccrualPeriod[];
}

/** Milliseconds of accrual up to `at`. Part days carry across freezes: only the total is cut to days. */
export function accruedMs(state: Pick<FeeState, 'feeAccrual'>, at: string): number {
  const until = parseIso(at);
  let total = 0;
  for (const period of state.feeAccrual) {
    const end = Math.min(period.to === null ? until : parseIso(period.to), until);
    total += Math.max(0, end - parseIso(period.from));
  }
  return total;
}

/** Whole overdue days that count towards the late fee as of `at`. */
export function feeDaysAt(state: Pick<FeeState, 'feeAccrual'>, at: string): number {
  return Math.floor(accruedMs(state, at) / MS_PER_DAY);
}

/**
 * Late fee as of `at`: `basisPointsPerDay` of `amountDue` per whole day of accrual, rounded down once on
 * the total (not per day, which would under-charge every day by up to a minor unit), capped at
 * `capPercentOfAmountDue` of `amountDue`.
 */
export function lateFeeAt(state: FeeState, at: string, policy: Pick<Policy, 'lateFee'>): number {
  const { basisPointsPerDay } = policy.lateFee;
  const fee = Math.floor((state.amountDue * basisPointsPerDay * feeDaysAt(state, at)) / 10_000);
  return Math.min(fee, feeCap(state, policy));
}

export function feeCap(state: Pick<FeeState, 'amountDue'>, policy: Pick<Policy, 'lateFee'>): number {
  return Math.floor((state.amountDue * policy.lateFee.capPercentOfAmountDue) / 100);
}

/** Stops accrual at `at` (no-op while already frozen). */
export function stopAccrual(state: Pick<FeeState, 'feeAccrual'>, at: string): AccrualPeriod[] {
  return state.feeAccrual.map((period) => (period.to === null ? { from: period.from, to: at } : period));
}

/** Restarts accrual at `at` (no-op while already accruing). */
export function startAccrual(state: Pick<FeeState, 'feeAccrual'>, at: string): AccrualPeriod[] {
  if (state.feeAccrual.some((period) => period.to === null)) return state.feeAccrual;
  return [...state.feeAccrual, { from: at, to: null }];
}

export const isAccruing = (state: Pick<FeeState, 'feeAccrual'>): boolean =>
  state.feeAccrual.some((period) => period.to === null);
