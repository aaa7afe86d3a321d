import { generateKeyPairSync, type KeyObject } from 'node:crypto';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import {
  answerNodeOf,
  beijingTime,
  ERROR_NODE,
  isRsa2Signature,
  privateKeyOf,
  publicKeyOf,
  rsa2Signature,
  SUCCESS_CODE,
  stringToSign,
} from './alipay-gateway';

/**
 * The Zhima methods the fake answers, with their biz_content fields. They are modelled, not taken
 * from a published Zhima API (the app's adapter explains why); fixtures/zhima-gateway-exchanges.json
 * records exchanges in them that both the fake and the adapter are checked against.
 */
export const BUREAU_METHODS = {
  /** out_order_no, out_user_id, user_name, mobile_no, overdue_amount, currency, overdue_since, biz_time → order_no */
  report: 'zhima.credit.rental.overdue.report',
  /** out_order_no, order_no, settle_type (PAID | RETURNED), biz_time */
  settle: 'zhima.credit.rental.overdue.settle',
  /** out_order_no, order_no, dispute_flag (Y | N), biz_time */
  flagDispute: 'zhima.credit.rental.overdue.dispute',
  /** out_order_no, order_no, delete_reason (DISPUTE_UPHELD | ERROR), biz_time */
  remove: 'zhima.credit.rental.overdue.delete',
} as const;

type BureauMethod = (typeof BUREAU_METHODS)[keyof typeof BUREAU_METHODS];

/** biz_content fields that identify a person: kept by the fake, never recorded. */
const PERSONAL_FIELDS: readonly string[] = ['user_name', 'mobile_no'];

/**
 * A fake Zhima credit bureau behind a fake Alipay gateway (`POST /gateway.do`), for BUREAU_METHODS,
 * speaking the protocol of alipay-gateway.ts. It checks the common parameters and the
 * merchant's RSA2 signature, keeps one report per `out_order_no` with its history, answers
 * idempotently, signs every answer with its own key, and records every call without personal data.
 * Gateway errors use Alipay's documented codes (40001 missing, 40002 invalid); business errors are
 * 40004 with modelled sub codes.
 */

export type ReportStatus = 'REPORTED' | 'SETTLED' | 'DELETED';
export type ReportEvent = 'REPORTED' | 'SETTLED' | 'DISPUTE_FLAGGED' | 'DISPUTE_LIFTED' | 'DELETED';

export interface FakeReport {
  outOrderNo: string;
  /** The bureau's `order_no`. */
  reference: string;
  outUserId: string;
  overdueAmount: string;
  currency: string;
  status: ReportStatus;
  disputed: boolean;
  /** Every change, oldest first: a settled or deleted report keeps what came before. */
  history: Array<{ event: ReportEvent; at: string; bizTime: string; detail?: string }>;
}

export interface RecordedBureauCall {
  seq: number;
  method: string;
  timestamp: string | null;
  /** biz_content without personal data (null when it was not a JSON object). */
  bizContent: Record<string, unknown> | null;
  result: { code: string; subCode?: string; reference?: string };
  /** Virtual time of the call. */
  at: string;
}

export interface KeyPairPem {
  publicKeyPem: string;
  privateKeyPem: string;
}

export interface CreditBureauKeys {
  /** The merchant's (our) application keys: the adapter signs with the private one. */
  merchant: KeyPairPem;
  /** The bureau's keys: the fake signs with the private one, the adapter verifies with the public one. */
  bureau: KeyPairPem;
}

export interface FakeCreditBureauOptions {
  appId: string;
  merchantPublicKeyPem: string;
  bureauPrivateKeyPem: string;
  /** Virtual time; `track` (the runtime's clock) lets `advance` wait for calls in flight. */
  clock: { now(): number; track?<T>(work: Promise<T>): Promise<T> };
}

export const GATEWAY_PATH = '/gateway.do';

/** An answer code; thrown to end a request early. */
class GatewayFailure extends Error {
  constructor(
    readonly code: string,
    readonly msg: string,
    readonly subCode: string,
    readonly subMsg: string,
  ) {
    super(subMsg);
  }
}

