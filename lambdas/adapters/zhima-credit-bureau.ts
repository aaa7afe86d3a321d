import { createPrivateKey, createPublicKey, createSign, createVerify, type KeyObject } from 'node:crypto';
import { minorUnitDigits } from '../domain/money';
import { type CreditBureau, CreditBureauRefusedError, type CreditSubject } from '../domain/ports';
import { localParts } from '../domain/time';

/*
 * Zhima Credit (芝麻信用) through the Alipay open-platform gateway.
 *
 * DOCUMENTED (Alipay open platform, public docs and the official SDKs): one form-encoded POST to the
 * gateway (`https://openapi.alipay.com/gateway.do`) with the common parameters below; `sign` is
 * base64 SHA256WithRSA ("RSA2", key of at least 2048 bits) over the non-empty parameters except
 * `sign`, sorted by key, joined as `key=value&…` with raw (not URL-encoded) values; the answer is
 * `{"<method with _ for .>_response": {code, msg, sub_code, sub_msg, …}, "sign": "…"}` (or
 * `error_response` when the gateway cannot tell the method), whose `sign` covers the exact text of
 * that object as sent; `code` "10000" is success, "20000" means the service is unavailable (retry
 * later), 4xxxx are request or business errors. The SDKs verify every success and every failure
 * that carries a `sign`.
 *
 * MODELLED, NOT VERIFIED AGAINST ZHIMA: the method names and biz_content fields in ZHIMA_METHODS.
 * No public Zhima API for filing and updating negative rental records was found. The nearest public
 * ones are the credit-rent order lifecycle (`zhima.merchant.order.rent.create/complete/query`, where
 * Zhima itself records an order left overdue) and the legacy ZMOP data feedback
 * (`zhima.data.batch.feedback`, a file of order rows with status and overdue amount). The names here
 * follow their style (`out_order_no`, `order_no`, amounts as yuan strings, `mobile_no`, times as
 * `yyyy-MM-dd HH:mm:ss` Beijing time, Y/N flags). Before going live an integrator must replace them
 * with the ones in the signed Zhima contract and check: each method name and field; which identity
 * fields Zhima matches on (Alipay user id, id-card number, …: the port's CreditSubject has only name
 * and phone); that re-sending an `out_order_no` answers the same `order_no` instead of a
 * duplicate-order error (the workflow's retries rely on it); the business `sub_code`s; and whether
 * Zhima limits how old `timestamp` may be (it is the business time of the step, so a retry after a
 * long outage sends an old one).
 */
export const ZHIMA_METHODS = {
  /** biz: out_order_no, out_user_id, user_name, mobile_no, overdue_amount, currency, overdue_since, biz_time → order_no */
  report: 'zhima.credit.rental.overdue.report',
  /** biz: out_order_no, order_no, settle_type (PAID | RETURNED), biz_time */
  settle: 'zhima.credit.rental.overdue.settle',
  /** biz: out_order_no, order_no, dispute_flag (Y | N), biz_time */
  flagDispute: 'zhima.credit.rental.overdue.dispute',
  /** biz: out_order_no, order_no, delete_reason (DISPUTE_UPHELD | ERROR), biz_time */
  remove: 'zhima.credit.rental.overdue.delete',
} as const;

export type ZhimaMethod = (typeof ZHIMA_METHODS)[keyof typeof ZHIMA_METHODS];

/** biz_content fields that identify a person: sent to the bureau, never logged or recorded. */
export const ZHIMA_PERSONAL_FIELDS: readonly string[] = ['user_name', 'mobile_no'];

export const ALIPAY_SUCCESS = '10000';
export const ALIPAY_SERVICE_UNAVAILABLE = '20000';
/** The node of a gateway error for which the gateway could not tell the method. */
export const ALIPAY_ERROR_NODE = 'error_response';

export interface ZhimaCreditBureauConfig {
  /** The gateway URL, e.g. `https://openapi.alipay.com/gateway.do`. */
  endpoint: string;
  appId: string;
  /** The merchant's application private key (PKCS#8 PEM, or the bare base64 the Alipay key tool prints). */
  privateKeyPem: string;
  /** Zhima's (Alipay's) public key for this app (SPKI PEM, or bare base64). */
  bureauPublicKeyPem: string;
  timeoutMs: number;
}

