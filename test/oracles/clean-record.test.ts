import { checkCompliance, DEFAULT_NUMBERS, RULE_IDS, summarize } from '../../oracles/compliance';
import { CN_T0, cleanRecord, HOUR, message } from './record-builder';

describe('the compliance checker on a record that breaks no rule', () => {
  test('counts 0 for every rule and judges every fact', () => {
    // Prepare
    const record = cleanRecord();

    // Act
    const report = checkCompliance(record);

    // Assess
    expect(report.violations).toEqual([]);
    expect(report.counts).toEqual(Object.fromEntries(RULE_IDS.map((rule) => [rule, 0])));
    expect(report.unjudged).toEqual([]);
  });

  test('a message of a customer it does not know is listed as unjudged, not as a violation', () => {
    const record = cleanRecord();
    record.messages.push(message('case-elsewhere', 'SMS', 'REMINDER', CN_T0 + 14 * HOUR));

    const report = checkCompliance(record);

    expect(report.total).toBe(0);
    expect(report.unjudged).toEqual([expect.stringContaining('names no known customer')]);
  });

  test('the summary names each broken rule with its count and one example', () => {
    const record = cleanRecord();
    record.messages.push(message('case-cn-1', 'SMS', 'REMINDER', CN_T0 + 14 * HOUR)); // 23:00 in Shanghai

    const summary = summarize(checkCompliance(record, DEFAULT_NUMBERS));

    expect(summary).toContain('CONTACT_WINDOW  1');
    expect(summary).toContain('HOLD            0');
    expect(summary).toContain(
      'e.g. CONTACT_WINDOW case-cn-1: SMS REMINDER at 23:00 local time (Asia/Shanghai)',
    );
  });
});