const missing = (what: string, subCode: string) =>
  new GatewayFailure('40001', 'Missing Required Arguments', subCode, `missing ${what}`);
const invalid = (what: string, subCode: string) =>
  new GatewayFailure('40002', 'Invalid Arguments', subCode, `invalid ${what}`);
const business = (subCode: string, subMsg: string) =>
  new GatewayFailure('40004', 'Business Failed', subCode, subMsg);

const KNOWN_METHODS = new Set<string>(Object.values(BUREAU_METHODS));
const TIMESTAMP = /^\d{4}-\d{2}-\d{2} \d{2}:\d{2}:\d{2}$/;
const AMOUNT = /^\d{1,10}(\.\d{1,2})?$/;

function readBody(request: IncomingMessage): Promise<string> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    request.on('data', (chunk: Buffer) => chunks.push(chunk));
    request.on('end', () => resolve(Buffer.concat(chunks).toString('utf8')));
    request.on('error', reject);
  });
}

function objectFrom(json: string | null): Record<string, unknown> | null {
  try {
    const value: unknown = JSON.parse(json ?? '');
    return value !== null && typeof value === 'object' && !Array.isArray(value)
      ? (value as Record<string, unknown>)
      : null;
  } catch {
    return null;
  }
}

function withoutPersonalData(biz: Record<string, unknown> | null): Record<string, unknown> | null {
  if (biz === null) return null;
  return Object.fromEntries(Object.entries(biz).filter(([key]) => !PERSONAL_FIELDS.includes(key)));
}

function text(biz: Record<string, unknown>, field: string): string {
  const value = biz[field];
  if (typeof value !== 'string' || value === '') throw business('INVALID_PARAMETER', `${field} is required`);
  return value;
}

function oneOf<T extends string>(biz: Record<string, unknown>, field: string, allowed: readonly T[]): T {
  const value = text(biz, field);
  if (!(allowed as readonly string[]).includes(value)) throw business('INVALID_PARAMETER', `bad ${field}`);
  return value as T;
}

export class FakeCreditBureau {
  readonly server: Server;
  private readonly reports = new Map<string, FakeReport>();
  private readonly calls: RecordedBureauCall[] = [];
  private readonly merchantKey: KeyObject;
  private readonly bureauKey: KeyObject;
  private issued = 0;

  /** Fresh RSA-2048 key pairs (RSA2 needs at least 2048 bits) for the merchant and the bureau. */
  static generateKeys(): CreditBureauKeys {
    const pair = (): KeyPairPem => {
      const { publicKey, privateKey } = generateKeyPairSync('rsa', {
        modulusLength: 2048,
        publicKeyEncoding: { type: 'spki', format: 'pem' },
        privateKeyEncoding: { type: 'pkcs8', format: 'pem' },
      });
      return { publicKeyPem: publicKey, privateKeyPem: privateKey };
    };
    return { merchant: pair(), bureau: pair() };
  }

  constructor(private readonly options: FakeCreditBureauOptions) {
    this.merchantKey = publicKeyOf(options.merchantPublicKeyPem);
    this.bureauKey = privateKeyOf(options.bureauPrivateKeyPem);
    this.server = createServer((request, response) => {
      const work = this.serve(request, response);
      void (options.clock.track ? options.clock.track(work) : work);
    });
  }

  /** Listens on `port` (0: any free one); resolves to the gateway URL for the adapter's `endpoint`. */
  async listen(port = 0, host = '127.0.0.1'): Promise<string> {
    await new Promise<void>((resolve, reject) => {
      this.server.once('error', reject);
      this.server.listen(port, host, resolve);
    });
    return `http://${host}:${(this.server.address() as AddressInfo).port}${GATEWAY_PATH}`;
  }

  close(): Promise<void> {
    return new Promise((resolve, reject) =>
      this.server.close((error) => (error ? reject(error) : resolve())),
    );
  }

  /** Every call so far, oldest first: the body of `GET /_local/credit-bureau`. */
  recorded(): { items: RecordedBureauCall[] } {
    return { items: this.calls.map((call) => structuredClone(call)) };
  }

