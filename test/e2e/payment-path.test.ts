import { openCaseBody } from '../support/fixtures';
import { POLICY as policy } from '../support/policy';
import { http, type RuntimeProcess, startRuntimeProcess } from '../support/runtime-process';
import { DAY, HOUR, iso, START } from '../support/time';

/**
 * The payment path end to end, over HTTP against `npm start`'s runtime (the synthesized app):
 * open, duplicate open, overdue notice by SMS and email, full payment, repeated payment, then 40
 * quiet days; and an unpaid case walking the ladder of policies/default.json up to the second soft
 * reminder, whose 30-day wait (beyond the 24.8-day timer limit) fires on time, not at once.
 */
const at = (offsetMs: number) => iso(START + offsetMs);
const shanghaiHour = (ms: number) => (new Date(ms).getUTCHours() + 8) % 24;

/**
 * Every message of an unpaid CNY case below the legal threshold, opened inside the contact window,
 * by day after opening (policies/default.json): the notice (SMS+EMAIL) then 3 days; the first
 * collection reminder (SMS) then 7; the second (EMAIL+SMS) then 14; the credit pre-notice
 * (SMS+EMAIL) then 7; the credit report and the first soft reminder (SMS) on day 31; the next soft
 * reminder 30 days later, on day 61: the first message after a wait longer than 25 days.
 */
const LADDER: Array<[day: number, channel: 'SMS' | 'EMAIL', kind: string]> = [
  [0, 'SMS', 'OVERDUE_NOTICE'],
  [0, 'EMAIL', 'OVERDUE_NOTICE'],
  [3, 'SMS', 'REMINDER'],
  [10, 'EMAIL', 'SECOND_REMINDER'],
  [10, 'SMS', 'SECOND_REMINDER'],
  [24, 'SMS', 'CREDIT_PRE_NOTICE'],
  [24, 'EMAIL', 'CREDIT_PRE_NOTICE'],
  [31, 'SMS', 'SOFT_REMINDER'],
  [61, 'SMS', 'SOFT_REMINDER'],
];
const FIRST_SOFT_REMINDER_DAY = 31;
const LONG_WAIT_DAY = 61;

/** The same ladder computed from the policy file, so a change of the policy shows here. */
function ladderOfPolicy(): typeof LADDER {
  const sends: typeof LADDER = [];
  let day = 0;
  for (const stage of [
    'OVERDUE_NOTICE',
    'FIRST_COLLECTION',
    'SECOND_COLLECTION',
    'CREDIT_PRE_NOTICE',
  ] as const) {
    const { channels, template, waitDays } = policy.stages[stage];
    for (const channel of channels) sends.push([day, channel as 'SMS' | 'EMAIL', template]);
    day += waitDays;
  }
  const soft = policy.stages.SOFT_REMINDERS;
  for (const channel of soft.channels) sends.push([day, channel as 'SMS' | 'EMAIL', soft.template]);
  for (const channel of soft.channels)
    sends.push([day + soft.everyDays, channel as 'SMS' | 'EMAIL', soft.template]);
  return sends;
}

// Cold starts of the functions and a 61-day advance of the whole system take several seconds.
jest.setTimeout(60_000);

let runtime: RuntimeProcess;
let api: ReturnType<typeof http>;

beforeAll(async () => {
  runtime = await startRuntimeProcess({ start: iso(START), seed: '42' });
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
      expect(Date.parse(item.at) - START).toBeLessThan(DAY);
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
    const sentBefore = await outboxOf(caseId);

    const reply = await api.post(`/cases/${caseId}/payments`, {
      paymentId: 'pay-e2e-1',
      amount: before.outstanding.amount === 0 ? before.paid : before.outstanding,
      paidAt: at(HOUR),
    });

    expect(reply.status).toBe(200);
    const after = (await api.get(`/cases/${caseId}`)).body;
    expect(after).toEqual(before);
    expect(await outboxOf(caseId)).toEqual(sentBefore);
  });

  test('40 more virtual days send no more collection messages: a receipt at most', async () => {
    const sentBefore = (await outboxOf(caseId)).length;

    await api.post('/_local/clock/advance', { days: 40 });

    const items = await outboxOf(caseId);
    expect(items.slice(sentBefore)).toEqual([]);
    expect(items.map((item) => `${item.channel} ${item.kind}`)).toEqual([
      'SMS OVERDUE_NOTICE',
      'EMAIL OVERDUE_NOTICE',
      'SMS RECEIPT',
      'EMAIL RECEIPT',
    ]);
    const { body } = await api.get(`/cases/${caseId}`);
    expect(body).toMatchObject({ status: 'RESOLVED', resolution: 'PAID', stage: 'OVERDUE_NOTICE' });
    const openCalls = (await api.get('/work-items?queue=CALLS&status=OPEN&limit=100')).body.items.filter(
      (item: { caseId: string }) => item.caseId === caseId,
    );
    expect(openCalls).toEqual([]);
  });
});

