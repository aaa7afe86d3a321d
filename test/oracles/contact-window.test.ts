import { checkCompliance } from '../../oracles/compliance';
import { CN_T0, call, caseOf, cleanRecord, DAY, entry, HOUR, iso, message, onlyRule } from './record-builder';

/** One SMS on case-cn-1 (Shanghai) or case-us-1 (New York) at `at`, added to the clean record. */
const withMessage = (caseId: string, at: string, kind = 'REMINDER') => {
  const record = cleanRecord();
  record.messages.push(message(caseId, 'SMS', kind, Date.parse(at)));
  return checkCompliance(record);
};

describe('CONTACT_WINDOW: no contact outside 08:00–22:00 (CN) or 08:00–21:00 (US) local time', () => {
  test('an SMS at 22:30 in Shanghai is caught, with the message as evidence', () => {
    const report = withMessage('case-cn-1', '2026-03-05T14:30:00Z');

    expect(onlyRule(report.counts, 'CONTACT_WINDOW')).toBe(1);
    expect(report.violations[0]).toMatchObject({
      rule: 'CONTACT_WINDOW',
      caseId: 'case-cn-1',
      customerId: 'customer-cn',
      at: '2026-03-05T14:30:00.000Z',
      evidence: [{ source: 'outbox', caseId: 'case-cn-1', fact: 'SMS REMINDER' }],
    });
  });

  test.each([
    ['21:59:59 is inside', '2026-03-05T13:59:59Z', 0],
    ['22:00:00 exactly is outside', '2026-03-05T14:00:00Z', 1],
    ['07:59:59 is outside', '2026-03-05T23:59:59Z', 1],
    ['08:00:00 exactly is inside', '2026-03-06T00:00:00Z', 0],
  ])('CN edges in Shanghai: %s', (_, at, expected) => {
    expect(withMessage('case-cn-1', at).counts.CONTACT_WINDOW).toBe(expected);
  });

  test('US: 21:00 in New York is already outside, 20:59 is not', () => {
    expect(withMessage('case-us-1', '2026-07-02T01:00:00Z').counts.CONTACT_WINDOW).toBe(1);
    expect(withMessage('case-us-1', '2026-07-02T00:59:00Z').counts.CONTACT_WINDOW).toBe(0);
  });

  test('DST in America/New_York: 12:30Z is 07:30 (EST) on March 7 but 08:30 (EDT) on March 8', () => {
    expect(withMessage('case-us-1', '2026-03-07T12:30:00Z').counts.CONTACT_WINDOW).toBe(1);
    expect(withMessage('case-us-1', '2026-03-08T12:30:00Z').counts.CONTACT_WINDOW).toBe(0);
  });

  test('DST end in America/New_York: 01:30Z is 21:30 (EDT) on October 30 but 20:30 (EST) on November 1', () => {
    expect(withMessage('case-us-1', '2026-10-31T01:30:00Z').counts.CONTACT_WINDOW).toBe(1);
    expect(withMessage('case-us-1', '2026-11-02T01:30:00Z').counts.CONTACT_WINDOW).toBe(0);
  });

  test('the time zone is the customer own: 01:30Z is 09:30 in Shanghai but 07:30 in Urumqi (UTC+6)', () => {
    const record = cleanRecord();
    const customer = record.customers.find((candidate) => candidate.customerId === 'customer-cn');
    if (customer) customer.timezone = 'Asia/Urumqi';
    record.messages = record.messages.filter((item) => item.caseId === 'case-us-1');
    record.cases = record.cases.filter((facts) => facts.caseId === 'case-us-1');
    record.cases.push({ caseId: 'case-cn-1', customerId: 'customer-cn', timeline: [] });
    record.messages.push(message('case-cn-1', 'SMS', 'REMINDER', Date.parse('2026-03-05T01:30:00Z')));

    expect(onlyRule(checkCompliance(record).counts, 'CONTACT_WINDOW')).toBe(1);
  });

  test('receipts and demand letters count too', () => {
    expect(withMessage('case-cn-1', '2026-04-11T15:00:00Z', 'RECEIPT').counts.CONTACT_WINDOW).toBe(1);
    expect(withMessage('case-us-1', '2026-03-20T03:00:00Z', 'DEMAND_LETTER').counts.CONTACT_WINDOW).toBe(1);
  });

  test('a call or a visit made at night is caught; an inbound call from the customer is not', () => {
    const record = cleanRecord();
    const night = CN_T0 + 2 * DAY + 14 * HOUR; // 23:00 in Shanghai
    caseOf(record, 'case-cn-1').timeline.push(
      call(night, 'NO_ANSWER'),
      entry('CONTACT_RECORDED', night + HOUR, { outcome: 'CONNECTED' }, 'VISIT'),
      entry('CONTACT_RECORDED', night + 2 * HOUR, { outcome: 'CONNECTED' }, 'INBOUND'),
    );

    const report = checkCompliance(record);

    expect(onlyRule(report.counts, 'CONTACT_WINDOW')).toBe(2);
    expect(report.violations.map((violation) => violation.evidence[0]?.fact)).toEqual([
      'CONTACT_RECORDED CALL',
      'CONTACT_RECORDED VISIT',
    ]);
    expect(report.violations[0]?.at).toBe(iso(night));
  });
});
