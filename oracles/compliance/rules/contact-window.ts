import type { Contact, RecordIndex } from '../facts';
import { clockTimeOf, isKnownTimeZone, localTimeOf, secondsOfClockTime } from '../local-time';
import type { Violation } from '../report';

/**
 * CONTACT_WINDOW. docs/policy.md "Contact window": no contact from 22:00 to 08:00 in the customer's time
 * zone (CN profile, GB/T 45251-2025), from 21:00 to 08:00 in the US profile (Regulation F
 * §1006.6(b)(1)). Every message counts, receipts and demand letters included, and every call or visit
 * made. The window's closing time itself is outside it: a message at 22:00:00 in Shanghai is a
 * violation, one at 08:00:00 is not.
 */
export function contactWindowViolations(index: RecordIndex): Violation[] {
  const violations: Violation[] = [];
  for (const contact of [...index.messages, ...index.visitsAndCalls]) {
    // A message of no known customer was listed as unjudged when the record was read.
    if (!contact.customerId) continue;
    const customer = index.customers.get(contact.customerId);
    if (!customer || !isKnownTimeZone(customer.timezone)) {
      index.unjudged.push(`${describe(contact)} on case ${contact.caseId}: no known customer time zone`);
      continue;
    }
    const { contactWindow } = index.numbers.profiles[customer.profile];
    const opens = secondsOfClockTime(contactWindow.opens);
    const closes = secondsOfClockTime(contactWindow.closes);
    const local = localTimeOf(contact.at, customer.timezone);
    if (local.secondOfDay >= opens && local.secondOfDay < closes) continue;
    violations.push({
      rule: 'CONTACT_WINDOW',
      caseId: contact.caseId,
      customerId: customer.customerId,
      at: contact.evidence.at,
      reason:
        `${describe(contact)} at ${clockTimeOf(local.secondOfDay)} local time (${customer.timezone}), ` +
        `outside ${contactWindow.opens}–${contactWindow.closes} of the ${customer.profile} profile`,
      evidence: [contact.evidence],
    });
  }
  return violations;
}

export const describe = (contact: Contact): string =>
  contact.kind ? `${contact.means} ${contact.kind}` : `${contact.means}${outcomeOf(contact)}`;

const outcomeOf = (contact: Contact) => (contact.outcome ? ` (${contact.outcome})` : '');
