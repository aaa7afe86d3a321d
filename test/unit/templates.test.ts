import { findPolicy, TEMPLATE_KINDS } from '../../lambdas/domain/policy';
import { localeFor, type MessageFacts, renderMessage } from '../../lambdas/domain/templates';

const policy = findPolicy('default')!;
const record = {
  caseId: 'case-1',
  rentalId: 'rental 42',
  device: { sku: 'IPH15-128', name: 'iPhone 15 128GB', serial: 'SN1' },
};
const OPT_OUT_URL = 'https://collections.example.com/v1/opt-out?token=SEALED_TOKEN-123_abc';

const facts = (overrides: Partial<MessageFacts> = {}): MessageFacts => ({
  record,
  amount: { amount: 129_900, currency: 'CNY' },
  locale: 'zh-CN',
  timeZone: 'Asia/Shanghai',
  deadline: '2026-03-05T02:00:00.000Z',
  optOutUrl: OPT_OUT_URL,
  ...overrides,
});

describe('message templates', () => {
  test('the zh-CN overdue notice names the device, amount and deadline in the customer time zone', () => {
    const message = renderMessage(policy, 'OVERDUE_NOTICE', facts());

    expect(message.sms).toContain('iPhone 15 128GB');
    expect(message.sms).toContain('¥1,299.00');
    expect(message.sms).toContain('2026年3月5日 10:00');
    expect(message.sms).toContain('https://pay.example.com/rentals/rental%2042');
    expect(message.sms).toContain('400-820-0000');
    expect(message.sms).toContain(`退订：${OPT_OUT_URL}`);
    expect(message.emailBody).toContain('case-1');
    expect(message.emailBody).toContain(`不想再收到此类邮件？${OPT_OUT_URL}`);
    expect(`${message.sms}${message.emailSubject}${message.emailBody}`).not.toMatch(/\{[a-zA-Z]+\}/);
  });

  test('the en overdue notice says the same in English, with its opt-out link', () => {
    const message = renderMessage(policy, 'OVERDUE_NOTICE', facts({ locale: 'en' }));

    expect(message.sms).toContain('CN¥1,299.00');
    expect(message.sms).toContain('March 5, 2026');
    expect(message.sms).toContain(`Stop texts: ${OPT_OUT_URL}`);
    expect(message.emailBody).toContain(`To stop these emails: ${OPT_OUT_URL}`);
    expect(message.emailSubject).toBe('RentGo: your rental of iPhone 15 128GB is overdue');
  });

  test.each(
    TEMPLATE_KINDS.flatMap((kind) => (['zh-CN', 'en'] as const).map((locale) => [kind, locale] as const)),
  )('%s in %s renders with the opt-out link in the SMS and the email, none left unfilled', (kind, locale) => {
    const message = renderMessage(
      policy,
      kind,
      facts({
        amount: { amount: 100, currency: 'USD' },
        locale,
        timeZone: 'America/New_York',
        reportDate: '2026-03-12T02:00:00.000Z',
      }),
    );

    expect(message.sms).toContain(OPT_OUT_URL);
    expect(message.emailBody).toContain(OPT_OUT_URL);
    expect(message.emailSubject).not.toContain(OPT_OUT_URL);
    expect(`${message.sms}${message.emailSubject}${message.emailBody}`).not.toMatch(/\{[a-zA-Z]+\}/);
  });

  test('every message says how to get help (the customer service phone)', () => {
    for (const kind of TEMPLATE_KINDS) {
      for (const locale of ['zh-CN', 'en'] as const) {
        const message = renderMessage(policy, kind, facts({ locale }));
        expect(message.sms).toContain('400-820-0000');
        expect(message.emailBody).toContain('400-820-0000');
      }
    }
  });

  test('the credit pre-notice names the date of the report', () => {
    const message = renderMessage(
      policy,
      'CREDIT_PRE_NOTICE',
      facts({ locale: 'en', reportDate: '2026-04-02T02:00:00.000Z' }),
    );

    expect(message.sms).toContain('April 2, 2026');
  });

  test('locale tags map to the two template languages', () => {
    expect(localeFor('zh-Hans-CN')).toBe('zh-CN');
    expect(localeFor('en-US')).toBe('en');
    expect(localeFor('EN')).toBe('en');
  });
});
