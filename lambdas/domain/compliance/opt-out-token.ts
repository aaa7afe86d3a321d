import { createCipheriv, createDecipheriv, createHash, randomBytes } from 'node:crypto';

/**
 * Opt-out link tokens: the customer id and channel sealed with AES-256-GCM, so a link reveals
 * nothing (not even the customer id) and cannot be forged or altered. The key comes from a secret.
 */
export interface OptOutClaim {
  customerId: string;
  channel: 'SMS' | 'EMAIL';
}

const keyFrom = (secret: string) => createHash('sha256').update(`opt-out-link\u0000${secret}`).digest();

/** `nonce` is for tests and replays; by default a fresh random one. */
export function sealOptOut(claim: OptOutClaim, secret: string, nonce: Buffer = randomBytes(12)): string {
  const cipher = createCipheriv('aes-256-gcm', keyFrom(secret), nonce);
  const body = Buffer.concat([
    cipher.update(JSON.stringify([claim.customerId, claim.channel]), 'utf8'),
    cipher.final(),
  ]);
  return Buffer.concat([nonce, cipher.getAuthTag(), body]).toString('base64url');
}

/** The claim of a genuine token, or null for anything else (forged, altered, truncated, garbage). */
export function openOptOut(token: string, secret: string): OptOutClaim | null {
  try {
    const raw = Buffer.from(token, 'base64url');
    if (raw.length < 29 || raw.length > 600) return null;
    const decipher = createDecipheriv('aes-256-gcm', keyFrom(secret), raw.subarray(0, 12));
    decipher.setAuthTag(raw.subarray(12, 28));
    const text = Buffer.concat([decipher.update(raw.subarray(28)), decipher.final()]).toString('utf8');
    const [customerId, channel] = JSON.parse(text) as [unknown, unknown];
    if (typeof customerId !== 'string' || (channel !== 'SMS' && channel !== 'EMAIL')) return null;
    return { customerId, channel };
  } catch {
    return null;
  }
}
