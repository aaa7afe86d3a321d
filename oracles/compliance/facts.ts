import type { ComplianceNumbers } from './numbers';
import type { CaseFacts, ComplianceRecord, CustomerFacts, TimelineFact, WorkItemFact } from './record';
import type { Evidence } from './report';

/** How a contact reached the debtor. */
export type Means = 'SMS' | 'EMAIL' | 'CALL' | 'VISIT' | 'LETTER';

/** One contact with a debtor, whatever its source: a message, a recorded call or visit, a mailed letter. */
export interface Contact {
  means: Means;
  caseId: string | null;
  customerId: string | null;
  at: number;
  /** The message's template kind; null for calls, visits and letters. */
  kind: string | null;
  /** A call's or visit's outcome (`CONNECTED`, `NO_ANSWER`, …); null otherwise. */
  outcome: string | null;
  evidence: Evidence;
}

/** A timeline entry with its instant parsed and its case attached. */
export interface Entry extends TimelineFact {
  caseId: string;
  time: number;
}

/** The record read once into the shapes the rules ask about. */
export interface RecordIndex {
  numbers: ComplianceNumbers;
  customers: Map<string, CustomerFacts>;
  cases: Map<string, CaseFacts>;
  /** Each case's entries in time order. */
  entries: Map<string, Entry[]>;
  messages: Contact[];
  /** Calls and visits to the debtor (CONTACT_RECORDED with channel CALL or VISIT); inbound contacts are not. */
  visitsAndCalls: Contact[];
  /** Letters staff marked mailed. */
  letters: Contact[];
  /** Every contact of each case (messages, calls, visits, mailed letters), in time order. */
  contactsByCase: Map<string, Contact[]>;
  workItems: WorkItemFact[];
  unjudged: string[];
}

/** The ladder stage whose letters are the credit pre-notice sent by post. */
export const PRE_NOTICE_STAGE = 'CREDIT_PRE_NOTICE';

export const time = (iso: string): number => Date.parse(iso);

export const entryEvidence = (entry: Entry): Evidence => ({
  source: 'timeline',
  caseId: entry.caseId,
  at: entry.at,
  fact: entry.channel ? `${entry.type} ${entry.channel}` : entry.type,
  detail: entry.detail,
});

const workItemEvidence = (item: WorkItemFact, at: string): Evidence => ({
  source: 'work-items',
  caseId: item.caseId,
  at,
  fact: item.workItemId,
  detail: { queue: item.queue, status: item.status, stage: item.stage, outcome: item.outcome },
});

export function indexRecord(record: ComplianceRecord, numbers: ComplianceNumbers): RecordIndex {
  const customers = new Map(record.customers.map((customer) => [customer.customerId, customer]));
  const cases = new Map(record.cases.map((facts) => [facts.caseId, facts]));
  const entries = new Map<string, Entry[]>();
  for (const facts of record.cases) {
    const sorted = facts.timeline
      .map((entry) => ({ ...entry, caseId: facts.caseId, time: time(entry.at) }))
      .sort((a, b) => a.time - b.time);
    entries.set(facts.caseId, sorted);
  }
  const unjudged: string[] = [];

  const messages: Contact[] = record.messages.map((message) => {
    const customerId = message.customerId ?? cases.get(message.caseId ?? '')?.customerId ?? null;
    if (!customerId) unjudged.push(`a ${message.channel} message at ${message.at} names no known customer`);
    return {
      means: message.channel,
      caseId: message.caseId,
      customerId,
      at: time(message.at),
      kind: message.kind,
      outcome: null,
      evidence: {
        source: 'outbox',
        caseId: message.caseId,
        at: message.at,
        fact: `${message.channel} ${message.kind ?? '(no kind)'}`,
      },
    };
  });

  const visitsAndCalls: Contact[] = [];
  for (const [caseId, list] of entries) {
    const customerId = cases.get(caseId)?.customerId ?? null;
    for (const entry of list) {
      if (entry.type !== 'CONTACT_RECORDED') continue;
      if (entry.channel !== 'CALL' && entry.channel !== 'VISIT') continue;
      visitsAndCalls.push({
        means: entry.channel,
        caseId,
        customerId,
        at: entry.time,
        kind: null,
        outcome: typeof entry.detail.outcome === 'string' ? entry.detail.outcome : null,
        evidence: entryEvidence(entry),
      });
    }
  }
  visitsAndCalls.sort((a, b) => a.at - b.at);

  const letters: Contact[] = record.workItems
    .filter((item) => item.queue === 'LETTERS' && item.status === 'DONE' && item.completedAt)
    .map((item) => ({
      means: 'LETTER' as const,
      caseId: item.caseId,
      customerId: cases.get(item.caseId)?.customerId ?? null,
      at: time(item.completedAt as string),
      kind: null,
      outcome: item.outcome,
      evidence: workItemEvidence(item, item.completedAt as string),
    }));

  const contactsByCase = new Map<string, Contact[]>();
  for (const contact of [...messages, ...visitsAndCalls, ...letters].sort((a, b) => a.at - b.at)) {
    if (contact.caseId === null) continue;
    const list = contactsByCase.get(contact.caseId) ?? [];
    list.push(contact);
    contactsByCase.set(contact.caseId, list);
  }

  return {
    numbers,
    customers,
    cases,
    entries,
    messages,
    visitsAndCalls,
    letters,
    contactsByCase,
    workItems: record.workItems,
    unjudged,
  };
}

export const isReceipt = (index: RecordIndex, contact: Contact): boolean =>
  contact.kind !== null && index.numbers.receiptKinds.includes(contact.kind);

/** Every contact of one case (messages, calls, visits, mailed letters), in time order. */
export const contactsOfCase = (index: RecordIndex, caseId: string): Contact[] =>
  index.contactsByCase.get(caseId) ?? [];

const CLOSING_TYPES = new Set(['CASE_RESOLVED', 'CASE_CANCELLED', 'CASE_WRITTEN_OFF', 'CASE_CLOSED']);

/** The first entry that ended the case (resolved, cancelled, written off), if it ended. */
export const closingEntry = (index: RecordIndex, caseId: string): Entry | undefined =>
  index.entries.get(caseId)?.find((entry) => CLOSING_TYPES.has(entry.type));

/** Letters as a pre-notice: at the instant they were queued or mailed, as the numbers say. */
export function preNoticeLetters(index: RecordIndex, caseId: string): Contact[] {
  const counts = index.numbers.preNoticeLetterCounts;
  return index.workItems
    .filter((item) => item.caseId === caseId && item.queue === 'LETTERS')
    .filter((item) => item.stage === null || item.stage === PRE_NOTICE_STAGE)
    .flatMap((item) => {
      const at = counts === 'MAILED' ? (item.status === 'DONE' ? item.completedAt : null) : item.createdAt;
      if (!at) return [];
      return [
        {
          means: 'LETTER' as const,
          caseId,
          customerId: index.cases.get(caseId)?.customerId ?? null,
          at: time(at),
          kind: index.numbers.preNoticeKind,
          outcome: item.outcome,
          evidence: workItemEvidence(item, at),
        },
      ];
    });
}
