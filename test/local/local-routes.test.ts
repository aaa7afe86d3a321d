import type { LocalRuntime } from '@rental-collections/local-aws';
import { openCaseBody } from '../support/fixtures';
import { http, rentalOverdue, START, startRuntime } from './runtime-support';

/** The local-only routes of docs/api.md, over HTTP against a whole runtime started from `cdk.out`. */
let runtime: LocalRuntime;
let api: ReturnType<typeof http>;

beforeAll(async () => {
  runtime = await startRuntime();
  api = http(runtime);
}, 60_000);

afterAll(async () => {
  await runtime?.stop();
});

const HOUR = 3_600_000;
const DAY = 24 * HOUR;
const iso = (epochMs: number) => new Date(epochMs).toISOString();
const nowOf = async () => Date.parse((await api.get('/_local/clock')).body.now);

interface OutboxItem {
  channel: 'SMS' | 'EMAIL';
  to: string;
  caseId: string;
  kind: string;
}

describe('POST /_local/events and GET /_local/events', () => {
  const zhang = openCaseBody({ rentalId: 'rental-events-1' });

  test('a Rental Overdue answers once the case is open through SQS, the starter and Step Functions', async () => {
    // Act
    const put = await api.post('/_local/events', { Entries: [rentalOverdue(runtime, zhang)] });
    const cases = await api.get(`/cases?rentalId=${zhang.rentalId}`);

    // Assess
    expect(put.status).toBe(200);
    expect(put.body).toEqual({ FailedEntryCount: 0, Entries: [{ EventId: expect.any(String) }] });
    expect(cases.body.items).toEqual([
      expect.objectContaining({
        rentalId: zhang.rentalId,
        status: 'OPEN',
        stage: 'OVERDUE_NOTICE',
        openedAt: START,
      }),
    ]);
    const caseId = cases.body.items[0].caseId;
    const outbox = await api.get(`/_local/outbox?caseId=${caseId}`);
    expect(outbox.body.items.map((item: OutboxItem) => [item.channel, item.kind, item.to])).toEqual([
      ['SMS', 'OVERDUE_NOTICE', zhang.customer.phone],
      ['EMAIL', 'OVERDUE_NOTICE', zhang.customer.email],
    ]);
  });

  test('GET /_local/events lists the events in and out, in order', async () => {
    // Prepare
    const { items: cases } = (await api.get(`/cases?rentalId=${zhang.rentalId}`)).body;

    // Act
    const events = await api.get('/_local/events');

    // Assess
    const [rentalOverdueIn, caseOpenedOut] = events.body.items;
    expect(rentalOverdueIn).toMatchObject({
      bus: runtime.bus.busNames()[0],
      source: 'rental.platform',
      'detail-type': 'Rental Overdue',
      time: '2026-03-02T02:00:00Z',
      detail: { rentalId: zhang.rentalId },
      matchedRules: [expect.any(String)],
    });
    expect(caseOpenedOut).toMatchObject({
      source: 'rental.collections',
      'detail-type': 'Case Opened',
      detail: { caseId: cases[0].caseId, rentalId: zhang.rentalId, status: 'OPEN' },
    });
  });

  test('a failed entry is reported, and a body without Entries is a 400 problem', async () => {
    // Act
    const malformed = await api.post('/_local/events', {
      Entries: [{ ...rentalOverdue(runtime, openCaseBody()), Detail: '{not json' }],
    });
    const noEntries = await api.post('/_local/events', { entries: [] });

    // Assess
    expect(malformed.body).toEqual({
      FailedEntryCount: 1,
      Entries: [{ ErrorCode: 'MalformedDetail', ErrorMessage: expect.any(String) }],
    });
    expect(noEntries).toMatchObject({
      status: 400,
      type: 'application/problem+json',
      body: { status: 400, errors: [{ path: 'Entries' }] },
    });
  });
});

