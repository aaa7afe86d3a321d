import { createPrivateKey, createPublicKey, type KeyObject, sign, verify } from 'node:crypto';

/*
 * The Alipay open-platform gateway protocol as its public documentation describes it, written here
 * for the fake bureau on its own (not shared with the app's adapter, so that a mistake on one side
 * is caught by the recorded exchanges in fixtures/, not repeated on the other):
 *
 * - a request is one form-encoded POST of the common parameters plus `biz_content` (JSON);
 * - its `sign` is RSA2: base64 of SHA256withRSA (PKCS#1 v1.5) over the string to sign, which is
 *   every parameter except `sign` whose value is not empty, sorted by key, written `key=value`
 *   (raw, not URL-encoded) and joined with `&`;
 * - the answer is `{"<method, dots as underscores>_response":{…},"sign":"…"}` (`error_response`
 *   when the method is unknown); its `sign` covers the exact text of that node as sent.
 */

/** The string an RSA2 signature covers. */
export function stringToSign(parameters: Iterable<[string, string]>): string {
  const signed = [...parameters].filter(([key, value]) => key !== 'sign' && value.length > 0);
  signed.sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
  return signed.map(([key, value]) => `${key}=${value}`).join('&');
}

export function rsa2Signature(text: string, privateKey: KeyObject): string {
  return sign('sha256', Buffer.from(text, 'utf8'), privateKey).toString('base64');
}

export function isRsa2Signature(text: string, signature: string, publicKey: KeyObject): boolean {
  try {
    return verify('sha256', Buffer.from(text, 'utf8'), publicKey, Buffer.from(signature, 'base64'));
  } catch {
    return false;
  }
}

/** Keys as the fake is given them: PEM (PKCS#8 private, SPKI public). */
export const privateKeyOf = (pem: string): KeyObject => createPrivateKey(pem);
export const publicKeyOf = (pem: string): KeyObject => createPublicKey(pem);

/** The answer's node for a method: `zhima.a.b` answers in `zhima_a_b_response`. */
export const answerNodeOf = (method: string): string => `${method.split('.').join('_')}_response`;
export const ERROR_NODE = 'error_response';
export const SUCCESS_CODE = '10000';

const BEIJING_OFFSET_MS = 8 * 3_600_000; // China keeps UTC+8 all year

/** `yyyy-MM-dd HH:mm:ss` in Beijing time: the gateway's `timestamp` and Zhima's times. */
export function beijingTime(epochMs: number): string {
  return new Date(epochMs + BEIJING_OFFSET_MS).toISOString().slice(0, 19).replace('T', ' ');
}
