import { handler as listCases } from '../../lambdas/handlers/api/list-cases';
import { handler as beginCase } from '../../lambdas/handlers/workflow/begin-case';
import { handler as sendStageContact } from '../../lambdas/handlers/workflow/send-stage-contact';
import { callApi, lambdaContext, START } from '../support/local-aws';
import { HOUR } from '../support/time';
import { type Harness, startHarness } from './aws-harness';
import { DAY, iso, openCaseAt, pay, payInFull, readCase } from './case-helpers';

let aws: Harness;
beforeAll(async () => {
  aws = await startHarness({ bureau: false });
});
afterAll(() => aws.stop());

const list = (query: Record<string, string>, at = START) =>
  callApi(listCases, { method: 'GET', resource: '/cases', query, at });

interface ListedCase {
  caseId: string;
  status: string;
  stage: string;
  customerId: string;
  rentalId: string;
}

/** Follows `nextToken` to the end; returns every item and the size of each page. */
async function listAll(query: Record<string, string>) {
  const items: ListedCase[] = [];
  const pageSizes: number[] = [];
  let nextToken: string | undefined;
  for (let page = 0; page < 100; page++) {
    const reply = await list({ ...query, ...(nextToken ? { nextToken } : {}) });
    if (reply.status !== 200) throw new Error(`listing failed: ${JSON.stringify(reply.body)}`);
    items.push(...reply.body.items);
    pageSizes.push(reply.body.items.length);
    nextToken = reply.body.nextToken;
    if (!nextToken) return { items, pageSizes };
  }
  throw new Error('listing never ended');
}

const idsOf = (items: ListedCase[]) => items.map((item) => item.caseId).sort();

const customer = (id: string) => ({
  id,
  name: '李娜',
  phone: '+8613700137000',
  email: `${id}@example.com`,
  locale: 'zh-CN',
  timezone: 'Asia/Shanghai',
  country: 'CN',
});

describe('GET /cases/{caseId}', () => {
  test('the timeline reads in time order, whatever the order the facts were recorded in', async () => {
    // Prepare: facts recorded out of time order
    const { caseId } = await openCaseAt(); // 02:00Z
    await sendStageContact(
      { caseId, stage: 'FIRST_COLLECTION', at: '2026-03-02T15:00:00.000Z' }, // 23:00 Shanghai: deferred
      lambdaContext(),
    );
    await sendStageContact(
      { caseId, stage: 'FIRST_COLLECTION', at: '2026-03-03T00:00:00.000Z' }, // 08:00 Shanghai: sent
      lambdaContext(),
    );
    await pay(
      caseId,
      { paymentId: 'early', amount: { amount: 1_000, currency: 'CNY' }, paidAt: '2026-03-02T04:00:00Z' },
      START + DAY,
    );
    await beginCase({ caseId, at: iso(START + 1_000), execution: caseId }, lambdaContext());

    // Act
    const reply = await readCase(caseId, START + DAY);

    // Assess
    expect(reply.status).toBe(200);
    const timeline: Array<{ at: string; type: string }> = reply.body.timeline;
    expect(timeline.map((entry) => entry.at)).toEqual(timeline.map((entry) => entry.at).sort());
    expect(timeline.slice(0, 4).map(({ at, type }) => [at, type])).toEqual([
      ['2026-03-02T02:00:00.000Z', 'CASE_OPENED'],
      ['2026-03-02T02:00:01.000Z', 'WORKFLOW_STARTED'],
      ['2026-03-02T04:00:00.000Z', 'PAYMENT_RECEIVED'],
      ['2026-03-02T15:00:00.000Z', 'CONTACT_DEFERRED'],
    ]);
    expect(timeline.slice(4)).toEqual(
      expect.arrayContaining([
        expect.objectContaining({ at: '2026-03-03T00:00:00.000Z', type: 'STAGE_ENTERED' }),
        expect.objectContaining({ at: '2026-03-03T00:00:00.000Z', type: 'MESSAGE_SENT', channel: 'SMS' }),
        expect.objectContaining({ at: '2026-03-03T00:00:00.000Z', type: 'WORK_ITEM_CREATED' }),
      ]),
    );
    expect(timeline).toHaveLength(7);
  });

  test('shows the case as of the request time, fees included', async () => {
    const { caseId } = await openCaseAt({ dueAt: '2026-03-01T00:00:00Z' });

    const reply = await readCase(caseId, Date.parse('2026-03-11T00:00:00Z'));

    expect(reply.body).toMatchObject({
      caseId,
      status: 'OPEN',
      fees: { amount: 649, currency: 'CNY' }, // 10 whole days x 0.05 % of 1,299.00, rounded down
      outstanding: { amount: 130_549, currency: 'CNY' },
    });
  });

  test('an unknown case is a 404 problem', async () => {
    const reply = await readCase('case-000000000000000000000000');

    expect(reply).toMatchObject({
      status: 404,
      contentType: 'application/problem+json',
      body: { type: '/problems/not-found', status: 404 },
    });
    expect(reply.body.detail).toContain('case-000000000000000000000000');
  });
});

