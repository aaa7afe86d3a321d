import { DescribeExecutionCommand, SFNClient } from '@aws-sdk/client-sfn';
import { handler as getCase } from '../../lambdas/handlers/api/get-case';
import { handler as openCase } from '../../lambdas/handlers/api/open-case';
import { handler as recordPayment } from '../../lambdas/handlers/api/record-payment';
import { handler as awaitResolution } from '../../lambdas/handlers/workflow/await-resolution';
import { openCaseBody } from '../support/fixtures';
import { callApi, lambdaContext, START } from '../support/local-aws';
import { DAY } from '../support/time';
import { type Harness, startHarness } from './aws-harness';
import { iso, recoveredExecutionsOf, timelineOf, typesOf, writtenOffCase } from './case-helpers';

let aws: Harness;
beforeAll(async () => {
  aws = await startHarness({ bureau: false });
});
afterAll(() => aws.stop());

/** Opens a case (due 2026-03-01, 1,000.00 CNY) whose test workflow waits on a stored token. */
async function openWaitingCase(): Promise<{ caseId: string; token: string }> {
  const { body } = await callApi(openCase, {
    method: 'POST',
    resource: '/cases',
    body: openCaseBody({ amountDue: { amount: 100_000, currency: 'CNY' } }),
    at: START,
  });
  await aws.clock.whenQuiet();
  const token = aws.tokens.at(-1) ?? '';
  await awaitResolution(
    {
      caseId: body.caseId,
      awaiting: 'LADDER',
      token,
      at: new Date(START).toISOString(),
      timeoutSeconds: 3 * 86_400,
    },
    lambdaContext(),
  );
  return { caseId: body.caseId, token };
}

const pay = (caseId: string, body: unknown, at = START + DAY, headers?: Record<string, string>) =>
  callApi(recordPayment, {
    method: 'POST',
    resource: '/cases/{caseId}/payments',
    pathParameters: { caseId },
    body,
    at,
    ...(headers ? { headers } : {}),
  });

const read = (caseId: string, at = START + DAY) =>
  callApi(getCase, { method: 'GET', resource: '/cases/{caseId}', pathParameters: { caseId }, at });

const executionStatus = async (caseId: string) => {
  const sfn = new SFNClient({});
  const { status } = await sfn.send(
    new DescribeExecutionCommand({
      executionArn: `${aws.stateMachineArn.replace(':stateMachine:', ':execution:')}:${caseId}`,
    }),
  );
  return status;
};

