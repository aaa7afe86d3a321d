import { DAY } from '../../../test/support/time';
import { contactsOfCase, entryEvidence, preNoticeLetters, type RecordIndex } from '../facts';
import type { Violation } from '../report';

/**
 * PRE_NOTICE. docs/policy.md "Credit reporting": the customer is told before negative information is
 * reported (China's credit reporting regulation; in the US Reg F §1006.30(a) forbids reporting before
 * the consumer was told about the debt). The ladder's numbers make "before" concrete: the pre-notice
 * (a CREDIT_PRE_NOTICE message, or a pre-notice letter where no electronic channel was allowed) went
 * out at least the pre-notice wait (7 days, 14 in the US profile) before CREDIT_REPORT_FILED.
 */
export function preNoticeViolations(index: RecordIndex): Violation[] {
  const violations: Violation[] = [];
  for (const [caseId, entries] of index.entries) {
    const reports = entries.filter((entry) => entry.type === 'CREDIT_REPORT_FILED');
    if (reports.length === 0) continue;
    const customerId = index.cases.get(caseId)?.customerId ?? null;
    const customer = customerId ? index.customers.get(customerId) : undefined;
    if (!customer) {
      index.unjudged.push(`credit report on case ${caseId}: no known customer profile`);
      continue;
    }
    const days = index.numbers.profiles[customer.profile].preNoticeDays;
    const notices = [
      ...contactsOfCase(index, caseId).filter((contact) => contact.kind === index.numbers.preNoticeKind),
      ...preNoticeLetters(index, caseId),
    ].sort((a, b) => a.at - b.at);
    for (const report of reports) {
      const first = notices[0];
      if (first && first.at <= report.time - days * DAY) continue;
      const reason = first
        ? `credit report ${formatDays(report.time - first.at)} after the first pre-notice (${first.evidence.at}); the ${customer.profile} profile needs ${days} days`
        : `credit report without any pre-notice; the ${customer.profile} profile needs one ${days} days before`;
      violations.push({
        rule: 'PRE_NOTICE',
        caseId,
        customerId,
        at: report.at,
        reason,
        evidence: [entryEvidence(report), ...notices.map((notice) => notice.evidence)],
      });
    }
  }
  return violations;
}

const formatDays = (ms: number): string => `${(ms / DAY).toFixed(2)} days`;