/** No usable answer (network, timeout, HTTP error, gateway busy): the workflow retries the step. */
export class CreditBureauUnavailableError extends Error {
  override readonly name = 'CreditBureauUnavailableError';
  readonly retryable = true;
  constructor(
    readonly method: string,
    reason: string,
    options?: { cause?: unknown },
  ) {
    super(`Credit bureau unavailable for ${method}: ${reason}`, options);
  }
}

/** The bureau answered and refused. Only codes, never `sub_msg`, which may echo what was sent. */
export class CreditBureauRejectedError extends CreditBureauRefusedError {
  override readonly name = 'CreditBureauRejectedError';
  readonly retryable = false;
  constructor(
    readonly method: string,
    readonly code: string,
    readonly subCode: string | undefined,
  ) {
    super(`Credit bureau rejected ${method}: code ${code}${subCode ? `, sub_code ${subCode}` : ''}`);
  }
}

/** The answer's signature does not verify with the bureau's public key: it is not trusted. */
export class CreditBureauSignatureError extends CreditBureauRefusedError {
  override readonly name = 'CreditBureauSignatureError';
  readonly retryable = false;
  constructor(
    readonly method: string,
    reason: string,
  ) {
    super(`Credit bureau answer to ${method} failed signature verification: ${reason}`);
  }
}

// ---------------------------------------------------------------------------------------------
// The gateway protocol (the local fake in packages/local-aws has its own; recorded exchanges pin both)

/** `zhima.a.b` → `zhima_a_b_response`. */
export const responseNodeOf = (method: string): string => `${method.replaceAll('.', '_')}_response`;

/** The string to sign: non-empty parameters except `sign`, sorted by key, `key=value` joined by `&`. */
export function signContent(params: Readonly<Record<string, string | undefined>>): string {
  return Object.keys(params)
    .filter((key) => key !== 'sign' && params[key] !== undefined && params[key] !== '')
    .sort()
    .map((key) => `${key}=${params[key]}`)
    .join('&');
}

export const rsa2Sign = (content: string, privateKey: KeyObject): string =>
  createSign('RSA-SHA256').update(content, 'utf8').sign(privateKey, 'base64');

export function rsa2Verify(content: string, signature: string, publicKey: KeyObject): boolean {
  try {
    return createVerify('RSA-SHA256').update(content, 'utf8').verify(publicKey, signature, 'base64');
  } catch {
    return false;
  }
}

/** Alipay hands out keys as bare base64 (PKCS#8 private, SPKI public); PEM is accepted too. */
export function privateKeyFrom(text: string): KeyObject {
  return text.includes('-----BEGIN')
    ? createPrivateKey(text)
    : createPrivateKey({ key: Buffer.from(text.trim(), 'base64'), format: 'der', type: 'pkcs8' });
}

export function publicKeyFrom(text: string): KeyObject {
  return text.includes('-----BEGIN')
    ? createPublicKey(text)
    : createPublicKey({ key: Buffer.from(text.trim(), 'base64'), format: 'der', type: 'spki' });
}

const pad = (value: number, width = 2) => String(value).padStart(width, '0');

/** `yyyy-MM-dd HH:mm:ss` in Beijing time (Asia/Shanghai), the gateway's `timestamp` format. */
export function alipayTimestamp(iso: string): string {
  const epochMs = Date.parse(iso);
  if (Number.isNaN(epochMs)) throw new RangeError('not an ISO 8601 date-time');
  const p = localParts(epochMs, 'Asia/Shanghai');
  // Shanghai's offset is whole minutes, so the UTC seconds are the local seconds.
  const seconds = new Date(epochMs).getUTCSeconds();
  return `${p.year}-${pad(p.month)}-${pad(p.day)} ${pad(p.hour)}:${pad(p.minute)}:${pad(seconds)}`;
}

