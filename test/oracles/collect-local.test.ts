import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { CollectError, collectFromLocalRuntime } from '../../oracles/compliance/collect-local';

/**
 * The HTTP adapter against a stand-in for the local runtime's routes: which routes it reads, that it
 * follows pages, and that no address or message text reaches the record.
 */
const CASES: Record<string, unknown> = {
  'case-1': {
    caseId: 'case-1',
    customerId: 'customer-a',
    timeline: [
      {
        at: '2026-03-26T01:00:00.000Z',
        type: 'MESSAGE_SENT',
        channel: 'SMS',
        detail: { kind: 'CREDIT_PRE_NOTICE' },
      },
      {
        at: '2026-03-26T01:00:00.000Z',
        type: 'WORK_ITEM_CREATED',
        detail: { workItemId: 'case-1:LETTERS:CREDIT_PRE_NOTICE:0', queue: 'LETTERS' },
      },
      {
        at: '2026-03-27T02:00:00.000Z',
        type: 'WORK_ITEM_COMPLETED',
        detail: { workItemId: 'case-1:LETTERS:CREDIT_PRE_NOTICE:0', queue: 'LETTERS', outcome: 'SENT' },
      },
    ],
  },
  'case-2': { caseId: 'case-2', customerId: 'customer-a', timeline: [] },
  'case-3': { caseId: 'case-3', customerId: 'customer-b', timeline: [] },
};

const OUTBOX = [
  {
    channel: 'SMS',
    to: '+8613900000001',
    caseId: 'case-1',
    kind: 'REMINDER',
    body: '张先生 …',
    at: '2026-03-05T01:00:00.000Z',
  },
  {
    channel: 'EMAIL',
    to: 'b@example.com',
    caseId: 'case-3',
    kind: 'REMINDER',
    subject: 's',
    body: 'b',
    at: '2026-03-05T02:00:00.000Z',
  },
  {
    channel: 'EMAIL',
    to: 'b@example.com',
    caseId: null,
    kind: null,
    subject: 's',
    body: 'b',
    at: '2026-03-06T02:00:00.000Z',
  },
];

function route(url: URL): { status: number; body: unknown } {
  if (url.pathname === '/_local/outbox') return { status: 200, body: { items: OUTBOX } };
  if (url.pathname === '/cases') {
    if (url.searchParams.get('customerId') !== 'customer-a') return { status: 200, body: { items: [] } };
    return url.searchParams.get('nextToken') === 'page-2'
      ? { status: 200, body: { items: [{ caseId: 'case-2' }] } }
      : { status: 200, body: { items: [{ caseId: 'case-1' }], nextToken: 'page-2' } };
  }
  const caseId = /^\/cases\/([^/]+)$/.exec(url.pathname)?.[1];
  if (caseId) return CASES[caseId] ? { status: 200, body: CASES[caseId] } : { status: 404, body: {} };
  if (url.pathname === '/work-items') {
    const done = url.searchParams.get('queue') === 'LETTERS' && url.searchParams.get('status') === 'DONE';
    const items = done
      ? [
          {
            workItemId: 'case-1:LETTERS:CREDIT_PRE_NOTICE:0',
            queue: 'LETTERS',
            caseId: 'case-1',
            status: 'DONE',
            stage: 'CREDIT_PRE_NOTICE',
            outcome: 'SENT',
          },
        ]
      : [];
    return { status: 200, body: { items } };
  }
  return { status: 404, body: { detail: `no route ${url.pathname}` } };
}

let server: Server;
let api: string;
const requested: string[] = [];

beforeAll(async () => {
  server = createServer((request, response) => {
    const url = new URL(request.url ?? '/', 'http://localhost');
    requested.push(`${url.pathname}${url.search}`);
    const { status, body } = route(url);
    response.writeHead(status, { 'content-type': 'application/json' });
    response.end(JSON.stringify(body));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  api = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});

afterAll(async () => {
  await new Promise<void>((resolve) => server.close(() => resolve()));
});

const customers = [
  { customerId: 'customer-a', timezone: 'Asia/Shanghai', profile: 'CN' as const },
  { customerId: 'customer-b', timezone: 'America/New_York', profile: 'US' as const },
];

describe('collecting the record from a running local runtime over HTTP', () => {
  test('reads every case (listed by customer, on every page, or named by the outbox) with its timeline', async () => {
    const record = await collectFromLocalRuntime({ api, customers });

    expect(record.cases.map((facts) => facts.caseId).sort()).toEqual(['case-1', 'case-2', 'case-3']);
    expect(requested).toContain('/cases?customerId=customer-a&limit=100&nextToken=page-2');
    expect(record.customers).toBe(customers);
  });

  test('keeps of each message its channel, case, customer, kind and instant, never its address or text', async () => {
    const record = await collectFromLocalRuntime({
      api,
      customers,
      addresses: new Map([['b@example.com', 'customer-b']]),
    });

    expect(record.messages).toEqual([
      {
        channel: 'SMS',
        caseId: 'case-1',
        customerId: 'customer-a',
        kind: 'REMINDER',
        at: '2026-03-05T01:00:00.000Z',
      },
      {
        channel: 'EMAIL',
        caseId: 'case-3',
        customerId: 'customer-b',
        kind: 'REMINDER',
        at: '2026-03-05T02:00:00.000Z',
      },
      {
        channel: 'EMAIL',
        caseId: null,
        customerId: 'customer-b',
        kind: null,
        at: '2026-03-06T02:00:00.000Z',
      },
    ]);
    expect(JSON.stringify(record)).not.toMatch(/\+86|@example\.com|张/);
  });

  test('gives each work item of every queue and status the times its timeline entries show', async () => {
    const record = await collectFromLocalRuntime({ api, customers });

    expect(record.workItems).toEqual([
      {
        workItemId: 'case-1:LETTERS:CREDIT_PRE_NOTICE:0',
        queue: 'LETTERS',
        caseId: 'case-1',
        stage: 'CREDIT_PRE_NOTICE',
        status: 'DONE',
        createdAt: '2026-03-26T01:00:00.000Z',
        claimedAt: null,
        completedAt: '2026-03-27T02:00:00.000Z',
        outcome: 'SENT',
      },
    ]);
    expect(requested.filter((path) => path.startsWith('/work-items')).length).toBeGreaterThanOrEqual(16);
  });

  test('a route that does not answer 200 stops the collection with its status', async () => {
    await expect(collectFromLocalRuntime({ api: `${api}/nowhere`, customers })).rejects.toThrow(CollectError);
  });
});