  report(outOrderNo: string): FakeReport | undefined {
    const report = this.reports.get(outOrderNo);
    return report ? structuredClone(report) : undefined;
  }

  allReports(): FakeReport[] {
    return [...this.reports.values()].map((report) => structuredClone(report));
  }

  private async serve(request: IncomingMessage, response: ServerResponse): Promise<void> {
    const path = new URL(request.url ?? '/', 'http://local').pathname;
    if (path !== GATEWAY_PATH) return this.plain(response, 404, 'not found');
    if (request.method !== 'POST') return this.plain(response, 405, 'method not allowed');
    let body: string;
    try {
      body = await readBody(request);
    } catch {
      return; // the client went away
    }
    const form = new URLSearchParams(body);
    const method = form.get('method') ?? '';
    const node = KNOWN_METHODS.has(method) ? answerNodeOf(method) : ERROR_NODE;
    const biz = objectFrom(form.get('biz_content'));
    let answer: Record<string, unknown>;
    try {
      this.checkGateway(form, biz);
      answer = { code: SUCCESS_CODE, msg: 'Success', ...this.apply(method as BureauMethod, biz ?? {}) };
    } catch (error) {
      if (!(error instanceof GatewayFailure)) return this.plain(response, 500, 'internal error');
      answer = { code: error.code, msg: error.msg, sub_code: error.subCode, sub_msg: error.subMsg };
    }
    this.record(method, form.get('timestamp'), biz, answer);
    // The signature covers the node's exact text, so it is serialised once and embedded as is.
    const nodeText = JSON.stringify(answer);
    const signature = rsa2Signature(nodeText, this.bureauKey);
    response.writeHead(200, { 'content-type': 'application/json;charset=utf-8' });
    response.end(`{"${node}":${nodeText},"sign":"${signature}"}`);
  }

  private plain(response: ServerResponse, status: number, message: string): void {
    response.writeHead(status, { 'content-type': 'text/plain' });
    response.end(message);
  }

  /** The gateway's checks, in the order the parameters are documented. */
  private checkGateway(form: URLSearchParams, biz: Record<string, unknown> | null): void {
    const param = (name: string) => form.get(name) ?? '';
    const method = param('method');
    if (method === '') throw missing('method', 'isv.missing-method');
    if (!KNOWN_METHODS.has(method)) throw invalid('method', 'isv.invalid-method');
    if (param('app_id') === '') throw missing('app_id', 'isv.missing-app-id');
    if (param('app_id') !== this.options.appId) throw invalid('app_id', 'isv.invalid-app-id');
    if (param('format') !== '' && param('format').toUpperCase() !== 'JSON')
      throw invalid('format', 'isv.invalid-format');
    if (param('charset') !== '' && param('charset').toLowerCase() !== 'utf-8')
      throw invalid('charset', 'isv.invalid-charset');
    if (param('sign_type') === '') throw missing('sign_type', 'isv.missing-signature-type');
    if (param('sign_type') !== 'RSA2') throw invalid('sign_type', 'isv.invalid-signature-type');
    if (param('sign') === '') throw missing('sign', 'isv.missing-signature');
    if (param('timestamp') === '') throw missing('timestamp', 'isv.missing-timestamp');
    if (!TIMESTAMP.test(param('timestamp'))) throw invalid('timestamp', 'isv.invalid-timestamp');
    if (param('version') === '') throw missing('version', 'isv.missing-version');
    if (!isRsa2Signature(stringToSign(form.entries()), param('sign'), this.merchantKey)) {
      throw invalid('signature', 'isv.invalid-signature');
    }
    if (biz === null) throw business('INVALID_PARAMETER', 'biz_content is not a JSON object');
  }

