import { findPolicy } from '../../lambdas/domain/policy';
import { localeFor, renderMessage } from '../../lambdas/domain/templates';

const policy = findPolicy('default')!;
const record = {
  caseId: 'case-1',
  rentalId: 'rental 42',
  device: { sku: 'IPH15-128', name: 'iPhone 15 128GB', serial: 'SN1' },
};

describe('message templates', () => {
  test('the zh-CN overdue notice names the device, amount and deadline in the customer time zone', () => {
    const message = renderMessage(policy, 'OVERDUE_NOTICE', {
      record,
      amount: { amount: 129_900, currency: 'CNY' },
      locale: 'zh-CN',
      timeZone: 'Asia/Shanghai',
      deadline: '2026-03-05T02:00:00.000Z',
    });

    expect(message.sms).toContain('iPhone 15 128GB');
    expect(message.sms).toContain('¥1,299.00');
    expect(message.sms).toContain('2026年3月5日 10:00');
    expect(message.sms).toContain('https://pay.example.com/rentals/rental%2042');
    expect(message.sms).toContain('400-820-0000');
    expect(message.emailBody).toContain('case-1');
    expect(`${message.sms}${message.emailSubject}${message.emailBody}`).not.toMatch(/\{[a-zA-Z]+\}/);
  });

  test('the en overdue notice says the same in English', () => {
    const message = renderMessage(policy, 'OVERDUE_NOTICE', {
      record,
      amount: { amount: 129_900, currency: 'CNY' },
      locale: 'en',
      timeZone: 'Asia/Shanghai',
      deadline: '2026-03-05T02:00:00.000Z',
    });

    expect(message.sms).toContain('CN¥1,299.00');
    expect(message.sms).toContain('March 5, 2026');
    expect(message.emailSubject).toBe('RentGo: your rental of iPhone 15 128GB is overdue');
  });

  test('every template of the default policy renders in both locales without leftover placeholders', () => {
    for (const kind of Object.keys(policy.templates) as Array<keyof typeof policy.templates>) {
      for (const locale of ['zh-CN', 'en'] as const) {
        const message = renderMessage(policy, kind, {
          record,
          amount: { amount: 100, currency: 'USD' },
          locale,
          timeZone: 'America/New_York',
          deadline: '2026-03-05T02:00:00.000Z',
          reportDate: '2026-03-12T02:00:00.000Z',
        });
        expect(`${message.sms}${message.emailSubject}${message.emailBody}`).not.toMatch(/\{[a-zA-Z]+\}/);
      }
    }
  });

  test('locale tags map to the two template languages', () => {
    expect(localeFor('zh-Hans-CN')).toBe('zh-CN');
    expect(localeFor('en-US')).toBe('en');
    expect(localeFor('EN')).toBe('en');
  });
});
