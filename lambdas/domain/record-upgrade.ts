import type { CaseRecord, EndedPromise, PromiseToPay } from './case';
import type { AccrualPeriod } from './fees';
import { debtAt, paidBy } from './ledger';
import { findPolicy } from './policy';
import { MS_PER_DAY, parseIso, toIso } from './time';

/**
 * Cases stored by earlier builds, brought to the current shape when read (pure; the repository calls
 * it on every read, so nothing else sees an old shape, and the next write stores the new one):
 * - fees kept as whole days counted (`feeDays`) plus the start of the running period
 *   (`feeAccruingSince`): the days become one period from the due date, the running part another;
 * - no promise history (`pastPromises`) or broken plan (`brokenPlan`): none;
 * - a promise without `settlesFor`: promises were all of the outstanding amount then, so it settles
 *   for what it promised plus what was paid by the time it was made (whole by construction);
 * - a promise of a part stored with `settlesFor: null`: the debt when it was made.
 */

interface StoredFees {
  feeAccrual?: AccrualPeriod[];
  feeDays?: number;
  feeAccruingSince?: string | null;
}

type StoredPromise = Omit<PromiseToPay, 'settlesFor'> & { settlesFor?: number | null };

export type StoredCaseRecord = Omit<CaseRecord, 'feeAccrual' | 'pastPromises' | 'brokenPlan' | 'promise'> &
  StoredFees & {
    promise: StoredPromise | null;
    pastPromises?: Array<StoredPromise & Pick<EndedPromise, 'outcome' | 'endedAt'>>;
    brokenPlan?: CaseRecord['brokenPlan'];
  };

function accrualOf(stored: StoredFees & Pick<CaseRecord, 'dueAt'>): AccrualPeriod[] {
  if (Array.isArray(stored.feeAccrual)) return stored.feeAccrual;
  const counted = stored.feeDays ?? 0;
  const periods: AccrualPeriod[] =
    counted > 0 ? [{ from: stored.dueAt, to: toIso(parseIso(stored.dueAt) + counted * MS_PER_DAY) }] : [];
  if (stored.feeAccruingSince) periods.push({ from: stored.feeAccruingSince, to: null });
  return periods;
}

export function upgradeCaseRecord(stored: StoredCaseRecord): CaseRecord {
  const current =
    Array.isArray(stored.feeAccrual) &&
    Array.isArray(stored.pastPromises) &&
    stored.brokenPlan !== undefined &&
    [stored.promise, ...stored.pastPromises].every(
      (promise) => promise === null || typeof promise.settlesFor === 'number',
    );
  if (current) return stored as CaseRecord;

  const { feeDays: _feeDays, feeAccruingSince: _feeAccruingSince, ...rest } = stored;
  const feeAccrual = accrualOf(stored);
  const base = { ...rest, feeAccrual };
  const settled = <T extends StoredPromise>(promise: T): T & { settlesFor: number } => {
    if (typeof promise.settlesFor === 'number') return { ...promise, settlesFor: promise.settlesFor };
    if (promise.settlesFor === undefined)
      return { ...promise, settlesFor: promise.amount + paidBy(stored.payments, promise.madeAt) };
    const policy = findPolicy(stored.policyId);
    if (!policy)
      throw new Error(`case ${stored.caseId} uses policy ${stored.policyId}, which this build lacks`);
    return { ...promise, settlesFor: debtAt(base, promise.madeAt, policy) };
  };
  return {
    ...base,
    promise: stored.promise ? settled(stored.promise) : null,
    pastPromises: (stored.pastPromises ?? []).map(settled),
    brokenPlan: stored.brokenPlan ?? null,
  };
}
