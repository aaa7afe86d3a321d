import type { CaseRecord } from '../case';
import { CaseNotFoundError, ConcurrentUpdateError } from '../errors';
import type { CaseRepository } from '../ports';

const MAX_ATTEMPTS = 5;

export interface CaseChange<T> {
  /** The new record, or null to leave the case as it is. */
  next: CaseRecord | null;
  result: T;
}

/**
 * Read-decide-write with optimistic locking: `decide` sees the current record and returns the next
 * one; if another writer got in first, the decision is taken again on the fresh record.
 */
export async function updateCase<T>(
  cases: CaseRepository,
  caseId: string,
  decide: (current: CaseRecord) => CaseChange<T>,
): Promise<{ record: CaseRecord; result: T; changed: boolean }> {
  for (let attempt = 0; attempt < MAX_ATTEMPTS; attempt++) {
    const current = await cases.get(caseId);
    if (!current) throw new CaseNotFoundError(caseId);
    const { next, result } = decide(current);
    if (next === null) return { record: current, result, changed: false };
    const versioned: CaseRecord = { ...next, version: current.version + 1 };
    if (await cases.replace(versioned)) return { record: versioned, result, changed: true };
  }
  throw new ConcurrentUpdateError(`case ${caseId} kept changing under ${MAX_ATTEMPTS} attempts to update it`);
}