describe('POST /cases/{caseId}/payments', () => {
  test('a part payment lowers outstanding and leaves the case open and its workflow waiting', async () => {
    // Prepare: 1,000.00 due on 03-01, paid on 03-03 → 2 days of fees (100.00 = 0.05 % x 2 x 1,000.00)
    const { caseId } = await openWaitingCase();

    // Act
    const reply = await pay(caseId, {
      paymentId: 'pay-part',
      amount: { amount: 40_000, currency: 'CNY' },
      paidAt: '2026-03-03T01:00:00Z',
    });

    // Assess
    expect(reply.status).toBe(200);
    expect(reply.body).toMatchObject({
      status: 'OPEN',
      paid: { amount: 40_000, currency: 'CNY' },
      fees: { amount: 100 },
      outstanding: { amount: 60_100 },
    });
    expect(await executionStatus(caseId)).toBe('RUNNING');
  });

  test('paying the outstanding amount resolves the case at once and wakes the workflow', async () => {
    const { caseId } = await openWaitingCase();
    const owed = (await read(caseId)).body.outstanding.amount;

    const reply = await pay(caseId, {
      paymentId: 'pay-full',
      amount: { amount: owed, currency: 'CNY' },
      paidAt: new Date(START + DAY).toISOString(),
    });
    await aws.clock.whenQuiet();

    expect(reply.body).toMatchObject({ status: 'RESOLVED', resolution: 'PAID', outstanding: { amount: 0 } });
    expect(await executionStatus(caseId)).toBe('SUCCEEDED');
    const { body } = await read(caseId);
    expect(body.timeline.map((entry: { type: string }) => entry.type)).toEqual(
      expect.arrayContaining(['PAYMENT_RECEIVED', 'CASE_RESOLVED']),
    );
  });

  test('fees count up to the payment time, not to when the platform reports it', async () => {
    const { caseId } = await openWaitingCase();
    const paidAt = '2026-03-02T02:00:00.000Z'; // 1 whole day overdue: 1,000.00 + 0.50

    const reply = await pay(
      caseId,
      { paymentId: 'pay-late-report', amount: { amount: 100_050, currency: 'CNY' }, paidAt },
      START + 5 * DAY,
    );

    expect(reply.body).toMatchObject({
      status: 'RESOLVED',
      fees: { amount: 50 },
      outstanding: { amount: 0 },
    });
  });

  test('the same paymentId is applied once, however often it arrives', async () => {
    const { caseId } = await openWaitingCase();
    const payment = {
      paymentId: 'pay-twice',
      amount: { amount: 10_000, currency: 'CNY' },
      paidAt: '2026-03-02T03:00:00Z',
    };
    const first = await pay(caseId, payment);

    const again = await pay(caseId, payment);

    expect(again.body).toEqual(first.body);
    const { body } = await read(caseId);
    expect(body.paid.amount).toBe(10_000);
    expect(body.timeline.filter((entry: { type: string }) => entry.type === 'PAYMENT_RECEIVED')).toHaveLength(
      1,
    );
  });

  test('a used paymentId with another amount is a 409 and changes nothing', async () => {
    const { caseId } = await openWaitingCase();
    const payment = {
      paymentId: 'pay-reused',
      amount: { amount: 10_000, currency: 'CNY' },
      paidAt: '2026-03-02T03:00:00Z',
    };
    await pay(caseId, payment);
    const before = (await read(caseId)).body;

    const reused = await pay(caseId, { ...payment, amount: { amount: 50_000, currency: 'CNY' } });

    expect(reused.status).toBe(409);
    expect(reused.body).toMatchObject({ status: 409 });
    expect(reused.body.detail).toContain('pay-reused');
    expect((await read(caseId)).body).toEqual(before);
  });

  test('an overpayment resolves the case and records the excess for refund', async () => {
    const { caseId } = await openWaitingCase();

    const reply = await pay(caseId, {
      paymentId: 'pay-over',
      amount: { amount: 150_000, currency: 'CNY' },
      paidAt: '2026-03-02T03:00:00Z',
    });

    expect(reply.body).toMatchObject({ status: 'RESOLVED', resolution: 'PAID' });
    const { body } = await read(caseId);
    expect(body.timeline).toEqual(
      expect.arrayContaining([
        expect.objectContaining({
          type: 'OVERPAYMENT_FOR_REFUND',
          detail: expect.objectContaining({ excess: 49_950 }),
        }),
      ]),
    );
  });

  test('a payment after the case was resolved is kept for refund and changes nothing else', async () => {
    const { caseId } = await openWaitingCase();
    await pay(caseId, {
      paymentId: 'pay-all',
      amount: { amount: 200_000, currency: 'CNY' },
      paidAt: '2026-03-02T03:00:00Z',
    });

    const reply = await pay(caseId, {
      paymentId: 'pay-after',
      amount: { amount: 5_000, currency: 'CNY' },
      paidAt: '2026-03-02T04:00:00Z',
    });

    expect(reply.body).toMatchObject({ status: 'RESOLVED', resolution: 'PAID', outstanding: { amount: 0 } });
    const { body } = await read(caseId);
    const refunds = body.timeline.filter(
      (entry: { type: string }) => entry.type === 'OVERPAYMENT_FOR_REFUND',
    );
    expect(refunds.map((entry: { detail: { excess: number } }) => entry.detail.excess)).toContain(5_000);
  });

  test('an unknown case is a 404 problem', async () => {
    const reply = await pay('case-000000000000000000000000', {
      paymentId: 'p',
      amount: { amount: 1, currency: 'CNY' },
      paidAt: '2026-03-02T00:00:00Z',
    });

    expect(reply).toMatchObject({
      status: 404,
      contentType: 'application/problem+json',
      body: { status: 404 },
    });
  });

  test.each([
    [
      'amount.currency',
      { paymentId: 'p-usd', amount: { amount: 100, currency: 'USD' }, paidAt: '2026-03-02T00:00:00Z' },
    ],
    [
      'paidAt',
      { paymentId: 'p-future', amount: { amount: 100, currency: 'CNY' }, paidAt: '2026-03-20T00:00:00Z' },
    ],
    ['paymentId', { amount: { amount: 100, currency: 'CNY' }, paidAt: '2026-03-02T00:00:00Z' }],
  ])('a wrong %s is a 400 problem and changes nothing', async (path, body) => {
    const { caseId } = await openWaitingCase();

    const reply = await pay(caseId, body);

    expect(reply.status).toBe(400);
    expect(reply.body.errors.map((error: { path: string }) => error.path)).toContain(path);
    expect((await read(caseId)).body.paid.amount).toBe(0);
  });
});

