import { openCaseBody } from '../support/fixtures';
import { http, type RuntimeProcess, startRuntimeProcess } from '../support/runtime-process';

/**
 * The foundation's path end to end, over HTTP against `npm start`'s runtime (the synthesized app):
 * open, duplicate open, overdue notice by SMS and email, full payment, repeated payment, then 40
 * quiet days; and an unpaid case whose 30-day soft-reminder wait fires on time.
 */
const START = '2026-03-02T01:00:00.000Z'; // 09:00 in Shanghai
const HOUR = 3_600_000;
const DAY = 24 * HOUR;
const at = (offsetMs: number) => new Date(Date.parse(START) + offsetMs).toISOString();

let runtime: RuntimeProcess;
let api: ReturnType<typeof http>;

beforeAll(async () => {
  runtime = await startRuntimeProcess({ start: START, seed: '42' });
  api = http(runtime.api);
}, 120_000);

afterAll(async () => {
  await runtime?.stop();
});

interface OutboxItem {
  channel: 'SMS' | 'EMAIL';
  to: string;
  caseId: string;
  kind: string;
  subject?: string;
  body: string;
  at: string;
}

const outboxOf = async (caseId: string): Promise<OutboxItem[]> =>
  (await api.get(`/_local/outbox?caseId=${caseId}`)).body.items;

describe('the payment path', () => {
  const request = openCaseBody({
    rentalId: 'rental-e2e-paid',
    amountDue: { amount: 129_900, currency: 'CNY' },
    dueAt: '2026-03-01T01:00:00Z',
  });
  let caseId: string;

  test('opening a case answers 201 with the case OPEN at OVERDUE_NOTICE', async () => {
    const reply = await api.post('/cases', request);

    expect(reply.status).toBe(201);
    expect(reply.body).toMatchObject({ status: 'OPEN', stage: 'OVERDUE_NOTICE', rentalId: request.rentalId });
    caseId = reply.body.caseId;
  });

  test('opening it again answers 200 with the same case', async () => {
    const reply = await api.post('/cases', request);

    expect(reply.status).toBe(200);
    expect(reply.body.caseId).toBe(caseId);
  });

  test('the overdue notice goes out by SMS and email within a day, naming device, amount and deadline', async () => {
    await api.post('/_local/clock/advance', { hours: 1 });

    const items = await outboxOf(caseId);

    expect(items.map((item) => [item.channel, item.kind, item.to])).toEqual([
      ['SMS', 'OVERDUE_NOTICE', request.customer.phone],
      ['EMAIL', 'OVERDUE_NOTICE', request.customer.email],
    ]);
    for (const item of items) {
      expect(Date.parse(item.at) - Date.parse(START)).toBeLessThan(DAY);
      expect(item.body).toContain('iPhone 15 128GB');
      expect(item.body).toContain('¥1,299.64'); // 1,299.00 + one day's 0.05 % fee (0.6495, rounded down)
      expect(item.body).toContain('2026年3月5日 09:00'); // deadline: notice + 3 days, Shanghai time
    }
    const events = (await api.get('/_local/events')).body.items;
    expect(events.filter((event: { detail: { caseId?: string } }) => event.detail.caseId === caseId)).toEqual(
      [expect.objectContaining({ source: 'rental.collections', 'detail-type': 'Case Opened' })],
    );
  });

  test('a full payment resolves the case PAID at once; the workflow closes it and announces it', async () => {
    const owed = (await api.get(`/cases/${caseId}`)).body.outstanding;

    const reply = await api.post(`/cases/${caseId}/payments`, {
      paymentId: 'pay-e2e-1',
      amount: owed,
      paidAt: at(HOUR),
    });

    expect(reply.status).toBe(200);
    expect(reply.body).toMatchObject({ status: 'RESOLVED', resolution: 'PAID', outstanding: { amount: 0 } });
    const executions = (await api.get(`/_local/executions?caseId=${caseId}`)).body.items;
    expect(executions).toEqual([expect.objectContaining({ name: caseId, status: 'SUCCEEDED' })]);
    const resolved = (await api.get('/_local/events')).body.items.filter(
      (event: { 'detail-type': string; detail: { caseId?: string } }) =>
        event.detail.caseId === caseId && event['detail-type'] === 'Case Resolved',
    );
    expect(resolved).toHaveLength(1);
  });

  test('the same payment again changes nothing', async () => {
    const before = (await api.get(`/cases/${caseId}`)).body;

    const reply = await api.post(`/cases/${caseId}/payments`, {
      paymentId: 'pay-e2e-1',
      amount: before.outstanding.amount === 0 ? before.paid : before.outstanding,
      paidAt: at(HOUR),
    });

    expect(reply.status).toBe(200);
    const after = (await api.get(`/cases/${caseId}`)).body;
    expect(after).toEqual(before);
  });

  test('40 more virtual days send no more collection messages: a receipt at most', async () => {
    const sentBefore = (await outboxOf(caseId)).length;

    await api.post('/_local/clock/advance', { days: 40 });

    const later = (await outboxOf(caseId)).slice(sentBefore);
    expect(later).toEqual([]);
    const kinds = (await outboxOf(caseId)).map((item) => item.kind);
    expect(kinds.filter((kind) => kind !== 'OVERDUE_NOTICE' && kind !== 'RECEIPT')).toEqual([]);
    expect(kinds.filter((kind) => kind === 'RECEIPT')).toHaveLength(2);
  });
});

