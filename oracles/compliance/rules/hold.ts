import {
  type Contact,
  contactsOfCase,
  type Entry,
  entryEvidence,
  isReceipt,
  type RecordIndex,
} from '../facts';
import type { Violation } from '../report';
import { describe } from './contact-window';

/** A stretch of a case's timeline during which (some) contact is held back. */
interface Hold {
  kind: 'DISPUTE' | 'PROMISE' | 'PLAN';
  from: Entry;
  /** The entry that ended it; none while it is still in force. */
  until: Entry | undefined;
}

const CLOSING = ['CASE_RESOLVED', 'CASE_CANCELLED', 'CASE_WRITTEN_OFF', 'CASE_CLOSED'];

/**
 * What starts a hold and what ends it, read from the timeline's entry types:
 * - a dispute (DISPUTE_OPENED) holds until it is ruled (DISPUTE_RULED) or the case ends;
 * - a promise (PROMISE_MADE) until it is broken (PROMISE_BROKEN), replaced by a plan (PLAN_AGREED) or
 *   a dispute, or the case ends (a kept promise ends it: the payment resolves the case);
 * - a plan (PLAN_AGREED, instalments or an extended return) until it is broken (PLAN_BROKEN), a
 *   dispute opens, or the case ends (INSTALLMENT_KEPT entries are the plan going on).
 */
const HOLDS: Record<string, { kind: Hold['kind']; endsAt: readonly string[] }> = {
  DISPUTE_OPENED: { kind: 'DISPUTE', endsAt: ['DISPUTE_RULED', ...CLOSING] },
  PROMISE_MADE: { kind: 'PROMISE', endsAt: ['PROMISE_BROKEN', 'PLAN_AGREED', 'DISPUTE_OPENED', ...CLOSING] },
  PLAN_AGREED: { kind: 'PLAN', endsAt: ['PLAN_BROKEN', 'DISPUTE_OPENED', ...CLOSING] },
};

function holdsOf(entries: readonly Entry[]): Hold[] {
  const holds: Hold[] = [];
  entries.forEach((entry, position) => {
    const opening = HOLDS[entry.type];
    if (!opening) return;
    const until = entries.slice(position + 1).find((later) => opening.endsAt.includes(later.type));
    holds.push({ kind: opening.kind, from: entry, until });
  });
  return holds;
}

/** Facts of the same instant as a hold's start or end are given the benefit of the doubt. */
const within = (hold: Hold, at: number): boolean =>
  at > hold.from.time && (hold.until === undefined || at < hold.until.time);

/**
 * Whether a hold stops this contact. docs/policy.md "Dispute hold": an open dispute stops every channel
 * of the case, so every message but a receipt, every call, visit and letter. docs/policy.md ladder: a
 * promise or plan pauses the collection ladder, so its reminders (every message but a receipt).
 */
const stops = (index: RecordIndex, hold: Hold, contact: Contact): boolean => {
  if (isReceipt(index, contact)) return false;
  return hold.kind === 'DISPUTE' || contact.means === 'SMS' || contact.means === 'EMAIL';
};

/**
 * HOLD. No collection contact while the case's dispute is open (docs/policy.md "Dispute hold": an open
 * dispute stops every channel of that case at once), and no collection reminder while a promise or
 * plan the customer agreed is in force (docs/policy.md ladder: a promise or plan pauses the ladder until it
 * is broken; README: "collection pauses until then").
 */
export function holdViolations(index: RecordIndex): Violation[] {
  const violations: Violation[] = [];
  for (const [caseId, entries] of index.entries) {
    const holds = holdsOf(entries);
    if (holds.length === 0) continue;
    for (const contact of contactsOfCase(index, caseId)) {
      const hold = holds.find(
        (candidate) => within(candidate, contact.at) && stops(index, candidate, contact),
      );
      if (!hold) continue;
      violations.push({
        rule: 'HOLD',
        caseId,
        customerId: contact.customerId,
        at: contact.evidence.at,
        reason: `${describe(contact)} while the case's ${hold.kind.toLowerCase()} was in force (since ${hold.from.at})`,
        evidence: [
          contact.evidence,
          entryEvidence(hold.from),
          ...(hold.until ? [entryEvidence(hold.until)] : []),
        ],
      });
    }
  }
  return violations;
}