describe('GET /_local/outbox filters', () => {
  const li = openCaseBody({
    rentalId: 'rental-outbox-2',
    customer: {
      ...openCaseBody().customer,
      id: 'customer-li',
      phone: '+8613900139000',
      email: 'li.na@example.com',
    },
  });
  let liCaseId: string;

  beforeAll(async () => {
    await api.post('/_local/events', { Entries: [rentalOverdue(runtime, li)] });
    liCaseId = (await api.get(`/cases?rentalId=${li.rentalId}`)).body.items[0].caseId;
  });

  test('channel', async () => {
    // Act
    const { body } = await api.get('/_local/outbox?channel=SMS');

    // Assess
    expect(body.items.length).toBeGreaterThanOrEqual(2);
    expect(body.items.every((item: OutboxItem) => item.channel === 'SMS')).toBe(true);
  });

  test('to, with + encoded as %2B', async () => {
    // Act
    const encoded = await api.get('/_local/outbox?to=%2B8613900139000');
    const unencoded = await api.get('/_local/outbox?to=+8613900139000');

    // Assess
    expect(encoded.body.items.map((item: OutboxItem) => [item.channel, item.to, item.caseId])).toEqual([
      ['SMS', '+8613900139000', liCaseId],
    ]);
    expect(unencoded.body.items).toEqual([]); // a raw + in a query string is a space
  });

  test('caseId, with channel', async () => {
    // Act
    const { body } = await api.get(`/_local/outbox?caseId=${liCaseId}&channel=EMAIL`);

    // Assess
    expect(body.items).toEqual([
      expect.objectContaining({
        channel: 'EMAIL',
        to: li.customer.email,
        caseId: liCaseId,
        kind: 'OVERDUE_NOTICE',
      }),
    ]);
  });
});

describe('the virtual clock', () => {
  test('GET /_local/clock reads it', async () => {
    // Act
    const { status, body } = await api.get('/_local/clock');

    // Assess
    expect(status).toBe(200);
    expect(Date.parse(body.now)).toBeGreaterThanOrEqual(Date.parse(START));
  });

  test.each([
    ['hours', { hours: 5 }, 5 * HOUR],
    ['days', { days: 2 }, 2 * DAY],
    ['fractional hours', { hours: 0.5 }, HOUR / 2],
  ])('POST /_local/clock/advance by %s', async (_name, body, step) => {
    // Prepare
    const before = await nowOf();

    // Act
    const advanced = await api.post('/_local/clock/advance', body);

    // Assess
    expect(advanced).toMatchObject({ status: 200, body: { now: iso(before + step) } });
    expect(await nowOf()).toBe(before + step);
  });

  test('POST /_local/clock/advance to an instant', async () => {
    // Prepare
    const target = iso((await nowOf()) + 3 * DAY + 7 * HOUR);

    // Act
    const advanced = await api.post('/_local/clock/advance', { to: target });

    // Assess
    expect(advanced.body).toEqual({ now: target });
    expect(await nowOf()).toBe(Date.parse(target));
  });

  test.each([
    ['a `to` in the past', () => ({ to: START }), 'to'],
    ['two fields', () => ({ hours: 1, days: 1 }), '(body)'],
    ['no field', () => ({}), '(body)'],
    ['a negative number', () => ({ hours: -1 }), 'hours'],
    ['a number as text', () => ({ days: '2' }), 'days'],
    ['a `to` that is no date', () => ({ to: 'tomorrow' }), 'to'],
    ['a body that is not JSON', () => '{"hours":', '(body)'],
  ])(
    'POST /_local/clock/advance with %s is a 400 problem and leaves the clock',
    async (_name, body, where) => {
      // Prepare
      const before = await nowOf();

      // Act
      const reply = await api.post('/_local/clock/advance', body());

      // Assess
      expect(reply).toMatchObject({
        status: 400,
        type: 'application/problem+json',
        body: { type: '/problems/invalid-request', status: 400, errors: [{ path: where }] },
      });
      expect(await nowOf()).toBe(before);
    },
  );
});

test('an unknown local route is a 404 problem', async () => {
  // Act
  const reply = await api.get('/_local/nothing-here');

  // Assess
  expect(reply).toMatchObject({
    status: 404,
    type: 'application/problem+json',
    body: { type: '/problems/not-found', status: 404, detail: 'No local route GET /_local/nothing-here' },
  });
});