/** Integer minor units → the decimal string of major units the bureau expects (`12345` CNY → `123.45`). */
export function decimalAmount(amount: number, currency: string): string {
  const digits = minorUnitDigits(currency);
  if (digits === 0) return String(amount);
  const text = String(Math.abs(amount)).padStart(digits + 1, '0');
  return `${amount < 0 ? '-' : ''}${text.slice(0, -digits)}.${text.slice(-digits)}`;
}

/** Where a JSON value ends, from its first character (the text is known to be valid JSON). */
function valueEnd(text: string, start: number): number {
  let depth = 0;
  let inString = false;
  for (let index = start; index < text.length; index++) {
    const char = text[index];
    if (inString) {
      if (char === '\\') index++;
      else if (char === '"') {
        inString = false;
        if (depth === 0) return index + 1;
      }
    } else if (char === '"') inString = true;
    else if (char === '{' || char === '[') depth++;
    else if (char === '}' || char === ']') {
      if (depth === 0) return index;
      depth--;
      if (depth === 0) return index + 1;
    } else if (depth === 0 && (char === ',' || /\s/.test(char ?? ''))) return index;
  }
  return text.length;
}

const skipSpace = (text: string, index: number): number => {
  let at = index;
  while (at < text.length && /\s/.test(text[at] ?? '')) at++;
  return at;
};

/**
 * The exact text of a top-level member's value in a JSON object, as received: the bureau signs
 * those bytes, and re-serialising the parsed value could change them (spacing, escapes, numbers).
 */
export function rawMember(json: string, name: string): string | undefined {
  let index = skipSpace(json, 0);
  if (json[index] !== '{') return undefined;
  index = skipSpace(json, index + 1);
  while (json[index] === '"') {
    const keyEnd = valueEnd(json, index);
    const key = JSON.parse(json.slice(index, keyEnd)) as string;
    index = skipSpace(json, keyEnd);
    if (json[index] !== ':') return undefined;
    const start = skipSpace(json, index + 1);
    const end = valueEnd(json, start);
    if (key === name) return json.slice(start, end);
    index = skipSpace(json, end);
    if (json[index] === ',') index = skipSpace(json, index + 1);
  }
  return undefined;
}

// ---------------------------------------------------------------------------------------------
// The adapter

interface GatewayAnswer {
  code?: unknown;
  sub_code?: unknown;
  order_no?: unknown;
}

export class ZhimaCreditBureau implements CreditBureau {
  private readonly privateKey: KeyObject;
  private readonly bureauKey: KeyObject;

  constructor(private readonly config: ZhimaCreditBureauConfig) {
    this.privateKey = privateKeyFrom(config.privateKeyPem);
    this.bureauKey = publicKeyFrom(config.bureauPublicKeyPem);
  }

  async report(input: {
    caseId: string;
    subject: CreditSubject;
    amount: { amount: number; currency: string };
    overdueSince: string;
    at: string;
  }): Promise<{ reference: string }> {
    const answer = await this.call(ZHIMA_METHODS.report, input.at, {
      out_order_no: input.caseId,
      out_user_id: input.subject.customerId,
      user_name: input.subject.name,
      mobile_no: input.subject.phone,
      overdue_amount: decimalAmount(input.amount.amount, input.amount.currency),
      currency: input.amount.currency,
      overdue_since: alipayTimestamp(input.overdueSince),
      biz_time: alipayTimestamp(input.at),
    });
    if (typeof answer.order_no !== 'string' || answer.order_no === '') {
      // Safe to retry: the same out_order_no is the same report.
      throw new CreditBureauUnavailableError(ZHIMA_METHODS.report, 'success without order_no');
    }
    return { reference: answer.order_no };
  }

  async settle(input: {
    caseId: string;
    reference: string;
    resolution: 'PAID' | 'RETURNED';
    at: string;
  }): Promise<void> {
    await this.call(ZHIMA_METHODS.settle, input.at, {
      out_order_no: input.caseId,
      order_no: input.reference,
      settle_type: input.resolution,
      biz_time: alipayTimestamp(input.at),
    });
  }

