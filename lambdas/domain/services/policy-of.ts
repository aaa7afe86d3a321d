import type { CaseRecord } from '../case';
import { findPolicy, type Policy } from '../policy';

/** The policy a case was opened under. A build that dropped it cannot handle the case safely. */
export function policyOf(record: Pick<CaseRecord, 'caseId' | 'policyId' | 'policyVersion'>): Policy {
  const policy = findPolicy(record.policyId);
  if (!policy)
    throw new Error(`case ${record.caseId} uses policy ${record.policyId}, which this build lacks`);
  return policy;
}
