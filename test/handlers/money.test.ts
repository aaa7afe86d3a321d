import { handler as makePromise } from '../../lambdas/handlers/api/make-promise';
import { handler as openDispute } from '../../lambdas/handlers/api/open-dispute';
import { handler as recordReturn } from '../../lambdas/handlers/api/record-return';
import { handler as ruleDispute } from '../../lambdas/handlers/api/rule-dispute';
import { handler as cancelCase } from '../../lambdas/handlers/workflow/cancel-case';
import { handler as checkArrangement } from '../../lambdas/handlers/workflow/check-arrangement';
import { handler as closeCase } from '../../lambdas/handlers/workflow/close-case';
import { lambdaContext, START } from '../support/local-aws';
import { HOUR } from '../support/time';
import { type Harness, startHarness } from './aws-harness';
import {
  DAY,
  iso,
  ofType,
  openCaseAt,
  pay,
  post,
  readCase,
  timelineOf,
  waitingCase,
  wokenWith,
} from './case-helpers';

/**
 * The money defects a review found (issue "trustworthy money and compliance"), each as the sequence
 * that showed it, in virtual time, through the real handlers against dynalite. Amounts are worked out
 * by hand from the policy (0.05 % of amountDue per whole day, capped at 20 %; grace 2 days).
 */
let aws: Harness;
beforeAll(async () => {
  aws = await startHarness({ bureau: false });
});
afterAll(() => aws.stop());

const cny = (amount: number) => ({ amount, currency: 'CNY' });
/** 1,000.00 CNY due on START: 50 (0.50) of fees per whole day. */
const THOUSAND = { amountDue: cny(100_000), dueAt: iso(START) };
const day = (n: number) => START + n * DAY;
const ctx = () => lambdaContext('money');

const promise = (caseId: string, body: unknown, at: number) =>
  post(makePromise, '/cases/{caseId}/promises', { caseId }, body, at);

describe('a kept promise nets exactly the amount promised', () => {
  test('promised on day 1 for day 6, paid on day 7 (in grace) what the case shows: resolved for the promise', async () => {
    // Prepare: owed on day 1 = 100,000 + 50 of fees
    const { caseId } = await openCaseAt(THOUSAND);
    const promised = await promise(caseId, { promisedAt: iso(day(6)), amount: cny(100_050) }, day(1));
    const shown = (await readCase(caseId, day(7))).body;

    // Act
    const reply = await pay(
      caseId,
      { paymentId: 'pay-7', amount: shown.outstanding, paidAt: iso(day(7)) },
      day(7),
    );

    // Assess: what keeps the promise is shown, and the customer pays no fee accrued since it
    expect(promised.body.status).toBe('PROMISED');
    expect(shown.outstanding).toEqual(cny(100_050));
    expect(reply.body).toMatchObject({
      status: 'RESOLVED',
      resolution: 'PAID',
      paid: cny(100_050),
      fees: cny(50),
      outstanding: cny(0),
      refundDue: cny(0),
    });
  });

  test('paid above the promise: the case resolves for the promise and the rest is due back', async () => {
    const { caseId } = await openCaseAt(THOUSAND);
    await promise(caseId, { promisedAt: iso(day(6)), amount: cny(100_050) }, day(1));

    // The debt with every day's fee to day 7 (100,350) instead of what keeps the promise
    const reply = await pay(
      caseId,
      { paymentId: 'pay-7', amount: cny(100_350), paidAt: iso(day(7)) },
      day(7),
    );

    expect(reply.body).toMatchObject({ status: 'RESOLVED', fees: cny(50), refundDue: cny(300) });
    const refund = ofType(await timelineOf(caseId, day(7)), 'OVERPAYMENT_FOR_REFUND');
    expect(refund.map((entry) => entry.detail.excess)).toEqual([300]);
  });

  test('one minor unit short of the promise does not keep it, and nothing is booked for refund', async () => {
    const { caseId } = await openCaseAt(THOUSAND);
    await promise(caseId, { promisedAt: iso(day(6)), amount: cny(100_050) }, day(1));

    const reply = await pay(
      caseId,
      { paymentId: 'pay-7', amount: cny(100_049), paidAt: iso(day(7)) },
      day(7),
    );

    expect(reply.body).toMatchObject({ status: 'PROMISED', outstanding: cny(1), refundDue: cny(0) });
  });
});

