import type {
  CaseFacts,
  ComplianceRecord,
  MessageFact,
  TimelineFact,
  WorkItemFact,
} from '../../oracles/compliance';
import { DAY, HOUR, iso, START } from '../support/time';

export { DAY, HOUR, iso, MINUTE } from '../support/time';

/**
 * A small record that breaks no rule, for the checker's tests to plant one violation in:
 * - customer-cn (CN profile, Asia/Shanghai, UTC+8 all year) with two cases: case-cn-1 runs the ladder
 *   to the credit report and is paid; case-cn-2 has a promise that was broken and a dispute that was
 *   rejected;
 * - customer-us (US profile, America/New_York) with case-us-1, reported 14 days after its pre-notice,
 *   who opted out of email.
 * Every contact is at 09:00–10:00 local time.
 */
/** 2026-03-02 09:00 in Shanghai. */
export const CN_T0 = START;
/** 2026-03-02 09:00 in New York (EST, UTC-5): 13 hours after 09:00 in Shanghai. */
export const US_T0 = START + 13 * HOUR;

export const message = (
  caseId: string,
  channel: MessageFact['channel'],
  kind: string,
  at: number,
  customerId: string | null = null,
): MessageFact => ({ channel, caseId, customerId, kind, at: iso(at) });

export const entry = (
  type: string,
  at: number,
  detail: TimelineFact['detail'] = {},
  channel?: string,
): TimelineFact => ({ at: iso(at), type, ...(channel ? { channel } : {}), detail });

export const call = (at: number, outcome = 'CONNECTED', workItemId = 'item'): TimelineFact =>
  entry('CONTACT_RECORDED', at, { outcome, hardship: null, workItemId }, 'CALL');

export const letter = (caseId: string, createdAt: number, mailedAt: number | null): WorkItemFact => ({
  workItemId: `${caseId}:LETTERS:CREDIT_PRE_NOTICE:0`,
  queue: 'LETTERS',
  caseId,
  stage: 'CREDIT_PRE_NOTICE',
  status: mailedAt === null ? 'OPEN' : 'DONE',
  createdAt: iso(createdAt),
  claimedAt: null,
  completedAt: mailedAt === null ? null : iso(mailedAt),
  outcome: mailedAt === null ? null : 'SENT',
});

export function cleanRecord(): ComplianceRecord {
  const cn1: CaseFacts = {
    caseId: 'case-cn-1',
    customerId: 'customer-cn',
    timeline: [
      entry('CASE_OPENED', CN_T0),
      entry('MESSAGE_SENT', CN_T0, { stage: 'OVERDUE_NOTICE', kind: 'OVERDUE_NOTICE' }, 'SMS'),
      call(CN_T0 + 3 * DAY + HOUR, 'CONNECTED', 'case-cn-1:CALLS:FIRST_COLLECTION:0'),
      entry('CREDIT_REPORT_FILED', CN_T0 + 31 * DAY, { amount: 100 }),
      entry('PAYMENT_RECEIVED', CN_T0 + 40 * DAY + HOUR, { amount: 100 }),
      entry('CASE_RESOLVED', CN_T0 + 40 * DAY + HOUR, { resolution: 'PAID' }),
      entry('CASE_CLOSED', CN_T0 + 40 * DAY + HOUR, { resolution: 'PAID', status: 'RESOLVED' }),
    ],
  };
  const cn2: CaseFacts = {
    caseId: 'case-cn-2',
    customerId: 'customer-cn',
    timeline: [
      entry('CASE_OPENED', CN_T0 + HOUR),
      entry('PROMISE_MADE', CN_T0 + 5 * DAY, { keepBy: iso(CN_T0 + 8 * DAY) }),
      entry('PROMISE_BROKEN', CN_T0 + 8 * DAY, { resumesAt: 'FIRST_COLLECTION' }),
      entry('DISPUTE_OPENED', CN_T0 + 12 * DAY),
      entry('DISPUTE_RULED', CN_T0 + 15 * DAY, { outcome: 'REJECTED' }),
      call(CN_T0 + 20 * DAY, 'NO_ANSWER', 'case-cn-2:CALLS:SECOND_COLLECTION:0'),
    ],
  };
  const us1: CaseFacts = {
    caseId: 'case-us-1',
    customerId: 'customer-us',
    timeline: [
      entry('CASE_OPENED', US_T0),
      call(US_T0 + 3 * DAY, 'NO_ANSWER'),
      call(US_T0 + 4 * DAY, 'CONNECTED'),
      call(US_T0 + 11 * DAY, 'NO_ANSWER'),
      entry('OPTED_OUT', US_T0 + 20 * DAY, { channel: 'EMAIL' }, 'EMAIL'),
      entry('CREDIT_REPORT_FILED', US_T0 + 38 * DAY, { amount: 100 }),
    ],
  };
  return {
    customers: [
      { customerId: 'customer-cn', timezone: 'Asia/Shanghai', profile: 'CN' },
      { customerId: 'customer-us', timezone: 'America/New_York', profile: 'US' },
    ],
    cases: [cn1, cn2, us1],
    messages: [
      message('case-cn-1', 'SMS', 'OVERDUE_NOTICE', CN_T0),
      message('case-cn-1', 'EMAIL', 'OVERDUE_NOTICE', CN_T0),
      message('case-cn-2', 'SMS', 'OVERDUE_NOTICE', CN_T0 + HOUR),
      message('case-cn-1', 'SMS', 'REMINDER', CN_T0 + 3 * DAY),
      message('case-cn-2', 'SMS', 'REMINDER', CN_T0 + 9 * DAY),
      message('case-cn-2', 'EMAIL', 'SECOND_REMINDER', CN_T0 + 16 * DAY),
      message('case-cn-1', 'SMS', 'CREDIT_PRE_NOTICE', CN_T0 + 24 * DAY),
      message('case-cn-1', 'SMS', 'RECEIPT', CN_T0 + 40 * DAY + HOUR),
      message('case-us-1', 'SMS', 'OVERDUE_NOTICE', US_T0),
      message('case-us-1', 'EMAIL', 'OVERDUE_NOTICE', US_T0),
      message('case-us-1', 'SMS', 'CREDIT_PRE_NOTICE', US_T0 + 24 * DAY),
    ],
    workItems: [],
  };
}

/** The case of `caseId` in `record`, to add entries to. */
export function caseOf(record: ComplianceRecord, caseId: string): CaseFacts {
  const found = record.cases.find((facts) => facts.caseId === caseId);
  if (!found) throw new Error(`no ${caseId} in the record`);
  return found;
}

/** Counts of every rule but `rule` are zero; `rule`'s count. */
export const onlyRule = (counts: Record<string, number>, rule: string): number => {
  const others = Object.entries(counts).filter(([name, count]) => name !== rule && count !== 0);
  if (others.length > 0)
    throw new Error(`other rules counted too: ${JSON.stringify(Object.fromEntries(others))}`);
  return counts[rule] ?? 0;
};