describe('an unpaid case', () => {
  let caseId: string;
  let openedAt: number;

  test('a 30-day wait (beyond the 24.8-day timer limit) fires on time, not at once', async () => {
    // Prepare: the notice, then after its 3-day wait the first soft reminder
    const reply = await api.post(
      '/cases',
      openCaseBody({ rentalId: 'rental-e2e-unpaid', dueAt: '2026-04-10T00:00:00Z' }),
    );
    caseId = reply.body.caseId;
    openedAt = Date.parse(reply.body.openedAt);
    await api.post('/_local/clock/advance', { to: new Date(openedAt + 3 * DAY + HOUR).toISOString() });
    const reminders = async () => (await outboxOf(caseId)).filter((item) => item.kind === 'SOFT_REMINDER');
    const [first] = await reminders();
    expect(first?.at).toBe(new Date(openedAt + 3 * DAY).toISOString());

    // Act: to one hour before the next reminder is due, then past it
    await api.post('/_local/clock/advance', { to: new Date(openedAt + 33 * DAY - HOUR).toISOString() });
    const before = await reminders();
    await api.post('/_local/clock/advance', { to: new Date(openedAt + 33 * DAY + HOUR).toISOString() });
    const after = await reminders();

    // Assess
    expect(before).toHaveLength(1);
    expect(after.map((item) => item.at)).toEqual([
      new Date(openedAt + 3 * DAY).toISOString(),
      new Date(openedAt + 33 * DAY).toISOString(),
    ]);
  });

  test('its case shows the soft-reminder stage and the timeline of every message, without personal data', async () => {
    const { body } = await api.get(`/cases/${caseId}`);

    expect(body).toMatchObject({ status: 'OPEN', stage: 'SOFT_REMINDERS' });
    const sent = body.timeline.filter((entry: { type: string }) => entry.type === 'MESSAGE_SENT');
    expect(
      sent.map(
        (entry: { channel: string; detail: { kind: string } }) => `${entry.channel} ${entry.detail.kind}`,
      ),
    ).toEqual(['SMS OVERDUE_NOTICE', 'EMAIL OVERDUE_NOTICE', 'SMS SOFT_REMINDER', 'SMS SOFT_REMINDER']);
    expect(JSON.stringify(body.timeline)).not.toMatch(/\+86|@example\.com|张伟/);
  });
});

describe('the contract over HTTP', () => {
  test('bad input is a 400 problem naming the field; an unknown case is a 404 problem', async () => {
    const bad = await api.post('/cases', {
      ...openCaseBody(),
      amountDue: { amount: 'lots', currency: 'CNY' },
    });
    const missing = await api.get('/cases/case-000000000000000000000000');

    expect(bad).toMatchObject({ status: 400, contentType: 'application/problem+json' });
    expect(bad.body.errors).toEqual([expect.objectContaining({ path: 'amountDue.amount' })]);
    expect(missing).toMatchObject({
      status: 404,
      contentType: 'application/problem+json',
      body: { status: 404 },
    });
  });

  test('an advance to a time in the past is a 400 problem and leaves the clock alone', async () => {
    const now = (await api.get('/_local/clock')).body.now;

    const reply = await api.post('/_local/clock/advance', { to: '2020-01-01T00:00:00Z' });

    expect(reply).toMatchObject({ status: 400, body: { errors: [{ path: 'to' }] } });
    expect((await api.get('/_local/clock')).body.now).toBe(now);
  });
});
