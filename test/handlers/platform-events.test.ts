import { handler as listCases } from '../../lambdas/handlers/api/list-cases';
import { handler as applyPlatformUpdates } from '../../lambdas/handlers/events/apply-platform-updates';
import { handler as startCases } from '../../lambdas/handlers/events/start-cases';
import { handler as awaitResolution } from '../../lambdas/handlers/workflow/await-resolution';
import { openCaseBody } from '../support/fixtures';
import { callApi, lambdaContext, START } from '../support/local-aws';
import { HOUR } from '../support/time';
import { type Harness, startHarness } from './aws-harness';
import {
  DAY,
  executionArnOf,
  executionsOf,
  iso,
  openCaseAt,
  payInFull,
  platformEvent,
  readCase,
  recoveredExecutionsOf,
  sqsBatch,
  sqsRecord,
  type TimelineItem,
  timelineOf,
  writtenOffCase,
} from './case-helpers';

let aws: Harness;
beforeAll(async () => {
  aws = await startHarness({ bureau: false });
});
afterAll(() => aws.stop());

const casesOfRental = async (rentalId: string) => {
  const reply = await callApi(listCases, {
    method: 'GET',
    resource: '/cases',
    query: { rentalId },
    at: START,
  });
  return reply.body.items as Array<{ caseId: string; openedAt: string; status: string }>;
};

const deliver = (handler: typeof startCases, ...records: ReturnType<typeof sqsRecord>[]) =>
  handler(sqsBatch(...records), lambdaContext('platform-events'));

const rentalOverdue = (detail: unknown, time = iso(START), id?: string) =>
  sqsRecord(platformEvent('Rental Overdue', detail, time, id));

const paymentReceived = (detail: unknown, time = iso(START + DAY)) =>
  sqsRecord(platformEvent('Payment Received', detail, time));

const deviceReturned = (detail: unknown, time = iso(START + DAY)) =>
  sqsRecord(platformEvent('Device Returned', detail, time));

const payments = (timeline: TimelineItem[]) => timeline.filter((entry) => entry.type === 'PAYMENT_RECEIVED');

describe('start-cases (Rental Overdue)', () => {
  test('opens the case as of the event time and starts its workflow', async () => {
    // Prepare: the event was put on the bus an hour after START
    const detail = openCaseBody();
    const time = '2026-03-02T03:00:00Z';

    // Act
    const result = await deliver(startCases, rentalOverdue(detail, time));
    await aws.clock.whenQuiet();

    // Assess
    expect(result).toEqual({ batchItemFailures: [] });
    const [opened, ...others] = await casesOfRental(detail.rentalId);
    expect(others).toEqual([]);
    expect(opened).toMatchObject({
      customerId: detail.customer.id,
      status: 'OPEN',
      stage: 'OVERDUE_NOTICE',
      openedAt: '2026-03-02T03:00:00.000Z',
    });
    const timeline = await timelineOf(opened!.caseId);
    expect(timeline).toEqual([
      expect.objectContaining({ at: '2026-03-02T03:00:00.000Z', type: 'CASE_OPENED' }),
    ]);
    expect(executionsOf(aws, opened!.caseId)).toHaveLength(1);
  });

  test('a duplicate event (redelivered, or put twice) opens nothing new', async () => {
    // Prepare
    const detail = openCaseBody();
    await deliver(startCases, rentalOverdue(detail, iso(START), 'overdue-1'));

    // Act: the same event again, and the same rental and due date in a new event an hour later
    const again = await deliver(
      startCases,
      rentalOverdue(detail, iso(START), 'overdue-1'),
      rentalOverdue(detail, iso(START + HOUR), 'overdue-2'),
    );
    await aws.clock.whenQuiet();

    // Assess
    expect(again.batchItemFailures).toEqual([]);
    const cases = await casesOfRental(detail.rentalId);
    expect(cases).toHaveLength(1);
    expect(cases[0]?.openedAt).toBe(iso(START));
    expect(executionsOf(aws, cases[0]!.caseId)).toHaveLength(1);
    expect(await timelineOf(cases[0]!.caseId)).toHaveLength(1);
  });

  test('only the bad records of a batch are failures; the good ones around them are processed', async () => {
    // Prepare
    const before = openCaseBody();
    const badPhone = openCaseBody();
    const notYetDue = openCaseBody({ dueAt: '2026-03-09T00:00:00Z' });
    const after = openCaseBody();
    const records = [
      rentalOverdue(before),
      rentalOverdue({ ...badPhone, customer: { ...badPhone.customer, phone: '13800138000' } }),
      sqsRecord('{"this is": not JSON'),
      sqsRecord({ hello: 'not an EventBridge event' }),
      rentalOverdue(notYetDue),
      rentalOverdue(after),
    ];

    // Act
    const result = await deliver(startCases, ...records);
    await aws.clock.whenQuiet();

    // Assess
    expect(result.batchItemFailures).toEqual(
      [1, 2, 3, 4].map((n) => ({ itemIdentifier: records[n]!.messageId })),
    );
    expect(await casesOfRental(before.rentalId)).toHaveLength(1);
    expect(await casesOfRental(after.rentalId)).toHaveLength(1);
    expect(await casesOfRental(badPhone.rentalId)).toEqual([]);
    expect(await casesOfRental(notYetDue.rentalId)).toEqual([]);
  });
  test('a broken record is logged without the personal data in it', async () => {
    // Prepare: a body cut off mid-way, the fault right by the customer's phone number
    const detail = openCaseBody();
    const broken = JSON.stringify(platformEvent('Rental Overdue', detail, iso(START))).replace(
      `"phone":"${detail.customer.phone}"`,
      `"phone":${detail.customer.phone}`,
    );
    const written: string[] = [];
    const capture = (chunk: string | Uint8Array) => {
      written.push(String(chunk));
      return true;
    };
    const outputs = [process.stdout, process.stderr].map((stream) =>
      jest.spyOn(stream, 'write').mockImplementation(capture),
    );

    // Act
    let result: Awaited<ReturnType<typeof startCases>>;
    try {
      result = await deliver(startCases, sqsRecord(broken));
    } finally {
      for (const output of outputs) output.mockRestore();
    }

    // Assess
    expect(result.batchItemFailures).toHaveLength(1);
    const logs = written.join('');
    expect(logs).toContain('bus event failed');
    for (const personal of [detail.customer.phone.slice(0, 8), detail.customer.name, detail.customer.email]) {
      expect(logs).not.toContain(personal);
    }
  });
});

