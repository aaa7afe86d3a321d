import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { type CreditBureauKeys, FakeCreditBureau } from '@rental-collections/local-aws';
import {
  CREDIT_BUREAU_ENV,
  CreditBureauNotConfiguredError,
  creditBureauFromEnvironment,
} from '../../lambdas/adapters/credit-bureau-config';
import {
  CreditBureauRejectedError,
  CreditBureauSignatureError,
  CreditBureauUnavailableError,
  privateKeyFrom,
  rawMember,
  rsa2Sign,
  signContent,
  ZhimaCreditBureau,
  type ZhimaCreditBureauConfig,
} from '../../lambdas/adapters/zhima-credit-bureau';
import { CreditBureauRefusedError, type CreditSubject } from '../../lambdas/domain/ports';

/**
 * The Zhima adapter against the fake bureau over real HTTP. A small proxy in front of the fake
 * plays the network: it can cut answers off, tamper with them or answer for the bureau.
 */
const APP_ID = '2021000000000001';
const START = Date.parse('2026-04-01T02:00:00Z');
const AT = '2026-04-01T02:00:00.000Z';
const SUBJECT: CreditSubject = { customerId: 'cust-7', name: '张三', phone: '+8613800138000' };

let keys: CreditBureauKeys;
let fake: FakeCreditBureau;
let endpoint: string;
let now = START;

beforeAll(async () => {
  keys = FakeCreditBureau.generateKeys();
  fake = new FakeCreditBureau({
    appId: APP_ID,
    merchantPublicKeyPem: keys.merchant.publicKeyPem,
    bureauPrivateKeyPem: keys.bureau.privateKeyPem,
    clock: { now: () => now },
  });
  endpoint = await fake.listen();
});
afterAll(() => fake.close());
beforeEach(() => {
  now = START;
});

const bureau = (overrides: Partial<ZhimaCreditBureauConfig> = {}) =>
  new ZhimaCreditBureau({
    endpoint,
    appId: APP_ID,
    privateKeyPem: keys.merchant.privateKeyPem,
    bureauPublicKeyPem: keys.bureau.publicKeyPem,
    timeoutMs: 2_000,
    ...overrides,
  });

const reportInput = (caseId: string, at = AT) => ({
  caseId,
  subject: SUBJECT,
  amount: { amount: 350_000, currency: 'CNY' },
  overdueSince: '2026-03-01T00:00:00.000Z',
  at,
});

/** What the proxy does with one request: answer itself, or pass the fake's answer on, changed. */
type Play =
  | { kind: 'answer'; status: number; body: string }
  | { kind: 'tamper'; change: (body: string) => string }
  | { kind: 'hang' };

