import { adapters } from '../../lambdas/adapters';
import { sealOptOut } from '../../lambdas/domain/compliance/opt-out-token';
import type { OpenCaseRequest } from '../../lambdas/domain/requests';
import { handler as optOut } from '../../lambdas/handlers/api/opt-out';
import { handler as optOutLink } from '../../lambdas/handlers/api/opt-out-link';
import { handler as sendStageContact } from '../../lambdas/handlers/workflow/send-stage-contact';
import { apiEvent, callApi, lambdaContext, START } from '../support/local-aws';
import { type Harness, SIGNING_SECRET, startHarness } from './aws-harness';
import {
  DAY,
  emailsOf,
  iso,
  ofType,
  openCaseAt,
  optOutTokenIn,
  payInFull,
  personalDataOf,
  post,
  smsOf,
  timelineOf,
  workItemsOf,
} from './case-helpers';

/** A customer's opt-outs: by the API, and by the signed link in every SMS and email. */
let aws: Harness;
beforeAll(async () => {
  aws = await startHarness({ bureau: false });
});
afterAll(() => aws.stop());

const HOUR = 3_600_000;

const optOutOf = (customerId: string, body: unknown, at = START + HOUR) =>
  post(optOut, '/customers/{customerId}/opt-outs', { customerId }, body, at);

/** `GET /opt-out?token=` as API Gateway delivers it; the answer is an HTML page, not JSON. */
async function openLink(token: string | undefined, at = START + HOUR) {
  const result = await optOutLink(
    apiEvent({ method: 'GET', resource: '/opt-out', query: token === undefined ? {} : { token }, at }),
    lambdaContext('opt-out-link'),
  );
  return { status: result.statusCode, headers: result.headers ?? {}, body: result.body };
}

let customers = 0;
const customer = (): OpenCaseRequest['customer'] => ({
  id: `link-customer-${++customers}`,
  name: '赵敏',
  phone: `+86139000022${String(customers).padStart(2, '0')}`,
  email: `link-${customers}@example.com`,
  locale: 'zh-CN',
  timezone: 'Asia/Shanghai',
  country: 'CN',
});

/** A case whose overdue notice went out: its SMS and email each carry a link. */
async function notifiedCase() {
  const opened = await openCaseAt({ customer: customer() });
  await sendStageContact({ caseId: opened.caseId, stage: 'OVERDUE_NOTICE', at: iso(START) }, lambdaContext());
  const smsToken = optOutTokenIn(smsOf(aws, opened.caseId)[0]?.message ?? '');
  const emailToken = optOutTokenIn((await emailsOf(aws, opened.caseId))[0]?.body.text ?? '');
  if (!smsToken || !emailToken) throw new Error('the notice carried no opt-out links');
  return { ...opened, smsToken, emailToken };
}

const optOutsOf = async (customerId: string) => (await adapters.customers().get(customerId))?.optOuts;

describe('POST /customers/{customerId}/opt-outs', () => {
  test('opts the channel out, recorded on each of the customer’s open cases (not on closed ones)', async () => {
    // Prepare: two open cases and a paid one of the same customer
    const who = customer();
    const first = await openCaseAt({ customer: who });
    const second = await openCaseAt({ customer: who });
    const paid = await openCaseAt({ customer: who });
    await payInFull(paid.caseId, START);
    const at = START + HOUR;

    // Act
    const reply = await optOutOf(who.id, { channel: 'EMAIL' }, at);

    // Assess
    expect(reply).toMatchObject({
      status: 200,
      body: { customerId: who.id, channel: 'EMAIL', optedOut: true },
    });
    expect(await optOutsOf(who.id)).toEqual({ EMAIL: iso(at) });
    for (const { caseId } of [first, second]) {
      expect(ofType(await timelineOf(caseId), 'OPTED_OUT')).toEqual([
        { at: iso(at), type: 'OPTED_OUT', channel: 'EMAIL', detail: { channel: 'EMAIL' } },
      ]);
    }
    expect(ofType(await timelineOf(paid.caseId), 'OPTED_OUT')).toEqual([]);
  });

  test('a repeated opt-out keeps the first one’s time and records nothing new', async () => {
    const who = customer();
    const { caseId } = await openCaseAt({ customer: who });
    await optOutOf(who.id, { channel: 'SMS' }, START + HOUR);
    const timeline = await timelineOf(caseId);

    const again = await optOutOf(who.id, { channel: 'SMS' }, START + 2 * HOUR);

    expect(again.status).toBe(200);
    expect(await optOutsOf(who.id)).toEqual({ SMS: iso(START + HOUR) });
    expect(await timelineOf(caseId)).toEqual(timeline);
  });

  test('refusing calls cancels the open call tasks (visits stay)', async () => {
    // Prepare: a second-collection stage above 3,000.00: call tasks and a visit
    const who = customer();
    const { caseId } = await openCaseAt({ customer: who, amountDue: { amount: 400_000, currency: 'CNY' } });
    await sendStageContact({ caseId, stage: 'SECOND_COLLECTION', at: iso(START) }, lambdaContext());

    // Act
    await optOutOf(who.id, { channel: 'CALL' });

    // Assess
    const items = await workItemsOf(caseId);
    expect(items.filter((item) => item.queue === 'CALLS').map((item) => item.status)).toEqual(
      Array(7).fill('CANCELLED'),
    );
    expect(items.filter((item) => item.queue === 'VISITS').map((item) => item.status)).toEqual(['OPEN']);
  });

  test('an unknown customer is a 404', async () => {
    const reply = await optOutOf('nobody-here', { channel: 'SMS' });

    expect(reply).toMatchObject({ status: 404, contentType: 'application/problem+json' });
    expect(await adapters.customers().get('nobody-here')).toBeUndefined();
  });

  test.each([
    ['channel', { channel: 'LETTER' }],
    ['channel', {}],
    ['(body)', undefined],
  ])('a wrong %s is a 400 naming it', async (path, body) => {
    const who = customer();
    await openCaseAt({ customer: who });

    const reply = await optOutOf(who.id, body);

    expect(reply.status).toBe(400);
    expect(reply.body.errors.map((error: { path: string }) => error.path)).toContain(path);
    expect(await optOutsOf(who.id)).toEqual({});
  });
});