describe('apply-platform-updates (Payment Received)', () => {
  test('with caseId: applied to that case, with fees as of the payment time', async () => {
    // Prepare: 1,299.00 due 03-01, paid on 03-03 (2 whole days: 1.29 fee), reported on 03-05
    const { caseId, request } = await openCaseAt();

    // Act
    const result = await deliver(
      applyPlatformUpdates,
      paymentReceived(
        {
          rentalId: request.rentalId,
          caseId,
          paymentId: 'evt-pay-1',
          amount: { amount: 130_029, currency: 'CNY' },
          paidAt: '2026-03-03T01:00:00Z',
        },
        '2026-03-05T00:00:00Z',
      ),
    );

    // Assess
    expect(result.batchItemFailures).toEqual([]);
    const { body } = await readCase(caseId, Date.parse('2026-03-05T00:00:00Z'));
    expect(body).toMatchObject({
      status: 'RESOLVED',
      resolution: 'PAID',
      paid: { amount: 130_029 },
      fees: { amount: 129 },
      outstanding: { amount: 0 },
    });
    expect(payments(body.timeline)).toEqual([
      expect.objectContaining({
        at: '2026-03-03T01:00:00.000Z',
        detail: expect.objectContaining({ paymentId: 'evt-pay-1' }),
      }),
    ]);
  });

  test('without caseId: applied to the rental’s oldest open case', async () => {
    // Prepare: three cases of one rental; the oldest is already paid
    const rentalId = 'events-rental-oldest';
    const paid = await openCaseAt({ rentalId, dueAt: '2026-01-01T00:00:00Z' }, START - 2 * DAY);
    const older = await openCaseAt({ rentalId, dueAt: '2026-02-01T00:00:00Z' }, START - DAY);
    const newer = await openCaseAt({ rentalId, dueAt: '2026-03-01T00:00:00Z' }, START);
    await payInFull(paid.caseId, START);

    // Act
    const result = await deliver(
      applyPlatformUpdates,
      paymentReceived({
        rentalId,
        paymentId: 'evt-pay-oldest',
        amount: { amount: 5_000, currency: 'CNY' },
        paidAt: iso(START + HOUR),
      }),
    );

    // Assess
    expect(result.batchItemFailures).toEqual([]);
    expect((await readCase(older.caseId)).body.paid.amount).toBe(5_000);
    expect((await readCase(newer.caseId)).body.paid.amount).toBe(0);
    expect(payments(await timelineOf(paid.caseId))).toHaveLength(1); // only its own payment
  });

  test('the same paymentId is applied once, however often it arrives', async () => {
    const { caseId, request } = await openCaseAt();
    const event = paymentReceived({
      rentalId: request.rentalId,
      caseId,
      paymentId: 'evt-pay-dup',
      amount: { amount: 10_000, currency: 'CNY' },
      paidAt: iso(START + HOUR),
    });

    const first = await deliver(applyPlatformUpdates, event);
    const again = await deliver(applyPlatformUpdates, event, event);

    expect([...first.batchItemFailures, ...again.batchItemFailures]).toEqual([]);
    const { body } = await readCase(caseId);
    expect(body.paid.amount).toBe(10_000);
    expect(payments(body.timeline)).toHaveLength(1);
  });

  test('without caseId, a redelivered payment that resolved the oldest case is not applied to the next one', async () => {
    // Prepare: two open cases of one rental; the payment settles the older one
    const rentalId = 'events-rental-redelivered';
    const older = await openCaseAt({ rentalId, dueAt: '2026-03-01T00:00:00Z' }, START);
    const newer = await openCaseAt({ rentalId, dueAt: '2026-03-02T00:00:00Z' }, START + HOUR);
    const event = paymentReceived({
      rentalId,
      paymentId: 'evt-pay-redelivered',
      amount: { amount: 200_000, currency: 'CNY' },
      paidAt: iso(START + 2 * HOUR),
    });
    await deliver(applyPlatformUpdates, event);
    expect((await readCase(older.caseId)).body.status).toBe('RESOLVED');

    // Act: SQS delivers the same event again
    const again = await deliver(applyPlatformUpdates, event);

    // Assess
    expect(again.batchItemFailures).toEqual([]);
    const { body } = await readCase(newer.caseId);
    expect(body).toMatchObject({ status: 'OPEN', paid: { amount: 0 } });
    expect(payments(body.timeline)).toEqual([]);
    expect((await readCase(older.caseId)).body.paid.amount).toBe(200_000);
  });

  test('a payment for a rental whose case is closed is kept there for refund', async () => {
    // Prepare: the rental's only case is paid
    const { caseId, request } = await openCaseAt();
    await payInFull(caseId, START);
    const before = (await readCase(caseId, START + DAY)).body;

    // Act
    const result = await deliver(
      applyPlatformUpdates,
      paymentReceived({
        rentalId: request.rentalId,
        paymentId: 'evt-pay-closed',
        amount: { amount: 1_000, currency: 'CNY' },
        paidAt: iso(START + HOUR),
      }),
    );

    // Assess
    expect(result.batchItemFailures).toEqual([]);
    const after = (await readCase(caseId, START + DAY)).body;
    expect(after).toMatchObject({
      status: 'RESOLVED',
      resolution: before.resolution,
      outstanding: { amount: 0 },
    });
    expect(after.paid.amount).toBe(before.paid.amount + 1_000);
    expect(after.timeline).toEqual(
      expect.arrayContaining([
        expect.objectContaining({
          type: 'OVERPAYMENT_FOR_REFUND',
          detail: expect.objectContaining({ excess: 1_000 }),
        }),
      ]),
    );
  });

  test('a payment for a rental without any case fails so the queue retries it, and changes nothing', async () => {
    // Act
    const record = paymentReceived({
      rentalId: 'events-rental-unknown',
      paymentId: 'evt-pay-unknown',
      amount: { amount: 1_000, currency: 'CNY' },
      paidAt: iso(START + HOUR),
    });
    const result = await deliver(applyPlatformUpdates, record);

    // Assess
    expect(result.batchItemFailures).toEqual([{ itemIdentifier: record.messageId }]);
    expect(await casesOfRental('events-rental-unknown')).toEqual([]);
  });

  test('malformed records are batch item failures and change nothing; the valid one is applied', async () => {
    // Prepare
    const { caseId, request } = await openCaseAt();
    const valid = {
      rentalId: request.rentalId,
      caseId,
      paymentId: 'evt-pay-valid',
      amount: { amount: 1_000, currency: 'CNY' },
      paidAt: iso(START + HOUR),
    };
    const records = [
      paymentReceived({ ...valid, paymentId: undefined }),
      paymentReceived({ ...valid, paymentId: 'evt-neg', amount: { amount: -1, currency: 'CNY' } }),
      paymentReceived({ ...valid, paymentId: 'evt-usd', amount: { amount: 1_000, currency: 'USD' } }),
      paymentReceived({ ...valid, paymentId: 'evt-future', paidAt: iso(START + 10 * DAY) }),
      sqsRecord(platformEvent('Device Lost', valid, iso(START + DAY))),
      paymentReceived({ ...valid, paymentId: 'evt-nocase', caseId: 'case-000000000000000000000000' }),
      sqsRecord('not JSON at all'),
      paymentReceived(valid),
    ];

    // Act
    const result = await deliver(applyPlatformUpdates, ...records);

    // Assess
    expect(result.batchItemFailures).toEqual(
      records.slice(0, -1).map((record) => ({ itemIdentifier: record.messageId })),
    );
    const { body } = await readCase(caseId, START + DAY);
    expect(body.paid.amount).toBe(1_000);
    expect(payments(body.timeline).map((entry) => entry.detail.paymentId)).toEqual(['evt-pay-valid']);
  });

  test('a caseId that belongs to another rental is a batch item failure and changes nothing', async () => {
    const mine = await openCaseAt();
    const other = await openCaseAt();

    const result = await deliver(
      applyPlatformUpdates,
      paymentReceived({
        rentalId: mine.request.rentalId,
        caseId: other.caseId,
        paymentId: 'evt-pay-crossed',
        amount: { amount: 1_000, currency: 'CNY' },
        paidAt: iso(START + HOUR),
      }),
    );

    expect(result.batchItemFailures).toHaveLength(1);
    expect((await readCase(other.caseId)).body.paid.amount).toBe(0);
    expect((await readCase(mine.caseId)).body.paid.amount).toBe(0);
  });
});

