import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { recordedZhimaExchanges as recorded } from '@rental-collections/local-aws/testing';
import {
  CreditBureauRejectedError,
  CreditBureauSignatureError,
  ZHIMA_METHODS,
  ZhimaCreditBureau,
} from '../../lambdas/adapters/zhima-credit-bureau';

/**
 * The Zhima adapter against exchanges recorded from the gateway's documented protocol (signed with
 * OpenSSL, not with the adapter's code nor the fake's): for each one the adapter must send exactly
 * the recorded parameters, signature included, and take the recorded answer as the protocol says.
 */
type Exchange = (typeof recorded.exchanges)[number];

let server: Server;
let endpoint: string;
let answer = '';
const received: string[] = [];

beforeAll(async () => {
  server = createServer((request, response) => {
    const chunks: Buffer[] = [];
    request.on('data', (chunk: Buffer) => chunks.push(chunk));
    request.on('end', () => {
      received.push(Buffer.concat(chunks).toString('utf8'));
      response.writeHead(200, { 'content-type': 'application/json;charset=utf-8' }).end(answer);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  endpoint = `http://127.0.0.1:${(server.address() as AddressInfo).port}/gateway.do`;
});
afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())));
beforeEach(() => {
  received.length = 0;
});

const adapter = () =>
  new ZhimaCreditBureau({
    endpoint,
    appId: recorded.appId,
    privateKeyPem: recorded.keys.merchant.privateKeyPem,
    bureauPublicKeyPem: recorded.keys.bureau.publicKeyPem,
    timeoutMs: 2_000,
  });

/** `yyyy-MM-dd HH:mm:ss` Beijing time back to an ISO instant. */
const fromBeijing = (text: string) => new Date(`${text.replace(' ', 'T')}+08:00`).toISOString();

/** The port call whose request the exchange recorded, read back from its biz_content. */
function callFor(exchange: Exchange): Promise<unknown> {
  const form = new URLSearchParams(exchange.request.form);
  const biz = JSON.parse(form.get('biz_content') ?? '{}') as Record<string, string>;
  const common = { caseId: biz.out_order_no as string, at: fromBeijing(biz.biz_time as string) };
  const reference = biz.order_no as string;
  switch (form.get('method')) {
    case ZHIMA_METHODS.report:
      return adapter().report({
        ...common,
        subject: {
          customerId: biz.out_user_id as string,
          name: biz.user_name as string,
          phone: biz.mobile_no as string,
        },
        amount: { amount: Math.round(Number(biz.overdue_amount) * 100), currency: biz.currency as string },
        overdueSince: fromBeijing(biz.overdue_since as string),
      });
    case ZHIMA_METHODS.settle:
      return adapter().settle({ ...common, reference, resolution: biz.settle_type as 'PAID' | 'RETURNED' });
    case ZHIMA_METHODS.flagDispute:
      return adapter().flagDispute({ ...common, reference, disputed: biz.dispute_flag === 'Y' });
    case ZHIMA_METHODS.remove:
      return adapter().remove({
        ...common,
        reference,
        reason: biz.delete_reason as 'DISPUTE_UPHELD' | 'ERROR',
      });
    default:
      throw new Error(`no port call for ${form.get('method')}`);
  }
}

const parameters = (form: string) => Object.fromEntries(new URLSearchParams(form));
const merchantSigned = recorded.exchanges.filter((exchange) => exchange.signedBy === 'merchant');

test.each(merchantSigned.map((exchange) => [exchange.name, exchange] as const))(
  'the adapter sends the recorded request: %s',
  async (_name, exchange) => {
    answer = exchange.response.body;
    await callFor(exchange).catch(() => undefined);
    expect(received.map(parameters)).toEqual([parameters(exchange.request.form)]);
  },
);

test.each(recorded.exchanges.map((exchange) => [exchange.name, exchange] as const))(
  'the adapter takes the recorded answer as the protocol says: %s',
  async (_name, exchange) => {
    answer = exchange.response.body;
    const node = JSON.parse(exchange.response.nodeText) as {
      code: string;
      sub_code?: string;
      order_no?: string;
    };
    const outcome = callFor(exchange);
    if (node.code === '10000') {
      const result = await outcome;
      if (node.order_no && exchange.request.form.includes('overdue.report'))
        expect(result).toEqual({ reference: node.order_no });
    } else {
      await expect(outcome).rejects.toBeInstanceOf(CreditBureauRejectedError);
      await expect(outcome).rejects.toMatchObject({ code: node.code, subCode: node.sub_code });
    }
  },
);

test('a recorded answer changed by one character fails the adapter’s signature check', async () => {
  const [first] = recorded.exchanges;
  if (!first) throw new Error('the recording has no exchanges');
  answer = first.response.body.replace('"order_status":"REPORTED"', '"order_status":"REPORTEd"');
  expect(answer).not.toBe(first.response.body);
  await expect(callFor(first)).rejects.toBeInstanceOf(CreditBureauSignatureError);
});