  async flagDispute(input: {
    caseId: string;
    reference: string;
    disputed: boolean;
    at: string;
  }): Promise<void> {
    await this.call(ZHIMA_METHODS.flagDispute, input.at, {
      out_order_no: input.caseId,
      order_no: input.reference,
      dispute_flag: input.disputed ? 'Y' : 'N',
      biz_time: alipayTimestamp(input.at),
    });
  }

  async remove(input: {
    caseId: string;
    reference: string;
    reason: 'DISPUTE_UPHELD' | 'ERROR';
    at: string;
  }): Promise<void> {
    await this.call(ZHIMA_METHODS.remove, input.at, {
      out_order_no: input.caseId,
      order_no: input.reference,
      delete_reason: input.reason,
      biz_time: alipayTimestamp(input.at),
    });
  }

  /** One signed gateway call; resolves to the verified success node. */
  private async call(method: ZhimaMethod, at: string, biz: Record<string, string>): Promise<GatewayAnswer> {
    const params: Record<string, string> = {
      app_id: this.config.appId,
      method,
      format: 'JSON',
      charset: 'utf-8',
      sign_type: 'RSA2',
      timestamp: alipayTimestamp(at),
      version: '1.0',
      biz_content: JSON.stringify(biz),
    };
    params.sign = rsa2Sign(signContent(params), this.privateKey);
    const text = await this.post(method, new URLSearchParams(params).toString());

    let body: unknown;
    try {
      body = JSON.parse(text);
    } catch {
      throw new CreditBureauUnavailableError(method, 'answer is not JSON');
    }
    const node = rawMember(text, responseNodeOf(method)) ?? rawMember(text, ALIPAY_ERROR_NODE);
    if (node === undefined || !node.startsWith('{')) {
      throw new CreditBureauUnavailableError(method, `answer has no ${responseNodeOf(method)}`);
    }
    const answer = JSON.parse(node) as GatewayAnswer;
    const code = typeof answer.code === 'string' ? answer.code : '';
    const sign = (body as { sign?: unknown }).sign;
    // As the SDKs do: a success must be signed; a failure is verified when it carries a sign.
    if (code === ALIPAY_SUCCESS || sign !== undefined) {
      if (typeof sign !== 'string' || sign === '') throw new CreditBureauSignatureError(method, 'no sign');
      if (!rsa2Verify(node, sign, this.bureauKey)) throw new CreditBureauSignatureError(method, 'bad sign');
    }
    if (code === ALIPAY_SUCCESS) return answer;
    const subCode = typeof answer.sub_code === 'string' ? answer.sub_code : undefined;
    if (code === ALIPAY_SERVICE_UNAVAILABLE) {
      throw new CreditBureauUnavailableError(method, `code ${code}${subCode ? `, sub_code ${subCode}` : ''}`);
    }
    throw new CreditBureauRejectedError(method, code || '(none)', subCode);
  }

  private async post(method: string, form: string): Promise<string> {
    const unavailable = (error: unknown, what: string) =>
      new CreditBureauUnavailableError(
        method,
        isTimeout(error) ? `no answer within ${this.config.timeoutMs} ms` : what,
        { cause: error },
      );
    let response: Response;
    try {
      response = await fetch(this.config.endpoint, {
        method: 'POST',
        headers: { 'content-type': 'application/x-www-form-urlencoded;charset=utf-8' },
        body: form,
        // Covers reading the body too.
        signal: AbortSignal.timeout(this.config.timeoutMs),
      });
    } catch (error) {
      throw unavailable(error, 'transport failure');
    }
    let text: string;
    try {
      text = await response.text();
    } catch (error) {
      throw unavailable(error, 'answer cut off');
    }
    // The gateway answers 200 for every request and business error; anything else came from the
    // network in front of it. Retrying is safe because every call is keyed by out_order_no.
    if (!response.ok) throw new CreditBureauUnavailableError(method, `HTTP ${response.status}`);
    return text;
  }
}

/** fetch rejects with a DOMException named TimeoutError (not always an `Error` of this realm). */
const isTimeout = (error: unknown): boolean =>
  typeof error === 'object' && error !== null && (error as { name?: unknown }).name === 'TimeoutError';