describe('GET /cases', () => {
  // Two customers: reader-a with four cases (two for the same rental, one paid), reader-b with one.
  const cases: Record<string, string> = {};
  beforeAll(async () => {
    const openFor = async (name: string, customerId: string, rentalId: string, dueAt: string) => {
      const { caseId } = await openCaseAt({ customer: customer(customerId), rentalId, dueAt });
      cases[name] = caseId;
    };
    await openFor('a1', 'reader-a', 'reader-rental-a1', '2026-03-01T00:00:00Z');
    await openFor('a2', 'reader-a', 'reader-rental-a2', '2026-02-01T00:00:00Z');
    await openFor('a2b', 'reader-a', 'reader-rental-a2', '2026-03-01T00:00:00Z');
    await openFor('a3', 'reader-a', 'reader-rental-a3', '2026-03-01T00:00:00Z');
    await openFor('b1', 'reader-b', 'reader-rental-b1', '2026-03-01T00:00:00Z');
    await payInFull(cases.a3!, START + HOUR);
    for (const name of ['a1', 'b1']) {
      await sendStageContact(
        { caseId: cases[name], stage: 'FIRST_COLLECTION', at: iso(START + 3 * DAY) },
        lambdaContext(),
      );
    }
  });
  const ids = (...names: string[]) => names.map((name) => cases[name]).sort();

  test.each([
    ['customerId', { customerId: 'reader-a' }, ['a1', 'a2', 'a2b', 'a3']],
    ['rentalId', { rentalId: 'reader-rental-a2' }, ['a2', 'a2b']],
    ['customerId and status', { customerId: 'reader-a', status: 'OPEN' }, ['a1', 'a2', 'a2b']],
    ['rentalId and status', { rentalId: 'reader-rental-a3', status: 'RESOLVED' }, ['a3']],
    ['customerId and stage', { customerId: 'reader-a', stage: 'FIRST_COLLECTION' }, ['a1']],
    ['customerId and rentalId', { customerId: 'reader-a', rentalId: 'reader-rental-a1' }, ['a1']],
    [
      'a customerId and another customer’s rentalId',
      { customerId: 'reader-a', rentalId: 'reader-rental-b1' },
      [],
    ],
    [
      'customerId, rentalId, status and stage',
      { customerId: 'reader-a', rentalId: 'reader-rental-a2', status: 'OPEN', stage: 'OVERDUE_NOTICE' },
      ['a2', 'a2b'],
    ],
  ] as Array<[string, Record<string, string>, string[]]>)(
    'filters by %s',
    async (_label, query, expected) => {
      const { items } = await listAll(query);

      expect(idsOf(items)).toEqual(ids(...expected));
    },
  );

  test.each([
    ['status', { status: 'RESOLVED' }, ['a3']],
    ['stage', { stage: 'FIRST_COLLECTION' }, ['a1', 'b1']],
    ['status and stage', { status: 'OPEN', stage: 'FIRST_COLLECTION' }, ['a1', 'b1']],
  ] as Array<[string, Record<string, string>, string[]]>)(
    'filters by %s: every item matches, ours are all there',
    async (_label, query, expected) => {
      const { items } = await listAll(query);

      for (const item of items) expect(item).toMatchObject(query);
      expect(idsOf(items)).toEqual(expect.arrayContaining(ids(...expected)));
      expect(idsOf(items)).not.toContain(cases.a2);
    },
  );

  test('items are cases as the API shows them, without personal data', async () => {
    const reply = await list({ rentalId: 'reader-rental-a1' });

    expect(reply.status).toBe(200);
    expect(reply.body.items).toEqual([
      expect.objectContaining({
        caseId: cases.a1,
        customerId: 'reader-a',
        stage: 'FIRST_COLLECTION',
        outstanding: { amount: 129_964, currency: 'CNY' },
      }),
    ]);
    expect(reply.body.nextToken).toBeUndefined();
    expect(JSON.stringify(reply.body)).not.toMatch(/李娜|\+8613700137000|reader-a@example\.com/);
  });
});

