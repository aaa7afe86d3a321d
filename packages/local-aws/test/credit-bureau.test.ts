import { createSign, createVerify } from 'node:crypto';
import { type CreditBureauKeys, FakeCreditBureau, type FakeReport } from '../src/credit-bureau';

/**
 * The fake bureau's own rules, spoken to over HTTP as the gateway documents it. Requests are signed
 * here with node:crypto directly, not with the adapter, so the fake is checked on its own.
 */
const APP_ID = '2021000000000002';
const START = Date.parse('2026-05-04T16:00:00Z');
const REPORT = 'zhima.credit.rental.overdue.report';
const SETTLE = 'zhima.credit.rental.overdue.settle';
const DISPUTE = 'zhima.credit.rental.overdue.dispute';
const DELETE = 'zhima.credit.rental.overdue.delete';

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

interface Answer {
  node: string;
  body: Record<string, unknown>;
  /** Whether `sign` verifies over the node's text with the bureau's public key. */
  signed: boolean;
}

/** One gateway call, signed with `signingKey` (the merchant's by default). */
async function call(
  method: string,
  biz: Record<string, unknown>,
  options: { signingKey?: string; appId?: string; omit?: string } = {},
): Promise<Answer> {
  const params: Record<string, string> = {
    app_id: options.appId ?? APP_ID,
    method,
    format: 'JSON',
    charset: 'utf-8',
    sign_type: 'RSA2',
    timestamp: '2026-05-05 00:00:00',
    version: '1.0',
    biz_content: JSON.stringify(biz),
  };
  if (options.omit) delete params[options.omit];
  const content = Object.keys(params)
    .sort()
    .map((key) => `${key}=${params[key]}`)
    .join('&');
  params.sign = createSign('RSA-SHA256')
    .update(content)
    .sign(options.signingKey ?? keys.merchant.privateKeyPem, 'base64');
  const response = await fetch(endpoint, {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded;charset=utf-8' },
    body: new URLSearchParams(params).toString(),
  });
  const text = await response.text();
  const match = /^\{"(\w+)":(\{.*\}),"sign":"([^"]+)"\}$/.exec(text);
  if (!match) throw new Error(`unexpected answer shape: ${text}`);
  const [, node = '', nodeText = '', sign = ''] = match;
  const signed = createVerify('RSA-SHA256').update(nodeText).verify(keys.bureau.publicKeyPem, sign, 'base64');
  return { node, body: JSON.parse(nodeText) as Record<string, unknown>, signed };
}

const reportBiz = (outOrderNo: string) => ({
  out_order_no: outOrderNo,
  out_user_id: 'cust-1',
  user_name: '李四',
  mobile_no: '+8613900139000',
  overdue_amount: '1200.50',
  currency: 'CNY',
  overdue_since: '2026-04-01 00:00:00',
  biz_time: '2026-05-05 00:00:00',
});

async function reported(outOrderNo: string): Promise<FakeReport> {
  await call(REPORT, reportBiz(outOrderNo));
  const report = fake.report(outOrderNo);
  if (!report) throw new Error('not reported');
  return report;
}

const change = (outOrderNo: string, reference: string, extra: Record<string, string>) => ({
  out_order_no: outOrderNo,
  order_no: reference,
  biz_time: '2026-05-06 09:00:00',
  ...extra,
});

