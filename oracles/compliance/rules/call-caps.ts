import type { Contact, RecordIndex } from '../facts';
import { isKnownTimeZone, localTimeOf } from '../local-time';
import type { CustomerFacts } from '../record';
import type { Violation } from '../report';

interface Call extends Contact {
  /** The customer's local calendar day of the call. */
  day: number;
  date: string;
  connected: boolean;
}

/**
 * CALL_CAPS, counted per debtor across all of their cases from the calls made (CONTACT_RECORDED with
 * channel CALL; a refused claim is no call). docs/policy.md "Call caps":
 * - CN (GB/T 45251-2025): at most 3 connected voice calls a local day;
 * - US (Reg F §1006.14(b)(2)): at most 7 call attempts within 7 consecutive days, and no call within
 *   7 days after a telephone conversation. Days are the customer's local calendar days, the day of
 *   the conversation being the first of the 7 (as §1006.14(b)(2)(ii) counts them), so across a
 *   daylight-saving change a "day" is the local date, not 24 hours.
 */
export function callCapViolations(index: RecordIndex): Violation[] {
  const callsByCustomer = new Map<string, Contact[]>();
  for (const contact of index.visitsAndCalls) {
    if (contact.means !== 'CALL' || !contact.customerId) continue;
    const calls = callsByCustomer.get(contact.customerId) ?? [];
    calls.push(contact);
    callsByCustomer.set(contact.customerId, calls);
  }
  const violations: Violation[] = [];
  for (const [customerId, contacts] of callsByCustomer) {
    const customer = index.customers.get(customerId);
    if (!customer || !isKnownTimeZone(customer.timezone)) {
      index.unjudged.push(`calls to ${customerId}: no known customer time zone`);
      continue;
    }
    const calls = contacts
      .map((contact) => ({
        ...contact,
        ...dayOf(contact, customer),
        connected: contact.outcome === 'CONNECTED',
      }))
      .sort((a, b) => a.at - b.at);
    calls.forEach((call, position) => {
      const earlier = calls.slice(0, position).filter((other) => other.at < call.at);
      const broken = capsBroken(index, customer, call, earlier);
      if (broken.length === 0) return;
      violations.push({
        rule: 'CALL_CAPS',
        caseId: call.caseId,
        customerId,
        at: call.evidence.at,
        reason: broken.map(({ reason }) => reason).join('; '),
        evidence: [call.evidence, ...broken.flatMap(({ counted }) => counted.map((other) => other.evidence))],
      });
    });
  }
  return violations;
}

const dayOf = (contact: Contact, customer: CustomerFacts) => {
  const local = localTimeOf(contact.at, customer.timezone);
  return { day: local.dayNumber, date: local.date };
};

/** Each cap this call goes beyond, with the earlier calls that filled it. */
function capsBroken(
  index: RecordIndex,
  customer: CustomerFacts,
  call: Call,
  earlier: Call[],
): Array<{ reason: string; counted: Call[] }> {
  const numbers = index.numbers.profiles[customer.profile];
  const broken: Array<{ reason: string; counted: Call[] }> = [];
  const perDay = numbers.connectedCallsPerLocalDay;
  if (perDay !== undefined && call.connected) {
    const sameDay = earlier.filter((other) => other.connected && other.day === call.day);
    if (sameDay.length >= perDay) {
      broken.push({
        reason: `connected call number ${sameDay.length + 1} on ${call.date} (at most ${perDay} a day)`,
        counted: sameDay,
      });
    }
  }
  const attempts = numbers.callAttempts;
  if (attempts !== undefined) {
    const inPeriod = earlier.filter((other) => call.day - other.day < attempts.withinDays);
    if (inPeriod.length >= attempts.max) {
      broken.push({
        reason: `call attempt number ${inPeriod.length + 1} within ${attempts.withinDays} days (at most ${attempts.max})`,
        counted: inPeriod,
      });
    }
  }
  const quietDays = numbers.quietDaysAfterConversation;
  if (quietDays !== undefined) {
    const conversation = earlier.findLast((other) => other.connected && call.day - other.day < quietDays);
    if (conversation) {
      broken.push({
        reason: `a call within ${quietDays} days of a conversation on ${conversation.date}`,
        counted: [conversation],
      });
    }
  }
  return broken;
}