async function startProxy(play: Play): Promise<{ url: string; close: () => Promise<void> }> {
  const server: Server = createServer(async (request, response) => {
    if (play.kind === 'hang') return;
    if (play.kind === 'answer') {
      response.writeHead(play.status, { 'content-type': 'application/json' });
      response.end(play.body);
      return;
    }
    const chunks: Buffer[] = [];
    for await (const chunk of request) chunks.push(chunk as Buffer);
    const upstream = await fetch(endpoint, {
      method: 'POST',
      headers: { 'content-type': String(request.headers['content-type']) },
      body: Buffer.concat(chunks).toString('utf8'),
    });
    response.writeHead(upstream.status, { 'content-type': 'application/json' });
    response.end(play.change(await upstream.text()));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/gateway.do`,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

/** An answer signed with the bureau's key, as the gateway would send it. */
function signedAnswer(node: string, answer: Record<string, unknown>): string {
  const text = JSON.stringify(answer);
  return `{"${node}":${text},"sign":"${rsa2Sign(text, privateKeyFrom(keys.bureau.privateKeyPem))}"}`;
}

const rejectionOf = async (work: Promise<unknown>): Promise<unknown> => {
  try {
    await work;
  } catch (error) {
    return error;
  }
  throw new Error('expected a rejection');
};

describe('ZhimaCreditBureau against the fake bureau', () => {
  test('report files the debt and resolves to the bureau reference', async () => {
    // Prepare
    const adapter = bureau();

    // Act
    const { reference } = await adapter.report(reportInput('case-report'));

    // Assess
    expect(reference).toMatch(/^ZM20260401\d{8}$/);
    expect(fake.report('case-report')).toMatchObject({
      reference,
      status: 'REPORTED',
      overdueAmount: '3500.00',
      currency: 'CNY',
      outUserId: 'cust-7',
      history: [{ event: 'REPORTED' }],
    });
  });

  test('the same case reported twice gets the same reference and stays one report', async () => {
    // Prepare
    const adapter = bureau();
    const first = await adapter.report(reportInput('case-twice'));

    // Act
    const second = await adapter.report(reportInput('case-twice'));

    // Assess
    expect(second.reference).toBe(first.reference);
    expect(fake.allReports().filter((report) => report.outOrderNo === 'case-twice')).toHaveLength(1);
    expect(fake.report('case-twice')?.history.map((entry) => entry.event)).toEqual(['REPORTED']);
  });

  test('settle makes the report SETTLED and keeps its history', async () => {
    // Prepare
    const adapter = bureau();
    const { reference } = await adapter.report(reportInput('case-settle'));
    now = START + 86_400_000;

    // Act
    await adapter.settle({
      caseId: 'case-settle',
      reference,
      resolution: 'PAID',
      at: '2026-04-02T02:00:00Z',
    });

    // Assess
    const report = fake.report('case-settle');
    expect(report?.status).toBe('SETTLED');
    expect(report?.history).toEqual([
      { event: 'REPORTED', at: AT, bizTime: '2026-04-01 10:00:00' },
      { event: 'SETTLED', at: '2026-04-02T02:00:00.000Z', bizTime: '2026-04-02 10:00:00', detail: 'PAID' },
    ]);
  });

  test('flagDispute flags the report as disputed and lifts the flag again', async () => {
    // Prepare
    const adapter = bureau();
    const { reference } = await adapter.report(reportInput('case-dispute'));

    // Act
    await adapter.flagDispute({ caseId: 'case-dispute', reference, disputed: true, at: AT });
    const whileOpen = fake.report('case-dispute')?.disputed;
    await adapter.flagDispute({ caseId: 'case-dispute', reference, disputed: false, at: AT });

    // Assess
    expect(whileOpen).toBe(true);
    const report = fake.report('case-dispute');
    expect(report?.disputed).toBe(false);
    expect(report?.status).toBe('REPORTED');
    expect(report?.history.map((entry) => entry.event)).toEqual([
      'REPORTED',
      'DISPUTE_FLAGGED',
      'DISPUTE_LIFTED',
    ]);
  });

  test('remove marks the report DELETED and keeps what came before', async () => {
    // Prepare
    const adapter = bureau();
    const { reference } = await adapter.report(reportInput('case-remove'));

    // Act
    await adapter.remove({ caseId: 'case-remove', reference, reason: 'DISPUTE_UPHELD', at: AT });

    // Assess
    const report = fake.report('case-remove');
    expect(report?.status).toBe('DELETED');
    expect(report?.history.map((entry) => [entry.event, entry.detail])).toEqual([
      ['REPORTED', undefined],
      ['DELETED', 'DISPUTE_UPHELD'],
    ]);
  });

  test('settling an order the bureau does not know is a CreditBureauRejectedError with its codes', async () => {
    // Prepare
    const adapter = bureau();

    // Act
    const error = await rejectionOf(
      adapter.settle({ caseId: 'case-unknown', reference: 'ZM0', resolution: 'RETURNED', at: AT }),
    );

    // Assess
    expect(error).toBeInstanceOf(CreditBureauRejectedError);
    expect(error).toBeInstanceOf(CreditBureauRefusedError); // the workflow alerts ops, it does not retry
    expect(error).toMatchObject({ code: '40004', subCode: 'ORDER_NOT_EXIST', retryable: false });
  });

  test('a request signed with another key is refused by the bureau and files nothing', async () => {
    // Prepare: the adapter signs with the bureau's private key instead of the merchant's
    const adapter = bureau({ privateKeyPem: keys.bureau.privateKeyPem });

    // Act
    const error = await rejectionOf(adapter.report(reportInput('case-badly-signed')));

    // Assess
    expect(error).toBeInstanceOf(CreditBureauRejectedError);
    expect(error).toMatchObject({ code: '40002', subCode: 'isv.invalid-signature' });
    expect(fake.report('case-badly-signed')).toBeUndefined();
  });
});

describe('ZhimaCreditBureau trusts only signed answers', () => {
  test('an answer changed on the way is a CreditBureauSignatureError', async () => {
    // Prepare: the proxy swaps the reference in the fake's signed answer
    const proxy = await startProxy({
      kind: 'tamper',
      change: (body) => body.replace(/"order_no":"[^"]+"/, '"order_no":"ZM-FORGED"'),
    });

    // Act
    const error = await rejectionOf(bureau({ endpoint: proxy.url }).report(reportInput('case-tampered')));
    await proxy.close();

    // Assess
    expect(error).toBeInstanceOf(CreditBureauSignatureError);
    expect(error).toBeInstanceOf(CreditBureauRefusedError); // untrusted: a refusal, not an outage
  });

  test('an answer signed by someone else is a CreditBureauSignatureError', async () => {
    // Prepare: the adapter expects the merchant's public key to have signed the bureau's answers
    const adapter = bureau({ bureauPublicKeyPem: keys.merchant.publicKeyPem });

    // Act
    const error = await rejectionOf(adapter.report(reportInput('case-other-signer')));

    // Assess
    expect(error).toBeInstanceOf(CreditBureauSignatureError);
  });

  test('a success without a sign is a CreditBureauSignatureError', async () => {
    // Prepare
    const proxy = await startProxy({
      kind: 'answer',
      status: 200,
      body: '{"zhima_credit_rental_overdue_report_response":{"code":"10000","msg":"Success","order_no":"ZM1"}}',
    });

    // Act
    const error = await rejectionOf(bureau({ endpoint: proxy.url }).report(reportInput('case-unsigned')));
    await proxy.close();

    // Assess
    expect(error).toBeInstanceOf(CreditBureauSignatureError);
  });
});

describe('ZhimaCreditBureau maps failures the workflow can retry', () => {
  test('the bureau being down is a CreditBureauUnavailableError', async () => {
    // Prepare: a port that was just free
    const proxy = await startProxy({ kind: 'hang' });
    const closedUrl = proxy.url;
    await proxy.close();

    // Act
    const error = await rejectionOf(bureau({ endpoint: closedUrl }).report(reportInput('case-down')));

    // Assess
    expect(error).toBeInstanceOf(CreditBureauUnavailableError);
    expect(error).not.toBeInstanceOf(CreditBureauRefusedError); // an outage: the workflow retries
    expect(error).toMatchObject({ name: 'CreditBureauUnavailableError', retryable: true });
  });

  test('an HTTP 502 from the network in front of the gateway is a CreditBureauUnavailableError', async () => {
    // Prepare
    const proxy = await startProxy({ kind: 'answer', status: 502, body: '<html>Bad Gateway</html>' });

    // Act
    const error = await rejectionOf(bureau({ endpoint: proxy.url }).report(reportInput('case-502')));
    await proxy.close();

    // Assess
    expect(error).toBeInstanceOf(CreditBureauUnavailableError);
    expect((error as Error).message).toContain('HTTP 502');
  });

  test('no answer within timeoutMs is a CreditBureauUnavailableError', async () => {
    // Prepare
    const proxy = await startProxy({ kind: 'hang' });

    // Act
    const error = await rejectionOf(
      bureau({ endpoint: proxy.url, timeoutMs: 200 }).report(reportInput('case-slow')),
    );
    await proxy.close();

    // Assess
    expect(error).toBeInstanceOf(CreditBureauUnavailableError);
    expect((error as Error).message).toContain('200 ms');
  });

  test('a signed "service unavailable" (20000) answer is a CreditBureauUnavailableError', async () => {
    // Prepare
    const body = signedAnswer('zhima_credit_rental_overdue_settle_response', {
      code: '20000',
      msg: 'Service Currently Unavailable',
      sub_code: 'isp.unknow-error',
      sub_msg: '系统繁忙',
    });
    const proxy = await startProxy({ kind: 'answer', status: 200, body });

    // Act
    const error = await rejectionOf(
      bureau({ endpoint: proxy.url }).settle({ caseId: 'c', reference: 'r', resolution: 'PAID', at: AT }),
    );
    await proxy.close();

    // Assess
    expect(error).toBeInstanceOf(CreditBureauUnavailableError);
    expect((error as Error).message).toContain('isp.unknow-error');
  });
});

describe('ZhimaCreditBureau request and records', () => {
  test('timestamp and biz_time are the business time `at` in Beijing time, not the clock', async () => {
    // Prepare: 18:30:05 UTC on 03-01 is 02:30:05 on 03-02 in Shanghai; the fake's clock says otherwise
    const adapter = bureau();

    // Act
    await adapter.report(reportInput('case-time', '2026-03-01T18:30:05.000Z'));

    // Assess
    const call = fake.recorded().items.find((item) => item.bizContent?.out_order_no === 'case-time');
    expect(call?.timestamp).toBe('2026-03-02 02:30:05');
    expect(call?.bizContent?.biz_time).toBe('2026-03-02 02:30:05');
    expect(call?.at).toBe(AT);
  });

  test('no name or phone in the recorded calls or in error messages', async () => {
    // Prepare
    await bureau().report(reportInput('case-private'));
    const failures = [
      await rejectionOf(bureau({ appId: '2021999999999999' }).report(reportInput('case-private-2'))),
      await rejectionOf(bureau({ bureauPublicKeyPem: keys.merchant.publicKeyPem }).report(reportInput('x'))),
      await rejectionOf(bureau({ endpoint: 'http://127.0.0.1:9/gateway.do' }).report(reportInput('y'))),
    ];

    // Act
    const recorded = JSON.stringify(fake.recorded());
    const reported = failures.map((error) => `${String(error)} ${JSON.stringify(error)}`).join('\n');

    // Assess
    expect(recorded).toContain('case-private');
    for (const personal of [SUBJECT.name, SUBJECT.phone, '13800138000']) {
      expect(recorded).not.toContain(personal);
      expect(reported).not.toContain(personal);
    }
    expect(failures[0]).toMatchObject({ code: '40002', subCode: 'isv.invalid-app-id' });
  });
});

describe('the gateway protocol helpers', () => {
  test('the string to sign matches the open platform documentation example', () => {
    // Prepare: the example of the "sign" page (all parameters as posted, sign included)
    const params = {
      app_id: '2014072300007148',
      method: 'alipay.mobile.public.menu.add',
      charset: 'GBK',
      sign_type: 'RSA2',
      timestamp: '2014-07-24 03:07:50',
      biz_content: '{"button":[{"actionParam":"ZFB_HFCZ","actionType":"out","name":"话费充值"}]}',
      sign: 'e9zEAe4TTQ4LPLQvETPoLGXTiURcxiAKfMVQ6Hrrsx2hmyIEGvSfAQzbLxHrhyZ48wOJXTsD4FPnt',
      version: '1.0',
      notify_url: '',
    };

    // Act
    const content = signContent(params);

    // Assess
    expect(content).toBe(
      'app_id=2014072300007148&biz_content={"button":[{"actionParam":"ZFB_HFCZ","actionType":"out","name":"话费充值"}]}' +
        '&charset=GBK&method=alipay.mobile.public.menu.add&sign_type=RSA2&timestamp=2014-07-24 03:07:50&version=1.0',
    );
  });

  test('the signed text of an answer is taken exactly as received, wherever the sign stands', () => {
    // Prepare
    const node = '{ "code" : "10000","sub_msg":"a } and a \\" inside","n":1.50 }';
    const body = `{"sign":"abc", "x_response" : ${node} }`;

    // Act
    const raw = rawMember(body, 'x_response');

    // Assess
    expect(raw).toBe(node);
    expect(rawMember(body, 'sign')).toBe('"abc"');
    expect(rawMember(body, 'y_response')).toBeUndefined();
  });
});

describe('creditBureauFromEnvironment', () => {
  /** Runs `work` with the bureau's variables set to `env` (undefined: unset), then puts them back. */
  async function withBureauEnv<R>(env: Partial<Record<string, string>>, work: () => Promise<R>): Promise<R> {
    const names = Object.values(CREDIT_BUREAU_ENV);
    const saved = Object.fromEntries(names.map((name) => [name, process.env[name]]));
    for (const name of names) {
      const value = env[name];
      if (value === undefined) delete process.env[name];
      else process.env[name] = value;
    }
    try {
      return await work();
    } finally {
      for (const name of names) {
        const value = saved[name];
        if (value === undefined) delete process.env[name];
        else process.env[name] = value;
      }
    }
  }

  const SECRET_ARN = 'arn:aws:secretsmanager:us-east-1:000000000000:secret:bureau';

  test('a missing CREDIT_BUREAU_ENDPOINT is a CreditBureauNotConfiguredError (a refusal) before any call', async () => {
    // Act
    const error = await withBureauEnv({ [CREDIT_BUREAU_ENV.secretArn]: SECRET_ARN }, () =>
      rejectionOf(creditBureauFromEnvironment()),
    );

    // Assess: ops must fill it in; retrying would not help
    expect(error).toBeInstanceOf(CreditBureauNotConfiguredError);
    expect(error).toBeInstanceOf(CreditBureauRefusedError);
    expect(error).toMatchObject({ name: 'CreditBureauNotConfiguredError' });
    expect((error as Error).message).toContain('CREDIT_BUREAU_ENDPOINT');
  });

  test('a missing CREDIT_BUREAU_SECRET_ARN is a CreditBureauNotConfiguredError naming it', async () => {
    const error = await withBureauEnv({ [CREDIT_BUREAU_ENV.endpoint]: endpoint }, () =>
      rejectionOf(creditBureauFromEnvironment()),
    );

    expect(error).toBeInstanceOf(CreditBureauNotConfiguredError);
    expect((error as Error).message).toContain('CREDIT_BUREAU_SECRET_ARN');
  });

  test('a CREDIT_BUREAU_TIMEOUT_MS that is not a whole number of ms is a CreditBureauNotConfiguredError', async () => {
    const error = await withBureauEnv(
      {
        [CREDIT_BUREAU_ENV.endpoint]: endpoint,
        [CREDIT_BUREAU_ENV.secretArn]: SECRET_ARN,
        [CREDIT_BUREAU_ENV.timeoutMs]: '5s',
      },
      () => rejectionOf(creditBureauFromEnvironment()),
    );

    expect(error).toBeInstanceOf(CreditBureauNotConfiguredError);
    expect((error as Error).message).toContain('CREDIT_BUREAU_TIMEOUT_MS');
  });

  test('a failed configuration is not cached: the next call reads the environment again', async () => {
    // Prepare
    const first = await withBureauEnv({}, () => rejectionOf(creditBureauFromEnvironment()));

    // Act
    const second = await withBureauEnv({ [CREDIT_BUREAU_ENV.endpoint]: endpoint }, () =>
      rejectionOf(creditBureauFromEnvironment()),
    );

    // Assess: the second error is about what is still missing, not the first one again
    expect((first as Error).message).toContain('CREDIT_BUREAU_ENDPOINT');
    expect((second as Error).message).not.toContain('CREDIT_BUREAU_ENDPOINT');
    expect((second as Error).message).toContain('CREDIT_BUREAU_SECRET_ARN');
  });
});
