import type { Policy } from './policy';
import { wholeDaysBetween } from './time';

/** What the fee calculation needs to know about a case. */
export interface FeeState {
  amountDue: number;
  /** Whole overdue days already counted in earlier accrual periods (before a freeze). */
  feeDays: number;
  /** Start of the current accrual period, or null while fees are frozen. */
  feeAccruingSince: string | null;
}

/** Whole overdue days that count towards the late fee as of `at`. */
export function feeDaysAt(state: FeeState, at: string): number {
  return state.feeDays + (state.feeAccruingSince ? wholeDaysBetween(state.feeAccruingSince, at) : 0);
}

/**
 * Late fee as of `at`: `basisPointsPerDay` of `amountDue` per whole day overdue, rounded down once on
 * the total (not per day, which would under-charge every day by up to a minor unit), capped at
 * `capPercentOfAmountDue` of `amountDue`.
 */
export function lateFeeAt(state: FeeState, at: string, policy: Pick<Policy, 'lateFee'>): number {
  const { basisPointsPerDay, capPercentOfAmountDue } = policy.lateFee;
  const fee = Math.floor((state.amountDue * basisPointsPerDay * feeDaysAt(state, at)) / 10_000);
  const cap = Math.floor((state.amountDue * capPercentOfAmountDue) / 100);
  return Math.min(fee, cap);
}

/** Stops accrual at `at`, keeping the whole days counted so far. */
export function freezeFees(state: FeeState, at: string): Pick<FeeState, 'feeDays' | 'feeAccruingSince'> {
  if (state.feeAccruingSince === null) return { feeDays: state.feeDays, feeAccruingSince: null };
  return { feeDays: feeDaysAt(state, at), feeAccruingSince: null };
}

/** Restarts accrual at `at` (no-op while already accruing). */
export function resumeFees(state: FeeState, at: string): Pick<FeeState, 'feeDays' | 'feeAccruingSince'> {
  return { feeDays: state.feeDays, feeAccruingSince: state.feeAccruingSince ?? at };
}