describe('the same payments give the same case in any arrival order', () => {
  test('50,250 dated day 4 and 50,000 dated day 19: in date order, or the day-4 one reported on day 20', async () => {
    // Prepare
    const inOrder = (await openCaseAt(THOUSAND)).caseId;
    const reportedLate = (await openCaseAt(THOUSAND)).caseId;
    const early = { paymentId: 'early', amount: cny(50_250), paidAt: iso(day(4)) };
    const later = { paymentId: 'later', amount: cny(50_000), paidAt: iso(day(19)) };

    // Act
    await pay(inOrder, early, day(4));
    await pay(inOrder, later, day(19));
    await pay(reportedLate, later, day(19));
    await pay(reportedLate, early, day(20));

    // Assess: 100,000 + 20 days of fees (1,000) - 100,250 = 750 owed on day 20, both ways
    const a = (await readCase(inOrder, day(20))).body;
    const b = (await readCase(reportedLate, day(20))).body;
    expect(a).toMatchObject({ status: 'OPEN', outstanding: cny(750), fees: cny(1_000), refundDue: cny(0) });
    expect(b).toMatchObject({
      status: a.status,
      outstanding: a.outstanding,
      fees: a.fees,
      refundDue: a.refundDue,
    });
  });

  test('a full payment reported late settles as of its own date, the later one is due back: same as in order', async () => {
    const inOrder = (await openCaseAt(THOUSAND)).caseId;
    const reportedLate = (await openCaseAt(THOUSAND)).caseId;
    const full = { paymentId: 'full', amount: cny(100_200), paidAt: iso(day(4)) };
    const extra = { paymentId: 'extra', amount: cny(50_000), paidAt: iso(day(19)) };

    await pay(inOrder, full, day(4));
    await pay(inOrder, extra, day(19));
    await pay(reportedLate, extra, day(19));
    await pay(reportedLate, full, day(20));

    for (const caseId of [inOrder, reportedLate]) {
      expect((await readCase(caseId, day(21))).body).toMatchObject({
        status: 'RESOLVED',
        resolution: 'PAID',
        fees: cny(200),
        outstanding: cny(0),
        refundDue: cny(50_000),
      });
    }
  });
});

describe('money received on a closed case is due back, and the case says so', () => {
  test('a return after a part payment: nothing outstanding, the part payment due back, on the case event too', async () => {
    // Prepare
    const { caseId } = await openCaseAt(THOUSAND);
    await pay(caseId, { paymentId: 'part', amount: cny(30_000), paidAt: iso(day(2)) }, day(2));

    // Act
    const reply = await post(
      recordReturn,
      '/cases/{caseId}/returns',
      { caseId },
      { returnedAt: iso(day(3)), condition: 'GOOD' },
      day(3),
    );
    const closing = await closeCase({ caseId, at: iso(day(3)) }, ctx());

    // Assess: "Case Resolved" is announced from the closing step's detail
    expect(reply.body).toMatchObject({ status: 'RESOLVED', resolution: 'RETURNED', outstanding: cny(0) });
    expect(reply.body.refundDue).toEqual(cny(30_000));
    expect(closing.detail).toMatchObject({ outstanding: cny(0), refundDue: cny(30_000) });
  });

  test('an upheld dispute after a part payment: nothing owed, the payment due back', async () => {
    const { caseId } = await openCaseAt(THOUSAND);
    await pay(caseId, { paymentId: 'part', amount: cny(30_000), paidAt: iso(day(2)) }, day(2));
    await post(openDispute, '/cases/{caseId}/disputes', { caseId }, { reason: 'never rented it' }, day(3));

    const reply = await post(
      ruleDispute,
      '/cases/{caseId}/disputes/resolution',
      { caseId },
      { outcome: 'UPHELD' },
      day(5),
    );
    const cancelled = await cancelCase({ caseId, at: iso(day(5)) }, ctx());

    expect(reply.body).toMatchObject({ status: 'CANCELLED', outstanding: cny(0), refundDue: cny(30_000) });
    expect(cancelled.detail).toMatchObject({ outstanding: cny(0), refundDue: cny(30_000) });
  });

  test('a payment on a cancelled case is kept and due back, not refused', async () => {
    const { caseId } = await openCaseAt(THOUSAND);
    await post(openDispute, '/cases/{caseId}/disputes', { caseId }, { reason: 'not mine' }, day(1));
    await post(ruleDispute, '/cases/{caseId}/disputes/resolution', { caseId }, { outcome: 'UPHELD' }, day(2));

    const reply = await pay(caseId, { paymentId: 'after', amount: cny(10_000), paidAt: iso(day(3)) }, day(3));

    expect(reply.status).toBe(200);
    expect(reply.body).toMatchObject({ status: 'CANCELLED', paid: cny(10_000), refundDue: cny(10_000) });
  });

  test('money reaching a closed case is announced to the platform (Case Refund Due): the workflow no longer speaks for it', async () => {
    // Prepare: resolved by a full payment; the platform then reports another transfer
    const { caseId } = await openCaseAt(THOUSAND);
    await pay(caseId, { paymentId: 'full', amount: cny(100_100), paidAt: iso(day(2)) }, day(2));
    const before = refundEvents(caseId).length;

    // Act
    await pay(caseId, { paymentId: 'twice', amount: cny(100_100), paidAt: iso(day(3)) }, day(3));

    // Assess: announced once, with what to refund; the payment that resolved it announced nothing here
    expect(before).toBe(0);
    expect(refundEvents(caseId)).toEqual([
      expect.objectContaining({
        source: 'rental.collections',
        detail: expect.objectContaining({
          caseId,
          status: 'RESOLVED',
          refundDue: cny(100_100),
          paymentId: 'twice',
        }),
      }),
    ]);
  });
});