  /** The business rules of one verified call; resolves to the answer's extra fields. */
  private apply(method: BureauMethod, biz: Record<string, unknown>): Record<string, unknown> {
    const outOrderNo = text(biz, 'out_order_no');
    const bizTime = text(biz, 'biz_time');
    if (method === BUREAU_METHODS.report) return this.fileReport(outOrderNo, bizTime, biz);
    const report = this.existing(outOrderNo, text(biz, 'order_no'));
    const change = (event: ReportEvent, detail?: string) =>
      report.history.push({ event, at: this.nowIso(), bizTime, ...(detail ? { detail } : {}) });
    switch (method) {
      case BUREAU_METHODS.settle: {
        const settleType = oneOf(biz, 'settle_type', ['PAID', 'RETURNED'] as const);
        this.notDeleted(report);
        if (report.status !== 'SETTLED') {
          report.status = 'SETTLED';
          change('SETTLED', settleType);
        }
        break;
      }
      case BUREAU_METHODS.flagDispute: {
        const disputed = oneOf(biz, 'dispute_flag', ['Y', 'N'] as const) === 'Y';
        this.notDeleted(report);
        if (report.disputed !== disputed) {
          report.disputed = disputed;
          change(disputed ? 'DISPUTE_FLAGGED' : 'DISPUTE_LIFTED');
        }
        break;
      }
      case BUREAU_METHODS.remove: {
        const reason = oneOf(biz, 'delete_reason', ['DISPUTE_UPHELD', 'ERROR'] as const);
        if (report.status !== 'DELETED') {
          report.status = 'DELETED';
          change('DELETED', reason);
        }
        break;
      }
    }
    return this.describe(report);
  }

  private fileReport(outOrderNo: string, bizTime: string, biz: Record<string, unknown>) {
    const known = this.reports.get(outOrderNo);
    // The same out_order_no is the same report: a retried call gets the first answer.
    if (known) return this.describe(known);
    for (const field of ['user_name', 'mobile_no', 'overdue_since']) text(biz, field);
    const outUserId = text(biz, 'out_user_id');
    const currency = text(biz, 'currency');
    const overdueAmount = text(biz, 'overdue_amount');
    if (!AMOUNT.test(overdueAmount)) throw business('INVALID_PARAMETER', 'bad overdue_amount');
    const report: FakeReport = {
      outOrderNo,
      reference: this.nextReference(),
      outUserId,
      overdueAmount,
      currency,
      status: 'REPORTED',
      disputed: false,
      history: [],
    };
    report.history.push({ event: 'REPORTED', at: this.nowIso(), bizTime });
    this.reports.set(outOrderNo, report);
    return this.describe(report);
  }

  private existing(outOrderNo: string, orderNo: string): FakeReport {
    const report = this.reports.get(outOrderNo);
    if (!report) throw business('ORDER_NOT_EXIST', 'no report for this out_order_no');
    if (report.reference !== orderNo) throw business('ORDER_NO_MISMATCH', 'order_no does not match');
    return report;
  }

  private notDeleted(report: FakeReport): void {
    if (report.status === 'DELETED') throw business('ORDER_ALREADY_DELETED', 'the report was deleted');
  }

  private describe(report: FakeReport): Record<string, unknown> {
    return {
      out_order_no: report.outOrderNo,
      order_no: report.reference,
      order_status: report.status,
      dispute_flag: report.disputed ? 'Y' : 'N',
    };
  }

  /** `ZM` + the Beijing date + a sequence: deterministic, so the same scenario gives the same ids. */
  private nextReference(): string {
    this.issued += 1;
    const date = beijingTime(this.options.clock.now()).slice(0, 10).replaceAll('-', '');
    return `ZM${date}${String(this.issued).padStart(8, '0')}`;
  }

  private record(
    method: string,
    timestamp: string | null,
    biz: Record<string, unknown> | null,
    answer: Record<string, unknown>,
  ): void {
    const code = String(answer.code);
    const result: RecordedBureauCall['result'] = { code };
    if (typeof answer.sub_code === 'string') result.subCode = answer.sub_code;
    if (code === SUCCESS_CODE && typeof answer.order_no === 'string') result.reference = answer.order_no;
    this.calls.push({
      seq: this.calls.length + 1,
      method,
      timestamp,
      bizContent: withoutPersonalData(biz),
      result,
      at: this.nowIso(),
    });
  }

  private nowIso(): string {
    return new Date(this.options.clock.now()).toISOString();
  }
}
