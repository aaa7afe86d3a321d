import { openCaseBody } from '../support/fixtures';
import { http, type RuntimeProcess, startRuntimeProcess } from '../support/runtime-process';
import { DAY, HOUR, iso, START_DAY } from '../support/time';

/**
 * The full ladder of one unpaid case, over HTTP against `npm start`'s runtime, for 35 virtual days:
 * the credit report moves NONE → PRE_NOTICE_SENT → REPORTED, then SETTLED within a day of the
 * payment, and no message ever goes out between 22:00 and 08:00 in the customer's time zone.
 */
const START = START_DAY + 15 * HOUR; // 23:00 in Shanghai: the notice must wait for the morning
const shanghaiHour = (iso: string) => (new Date(iso).getUTCHours() + 8) % 24;

// 70 half-day advances of the whole system take a few seconds.
jest.setTimeout(60_000);

let runtime: RuntimeProcess;
let api: ReturnType<typeof http>;

beforeAll(async () => {
  runtime = await startRuntimeProcess({ start: iso(START), seed: '35' });
  api = http(runtime.api);
}, 120_000);

afterAll(async () => {
  await runtime?.stop();
});

describe('an unpaid case walks the ladder for 35 days, then pays', () => {
  const request = openCaseBody({
    rentalId: 'rental-e2e-ladder',
    amountDue: { amount: 300_000, currency: 'CNY' }, // 3,000.00: a field visit, no legal review
    dueAt: '2026-03-01T00:00:00Z',
  });
  let caseId: string;
  const creditStatuses: Array<{ day: number; status: string }> = [];

  test('the credit report moves NONE → PRE_NOTICE_SENT → REPORTED over 35 days', async () => {
    // Prepare
    const opened = await api.post('/cases', request);
    expect(opened.status).toBe(201);
    caseId = opened.body.caseId;

    // Act: 35 days in half-day steps, noting the credit report's status after each
    for (let step = 1; step <= 70; step++) {
      await api.post('/_local/clock/advance', {
        to: iso(START + step * 12 * HOUR),
      });
      const { body } = await api.get(`/cases/${caseId}`);
      const status: string = body.creditReport.status;
      if (creditStatuses.at(-1)?.status !== status) creditStatuses.push({ day: step / 2, status });
    }

    // Assess
    expect(creditStatuses.map((entry) => entry.status)).toEqual(['NONE', 'PRE_NOTICE_SENT', 'REPORTED']);
    const [, preNotice, reported] = creditStatuses;
    // Notice at 08:00 after the 23:00 opening (day 0.375), then 3 + 7 + 14 days to the pre-notice
    // (24.375), 7 more to the report (31.375); sampled every half day.
    expect(preNotice?.day).toBe(24.5);
    expect(reported?.day).toBe(31.5);
    const { body } = await api.get(`/cases/${caseId}`);
    expect(body).toMatchObject({ status: 'OPEN', stage: 'SOFT_REMINDERS', accountRestricted: true });
    const bureau = (await api.get('/_local/credit-bureau')).body.items;
    expect(bureau.map((call: { method: string }) => call.method)).toEqual([
      'zhima.credit.rental.overdue.report',
    ]);
  });

  test('every stage contacted the customer, and never between 22:00 and 08:00 Shanghai time', async () => {
    const items: Array<{ kind: string; channel: string; at: string }> = (
      await api.get(`/_local/outbox?caseId=${caseId}`)
    ).body.items;

    expect([...new Set(items.map((item) => item.kind))]).toEqual([
      'OVERDUE_NOTICE',
      'REMINDER',
      'SECOND_REMINDER',
      'CREDIT_PRE_NOTICE',
      'SOFT_REMINDER',
    ]);
    for (const item of items) {
      expect(shanghaiHour(item.at)).toBeGreaterThanOrEqual(8);
      expect(shanghaiHour(item.at)).toBeLessThan(22);
    }
    const { body } = await api.get(`/cases/${caseId}`);
    const deferred = body.timeline.filter((entry: { type: string }) => entry.type === 'CONTACT_DEFERRED');
    // To 08:00 Shanghai time and the case's own minute of the first 30 (a night's contacts spread out).
    expect(deferred[0]).toMatchObject({ detail: { stage: 'OVERDUE_NOTICE' } });
    const until = Date.parse(deferred[0].detail.until);
    expect(until).toBeGreaterThanOrEqual(Date.parse('2026-03-03T00:00:00.000Z'));
    expect(until).toBeLessThan(Date.parse('2026-03-03T00:30:00.000Z'));
  });

  test('the agents’ work: calls per stage and every two days, each stage’s calls nobody took cancelled by the next stage; the field visit stays', async () => {
    const items = async (queue: string, status: string) =>
      (await api.get(`/work-items?queue=${queue}&status=${status}&limit=100`)).body.items.filter(
        (item: { caseId: string }) => item.caseId === caseId,
      );
    const { body } = await api.get(`/cases/${caseId}`);
    const callsOn = (type: string) =>
      body.timeline
        .filter(
          (entry: { type: string; detail: { queue?: string } }) =>
            entry.type === type && entry.detail.queue === 'CALLS',
        )
        .map((entry: { detail: { workItemId: string } }) => entry.detail.workItemId.split(':').at(-2));

    const stages = ['OVERDUE_NOTICE', 'FIRST_COLLECTION', ...Array(7).fill('SECOND_COLLECTION')];
    expect(callsOn('WORK_ITEM_CREATED')).toEqual(stages);
    expect(callsOn('WORK_ITEM_CANCELLED')).toEqual(stages);
    expect(await items('CALLS', 'OPEN')).toEqual([]);
    expect(await items('CALLS', 'CANCELLED')).toHaveLength(9);
    expect(await items('VISITS', 'OPEN')).toHaveLength(1);
  });

  test('a full payment on day 35 resolves the case; within a day the report is SETTLED and the restriction lifted', async () => {
    // Prepare
    const owed = (await api.get(`/cases/${caseId}`)).body.outstanding;
    const now = (await api.get('/_local/clock')).body.now;

    // Act
    const paid = await api.post(`/cases/${caseId}/payments`, {
      paymentId: 'pay-ladder',
      amount: owed,
      paidAt: now,
    });
    await api.post('/_local/clock/advance', { days: 1 });

    // Assess
    expect(paid.body).toMatchObject({ status: 'RESOLVED', resolution: 'PAID' });
    const { body } = await api.get(`/cases/${caseId}`);
    expect(body).toMatchObject({ creditReport: { status: 'SETTLED' }, accountRestricted: false });
    const settled = body.timeline.find((entry: { type: string }) => entry.type === 'CREDIT_REPORT_SETTLED');
    expect(Date.parse(settled.at) - Date.parse(now)).toBeLessThanOrEqual(DAY);
    const bureau = (await api.get('/_local/credit-bureau')).body.items;
    expect(bureau.map((call: { method: string }) => call.method)).toEqual([
      'zhima.credit.rental.overdue.report',
      'zhima.credit.rental.overdue.settle',
    ]);
    const events = (await api.get('/_local/events')).body.items
      .filter((event: { detail: { caseId?: string } }) => event.detail.caseId === caseId)
      .map((event: { 'detail-type': string }) => event['detail-type']);
    expect(events).toEqual([
      'Case Opened',
      'Credit Report Filed',
      'Account Restriction Requested',
      // the platform hears first; the bureau, which may be slow, after
      'Account Restriction Lifted',
      'Case Resolved',
      'Credit Report Updated',
    ]);
    const open = (await api.get('/work-items?queue=CALLS&status=OPEN&limit=100')).body.items.filter(
      (item: { caseId: string }) => item.caseId === caseId,
    );
    expect(open).toEqual([]);
  });
});