describe('apply-platform-updates (Device Returned)', () => {
  test('with caseId: RESOLVED / RETURNED, fees stop at the return, the condition on the timeline, the workflow woken', async () => {
    // Prepare: a case whose stand-in workflow waits on the ladder
    const { caseId, request } = await openCaseAt();
    await aws.clock.whenQuiet();
    const token = aws.tokens.at(-1) ?? '';
    await awaitResolution(
      { caseId, awaiting: 'LADDER', token, at: iso(START), timeoutSeconds: 259_200 },
      lambdaContext(),
    );

    // Act: returned on 03-04 (3 whole days), reported on 03-06
    const result = await deliver(
      applyPlatformUpdates,
      deviceReturned(
        { rentalId: request.rentalId, caseId, returnedAt: '2026-03-04T01:00:00Z', condition: 'DAMAGED' },
        '2026-03-06T00:00:00Z',
      ),
    );
    await aws.clock.whenQuiet();

    // Assess
    expect(result.batchItemFailures).toEqual([]);
    const { body } = await readCase(caseId, Date.parse('2026-03-20T00:00:00Z'));
    expect(body).toMatchObject({
      status: 'RESOLVED',
      resolution: 'RETURNED',
      fees: { amount: Math.floor((129_900 * 5 * 3) / 10_000) },
      closedAt: '2026-03-06T00:00:00.000Z',
    });
    expect(body.timeline.filter((entry: TimelineItem) => entry.type === 'DEVICE_RETURNED')).toEqual([
      {
        at: '2026-03-06T00:00:00.000Z',
        type: 'DEVICE_RETURNED',
        detail: { returnedAt: '2026-03-04T01:00:00.000Z', condition: 'DAMAGED' },
      },
    ]);
    const execution = aws.engine.describeExecution({ executionArn: executionArnOf(aws, caseId) });
    expect(execution).toMatchObject({ status: 'SUCCEEDED', output: JSON.stringify({ kind: 'RETURNED' }) });
  });

  test('without caseId: the rental’s oldest open case, and only that one', async () => {
    // Prepare
    const rentalId = 'events-rental-returned';
    const older = await openCaseAt({ rentalId, dueAt: '2026-02-01T00:00:00Z' }, START - DAY);
    const newer = await openCaseAt({ rentalId, dueAt: '2026-03-01T00:00:00Z' }, START);

    // Act
    const result = await deliver(
      applyPlatformUpdates,
      deviceReturned({ rentalId, returnedAt: iso(START + HOUR), condition: 'GOOD' }),
    );

    // Assess
    expect(result.batchItemFailures).toEqual([]);
    expect((await readCase(older.caseId)).body).toMatchObject({ status: 'RESOLVED', resolution: 'RETURNED' });
    expect((await readCase(newer.caseId)).body).toMatchObject({ status: 'OPEN', resolution: null });
  });

  test('with caseId, a redelivered event changes nothing more', async () => {
    const { caseId, request } = await openCaseAt();
    const event = deviceReturned({
      rentalId: request.rentalId,
      caseId,
      returnedAt: iso(START + HOUR),
      condition: 'GOOD',
    });
    await deliver(applyPlatformUpdates, event);
    const before = await readCase(caseId, START + 2 * DAY);

    const again = await deliver(applyPlatformUpdates, event, event);

    expect(again.batchItemFailures).toEqual([]);
    expect((await readCase(caseId, START + 2 * DAY)).body).toEqual(before.body);
  });

  test('a rental whose cases are all closed: nothing to resolve, not a failure, nothing changes', async () => {
    const { caseId, request } = await openCaseAt();
    await payInFull(caseId, START);
    const before = await timelineOf(caseId);

    const result = await deliver(
      applyPlatformUpdates,
      deviceReturned({ rentalId: request.rentalId, returnedAt: iso(START + HOUR), condition: 'GOOD' }),
    );

    expect(result.batchItemFailures).toEqual([]);
    expect((await readCase(caseId)).body).toMatchObject({ status: 'RESOLVED', resolution: 'PAID' });
    expect(await timelineOf(caseId)).toEqual(before);
  });

  test('a return for a rental without any case fails so the queue retries it', async () => {
    const record = deviceReturned({
      rentalId: 'events-rental-none',
      returnedAt: iso(START + HOUR),
      condition: 'GOOD',
    });

    const result = await deliver(applyPlatformUpdates, record);

    expect(result.batchItemFailures).toEqual([{ itemIdentifier: record.messageId }]);
  });

  test('a bad condition, a future return or another rental’s case is a failure and changes nothing', async () => {
    // Prepare
    const mine = await openCaseAt();
    const other = await openCaseAt();
    const valid = { rentalId: mine.request.rentalId, caseId: mine.caseId, returnedAt: iso(START + HOUR) };
    const records = [
      deviceReturned({ ...valid, condition: 'BROKEN' }),
      deviceReturned({ ...valid, condition: 'GOOD', returnedAt: iso(START + 10 * DAY) }),
      deviceReturned({ ...valid, condition: 'GOOD', caseId: other.caseId }),
    ];

    // Act
    const result = await deliver(applyPlatformUpdates, ...records);

    // Assess
    expect(result.batchItemFailures).toEqual(records.map((record) => ({ itemIdentifier: record.messageId })));
    expect((await readCase(mine.caseId)).body.status).toBe('OPEN');
    expect((await readCase(other.caseId)).body.status).toBe('OPEN');
  });
});