describe('FakeCreditBureau', () => {
  test('a report answers 10000 with an order_no, signed under the method response node', async () => {
    // Prepare
    const biz = reportBiz('order-1');

    // Act
    const answer = await call(REPORT, biz);

    // Assess
    expect(answer.node).toBe('zhima_credit_rental_overdue_report_response');
    expect(answer.signed).toBe(true);
    expect(answer.body).toEqual({
      code: '10000',
      msg: 'Success',
      out_order_no: 'order-1',
      order_no: expect.stringMatching(/^ZM20260505\d{8}$/),
      order_status: 'REPORTED',
      dispute_flag: 'N',
    });
  });

  test('reporting the same out_order_no again returns the same order_no and changes nothing', async () => {
    // Prepare
    const first = await call(REPORT, reportBiz('order-twice'));
    now = START + 3_600_000;

    // Act
    const again = await call(REPORT, { ...reportBiz('order-twice'), overdue_amount: '9.99' });

    // Assess
    expect(again.body.order_no).toBe(first.body.order_no);
    expect(fake.report('order-twice')).toMatchObject({
      overdueAmount: '1200.50',
      history: [{ event: 'REPORTED', at: '2026-05-04T16:00:00.000Z' }],
    });
  });

  test('settle, dispute and delete of an unknown order are business errors (40004 ORDER_NOT_EXIST)', async () => {
    // Prepare
    const unknown = (extra: Record<string, string>) => change('order-unknown', 'ZM1', extra);

    // Act
    const answers = [
      await call(SETTLE, unknown({ settle_type: 'PAID' })),
      await call(DISPUTE, unknown({ dispute_flag: 'Y' })),
      await call(DELETE, unknown({ delete_reason: 'ERROR' })),
    ];

    // Assess
    for (const answer of answers) {
      expect(answer.signed).toBe(true);
      expect(answer.body).toMatchObject({
        code: '40004',
        msg: 'Business Failed',
        sub_code: 'ORDER_NOT_EXIST',
      });
    }
    expect(fake.report('order-unknown')).toBeUndefined();
  });

  test('a change naming another order_no than the one filed is refused (ORDER_NO_MISMATCH)', async () => {
    // Prepare
    await reported('order-mismatch');

    // Act
    const answer = await call(SETTLE, change('order-mismatch', 'ZM-OTHER', { settle_type: 'PAID' }));

    // Assess
    expect(answer.body).toMatchObject({ code: '40004', sub_code: 'ORDER_NO_MISMATCH' });
    expect(fake.report('order-mismatch')?.status).toBe('REPORTED');
  });

  test('settling twice leaves one SETTLED entry after REPORTED', async () => {
    // Prepare
    const { reference } = await reported('order-settle');
    now = START + 86_400_000;

    // Act
    await call(SETTLE, change('order-settle', reference, { settle_type: 'RETURNED' }));
    const again = await call(SETTLE, change('order-settle', reference, { settle_type: 'RETURNED' }));

    // Assess
    expect(again.body).toMatchObject({ code: '10000', order_status: 'SETTLED' });
    expect(fake.report('order-settle')?.history).toEqual([
      { event: 'REPORTED', at: '2026-05-04T16:00:00.000Z', bizTime: '2026-05-05 00:00:00' },
      {
        event: 'SETTLED',
        at: '2026-05-05T16:00:00.000Z',
        bizTime: '2026-05-06 09:00:00',
        detail: 'RETURNED',
      },
    ]);
  });

  test('the dispute flag is set and lifted on a settled report without changing its status', async () => {
    // Prepare
    const { reference } = await reported('order-flag');
    await call(SETTLE, change('order-flag', reference, { settle_type: 'PAID' }));

    // Act
    const flagged = await call(DISPUTE, change('order-flag', reference, { dispute_flag: 'Y' }));
    const lifted = await call(DISPUTE, change('order-flag', reference, { dispute_flag: 'N' }));

    // Assess
    expect(flagged.body).toMatchObject({ code: '10000', dispute_flag: 'Y', order_status: 'SETTLED' });
    expect(lifted.body).toMatchObject({ code: '10000', dispute_flag: 'N', order_status: 'SETTLED' });
    expect(fake.report('order-flag')?.history.map((entry) => entry.event)).toEqual([
      'REPORTED',
      'SETTLED',
      'DISPUTE_FLAGGED',
      'DISPUTE_LIFTED',
    ]);
  });

  test('delete only marks the report DELETED; it is kept, and further changes are refused', async () => {
    // Prepare
    const { reference } = await reported('order-delete');

    // Act
    await call(DELETE, change('order-delete', reference, { delete_reason: 'ERROR' }));
    const deleteAgain = await call(DELETE, change('order-delete', reference, { delete_reason: 'ERROR' }));
    const settleAfter = await call(SETTLE, change('order-delete', reference, { settle_type: 'PAID' }));
    const flagAfter = await call(DISPUTE, change('order-delete', reference, { dispute_flag: 'Y' }));

    // Assess
    expect(deleteAgain.body).toMatchObject({ code: '10000', order_status: 'DELETED' });
    expect(settleAfter.body).toMatchObject({ code: '40004', sub_code: 'ORDER_ALREADY_DELETED' });
    expect(flagAfter.body).toMatchObject({ code: '40004', sub_code: 'ORDER_ALREADY_DELETED' });
    expect(fake.report('order-delete')?.history.map((entry) => entry.event)).toEqual(['REPORTED', 'DELETED']);
  });

  test('a request not signed with the merchant key is refused (40002 isv.invalid-signature)', async () => {
    // Prepare
    const biz = reportBiz('order-forged');

    // Act
    const answer = await call(REPORT, biz, { signingKey: keys.bureau.privateKeyPem });

    // Assess
    expect(answer.signed).toBe(true);
    expect(answer.body).toMatchObject({ code: '40002', sub_code: 'isv.invalid-signature' });
    expect(fake.report('order-forged')).toBeUndefined();
  });

  test('a tampered biz_content no longer matches its signature and is refused', async () => {
    // Prepare: sign one amount, send another
    const params = new URLSearchParams({
      app_id: APP_ID,
      method: REPORT,
      sign_type: 'RSA2',
      timestamp: '2026-05-05 00:00:00',
      version: '1.0',
      biz_content: JSON.stringify(reportBiz('order-changed')),
    });
    const content = [...params.entries()]
      .sort(([a], [b]) => (a < b ? -1 : 1))
      .map(([key, value]) => `${key}=${value}`)
      .join('&');
    params.set('sign', createSign('RSA-SHA256').update(content).sign(keys.merchant.privateKeyPem, 'base64'));
    params.set('biz_content', JSON.stringify({ ...reportBiz('order-changed'), overdue_amount: '1.00' }));

    // Act
    const response = await fetch(endpoint, { method: 'POST', body: params });

    // Assess
    expect(await response.text()).toContain('"sub_code":"isv.invalid-signature"');
    expect(fake.report('order-changed')).toBeUndefined();
  });

  test('gateway checks: unknown app_id, missing timestamp, unknown method', async () => {
    // Prepare
    const biz = reportBiz('order-gateway');

    // Act
    const wrongApp = await call(REPORT, biz, { appId: '2021000000000999' });
    const noTimestamp = await call(REPORT, biz, { omit: 'timestamp' });
    const unknownMethod = await call('zhima.credit.rental.overdue.query', biz);

    // Assess
    expect(wrongApp.body).toMatchObject({ code: '40002', sub_code: 'isv.invalid-app-id' });
    expect(noTimestamp.body).toMatchObject({ code: '40001', sub_code: 'isv.missing-timestamp' });
    expect(unknownMethod.node).toBe('error_response');
    expect(unknownMethod.body).toMatchObject({ code: '40002', sub_code: 'isv.invalid-method' });
    expect(fake.report('order-gateway')).toBeUndefined();
  });

  test('a report without the fields it needs is a business error and files nothing', async () => {
    // Prepare
    const { mobile_no: _dropped, ...withoutPhone } = reportBiz('order-incomplete');

    // Act
    const answer = await call(REPORT, withoutPhone);

    // Assess
    expect(answer.body).toMatchObject({ code: '40004', sub_code: 'INVALID_PARAMETER' });
    expect(fake.report('order-incomplete')).toBeUndefined();
  });

  test('every call is recorded with its result and virtual time, without name or phone', async () => {
    // Prepare
    now = Date.parse('2026-06-01T00:00:00Z');
    const { reference } = await reported('order-recorded');

    // Act
    await call(SETTLE, change('order-recorded', reference, { settle_type: 'PAID' }), {
      signingKey: keys.bureau.privateKeyPem,
    });
    const items = fake.recorded().items.filter((item) => item.bizContent?.out_order_no === 'order-recorded');

    // Assess
    expect(items).toEqual([
      {
        seq: expect.any(Number),
        method: REPORT,
        timestamp: '2026-05-05 00:00:00',
        bizContent: {
          out_order_no: 'order-recorded',
          out_user_id: 'cust-1',
          overdue_amount: '1200.50',
          currency: 'CNY',
          overdue_since: '2026-04-01 00:00:00',
          biz_time: '2026-05-05 00:00:00',
        },
        result: { code: '10000', reference },
        at: '2026-06-01T00:00:00.000Z',
      },
      expect.objectContaining({
        method: SETTLE,
        result: { code: '40002', subCode: 'isv.invalid-signature' },
        at: '2026-06-01T00:00:00.000Z',
      }),
    ]);
    const everything = JSON.stringify(fake.recorded());
    expect(everything).not.toContain('李四');
    expect(everything).not.toContain('13900139000');
  });

  test('only POST /gateway.do is served', async () => {
    // Prepare
    const base = endpoint.replace('/gateway.do', '');

    // Act
    const other = await fetch(`${base}/other`, { method: 'POST' });
    const get = await fetch(endpoint);

    // Assess
    expect(other.status).toBe(404);
    expect(get.status).toBe(405);
  });

  test('generateKeys gives two distinct RSA-2048 pairs whose halves match', () => {
    // Prepare
    const generated = FakeCreditBureau.generateKeys();

    // Act
    const signedBy = (privateKeyPem: string) => createSign('RSA-SHA256').update('x').sign(privateKeyPem);
    const merchantSignature = signedBy(generated.merchant.privateKeyPem);
    const verifies = (publicKeyPem: string) =>
      createVerify('RSA-SHA256').update('x').verify(publicKeyPem, merchantSignature);

    // Assess
    expect(merchantSignature).toHaveLength(256);
    expect(verifies(generated.merchant.publicKeyPem)).toBe(true);
    expect(verifies(generated.bureau.publicKeyPem)).toBe(false);
    expect(generated.merchant.privateKeyPem).toContain('-----BEGIN PRIVATE KEY-----');
    expect(generated.bureau.publicKeyPem).toContain('-----BEGIN PUBLIC KEY-----');
  });
});