describe('POST /cases/{caseId}/payments after a write-off', () => {
  const WRITTEN_OFF_AT = START + 180 * DAY;

  test('paid in full: RESOLVED / PAID, and the closing runs once in <caseId>-recovered; the same payment again starts nothing more', async () => {
    // Prepare
    const { caseId } = await writtenOffCase(WRITTEN_OFF_AT);
    const at = WRITTEN_OFF_AT + 10 * DAY;
    const owed = (await read(caseId, at)).body.outstanding;
    const body = { paymentId: 'pay-after-write-off', amount: owed, paidAt: iso(at) };

    // Act
    const reply = await pay(caseId, body, at);
    const again = await pay(caseId, body, at + 1000);
    await aws.clock.whenQuiet();

    // Assess
    expect(reply.status).toBe(200);
    expect(reply.body).toMatchObject({
      status: 'RESOLVED',
      resolution: 'PAID',
      closedAt: iso(at),
      outstanding: { amount: 0 },
    });
    expect(again.status).toBe(200);
    expect(again.body).toMatchObject({ status: 'RESOLVED', resolution: 'PAID', closedAt: iso(at) });
    const executions = recoveredExecutionsOf(aws, caseId);
    expect(executions).toHaveLength(1);
    const started = aws.engine.describeExecution({ executionArn: executions[0]?.executionArn ?? '' });
    expect(JSON.parse(started.input ?? 'null')).toEqual({ caseId, continueAt: 'CLOSE' });
    const timeline = await timelineOf(caseId, at);
    expect(typesOf(timeline)).toEqual(
      expect.arrayContaining(['CASE_WRITTEN_OFF', 'PAYMENT_RECEIVED', 'CASE_RESOLVED']),
    );
    expect(timeline.find((entry) => entry.type === 'CASE_RESOLVED')).toEqual({
      at: iso(at),
      type: 'CASE_RESOLVED',
      detail: { resolution: 'PAID', paymentId: 'pay-after-write-off' },
    });
  });

  test('a part payment is only recorded: still WRITTEN_OFF, nothing started', async () => {
    // Prepare
    const { caseId } = await writtenOffCase(WRITTEN_OFF_AT);
    const at = WRITTEN_OFF_AT + 10 * DAY;
    const owed = (await read(caseId, at)).body.outstanding;

    // Act
    const reply = await pay(
      caseId,
      { paymentId: 'part-after-write-off', amount: { ...owed, amount: owed.amount - 100 }, paidAt: iso(at) },
      at,
    );

    // Assess
    expect(reply.status).toBe(200);
    expect(reply.body).toMatchObject({
      status: 'WRITTEN_OFF',
      resolution: 'WRITTEN_OFF',
      closedAt: iso(WRITTEN_OFF_AT),
      outstanding: { amount: 100 },
    });
    expect(recoveredExecutionsOf(aws, caseId)).toEqual([]);
    expect(typesOf(await timelineOf(caseId, at))).not.toContain('CASE_RESOLVED');
  });

  test('the rest paid later resolves it; a payment on the RESOLVED case after that stays an overpayment and starts nothing more', async () => {
    // Prepare
    const { caseId } = await writtenOffCase(WRITTEN_OFF_AT);
    const at = WRITTEN_OFF_AT + 10 * DAY;
    const owed = (await read(caseId, at)).body.outstanding;
    await pay(
      caseId,
      { paymentId: 'first-part', amount: { ...owed, amount: owed.amount - 100 }, paidAt: iso(at) },
      at,
    );

    // Act
    const rest = await pay(
      caseId,
      { paymentId: 'the-rest', amount: { ...owed, amount: 100 }, paidAt: iso(at + DAY) },
      at + DAY,
    );
    const extra = await pay(
      caseId,
      { paymentId: 'extra', amount: { ...owed, amount: 50 }, paidAt: iso(at + 2 * DAY) },
      at + 2 * DAY,
    );

    // Assess
    expect(rest.body).toMatchObject({ status: 'RESOLVED', resolution: 'PAID', closedAt: iso(at + DAY) });
    expect(extra.body).toMatchObject({ status: 'RESOLVED', resolution: 'PAID', closedAt: iso(at + DAY) });
    expect(recoveredExecutionsOf(aws, caseId)).toHaveLength(1);
    expect(typesOf(await timelineOf(caseId, at + 2 * DAY))).toContain('OVERPAYMENT_FOR_REFUND');
  });
});