describe('an unpaid case', () => {
  let caseId: string;
  let openedAt: number;
  const dayOf = (iso: string) => (Date.parse(iso) - openedAt) / DAY;
  const sent = async () =>
    (await outboxOf(caseId)).map((item): [number, string, string] => [
      dayOf(item.at),
      item.channel,
      item.kind,
    ]);

  test('the ladder above is the one of policies/default.json', () => {
    expect(ladderOfPolicy()).toEqual(LADDER);
  });

  test('the ladder runs notice, collection reminders and credit pre-notice to the first soft reminder on day 31', async () => {
    // Prepare: opened inside the contact window, so no message is deferred
    const reply = await api.post(
      '/cases',
      openCaseBody({ rentalId: 'rental-e2e-unpaid', dueAt: '2026-04-10T00:00:00Z' }),
    );
    expect(reply.status).toBe(201);
    caseId = reply.body.caseId;
    openedAt = Date.parse(reply.body.openedAt);
    for (const day of new Set(LADDER.map(([day]) => day))) {
      expect(shanghaiHour(openedAt + day * DAY)).toBeGreaterThanOrEqual(8);
      expect(shanghaiHour(openedAt + day * DAY)).toBeLessThan(22);
    }

    // Act: to one hour before the first soft reminder, then past it
    await api.post('/_local/clock/advance', {
      to: new Date(openedAt + FIRST_SOFT_REMINDER_DAY * DAY - HOUR).toISOString(),
    });
    const before = await sent();
    await api.post('/_local/clock/advance', {
      to: new Date(openedAt + FIRST_SOFT_REMINDER_DAY * DAY + HOUR).toISOString(),
    });
    const after = await sent();

    // Assess
    expect(before).toEqual(LADDER.filter(([day]) => day < FIRST_SOFT_REMINDER_DAY));
    expect(after).toEqual(LADDER.filter(([day]) => day <= FIRST_SOFT_REMINDER_DAY));
    const { body } = await api.get(`/cases/${caseId}`);
    expect(body).toMatchObject({
      status: 'OPEN',
      stage: 'SOFT_REMINDERS',
      creditReport: { status: 'REPORTED' },
      accountRestricted: true,
    });
  });

  test('the 30-day wait to the next soft reminder (beyond the 24.8-day timer limit) fires on day 61, not at once', async () => {
    // Act: to one hour before the next soft reminder is due, then past it
    await api.post('/_local/clock/advance', {
      to: new Date(openedAt + LONG_WAIT_DAY * DAY - HOUR).toISOString(),
    });
    const before = await sent();
    await api.post('/_local/clock/advance', {
      to: new Date(openedAt + LONG_WAIT_DAY * DAY + HOUR).toISOString(),
    });
    const after = await sent();

    // Assess: nothing during the wait, then exactly that reminder at exactly its time
    expect(before).toEqual(LADDER.filter(([day]) => day < LONG_WAIT_DAY));
    expect(after).toEqual(LADDER);
    const reminders = (await outboxOf(caseId)).filter((item) => item.kind === 'SOFT_REMINDER');
    expect(reminders.map((item) => item.at)).toEqual([
      new Date(openedAt + FIRST_SOFT_REMINDER_DAY * DAY).toISOString(),
      new Date(openedAt + LONG_WAIT_DAY * DAY).toISOString(),
    ]);
  });

  test('its case shows the soft-reminder stage and the timeline of every message, without personal data', async () => {
    const { body } = await api.get(`/cases/${caseId}`);

    expect(body).toMatchObject({ status: 'OPEN', stage: 'SOFT_REMINDERS' });
    const messages = body.timeline.filter((entry: { type: string }) => entry.type === 'MESSAGE_SENT');
    expect(
      messages.map((entry: { at: string; channel: string; detail: { kind: string } }) => [
        dayOf(entry.at),
        entry.channel,
        entry.detail.kind,
      ]),
    ).toEqual(LADDER);
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