describe('GET /cases paging', () => {
  // seven cases of one customer, three of them paid
  const all: string[] = [];
  const open: string[] = [];
  beforeAll(async () => {
    for (let n = 0; n < 7; n++) {
      const { caseId } = await openCaseAt({ customer: customer('pager') }, START + n * 60_000);
      all.push(caseId);
      if (n % 2 === 1) await payInFull(caseId, START + HOUR);
      else open.push(caseId);
    }
    for (const caseId of open.slice(0, 3)) {
      await sendStageContact(
        { caseId, stage: 'SECOND_COLLECTION', at: iso(START + 10 * DAY) },
        lambdaContext(),
      );
    }
  });

  test.each([
    ['one index', { customerId: 'pager' }, 2, () => all],
    ['an index and a filter', { customerId: 'pager', status: 'OPEN' }, 2, () => open],
    ['a scan and a filter', { stage: 'SECOND_COLLECTION' }, 1, () => open.slice(0, 3)],
    [
      'the status index and a filter',
      { status: 'OPEN', stage: 'SECOND_COLLECTION' },
      1,
      () => open.slice(0, 3),
    ],
  ] as Array<[string, Record<string, string>, number, () => string[]]>)(
    'through %s: every matching case exactly once across pages of at most `limit`',
    async (_label, query, limit, expected) => {
      const { items, pageSizes } = await listAll({ ...query, limit: String(limit) });

      expect(pageSizes.length).toBeGreaterThan(1);
      for (const size of pageSizes) expect(size).toBeLessThanOrEqual(limit);
      expect(idsOf(items)).toEqual([...expected()].sort()); // sorted ids: no duplicates, none missing
    },
  );

  test('the first page holds `limit` items and a nextToken', async () => {
    const reply = await list({ customerId: 'pager', limit: '3' });

    expect(reply.status).toBe(200);
    expect(reply.body.items).toHaveLength(3);
    expect(typeof reply.body.nextToken).toBe('string');
  });

  const encode = (value: unknown) => Buffer.from(JSON.stringify(value)).toString('base64url');
  const firstToken = async (query: Record<string, string>) => {
    const reply = await list({ ...query, limit: '1' });
    const token: string = reply.body.nextToken;
    return { token, key: JSON.parse(Buffer.from(token, 'base64url').toString('utf8')) };
  };

  test.each([
    ['not base64 JSON', async () => ({ query: { customerId: 'pager' }, token: 'not-a-token!' })],
    [
      'JSON but not a key',
      async () => ({ query: { customerId: 'pager' }, token: encode({ hello: 'world' }) }),
    ],
    [
      'a key of another customer',
      async () => {
        const { key } = await firstToken({ customerId: 'pager' });
        return { query: { customerId: 'pager' }, token: encode({ ...key, customerId: 'reader-b' }) };
      },
    ],
    [
      'a key with an extra attribute',
      async () => {
        const { key } = await firstToken({ customerId: 'pager' });
        return { query: { customerId: 'pager' }, token: encode({ ...key, status: 'OPEN' }) };
      },
    ],
    [
      'a key with a number where a string belongs',
      async () => {
        const { key } = await firstToken({ customerId: 'pager' });
        return { query: { customerId: 'pager' }, token: encode({ ...key, openedAt: 1 }) };
      },
    ],
    [
      'the token of another listing',
      async () => {
        const { token } = await firstToken({ customerId: 'pager' });
        return { query: { status: 'OPEN' }, token };
      },
    ],
    [
      'a listing token used for a scan',
      async () => {
        const { token } = await firstToken({ customerId: 'pager' });
        return { query: { stage: 'OVERDUE_NOTICE' }, token };
      },
    ],
  ] as Array<[string, () => Promise<{ query: Record<string, string>; token: string }>]>)(
    'a tampered nextToken (%s) is a 400 problem naming nextToken',
    async (_label, tamper) => {
      const { query, token } = await tamper();

      const reply = await list({ ...query, nextToken: token });

      expect(reply).toMatchObject({
        status: 400,
        contentType: 'application/problem+json',
        body: { type: '/problems/invalid-request', status: 400 },
      });
      expect(reply.body.errors.map((error: { path: string }) => error.path)).toEqual(['nextToken']);
    },
  );

  test.each([
    ['limit', { limit: '0' }],
    ['limit', { limit: '1000' }],
    ['limit', { limit: 'ten' }],
    ['limit', { limit: '2.5' }],
    ['status', { status: 'NOPE' }],
    ['stage', { stage: 'LUNCH' }],
    ['customerId', { customerId: 'bad id with spaces' }],
  ])('a wrong %s (%j) is a 400 problem naming it', async (field, query) => {
    const reply = await list(query);

    expect(reply.status).toBe(400);
    expect(reply.contentType).toBe('application/problem+json');
    expect(reply.body.errors.map((error: { path: string }) => error.path)).toContain(field);
  });

  test('an unknown query parameter is a 400 problem that names it', async () => {
    const reply = await list({ colour: 'red' });

    expect(reply.status).toBe(400);
    expect(JSON.stringify(reply.body.errors)).toContain('colour');
  });
});
