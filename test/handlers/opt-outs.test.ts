import { sealOptOut } from '../../lambdas/domain/compliance/opt-out-token';
import type { OpenCaseRequest } from '../../lambdas/domain/requests';
import { handler as optOut } from '../../lambdas/handlers/api/opt-out';
import { handler as optOutLink } from '../../lambdas/handlers/api/opt-out-link';
import { handler as optOutPage } from '../../lambdas/handlers/api/opt-out-page';
import { handler as sendStageContact } from '../../lambdas/handlers/workflow/send-stage-contact';
import { apiEvent, callApi, lambdaContext, START } from '../support/local-aws';
import { HOUR } from '../support/time';
import { adapters } from './adapters';
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

const optOutOf = (customerId: string, body: unknown, at = START + HOUR) =>
  post(optOut, '/customers/{customerId}/opt-outs', { customerId }, body, at);

/** `GET /opt-out?token=` as API Gateway delivers it; the answer is an HTML page, not JSON. */
async function openLink(token: string | undefined, at = START + HOUR) {
  const result = await optOutPage(
    apiEvent({ method: 'GET', resource: '/opt-out', query: token === undefined ? {} : { token }, at }),
    lambdaContext('opt-out-page'),
  );
  return { status: result.statusCode, headers: result.headers ?? {}, body: result.body };
}

/**
 * `POST /opt-out` as API Gateway delivers it: the confirmation page's form (`token=…`, URL-encoded)
 * or a mail provider's one-click (`List-Unsubscribe=One-Click`, the token in the link's query).
 */
async function postLink(
  request: { form: string; query?: Record<string, string>; contentType?: string; idempotencyKey?: string },
  at = START + HOUR,
) {
  const result = await optOutLink(
    apiEvent({
      method: 'POST',
      resource: '/opt-out',
      ...(request.query ? { query: request.query } : {}),
      headers: {
        'content-type': request.contentType ?? 'application/x-www-form-urlencoded',
        ...(request.idempotencyKey ? { 'idempotency-key': request.idempotencyKey } : {}),
      },
      rawBody: request.form,
      at,
    }),
    lambdaContext('opt-out-link'),
  );
  return { status: result.statusCode, headers: result.headers ?? {}, body: result.body };
}

/** What the confirmation page's form posts. */
const formOf = (page: string) => {
  const token = /<input type="hidden" name="token" value="([^"]*)">/.exec(page)?.[1];
  if (!/<form method="post">/.test(page) || token === undefined)
    throw new Error('the page has no opt-out form');
  return new URLSearchParams({ token }).toString();
};
const oneClick = (token: string) => ({ form: 'List-Unsubscribe=One-Click', query: { token } });

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

const alter = (token: string) => {
  const index = Math.floor(token.length / 2);
  const swapped = token[index] === 'A' ? 'B' : 'A';
  return `${token.slice(0, index)}${swapped}${token.slice(index + 1)}`;
};

/** Tokens that are not genuine, made from a notified case's customer and its SMS token. */
const NOT_GENUINE = [
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
] as Array<[string, (request: { customer: { id: string } }, token: string) => string]>;

