import { type ComplianceRecord, checkCompliance } from '../../oracles/compliance';
import { call, caseOf, cleanRecord, onlyRule } from './record-builder';

const at = (instant: string) => Date.parse(instant);

/** The clean record with `calls` added to `caseId`'s timeline. */
function withCalls(caseId: string, calls: Array<[string, string]>): ComplianceRecord {
  const record = cleanRecord();
  caseOf(record, caseId).timeline.push(...calls.map(([instant, outcome]) => call(at(instant), outcome)));
  return record;
}

describe('CALL_CAPS, CN: at most 3 connected calls per debtor per local day', () => {
  test('two cases of one debtor share the day cap: the fourth connected call is caught', () => {
    // 2026-03-10 in Shanghai: two connected calls on each of the debtor's two cases.
    const record = withCalls('case-cn-1', [
      ['2026-03-10T01:00:00Z', 'CONNECTED'],
      ['2026-03-10T02:00:00Z', 'CONNECTED'],
    ]);
    caseOf(record, 'case-cn-2').timeline.push(
      call(at('2026-03-10T03:00:00Z'), 'CONNECTED'),
      call(at('2026-03-10T04:00:00Z'), 'CONNECTED'),
    );

    const report = checkCompliance(record);

    expect(onlyRule(report.counts, 'CALL_CAPS')).toBe(1);
    expect(report.violations[0]).toMatchObject({ caseId: 'case-cn-2', at: '2026-03-10T04:00:00.000Z' });
    expect(report.violations[0]?.evidence).toHaveLength(4);
    expect(report.violations[0]?.reason).toContain('connected call number 4 on 2026-03-10');
  });

  test('calls not answered do not count toward the connected cap', () => {
    const record = withCalls('case-cn-1', [
      ['2026-03-10T01:00:00Z', 'CONNECTED'],
      ['2026-03-10T02:00:00Z', 'NO_ANSWER'],
      ['2026-03-10T03:00:00Z', 'CONNECTED'],
      ['2026-03-10T04:00:00Z', 'REFUSED'],
      ['2026-03-10T05:00:00Z', 'CONNECTED'],
    ]);

    expect(checkCompliance(record).total).toBe(0);
  });

  test('the day is the customer local day, not the UTC day', () => {
    // A CN-profile debtor in Los Angeles (PDT, UTC-7): 10:00 and 19:00 local on March 20 fall on two
    // UTC days; four connected calls on one local day.
    const record = cleanRecord();
    record.customers.push({ customerId: 'customer-la', timezone: 'America/Los_Angeles', profile: 'CN' });
    record.cases.push({ caseId: 'case-la', customerId: 'customer-la', timeline: [] });
    caseOf(record, 'case-la').timeline.push(
      call(at('2026-03-20T17:00:00Z'), 'CONNECTED'),
      call(at('2026-03-20T17:30:00Z'), 'CONNECTED'),
      call(at('2026-03-21T02:00:00Z'), 'CONNECTED'),
      call(at('2026-03-21T02:30:00Z'), 'CONNECTED'),
    );

    expect(onlyRule(checkCompliance(record).counts, 'CALL_CAPS')).toBe(1);
  });
});

describe('CALL_CAPS, US: at most 7 attempts in 7 days, none within 7 days after a conversation', () => {
  /** A US debtor in New York with one case and no calls yet. */
  function usDebtor(calls: Array<[string, string]>): ComplianceRecord {
    const record = cleanRecord();
    caseOf(record, 'case-us-1').timeline = caseOf(record, 'case-us-1').timeline.filter(
      (fact) => fact.type !== 'CONTACT_RECORDED',
    );
    caseOf(record, 'case-us-1').timeline.push(
      ...calls.map(([instant, outcome]) => call(at(instant), outcome)),
    );
    return record;
  }
  /** Unanswered calls at 10:00 New York time (14:00Z after the DST change) on these days of April. */
  const aprilAttempts = (days: number[]): Array<[string, string]> =>
    days.map((day) => [`2026-04-${String(day).padStart(2, '0')}T14:00:00Z`, 'NO_ANSWER']);

  test('seven attempts in seven days are allowed; an eighth on the seventh day is caught', () => {
    expect(checkCompliance(usDebtor(aprilAttempts([1, 2, 3, 4, 5, 6, 7]))).total).toBe(0);

    const report = checkCompliance(
      usDebtor([...aprilAttempts([1, 2, 3, 4, 5, 6, 7]), ['2026-04-07T15:00:00Z', 'NO_ANSWER']]),
    );

    expect(onlyRule(report.counts, 'CALL_CAPS')).toBe(1);
    expect(report.violations[0]?.reason).toContain('call attempt number 8 within 7 days');
  });

  test('the period rolls: an eighth attempt on the eighth day is allowed once the first day drops out', () => {
    expect(checkCompliance(usDebtor(aprilAttempts([1, 2, 3, 4, 5, 6, 7, 8]))).total).toBe(0);
  });

  test('attempts on the debtor two cases are counted together', () => {
    const record = usDebtor(aprilAttempts([1, 2, 3, 4]));
    record.cases.push({ caseId: 'case-us-2', customerId: 'customer-us', timeline: [] });
    caseOf(record, 'case-us-2').timeline.push(
      ...aprilAttempts([5, 6, 7, 7]).map(([instant, outcome], n) => call(at(instant) + n * 60_000, outcome)),
    );

    const report = checkCompliance(record);

    expect(onlyRule(report.counts, 'CALL_CAPS')).toBe(1);
    expect(report.violations[0]?.caseId).toBe('case-us-2');
  });

  test('after a conversation: a call on the seventh local day is caught, on the eighth it is not', () => {
    const conversation: [string, string] = ['2026-04-01T14:00:00Z', 'CONNECTED'];

    const seventh = checkCompliance(usDebtor([conversation, ['2026-04-07T20:00:00Z', 'NO_ANSWER']]));
    const eighth = checkCompliance(usDebtor([conversation, ['2026-04-08T13:00:00Z', 'NO_ANSWER']]));
    const sameDay = checkCompliance(usDebtor([conversation, ['2026-04-01T18:00:00Z', 'NO_ANSWER']]));

    expect(onlyRule(seventh.counts, 'CALL_CAPS')).toBe(1);
    expect(seventh.violations[0]?.reason).toContain('within 7 days of a conversation on 2026-04-01');
    expect(eighth.total).toBe(0);
    expect(onlyRule(sameDay.counts, 'CALL_CAPS')).toBe(1);
  });

  test('across the DST change the days are local dates, not 24-hour periods', () => {
    // Conversation Monday 2026-03-02 10:00 EST (15:00Z). Monday 03-09 09:30 EDT (13:30Z) is less
    // than 7 × 24 h later, but the eighth local day: allowed. Sunday 03-08 20:00 EDT is the seventh.
    const conversation: [string, string] = ['2026-03-02T15:00:00Z', 'CONNECTED'];

    expect(checkCompliance(usDebtor([conversation, ['2026-03-09T13:30:00Z', 'NO_ANSWER']])).total).toBe(0);
    expect(
      onlyRule(
        checkCompliance(usDebtor([conversation, ['2026-03-09T00:00:00Z', 'NO_ANSWER']])).counts,
        'CALL_CAPS',
      ),
    ).toBe(1);
  });
});
