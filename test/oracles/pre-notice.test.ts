import { checkCompliance, DEFAULT_NUMBERS } from '../../oracles/compliance';
import { CN_T0, caseOf, cleanRecord, DAY, HOUR, letter, MINUTE, onlyRule, US_T0 } from './record-builder';

// Clean record: case-cn-1 pre-notice on day 24, report on day 31 (7 days); case-us-1 pre-notice on
// day 24, report on day 38 (14 days).

const withoutMessages = (record: ReturnType<typeof cleanRecord>, caseId: string, kind: string) => {
  record.messages = record.messages.filter((item) => !(item.caseId === caseId && item.kind === kind));
  return record;
};

describe('PRE_NOTICE: a credit report only after a pre-notice at least 7 days (US: 14) before', () => {
  test('a report without any pre-notice is caught, with the report entry as evidence', () => {
    const record = withoutMessages(cleanRecord(), 'case-cn-1', 'CREDIT_PRE_NOTICE');

    const report = checkCompliance(record);

    expect(onlyRule(report.counts, 'PRE_NOTICE')).toBe(1);
    expect(report.violations[0]).toMatchObject({
      caseId: 'case-cn-1',
      at: new Date(CN_T0 + 31 * DAY).toISOString(),
      evidence: [{ source: 'timeline', fact: 'CREDIT_REPORT_FILED' }],
    });
    expect(report.violations[0]?.reason).toContain('without any pre-notice');
  });

  test('CN: a pre-notice one minute short of 7 days before the report is caught', () => {
    const record = cleanRecord();
    const preNotice = record.messages.find(
      (item) => item.kind === 'CREDIT_PRE_NOTICE' && item.caseId === 'case-cn-1',
    );
    if (preNotice) preNotice.at = new Date(CN_T0 + 24 * DAY + MINUTE).toISOString();

    expect(onlyRule(checkCompliance(record).counts, 'PRE_NOTICE')).toBe(1);
  });

  test('US: 14 days are needed; a report 13 days after the pre-notice is caught', () => {
    const record = cleanRecord();
    const filed = caseOf(record, 'case-us-1').timeline.find((fact) => fact.type === 'CREDIT_REPORT_FILED');
    if (filed) filed.at = new Date(US_T0 + 37 * DAY).toISOString();

    const report = checkCompliance(record);

    expect(onlyRule(report.counts, 'PRE_NOTICE')).toBe(1);
    expect(report.violations[0]?.reason).toContain('13.00 days after the first pre-notice');
  });

  test('a pre-notice letter counts from when it was queued, or only once mailed if the numbers say so', () => {
    const record = withoutMessages(cleanRecord(), 'case-cn-1', 'CREDIT_PRE_NOTICE');
    record.workItems.push(letter('case-cn-1', CN_T0 + 24 * DAY, CN_T0 + 25 * DAY + HOUR));

    expect(checkCompliance(record).total).toBe(0);
    const mailed = checkCompliance(record, { ...DEFAULT_NUMBERS, preNoticeLetterCounts: 'MAILED' });
    expect(onlyRule(mailed.counts, 'PRE_NOTICE')).toBe(1);
  });

  test('the days are input: with a 10-day pre-notice the clean CN report is early', () => {
    const numbers = {
      ...DEFAULT_NUMBERS,
      profiles: { ...DEFAULT_NUMBERS.profiles, CN: { ...DEFAULT_NUMBERS.profiles.CN, preNoticeDays: 10 } },
    };

    expect(onlyRule(checkCompliance(cleanRecord(), numbers).counts, 'PRE_NOTICE')).toBe(1);
  });
});