describe('apply-platform-updates after a write-off', () => {
  const WRITTEN_OFF_AT = START + 180 * DAY;

  test('Payment Received in full without caseId: the rental’s written-off case is RESOLVED / PAID and closed in <caseId>-recovered, once', async () => {
    // Prepare
    const rentalId = 'events-rental-written-off-paid';
    const { caseId } = await writtenOffCase(WRITTEN_OFF_AT, { rentalId });
    const at = WRITTEN_OFF_AT + 5 * DAY;
    const owed = (await readCase(caseId, at)).body.outstanding;
    const event = paymentReceived(
      { rentalId, paymentId: 'late-full', amount: owed, paidAt: iso(at) },
      iso(at),
    );

    // Act
    const first = await deliver(applyPlatformUpdates, event);
    const again = await deliver(applyPlatformUpdates, event);
    await aws.clock.whenQuiet();

    // Assess
    expect(first.batchItemFailures).toEqual([]);
    expect(again.batchItemFailures).toEqual([]);
    expect((await readCase(caseId, at)).body).toMatchObject({
      status: 'RESOLVED',
      resolution: 'PAID',
      closedAt: iso(at),
      paid: owed,
    });
    expect(recoveredExecutionsOf(aws, caseId)).toHaveLength(1);
  });

  test('Device Returned without caseId: the rental’s written-off case is RESOLVED / RETURNED and closed in <caseId>-recovered', async () => {
    // Prepare
    const rentalId = 'events-rental-written-off-returned';
    const { caseId } = await writtenOffCase(WRITTEN_OFF_AT, { rentalId });
    const at = WRITTEN_OFF_AT + 5 * DAY;

    // Act
    const result = await deliver(
      applyPlatformUpdates,
      deviceReturned({ rentalId, returnedAt: iso(at - HOUR), condition: 'GOOD' }, iso(at)),
    );
    await aws.clock.whenQuiet();

    // Assess
    expect(result.batchItemFailures).toEqual([]);
    expect((await readCase(caseId, at)).body).toMatchObject({
      status: 'RESOLVED',
      resolution: 'RETURNED',
      closedAt: iso(at),
    });
    expect(recoveredExecutionsOf(aws, caseId)).toHaveLength(1);
  });
});
