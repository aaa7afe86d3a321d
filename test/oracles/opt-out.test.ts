import { checkCompliance } from '../../oracles/compliance';
import {
  CN_T0,
  call,
  caseOf,
  cleanRecord,
  DAY,
  entry,
  HOUR,
  iso,
  message,
  onlyRule,
  US_T0,
} from './record-builder';

describe('OPT_OUT: nothing on a channel after the customer opted out of it', () => {
  test('an email after the opt-out of email is caught, with the OPTED_OUT entry as evidence', () => {
    const record = cleanRecord();
    record.messages.push(message('case-us-1', 'EMAIL', 'CREDIT_PRE_NOTICE', US_T0 + 24 * DAY));

    const report = checkCompliance(record);

    expect(onlyRule(report.counts, 'OPT_OUT')).toBe(1);
    expect(report.violations[0]?.evidence.map((evidence) => evidence.fact)).toEqual([
      'EMAIL CREDIT_PRE_NOTICE',
      'OPTED_OUT EMAIL',
    ]);
  });

  test('an opt-out recorded on one case holds on the debtor other cases; other channels stay open', () => {
    const record = cleanRecord();
    caseOf(record, 'case-cn-1').timeline.push(entry('OPTED_OUT', CN_T0 + 4 * DAY, { channel: 'SMS' }, 'SMS'));
    // The clean record's later SMS now break the opt-out: case-cn-2's reminder (day 9), case-cn-1's
    // pre-notice (day 24) and even its receipt (day 40); the emails do not.

    const report = checkCompliance(record);

    expect(onlyRule(report.counts, 'OPT_OUT')).toBe(3);
    expect(report.violations.map(({ caseId, at }) => [caseId, at])).toEqual([
      ['case-cn-2', iso(CN_T0 + 9 * DAY)],
      ['case-cn-1', iso(CN_T0 + 24 * DAY)],
      ['case-cn-1', iso(CN_T0 + 40 * DAY + HOUR)],
    ]);
  });

  test('a message at the opt-out instant itself is not counted', () => {
    const record = cleanRecord();
    record.messages.push(message('case-us-1', 'EMAIL', 'REMINDER', US_T0 + 20 * DAY));

    expect(checkCompliance(record).total).toBe(0);
  });

  test('a call after the opt-out of calls is caught; a visit is not a call', () => {
    const record = cleanRecord();
    const timeline = caseOf(record, 'case-us-1').timeline;
    timeline.push(
      entry('OPTED_OUT', US_T0 + 12 * DAY, { channel: 'CALL' }, 'CALL'),
      call(US_T0 + 19 * DAY, 'NO_ANSWER'),
      entry('CONTACT_RECORDED', US_T0 + 19 * DAY, { outcome: 'NO_ANSWER' }, 'VISIT'),
    );

    expect(onlyRule(checkCompliance(record).counts, 'OPT_OUT')).toBe(1);
  });

  test('an opt-out the customer asked for counts even where no timeline recorded it', () => {
    const record = cleanRecord();
    const customer = record.customers.find((candidate) => candidate.customerId === 'customer-cn');
    if (customer) customer.optOutRequests = [{ channel: 'EMAIL', at: iso(CN_T0 + 10 * DAY) }];

    const report = checkCompliance(record);

    // The second reminder email on case-cn-2 (day 16).
    expect(onlyRule(report.counts, 'OPT_OUT')).toBe(1);
    expect(report.violations[0]?.evidence[1]).toMatchObject({
      source: 'opt-out-request',
      fact: 'OPT_OUT EMAIL',
    });
  });
});
