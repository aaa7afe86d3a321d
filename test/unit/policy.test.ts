import { findPolicy, InvalidPolicyError, parsePolicy } from '../../lambdas/domain/policy';
import defaultPolicy from '../../policies/default.json';

type Templates = Record<string, Record<string, Record<string, string>>>;
const clone = (): Record<string, unknown> & { templates: Templates } =>
  JSON.parse(JSON.stringify(defaultPolicy));

const problemsOf = (document: unknown): string => {
  try {
    parsePolicy(document, 'bad.json');
    return '';
  } catch (error) {
    return (error as Error).message;
  }
};

describe('policy', () => {
  test('the default policy (version 4) is valid and bundled under its id', () => {
    expect(parsePolicy(defaultPolicy).version).toBe(4);
    expect(findPolicy('default')).toMatchObject({
      version: 4,
      stages: { OVERDUE_NOTICE: { waitDays: 3 }, SECOND_COLLECTION: { callEveryDays: 2, waitDays: 14 } },
      plans: { maxInstallments: 6, maxPlanDays: 180, maxExtendedReturnDays: 30 },
      promise: { graceDays: 2, maxDays: 30, minSharePercent: 20 },
      publicDisclosure: { enabled: false },
      thresholds: { CNY: { fieldVisit: 300_000, legalReview: 500_000 } },
    });
  });

  test('an unknown placeholder in a template fails with its path', () => {
    const bad = clone();
    bad.templates.RECEIPT!.en!.sms = 'Hi {name}. Stop texts: {optOutUrl}';

    expect(() => parsePolicy(bad, 'bad.json')).toThrow(InvalidPolicyError);
    expect(() => parsePolicy(bad, 'bad.json')).toThrow(
      /templates\.RECEIPT\.en\.sms: unknown placeholder \{name\}/,
    );
  });

  test.each([
    ['sms', 'every SMS carries the signed opt-out link: add \\{optOutUrl\\}'],
    ['emailBody', 'every email carries the signed opt-out link: add \\{optOutUrl\\}'],
  ])('a template whose %s lacks {optOutUrl} fails with its path', (field, message) => {
    const bad = clone();
    const template = bad.templates.REMINDER!['zh-CN']!;
    template[field] = template[field]!.replaceAll('{optOutUrl}', '');

    expect(problemsOf(bad)).toMatch(new RegExp(`templates\\.REMINDER\\.zh-CN\\.${field}: ${message}`));
  });

  test('the email subject needs no opt-out link', () => {
    const subjects = clone();
    for (const locales of Object.values(subjects.templates)) {
      for (const template of Object.values(locales))
        expect(template.emailSubject).not.toContain('{optOutUrl}');
    }

    expect(() => parsePolicy(subjects)).not.toThrow();
  });

  test('an SMS template over 600 characters fails', () => {
    const bad = clone();
    bad.templates.SOFT_REMINDER!.en!.sms = `${'x'.repeat(600)} {optOutUrl}`;

    expect(problemsOf(bad)).toMatch(/templates\.SOFT_REMINDER\.en\.sms: an SMS template must be at most 600/);
  });

  test.each(['SOFT_REMINDER', 'RECEIPT', 'DEMAND_LETTER'])(
    'a policy without the %s template fails',
    (kind) => {
      const bad = clone();
      delete (bad.templates as Record<string, unknown>)[kind];

      expect(problemsOf(bad)).toMatch(
        new RegExp(`templates\\.${kind}: template ${kind} is used but missing`),
      );
    },
  );

  test('every problem is listed, not only the first', () => {
    const bad = clone();
    (bad.lateFee as Record<string, number>).basisPointsPerDay = -1;
    (bad.stages as Record<string, Record<string, unknown>>).OVERDUE_NOTICE!.waitDays = 0;

    const message = problemsOf(bad);

    expect(message).toMatch(/lateFee\.basisPointsPerDay/);
    expect(message).toMatch(/stages\.OVERDUE_NOTICE\.waitDays/);
  });

  test('write-off must come after the first soft reminder interval', () => {
    const bad = clone();
    (bad.stages as Record<string, Record<string, unknown>>).SOFT_REMINDERS!.writeOffAfterDays = 10;

    expect(() => parsePolicy(bad)).toThrow(/writeOffAfterDays: must be longer than everyDays/);
  });

  test('public disclosure can only be switched on explicitly (a boolean)', () => {
    const on = clone();
    (on.publicDisclosure as Record<string, unknown>).enabled = true;
    const vague = clone();
    (vague.publicDisclosure as Record<string, unknown>).enabled = 'yes';

    expect(parsePolicy(on).publicDisclosure.enabled).toBe(true);
    expect(problemsOf(vague)).toMatch(/publicDisclosure\.enabled/);
  });
});