describe('GET /opt-out?token= (the signed link opens a confirmation page)', () => {
  test('the SMS link: a 200 page naming the channel in both languages, with a form that posts the token; nothing changes', async () => {
    // Prepare
    const { caseId, request, smsToken } = await notifiedCase();
    const timeline = await timelineOf(caseId);

    // Act
    const page = await openLink(smsToken);

    // Assess
    expect(page.status).toBe(200);
    expect(page.headers).toMatchObject({
      'content-type': 'text/html; charset=utf-8',
      'cache-control': 'no-store',
    });
    expect(page.body).toContain('要停止接收此类催收短信吗？');
    expect(page.body).toContain('Stop receiving these collection text messages?');
    expect(formOf(page.body)).toBe(new URLSearchParams({ token: smsToken }).toString());
    expect(await optOutsOf(request.customer.id)).toEqual({});
    expect(await timelineOf(caseId)).toEqual(timeline);
  });

  test('the email link’s page names email', async () => {
    const { request, emailToken } = await notifiedCase();

    const page = await openLink(emailToken);

    expect(page.status).toBe(200);
    expect(page.body).toContain('邮件');
    expect(page.body).toContain('collection emails');
    expect(await optOutsOf(request.customer.id)).toEqual({});
  });

  test('a mail scanner fetching the link again and again opts nobody out; the next message still goes', async () => {
    // Prepare
    const { caseId, request, smsToken, emailToken } = await notifiedCase();

    // Act
    for (const token of [smsToken, emailToken, smsToken, emailToken]) await openLink(token);
    await sendStageContact(
      { caseId, stage: 'SECOND_COLLECTION', at: iso(START + 10 * DAY) },
      lambdaContext(),
    );

    // Assess
    expect(await optOutsOf(request.customer.id)).toEqual({});
    expect(smsOf(aws, caseId)).toHaveLength(2);
    expect(await emailsOf(aws, caseId)).toHaveLength(2);
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

  test.each(NOT_GENUINE)('a token %s is a 400 page and changes nothing', async (_label, make) => {
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
    expect(page.body).not.toContain('<form');
    expect(await optOutsOf(request.customer.id)).toEqual({});
    expect(await timelineOf(caseId)).toEqual(timeline);
  });

  test('a request without a token is a 400 problem naming it', async () => {
    const reply = await callApi(optOutPage, { method: 'GET', resource: '/opt-out', at: START });

    expect(reply).toMatchObject({ status: 400, contentType: 'application/problem+json' });
    expect(reply.body.errors.map((error: { path: string }) => error.path)).toEqual(['token']);
  });
});

describe('POST /opt-out (the page’s form, or a mail provider’s one-click)', () => {
  test('the page’s form opts the customer out of SMS, on the case too, and says so in both languages', async () => {
    // Prepare
    const { caseId, request, smsToken } = await notifiedCase();
    const page = await openLink(smsToken);
    const at = START + HOUR;

    // Act
    const done = await postLink({ form: formOf(page.body) }, at);

    // Assess
    expect(done.status).toBe(200);
    expect(done.headers['content-type']).toBe('text/html; charset=utf-8');
    expect(done.body).toContain('您将不会再收到此类催收短信。');
    expect(done.body).toContain('You will not receive these collection text messages any more.');
    expect(await optOutsOf(request.customer.id)).toEqual({ SMS: iso(at) });
    expect(ofType(await timelineOf(caseId), 'OPTED_OUT')).toEqual([
      { at: iso(at), type: 'OPTED_OUT', channel: 'SMS', detail: { channel: 'SMS' } },
    ]);
  });

  test('a one-click POST (RFC 8058) to the email link opts out of email only', async () => {
    const { request, emailToken } = await notifiedCase();

    const done = await postLink(oneClick(emailToken));

    expect(done.status).toBe(200);
    expect(await optOutsOf(request.customer.id)).toEqual({ EMAIL: iso(START + HOUR) });
  });

  test('a one-click POST sent as multipart/form-data works too', async () => {
    // Prepare
    const { request, emailToken } = await notifiedCase();
    const boundary = 'provider-boundary-7';
    const form = `--${boundary}\r\nContent-Disposition: form-data; name="List-Unsubscribe"\r\n\r\nOne-Click\r\n--${boundary}--\r\n`;

    // Act
    const done = await postLink({
      form,
      query: { token: emailToken },
      contentType: `multipart/form-data; boundary=${boundary}`,
    });

    // Assess
    expect(done.status).toBe(200);
    expect(await optOutsOf(request.customer.id)).toEqual({ EMAIL: iso(START + HOUR) });
  });

  test.each([
    ['CRLF line ends (RFC 7578)', '\r\n'],
    ['bare LF line ends', '\n'],
  ])('a multipart/form-data POST with the token as a form field, %s, opts out', async (_label, eol) => {
    // Prepare
    const { request, smsToken } = await notifiedCase();
    const boundary = '----form-boundary-42';
    const part = (name: string, value: string) =>
      `--${boundary}${eol}Content-Disposition: form-data; name="${name}"${eol}${eol}${value}${eol}`;
    const form = `${part('token', smsToken)}${part('List-Unsubscribe', 'One-Click')}--${boundary}--${eol}`;

    // Act
    const done = await postLink({ form, contentType: `multipart/form-data; boundary="${boundary}"` });

    // Assess
    expect(done.status).toBe(200);
    expect(await optOutsOf(request.customer.id)).toEqual({ SMS: iso(START + HOUR) });
  });

  test('the next message on that channel is skipped, the other channel still goes out', async () => {
    const { caseId, smsToken } = await notifiedCase();
    await postLink(oneClick(smsToken));

    await sendStageContact(
      { caseId, stage: 'SECOND_COLLECTION', at: iso(START + 10 * DAY) },
      lambdaContext(),
    );

    expect(smsOf(aws, caseId)).toHaveLength(1); // the notice only
    expect(await emailsOf(aws, caseId)).toHaveLength(2);
  });

  test('the same opt-out twice answers 200 both times and keeps the first one', async () => {
    // Prepare
    const { caseId, request, smsToken } = await notifiedCase();
    const first = await postLink(oneClick(smsToken), START + HOUR);
    const timeline = await timelineOf(caseId);

    // Act
    const second = await postLink(
      { form: new URLSearchParams({ token: smsToken }).toString() },
      START + 2 * HOUR,
    );

    // Assess
    expect([first.status, second.status]).toEqual([200, 200]);
    expect(second.body).toBe(first.body);
    expect(await optOutsOf(request.customer.id)).toEqual({ SMS: iso(START + HOUR) });
    expect(await timelineOf(caseId)).toEqual(timeline);
  });

  test('an Idempotency-Key is not stored (no auth, nothing written before the token is checked): each link still opts out', async () => {
    // Prepare: one mail client sending the same key for two customers' links
    const first = await notifiedCase();
    const second = await notifiedCase();

    // Act
    const replies = [
      await postLink({ ...oneClick(first.smsToken), idempotencyKey: 'same-key' }),
      await postLink({ ...oneClick(second.emailToken), idempotencyKey: 'same-key' }),
    ];

    // Assess
    expect(replies.map((reply) => reply.status)).toEqual([200, 200]);
    expect(await optOutsOf(first.request.customer.id)).toEqual({ SMS: iso(START + HOUR) });
    expect(await optOutsOf(second.request.customer.id)).toEqual({ EMAIL: iso(START + HOUR) });
  });

  test('a genuine link of an erased customer still answers 200 and reveals nothing', async () => {
    const token = sealOptOut({ customerId: 'erased-customer', channel: 'SMS' }, SIGNING_SECRET);

    const done = await postLink(oneClick(token));

    expect(done.status).toBe(200);
    expect(done.body).not.toContain('erased-customer');
    expect(await adapters.customers().get('erased-customer')).toBeUndefined();
  });

  test.each(NOT_GENUINE)(
    'a token %s is a 400 problem naming it, and changes nothing',
    async (_label, make) => {
      // Prepare
      const { caseId, request, smsToken } = await notifiedCase();
      const timeline = await timelineOf(caseId);

      // Act
      const reply = await postLink({
        form: new URLSearchParams({ token: make(request, smsToken) }).toString(),
      });

      // Assess
      expect(reply.status).toBe(400);
      expect(reply.headers['content-type']).toBe('application/problem+json');
      expect(JSON.parse(reply.body)).toMatchObject({
        status: 400,
        errors: [{ path: 'token', message: 'not a valid opt-out link' }],
      });
      expect(await optOutsOf(request.customer.id)).toEqual({});
      expect(await timelineOf(caseId)).toEqual(timeline);
    },
  );

  test.each([
    ['no token anywhere', 'token', { form: 'List-Unsubscribe=One-Click' }],
    ['a multipart body without its boundary', '(body)', { form: 'x', contentType: 'multipart/form-data' }],
  ])('%s is a 400 problem naming %s', async (_label, path, request) => {
    const reply = await postLink(request);

    expect(reply.status).toBe(400);
    expect(reply.headers['content-type']).toBe('application/problem+json');
    expect(JSON.parse(reply.body).errors.map((error: { path: string }) => error.path)).toEqual([path]);
  });
});
