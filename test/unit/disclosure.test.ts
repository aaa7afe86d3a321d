import {
  DISCLOSURE_APPROVALS_REQUIRED,
  maskName,
  maskPhone,
} from '../../lambdas/domain/compliance/disclosure';

/** Public disclosure publishes masked personal data only (docs/policy.md: name as 张*, phone masked). */
describe('maskName', () => {
  test.each([
    ['张伟', '张*'],
    ['欧阳小明', '欧***'],
    ['张', '张*'],
    ['Wei Zhang', 'W** Z****'],
    ['  Wei   Zhang ', 'W** Z****'],
    ['Li', 'L*'],
    ['A', 'A*'],
    ['Mary-Jane Watson', 'M******** W*****'],
  ])('%s → %s', (name, masked) => {
    expect(maskName(name)).toBe(masked);
  });

  test('keeps only the first character of each word', () => {
    for (const name of ['张伟', 'Wei Zhang', '欧阳小明', 'Alexandra Morgan-Smith']) {
      const masked = maskName(name);
      const kept = masked.replace(/[\s*]/g, '');
      expect(kept).toBe(
        name
          .trim()
          .split(/\s+/)
          .map((word) => [...word][0])
          .join(''),
      );
    }
  });
});

describe('maskPhone', () => {
  test.each([
    ['+8613800138000', '+86 138****8000'],
    ['+12125550123', '+1 212***0123'],
    ['+447911123456', '+447*****3456'],
    ['+861234', '+86 ****'],
  ])('%s → %s', (phone, masked) => {
    expect(maskPhone(phone)).toBe(masked);
  });

  test('the full number never survives, the last four digits do', () => {
    for (const phone of ['+8613800138000', '+8613912345678', '+12125550123']) {
      const masked = maskPhone(phone);
      expect(masked.replace(/\D/g, '')).not.toBe(phone.replace(/\D/g, ''));
      expect(masked).not.toContain(phone.slice(-8));
      expect(masked.endsWith(phone.slice(-4))).toBe(true);
    }
  });
});

test('a disclosure needs two distinct approvals', () => {
  expect(DISCLOSURE_APPROVALS_REQUIRED).toBe(2);
});
