import { findPolicy, InvalidPolicyError, parsePolicy } from '../../lambdas/domain/policy';
import defaultPolicy from '../../policies/default.json';

const clone = (): Record<string, unknown> => JSON.parse(JSON.stringify(defaultPolicy));

describe('policy', () => {
  test('the default policy is valid and bundled under its id', () => {
    expect(parsePolicy(defaultPolicy).version).toBe(1);
    expect(findPolicy('default')?.stages.OVERDUE_NOTICE.waitDays).toBe(3);
  });

  test('an unknown placeholder in a template fails with its path', () => {
    const bad = clone();
    (bad.templates as Record<string, Record<string, Record<string, string>>>).RECEIPT!.en!.sms = 'Hi {name}';

    expect(() => parsePolicy(bad, 'bad.json')).toThrow(InvalidPolicyError);
    expect(() => parsePolicy(bad, 'bad.json')).toThrow(
      /templates\.RECEIPT\.en\.sms: unknown placeholder \{name\}/,
    );
  });

  test('a stage that uses a missing template fails', () => {
    const bad = clone();
    delete (bad.templates as Record<string, unknown>).SOFT_REMINDER;

    expect(() => parsePolicy(bad)).toThrow(
      /templates\.SOFT_REMINDER: template SOFT_REMINDER is used but missing/,
    );
  });

  test('every problem is listed, not only the first', () => {
    const bad = clone();
    (bad.lateFee as Record<string, number>).basisPointsPerDay = -1;
    (bad.stages as Record<string, Record<string, unknown>>).OVERDUE_NOTICE!.waitDays = 0;

    const message = (() => {
      try {
        parsePolicy(bad);
        return '';
      } catch (error) {
        return (error as Error).message;
      }
    })();
    expect(message).toMatch(/lateFee\.basisPointsPerDay/);
    expect(message).toMatch(/stages\.OVERDUE_NOTICE\.waitDays/);
  });

  test('write-off must come after the first soft reminder interval', () => {
    const bad = clone();
    (bad.stages as Record<string, Record<string, unknown>>).SOFT_REMINDERS!.writeOffAfterDays = 10;

    expect(() => parsePolicy(bad)).toThrow(/writeOffAfterDays: must be longer than everyDays/);
  });
});
