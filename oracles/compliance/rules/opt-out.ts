import { type Contact, entryEvidence, type RecordIndex, time } from '../facts';
import type { OptOutChannel } from '../record';
import type { Evidence, Violation } from '../report';
import { describe } from './contact-window';

interface OptOut {
  at: number;
  evidence: Evidence;
}

const CHANNELS: readonly OptOutChannel[] = ['SMS', 'EMAIL', 'CALL'];
const isChannel = (value: unknown): value is OptOutChannel => CHANNELS.includes(value as OptOutChannel);

/** The earliest opt-out of each customer and channel: OPTED_OUT on any of their cases, or their request. */
function optOutsOf(index: RecordIndex): Map<string, Map<OptOutChannel, OptOut>> {
  const optOuts = new Map<string, Map<OptOutChannel, OptOut>>();
  const note = (customerId: string, channel: OptOutChannel, optOut: OptOut) => {
    const byChannel = optOuts.get(customerId) ?? new Map<OptOutChannel, OptOut>();
    optOuts.set(customerId, byChannel);
    const known = byChannel.get(channel);
    if (!known || optOut.at < known.at) byChannel.set(channel, optOut);
  };
  for (const [caseId, entries] of index.entries) {
    const customerId = index.cases.get(caseId)?.customerId;
    if (!customerId) continue;
    for (const entry of entries) {
      if (entry.type !== 'OPTED_OUT') continue;
      const channel = entry.detail.channel ?? entry.channel;
      if (isChannel(channel)) note(customerId, channel, { at: entry.time, evidence: entryEvidence(entry) });
    }
  }
  for (const customer of index.customers.values()) {
    for (const request of customer.optOutRequests ?? []) {
      note(customer.customerId, request.channel, {
        at: time(request.at),
        evidence: {
          source: 'opt-out-request',
          caseId: null,
          at: request.at,
          fact: `OPT_OUT ${request.channel}`,
        },
      });
    }
  }
  return optOuts;
}

const channelOf = (contact: Contact): OptOutChannel | undefined =>
  contact.means === 'SMS' || contact.means === 'EMAIL' || contact.means === 'CALL'
    ? contact.means
    : undefined;

/**
 * OPT_OUT. docs/policy.md "Opt-outs": a channel the customer opted out of (SMS, email or calls, by the
 * signed link, the API or a STOP reply) is never used again, on any of their cases; a notice the law
 * requires goes by another channel or by letter. Contacts at the opt-out's own instant are not counted
 * (which came first cannot be told).
 */
export function optOutViolations(index: RecordIndex): Violation[] {
  const optOuts = optOutsOf(index);
  const violations: Violation[] = [];
  for (const contact of [...index.messages, ...index.visitsAndCalls]) {
    const channel = channelOf(contact);
    if (!channel || !contact.customerId) continue;
    const optOut = optOuts.get(contact.customerId)?.get(channel);
    if (!optOut || contact.at <= optOut.at) continue;
    violations.push({
      rule: 'OPT_OUT',
      caseId: contact.caseId,
      customerId: contact.customerId,
      at: contact.evidence.at,
      reason: `${describe(contact)} after the customer opted out of ${channel} (${optOut.evidence.at})`,
      evidence: [contact.evidence, optOut.evidence],
    });
  }
  return violations;
}