const refundEvents = (caseId: string) =>
  aws.bus.events
    .map((recorded) => recorded.event)
    .filter(
      (event) =>
        event['detail-type'] === 'Case Refund Due' && (event.detail as { caseId?: string }).caseId === caseId,
    );

describe('a promise may be for a part of the outstanding amount', () => {
  test('500.00 of 1,000.50 by Friday: PROMISED; paid in time, the ladder resumes with the smaller debt and every fee', async () => {
    // Prepare: the stand-in workflow waits on the promise
    const { caseId } = await waitingCase(aws, 'PROMISE', THOUSAND, day(1), (id) =>
      promise(id, { promisedAt: iso(day(5)), amount: cny(50_000) }, day(1)),
    );

    // Act
    const reply = await pay(caseId, { paymentId: 'part', amount: cny(50_000), paidAt: iso(day(4)) }, day(4));

    // Assess: OPEN again (the ladder resumes where it stood), fees not waived: 100,200 - 50,000
    expect(reply.body).toMatchObject({ status: 'OPEN', outstanding: cny(50_200), fees: cny(200) });
    expect(await wokenWith(aws, caseId)).toEqual({ kind: 'PROMISE_KEPT' });
    expect(ofType(await timelineOf(caseId, day(4)), 'PROMISE_KEPT')).toHaveLength(1);
  });

  test('a part promise broken at the grace end: OPEN, the ladder resumes as for any broken promise', async () => {
    const { caseId } = await openCaseAt(THOUSAND);
    await promise(caseId, { promisedAt: iso(day(5)), amount: cny(50_000) }, day(1));
    await pay(caseId, { paymentId: 'short', amount: cny(20_000), paidAt: iso(day(4)) }, day(4));

    const checked = await checkArrangement({ caseId, arrangement: 'PROMISE', at: iso(day(7)) }, ctx());

    expect(checked).toEqual({ kind: 'BROKEN' });
    expect((await readCase(caseId, day(7))).body).toMatchObject({
      status: 'OPEN',
      outstanding: cny(100_350 - 20_000),
    });
  });

  test.each([
    ['19 % of the outstanding amount', 19_009, 422],
    ['20 % of it, rounded up', 20_010, 200],
  ])('a promise of %s (%s) answers %s', async (_label, amount, status) => {
    // 20 % of 100,050 = 20,010
    const { caseId } = await openCaseAt(THOUSAND);

    const reply = await promise(caseId, { promisedAt: iso(day(5)), amount: cny(amount) }, day(1));

    expect(reply.status).toBe(status);
    if (status === 422)
      expect(reply.body.errors).toEqual([expect.objectContaining({ path: 'amount.amount' })]);
  });
});

describe('a fee freeze carries the part day accrued so far', () => {
  test('12 hours, a dispute of 2 days, 12 more hours: one whole day of fees', async () => {
    const { caseId } = await openCaseAt(THOUSAND);
    await post(
      openDispute,
      '/cases/{caseId}/disputes',
      { caseId },
      { reason: 'checking' },
      START + 12 * HOUR,
    );
    await post(
      ruleDispute,
      '/cases/{caseId}/disputes/resolution',
      { caseId },
      { outcome: 'REJECTED' },
      START + 60 * HOUR,
    );

    const view = (await readCase(caseId, START + 72 * HOUR)).body;

    expect(view.fees).toEqual(cny(50));
  });
});

describe('a reused paymentId', () => {
  test('with another currency is a 409 like another amount, and changes nothing', async () => {
    const { caseId } = await openCaseAt(THOUSAND);
    await pay(caseId, { paymentId: 'p-1', amount: cny(10_000), paidAt: iso(day(1)) }, day(1));
    const before = (await readCase(caseId, day(1))).body;

    const reply = await pay(
      caseId,
      { paymentId: 'p-1', amount: { amount: 10_000, currency: 'USD' }, paidAt: iso(day(1)) },
      day(1),
    );

    expect(reply.status).toBe(409);
    expect((await readCase(caseId, day(1))).body).toEqual(before);
  });
});
