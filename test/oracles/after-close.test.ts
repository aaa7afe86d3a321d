import { checkCompliance } from '../../oracles/compliance';
import { CN_T0, call, caseOf, cleanRecord, DAY, entry, HOUR, message, onlyRule } from './record-builder';

// Clean record: case-cn-1 is resolved (paid) on day 40 at 10:00 Shanghai, with a receipt.
const CLOSED = CN_T0 + 40 * DAY + HOUR;

describe('AFTER_CLOSE: after a case ended only receipts go out about it', () => {
  test('a reminder after the case was resolved is caught, with the closing entry as evidence', () => {
    const record = cleanRecord();
    record.messages.push(message('case-cn-1', 'SMS', 'SOFT_REMINDER', CLOSED + DAY));

    const report = checkCompliance(record);

    expect(onlyRule(report.counts, 'AFTER_CLOSE')).toBe(1);
    expect(report.violations[0]?.evidence.map((evidence) => evidence.fact)).toEqual([
      'SMS SOFT_REMINDER',
      'CASE_RESOLVED',
    ]);
  });

  test('receipts after the close, and anything at the closing instant itself, are not counted', () => {
    const record = cleanRecord();
    record.messages.push(
      message('case-cn-1', 'EMAIL', 'RECEIPT', CLOSED + 5 * 60_000),
      message('case-cn-1', 'EMAIL', 'RETURN_RECEIPT', CLOSED + DAY),
      message('case-cn-1', 'SMS', 'REMINDER', CLOSED),
    );

    expect(checkCompliance(record).total).toBe(0);
  });

  test('a call after the close is caught', () => {
    const record = cleanRecord();
    caseOf(record, 'case-cn-1').timeline.push(call(CLOSED + 2 * HOUR, 'CONNECTED'));

    expect(onlyRule(checkCompliance(record).counts, 'AFTER_CLOSE')).toBe(1);
  });

  test('after a write-off a receipt may follow (a late payment), a soft reminder may not', () => {
    const record = cleanRecord();
    const writtenOff = CN_T0 + 20 * DAY + HOUR;
    caseOf(record, 'case-cn-2').timeline.push(
      entry('CASE_WRITTEN_OFF', writtenOff, { resolution: 'WRITTEN_OFF' }),
    );
    record.messages.push(
      message('case-cn-2', 'SMS', 'RECEIPT', writtenOff + DAY),
      message('case-cn-2', 'SMS', 'SOFT_REMINDER', writtenOff + 2 * DAY),
    );

    const report = checkCompliance(record);

    // The clean record's call on day 20 at 09:00 came before the write-off.
    expect(onlyRule(report.counts, 'AFTER_CLOSE')).toBe(1);
    expect(report.violations[0]?.reason).toContain('CASE_WRITTEN_OFF');
  });
});
