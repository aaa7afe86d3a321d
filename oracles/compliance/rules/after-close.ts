import { closingEntry, contactsOfCase, entryEvidence, isReceipt, type RecordIndex } from '../facts';
import type { Violation } from '../report';
import { describe } from './contact-window';

/**
 * AFTER_CLOSE. A case that ended (resolved, cancelled, written off) is not collected any more: after
 * its first closing entry only a receipt (RECEIPT, RETURN_RECEIPT) may reach the customer about it
 * (docs/policy.md: a closed case is never contacted; README: the receipt confirms the payment or return).
 * Messages, calls, visits and letters of the same instant as the closing entry are not counted.
 */
export function afterCloseViolations(index: RecordIndex): Violation[] {
  const violations: Violation[] = [];
  for (const caseId of index.entries.keys()) {
    const closing = closingEntry(index, caseId);
    if (!closing) continue;
    for (const contact of contactsOfCase(index, caseId)) {
      if (contact.at <= closing.time || isReceipt(index, contact)) continue;
      violations.push({
        rule: 'AFTER_CLOSE',
        caseId,
        customerId: contact.customerId,
        at: contact.evidence.at,
        reason: `${describe(contact)} after the case ended (${closing.type} at ${closing.at})`,
        evidence: [contact.evidence, entryEvidence(closing)],
      });
    }
  }
  return violations;
}
