import { openOptOut, sealOptOut } from '../../lambdas/domain/compliance/opt-out-token';

/** Opt-out link tokens: sealed (AES-256-GCM) so they reveal nothing and cannot be forged or altered. */

const SECRET = 'unit-test-signing-secret';
const CLAIM = { customerId: 'customer-42', channel: 'SMS' as const };

/** The token with one byte of its decoded form changed. */
function withByteFlipped(token: string, index: number): string {
  const raw = Buffer.from(token, 'base64url');
  raw[index] = (raw[index] ?? 0) ^ 0x01;
  return raw.toString('base64url');
}

describe('sealOptOut / openOptOut', () => {
  test.each(['SMS', 'EMAIL'] as const)('a %s claim opens to exactly what was sealed', (channel) => {
    const token = sealOptOut({ customerId: 'customer-42', channel }, SECRET);

    expect(openOptOut(token, SECRET)).toEqual({ customerId: 'customer-42', channel });
  });

  test('the token is URL-safe (it goes into a link as it is)', () => {
    const token = sealOptOut({ customerId: '客户/42+?&=', channel: 'EMAIL' }, SECRET);

    expect(token).toMatch(/^[A-Za-z0-9_-]+$/);
    expect(openOptOut(token, SECRET)).toEqual({ customerId: '客户/42+?&=', channel: 'EMAIL' });
  });

  test('each seal uses a fresh nonce: two links for the same claim differ, both open', () => {
    const first = sealOptOut(CLAIM, SECRET);
    const second = sealOptOut(CLAIM, SECRET);

    expect(first).not.toBe(second);
    expect(openOptOut(first, SECRET)).toEqual(CLAIM);
    expect(openOptOut(second, SECRET)).toEqual(CLAIM);
  });

  test('with a given nonce the token is deterministic', () => {
    const nonce = Buffer.alloc(12, 7);

    expect(sealOptOut(CLAIM, SECRET, nonce)).toBe(sealOptOut(CLAIM, SECRET, nonce));
  });

  test('the token reveals no plain customer id, in its text or in its decoded bytes', () => {
    const customerId = 'customer-0123456789';
    const token = sealOptOut({ customerId, channel: 'SMS' }, SECRET);

    expect(token).not.toContain(customerId);
    expect(token).not.toContain(Buffer.from(customerId).toString('base64url').slice(0, 12));
    expect(Buffer.from(token, 'base64url').toString('latin1')).not.toContain(customerId);
    expect(Buffer.from(token, 'base64url').toString('utf8')).not.toContain('SMS');
  });

  test('a token sealed with another key does not open', () => {
    const token = sealOptOut(CLAIM, 'another-secret');

    expect(openOptOut(token, SECRET)).toBeNull();
  });

  test.each([
    ['the nonce', 0],
    ['the nonce (last byte)', 11],
    ['the authentication tag', 12],
    ['the authentication tag (last byte)', 27],
    ['the sealed claim', 28],
    ['the sealed claim (last byte)', -1],
  ])('a token with a byte of %s changed does not open', (_part, offset) => {
    const token = sealOptOut(CLAIM, SECRET);
    const length = Buffer.from(token, 'base64url').length;

    expect(openOptOut(withByteFlipped(token, offset < 0 ? length + offset : offset), SECRET)).toBeNull();
  });

  test.each([
    ['empty', ''],
    ['garbage', 'not a token at all'],
    ['too short', 'AAAAAAAA'],
    ['truncated', () => sealOptOut(CLAIM, SECRET).slice(0, 40)],
    ['extended', () => `${sealOptOut(CLAIM, SECRET)}AAAA`],
    ['far too long', 'A'.repeat(2_000)],
    ['the plain customer id', 'customer-42'],
  ] as Array<[string, string | (() => string)]>)('a %s token opens to null', (_label, token) => {
    expect(openOptOut(typeof token === 'function' ? token() : token, SECRET)).toBeNull();
  });

  test('a genuine token whose claim is not an SMS or email opt-out opens to null', () => {
    const token = sealOptOut({ customerId: 'customer-42', channel: 'CALL' as 'SMS' }, SECRET);

    expect(openOptOut(token, SECRET)).toBeNull();
  });
});