describe('GET /opt-out?token= (the signed link)', () => {
  test('the SMS link: a 200 page in both languages; the customer is opted out of SMS, on the case too', async () => {
    // Prepare
    const { caseId, request, smsToken } = await notifiedCase();
    const at = START + HOUR;

    // Act
    const page = await openLink(smsToken, at);

    // Assess
    expect(page.status).toBe(200);
    expect(page.headers).toMatchObject({
      'content-type': 'text/html; charset=utf-8',
      'cache-control': 'no-store',
    });
    expect(page.body).toContain('您将不会再收到此类催收短信。');
    expect(page.body).toContain('You will not receive these collection text messages any more.');
    expect(await optOutsOf(request.customer.id)).toEqual({ SMS: iso(at) });
    expect(ofType(await timelineOf(caseId), 'OPTED_OUT')).toEqual([
      { at: iso(at), type: 'OPTED_OUT', channel: 'SMS', detail: { channel: 'SMS' } },
    ]);
  });

  test('the email link opts out of email only', async () => {
    const { request, emailToken } = await notifiedCase();

    const page = await openLink(emailToken);

    expect(page.status).toBe(200);
    expect(page.body).toContain('邮件');
    expect(page.body).toContain('collection emails');
    expect(await optOutsOf(request.customer.id)).toEqual({ EMAIL: iso(START + HOUR) });
  });

  test('the page reveals nothing about the customer, the case or the debt', async () => {
    const { caseId, request, smsToken } = await notifiedCase();

    const page = await openLink(smsToken);

    const revealing = [
      ...personalDataOf(request),
      request.customer.id,
      caseId,
      request.rentalId,
      request.device.name,
      '1,299',
    ];
    for (const value of revealing) expect(page.body).not.toContain(value);
  });

  test('the next message on that channel is skipped, the other channel still goes out', async () => {
    const { caseId, smsToken } = await notifiedCase();
    await openLink(smsToken);

    await sendStageContact(
      { caseId, stage: 'SECOND_COLLECTION', at: iso(START + 10 * DAY) },
      lambdaContext(),
    );

    expect(smsOf(aws, caseId)).toHaveLength(1); // the notice only
    expect(await emailsOf(aws, caseId)).toHaveLength(2);
  });

  test('the same link twice answers 200 both times and keeps the first opt-out', async () => {
    const { request, smsToken } = await notifiedCase();

    const first = await openLink(smsToken, START + HOUR);
    const second = await openLink(smsToken, START + 2 * HOUR);

    expect([first.status, second.status]).toEqual([200, 200]);
    expect(await optOutsOf(request.customer.id)).toEqual({ SMS: iso(START + HOUR) });
  });

  test('a genuine link of an erased customer still answers 200 and reveals nothing', async () => {
    const token = sealOptOut({ customerId: 'erased-customer', channel: 'SMS' }, SIGNING_SECRET);

    const page = await openLink(token);

    expect(page.status).toBe(200);
    expect(page.body).not.toContain('erased-customer');
    expect(await adapters.customers().get('erased-customer')).toBeUndefined();
  });

  const alter = (token: string) => {
    const index = Math.floor(token.length / 2);
    const swapped = token[index] === 'A' ? 'B' : 'A';
    return `${token.slice(0, index)}${swapped}${token.slice(index + 1)}`;
  };

  test.each([
    [
      'forged with another key',
      (request: { customer: { id: string } }) =>
        sealOptOut({ customerId: request.customer.id, channel: 'SMS' }, 'not-the-signing-secret'),
    ],
    ['altered in one character', (_request: unknown, token: string) => alter(token)],
    ['truncated', (_request: unknown, token: string) => token.slice(0, 30)],
    ['garbage', () => 'not a token at all'],
    ['empty-looking base64', () => 'AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA'],
    ['the customer id itself', (request: { customer: { id: string } }) => request.customer.id],
  ] as Array<[string, (request: { customer: { id: string } }, token: string) => string]>)(
    'a token %s is a 400 page and changes nothing',
    async (_label, make) => {
      // Prepare
      const { caseId, request, smsToken } = await notifiedCase();
      const timeline = await timelineOf(caseId);

      // Act
      const page = await openLink(make(request, smsToken));

      // Assess
      expect(page.status).toBe(400);
      expect(page.headers['content-type']).toBe('text/html; charset=utf-8');
      expect(page.body).toContain('此链接无效。');
      expect(page.body).toContain('This link is not valid.');
      expect(await optOutsOf(request.customer.id)).toEqual({});
      expect(await timelineOf(caseId)).toEqual(timeline);
    },
  );

  test('a request without a token is a 400 problem naming it', async () => {
    const reply = await callApi(optOutLink, { method: 'GET', resource: '/opt-out', at: START });

    expect(reply).toMatchObject({ status: 400, contentType: 'application/problem+json' });
    expect(reply.body.errors.map((error: { path: string }) => error.path)).toEqual(['token']);
  });
});
