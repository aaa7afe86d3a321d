import { checkCompliance } from '../../oracles/compliance';
import { CN_T0, call, caseOf, cleanRecord, DAY, entry, HOUR, message, onlyRule } from './record-builder';

// case-cn-2 of the clean record: a promise from day 5 to its break on day 8, a dispute from day 12
// to its rejection on day 15; all contacts 09:00–10:00 in Shanghai.

describe('HOLD: no collection contact during an open dispute, no reminder during a promise or plan', () => {
  test('a reminder while the dispute is open is caught, with the message and the dispute entries', () => {
    const record = cleanRecord();
    record.messages.push(message('case-cn-2', 'SMS', 'SECOND_REMINDER', CN_T0 + 13 * DAY));

    const report = checkCompliance(record);

    expect(onlyRule(report.counts, 'HOLD')).toBe(1);
    expect(report.violations[0]?.evidence.map((evidence) => evidence.fact)).toEqual([
      'SMS SECOND_REMINDER',
      'DISPUTE_OPENED',
      'DISPUTE_RULED',
    ]);
  });

  test('during a dispute a call is caught too, and so is a mailed letter', () => {
    const record = cleanRecord();
    caseOf(record, 'case-cn-2').timeline.push(call(CN_T0 + 13 * DAY, 'NO_ANSWER'));
    record.workItems.push({
      workItemId: 'case-cn-2:LETTERS:CREDIT_PRE_NOTICE:0',
      queue: 'LETTERS',
      caseId: 'case-cn-2',
      stage: 'CREDIT_PRE_NOTICE',
      status: 'DONE',
      createdAt: new Date(CN_T0 + 11 * DAY).toISOString(),
      claimedAt: null,
      completedAt: new Date(CN_T0 + 14 * DAY).toISOString(),
      outcome: 'SENT',
    });

    expect(onlyRule(checkCompliance(record).counts, 'HOLD')).toBe(2);
  });

  test('a dispute holds only its own case: the same debtor other case may be contacted', () => {
    const record = cleanRecord();
    record.messages.push(message('case-cn-1', 'SMS', 'SECOND_REMINDER', CN_T0 + 13 * DAY));

    expect(checkCompliance(record).total).toBe(0);
  });

  test('a dispute never ruled holds to the end of the record', () => {
    const record = cleanRecord();
    const timeline = caseOf(record, 'case-cn-2').timeline;
    timeline.splice(
      timeline.findIndex((fact) => fact.type === 'DISPUTE_RULED'),
      1,
    );

    // The clean record's second reminder (day 16) and call (day 20) now fall in the hold.
    expect(onlyRule(checkCompliance(record).counts, 'HOLD')).toBe(2);
  });

  test('contacts at the instant the dispute was ruled, and receipts during it, are not counted', () => {
    const record = cleanRecord();
    record.messages.push(
      message('case-cn-2', 'SMS', 'SECOND_REMINDER', CN_T0 + 15 * DAY),
      message('case-cn-2', 'SMS', 'RECEIPT', CN_T0 + 13 * DAY),
    );

    expect(checkCompliance(record).total).toBe(0);
  });

  test('the timeline is read in time order, whatever order its entries came in', () => {
    const record = cleanRecord();
    caseOf(record, 'case-cn-2').timeline.reverse();
    record.messages.push(message('case-cn-2', 'SMS', 'SECOND_REMINDER', CN_T0 + 13 * DAY));

    expect(onlyRule(checkCompliance(record).counts, 'HOLD')).toBe(1);
  });

  test('a reminder during a promise is caught; a call during it is not (only reminders pause)', () => {
    const record = cleanRecord();
    record.messages.push(message('case-cn-2', 'EMAIL', 'REMINDER', CN_T0 + 6 * DAY));
    caseOf(record, 'case-cn-2').timeline.push(call(CN_T0 + 6 * DAY + HOUR, 'NO_ANSWER'));

    const report = checkCompliance(record);

    expect(onlyRule(report.counts, 'HOLD')).toBe(1);
    expect(report.violations[0]?.reason).toContain('promise');
  });

  test('a plan holds through its kept instalments until it is broken', () => {
    const record = cleanRecord();
    caseOf(record, 'case-cn-2').timeline.push(
      entry('PLAN_AGREED', CN_T0 + 16 * DAY + HOUR, { type: 'INSTALLMENTS', installments: 3 }),
      entry('INSTALLMENT_KEPT', CN_T0 + 23 * DAY, { paid: 100 }),
      entry('PLAN_BROKEN', CN_T0 + 30 * DAY, { resumesAt: 'SECOND_COLLECTION' }),
    );
    record.messages.push(
      message('case-cn-2', 'SMS', 'SECOND_REMINDER', CN_T0 + 24 * DAY), // kept instalment: still on plan
      message('case-cn-2', 'SMS', 'CREDIT_PRE_NOTICE', CN_T0 + 31 * DAY), // after the break: allowed
    );

    const report = checkCompliance(record);

    expect(onlyRule(report.counts, 'HOLD')).toBe(1);
    expect(report.violations[0]?.at).toBe(new Date(CN_T0 + 24 * DAY).toISOString());
  });
});
