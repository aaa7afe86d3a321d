import { PutCommand } from '@aws-sdk/lib-dynamodb';
import { documentClient } from '../../lambdas/adapters/clients/dynamo';
import { handler as agreePlan } from '../../lambdas/handlers/api/agree-plan';
import { handler as listCases } from '../../lambdas/handlers/api/list-cases';
import { handler as makePromise } from '../../lambdas/handlers/api/make-promise';
import { handler as openDispute } from '../../lambdas/handlers/api/open-dispute';
import { handler as recordReturn } from '../../lambdas/handlers/api/record-return';
import { handler as ruleDispute } from '../../lambdas/handlers/api/rule-dispute';
import { handler as applyPlatformUpdates } from '../../lambdas/handlers/events/apply-platform-updates';
import { handler as checkArrangement } from '../../lambdas/handlers/workflow/check-arrangement';
import { callApi, lambdaContext, START } from '../support/local-aws';
import { MINUTE } from '../support/time';
import { type Harness, startHarness } from './aws-harness';
import {
  DAY,
  iso,
  ofType,
  openCaseAt,
  pay,
  platformEvent,
  post,
  readCase,
  sqsBatch,
  sqsRecord,
  storedCase,
  timelineOf,
} from './case-helpers';

/**
 * The money defects of the second review (the rules of 2fdcdc3), each as the sequence that showed it,
 * through the real handlers against dynalite. Amounts by hand from the policy: 1,000.00 CNY due on
 * START carries 50 (0.50) of fees per whole day it is OPEN or PROMISED; the grace is 2 days.
 */
let aws: Harness;
beforeAll(async () => {
  aws = await startHarness({ bureau: false });
});
afterAll(() => aws.stop());

const cny = (amount: number) => ({ amount, currency: 'CNY' });
const THOUSAND = { amountDue: cny(100_000), dueAt: iso(START) };
const day = (n: number) => START + n * DAY;
const ctx = () => lambdaContext('money-corrections');

const promise = (caseId: string, promisedAt: number, amount: number, at: number) =>
  post(
    makePromise,
    '/cases/{caseId}/promises',
    { caseId },
    { promisedAt: iso(promisedAt), amount: cny(amount) },
    at,
  );
const plan = (caseId: string, installments: Array<[number, number]>, at: number) =>
  post(
    agreePlan,
    '/cases/{caseId}/plans',
    { caseId },
    {
      type: 'INSTALLMENTS',
      installments: installments.map(([dueAt, amount]) => ({ dueAt: iso(dueAt), amount: cny(amount) })),
    },
    at,
  );
const check = (caseId: string, arrangement: 'PROMISE' | 'PLAN', at: number) =>
  checkArrangement({ caseId, arrangement, at: iso(at) }, ctx());
const deliverPayment = (detail: unknown, time: number) =>
  applyPlatformUpdates(
    sqsBatch(sqsRecord(platformEvent('Payment Received', detail, iso(time)))),
    lambdaContext('platform-events'),
  );

describe('a payment dated a little ahead of its request, retried later', () => {
  test('through the API: the retry changes nothing and is not a conflict', async () => {
    // Prepare: stated 2 minutes ahead of the request (taken as the request's time)
    const { caseId } = await openCaseAt(THOUSAND);
    const body = { paymentId: 'ahead-1', amount: cny(10_000), paidAt: iso(day(1) + 2 * MINUTE) };
    await pay(caseId, body, day(1));
    const before = (await readCase(caseId, day(1) + 3 * MINUTE)).body;

    // Act: the same request again a minute after the stated time
    const retry = await pay(caseId, body, day(1) + 3 * MINUTE);

    // Assess
    expect(retry.status).toBe(200);
    expect((await readCase(caseId, day(1) + 3 * MINUTE)).body).toEqual(before);
    expect((await storedCase(caseId)).payments).toEqual([
      expect.objectContaining({ paidAt: iso(day(1)), statedPaidAt: iso(day(1) + 2 * MINUTE) }),
    ]);
  });

  test('through Payment Received: the event again, later, is applied once and is no failure', async () => {
    const { caseId, request } = await openCaseAt(THOUSAND);
    const detail = {
      rentalId: request.rentalId,
      paymentId: 'ahead-event-1',
      amount: cny(10_000),
      paidAt: iso(day(1) + 2 * MINUTE),
    };
    await deliverPayment(detail, day(1));

    const again = await deliverPayment(detail, day(1) + 10 * MINUTE);

    expect(again.batchItemFailures).toEqual([]);
    expect((await readCase(caseId, day(2))).body.paid).toEqual(cny(10_000));
  });
});

describe('a case stored before the money rules were rebuilt (2fdcdc3)', () => {
  /** The stored item as the build before 2fdcdc3 wrote it: fees as whole days plus a running start. */
  async function storeInOldShape(caseId: string, change: (item: Record<string, unknown>) => void) {
    const {
      feeAccrual: _accrual,
      pastPromises: _past,
      brokenPlan: _broken,
      ...item
    } = (await storedCase(caseId)) as unknown as Record<string, unknown>;
    change(item);
    await documentClient().send(new PutCommand({ TableName: process.env.CASES_TABLE, Item: item }));
  }

  test('an OPEN case with days counted before a freeze: read, listed and paid as the days say', async () => {
    // Prepare: 3 days counted, frozen (a dispute, say), accruing again since day 5
    const { caseId, request } = await openCaseAt(THOUSAND);
    await storeInOldShape(caseId, (item) => {
      item.feeDays = 3;
      item.feeAccruingSince = iso(day(5));
    });

    // Act
    const read = await readCase(caseId, day(7));
    const listed = await callApi(listCases, {
      method: 'GET',
      resource: '/cases',
      query: { rentalId: request.rentalId },
      at: day(7),
    });
    const paid = await pay(caseId, { paymentId: 'old-1', amount: cny(100_250), paidAt: iso(day(7)) }, day(7));

    // Assess: 3 + 2 days of fees
    expect(read.status).toBe(200);
    expect(read.body).toMatchObject({ status: 'OPEN', fees: cny(250), outstanding: cny(100_250) });
    expect(listed.status).toBe(200);
    expect(listed.body.items).toEqual([expect.objectContaining({ caseId, outstanding: cny(100_250) })]);
    expect(paid.body).toMatchObject({ status: 'RESOLVED', resolution: 'PAID', refundDue: cny(0) });
  });

  test('a PROMISED case whose promise has no settlesFor: a promise of all of it, kept on its terms', async () => {
    const { caseId } = await openCaseAt(THOUSAND);
    await storeInOldShape(caseId, (item) => {
      item.status = 'PROMISED';
      item.feeDays = 0;
      item.feeAccruingSince = iso(START);
      item.promise = { promisedAt: iso(day(6)), amount: 100_100, madeAt: iso(day(2)), keepBy: iso(day(8)) };
    });

    const read = await readCase(caseId, day(4));
    const paid = await pay(caseId, { paymentId: 'old-2', amount: cny(100_100), paidAt: iso(day(5)) }, day(5));

    expect(read.status).toBe(200);
    expect(read.body).toMatchObject({
      outstanding: cny(100_100),
      promise: { wholeAmount: true, toKeep: cny(100_100) },
    });
    expect(paid.body).toMatchObject({ status: 'RESOLVED', fees: cny(100), refundDue: cny(0) });
  });
});

describe('whether a promise is of the whole amount does not depend on arrival order', () => {
  test('a payment dated before the promise, reported after it: the same case as reported in order', async () => {
    // Prepare: 20,000 dated day 1; a promise on day 2 of 80,100 (all that is left of 100,100)
    const late = (await openCaseAt(THOUSAND)).caseId;
    const inOrder = (await openCaseAt(THOUSAND)).caseId;
    const early = { paymentId: 'before-promise', amount: cny(20_000), paidAt: iso(day(1)) };
    await pay(inOrder, early, day(1));
    await promise(inOrder, day(6), 80_100, day(2));
    await promise(late, day(6), 80_100, day(2));

    // Act
    await pay(late, early, day(3));
    const shown = (await readCase(late, day(3))).body;
    const expected = (await readCase(inOrder, day(3))).body;
    const rest = { paymentId: 'keeps-it', amount: cny(80_100), paidAt: iso(day(4)) };
    const kept = [(await pay(late, rest, day(4))).body, (await pay(inOrder, rest, day(4))).body];

    // Assess: whole both ways, and kept it settles for the debt when promised (the fees since waived)
    expect(shown).toMatchObject({
      status: 'PROMISED',
      outstanding: cny(80_100),
      promise: { wholeAmount: true, toKeep: cny(80_100) },
    });
    expect(shown).toMatchObject({
      outstanding: expected.outstanding,
      fees: expected.fees,
      promise: expected.promise,
    });
    for (const view of kept) {
      expect(view).toMatchObject({
        status: 'RESOLVED',
        resolution: 'PAID',
        fees: cny(100),
        refundDue: cny(0),
      });
    }
  });

  test('a payment at the very instant of a promise was paid before it: it does not count towards it too', async () => {
    // Prepare: 30,000 paid on day 2, then at the same instant a promise of 35,000 of the 70,100 left
    const { caseId } = await openCaseAt(THOUSAND);
    await pay(caseId, { paymentId: 'same-instant', amount: cny(30_000), paidAt: iso(day(2)) }, day(2));
    await promise(caseId, day(5), 35_000, day(2));

    // Act
    const reply = await pay(
      caseId,
      { paymentId: 'towards', amount: cny(20_000), paidAt: iso(day(3)) },
      day(3),
    );

    // Assess: 20,000 of the 35,000 promised
    expect(reply.body).toMatchObject({
      status: 'PROMISED',
      promise: { wholeAmount: false, toKeep: cny(15_000) },
    });
  });

  test('a whole promise shows what keeps it as toKeep: the outstanding amount', async () => {
    const { caseId } = await openCaseAt(THOUSAND);
    await promise(caseId, day(6), 100_100, day(2));

    await pay(caseId, { paymentId: 'reported-late', amount: cny(20_000), paidAt: iso(day(1)) }, day(3));

    const view = (await readCase(caseId, day(3))).body;
    expect(view).toMatchObject({
      outstanding: cny(80_100),
      promise: { wholeAmount: true, toKeep: cny(80_100) },
    });
  });
});

describe('a late-reported instalment honours the broken plan after a later request', () => {
  /** A plan of day 3 (50,000) and day 10 (50,050) agreed on day 1, found broken at its grace end, day 5. */
  async function brokenPlanCase() {
    const { caseId } = await openCaseAt(THOUSAND);
    await plan(
      caseId,
      [
        [day(3), 50_000],
        [day(10), 50_050],
      ],
      day(1),
    );
    expect(await check(caseId, 'PLAN', day(5))).toEqual({ kind: 'BROKEN' });
    return caseId;
  }
  const instalmentInTime = { paymentId: 'instalment-1', amount: cny(50_000), paidAt: iso(day(4)) };

  test('PROMISED since: the plan stands again, the promise is replaced, the fees since the break taken back', async () => {
    // Prepare: a promise of all of it (100,100: 2 days of fees) on day 6
    const caseId = await brokenPlanCase();
    await promise(caseId, day(9), 100_100, day(6));

    // Act: the instalment, dated day 4, reported on day 7
    const reply = await pay(caseId, instalmentInTime, day(7));

    // Assess: one day of fees (before the plan), the plan's second instalment left
    expect(reply.body).toMatchObject({
      status: 'ON_PLAN',
      promise: null,
      fees: cny(50),
      outstanding: cny(50_050),
    });
    expect(ofType(await timelineOf(caseId, day(7)), 'PLAN_HONOURED')).toHaveLength(1);
    expect((await storedCase(caseId)).pastPromises.at(-1)).toMatchObject({ outcome: 'SUPERSEDED' });
  });

  test('DISPUTED since: only the fees are put right', async () => {
    const caseId = await brokenPlanCase();
    await post(openDispute, '/cases/{caseId}/disputes', { caseId }, { reason: 'checking' }, day(6));

    const reply = await pay(caseId, instalmentInTime, day(7));

    expect(reply.body).toMatchObject({ status: 'DISPUTED', fees: cny(50), outstanding: cny(50_050) });
  });
});

describe('a full payment dated before a return, reported after it', () => {
  test('the case was paid before the device came back: RESOLVED / PAID, the resolution corrected once', async () => {
    // Prepare: returned on day 5
    const { caseId } = await openCaseAt(THOUSAND);
    await post(
      recordReturn,
      '/cases/{caseId}/returns',
      { caseId },
      { returnedAt: iso(day(5)), condition: 'GOOD' },
      day(5),
    );

    // Act: the debt as of day 4, paid on day 4, reported on day 6
    const reply = await pay(
      caseId,
      { paymentId: 'before-return', amount: cny(100_200), paidAt: iso(day(4)) },
      day(6),
    );

    // Assess
    expect(reply.body).toMatchObject({
      status: 'RESOLVED',
      resolution: 'PAID',
      fees: cny(200),
      outstanding: cny(0),
      refundDue: cny(0),
    });
    const timeline = await timelineOf(caseId, day(6));
    expect(ofType(timeline, 'CASE_RESOLUTION_CORRECTED')).toEqual([
      expect.objectContaining({ detail: expect.objectContaining({ from: 'RETURNED', to: 'PAID' }) }),
    ]);
    expect(ofType(timeline, 'CASE_RESOLVED')).toHaveLength(1);
  });
});

describe('a plan agreed while a promise of the whole amount stands', () => {
  /** Promised on day 1: 100,050 (the fees since waived); a plan of that on day 3 for days 5 and 8. */
  async function planOfPromise() {
    const { caseId } = await openCaseAt(THOUSAND);
    await promise(caseId, day(6), 100_050, day(1));
    const agreed = await plan(
      caseId,
      [
        [day(5), 50_000],
        [day(8), 50_050],
      ],
      day(3),
    );
    return { caseId, agreed };
  }

  test('adds up to what the case shows and carries the waiver: paid, it settles for the promise', async () => {
    // Prepare
    const { caseId, agreed } = await planOfPromise();

    // Act
    const first = await pay(
      caseId,
      { paymentId: 'plan-1', amount: cny(50_000), paidAt: iso(day(4)) },
      day(4),
    );
    const last = await pay(caseId, { paymentId: 'plan-2', amount: cny(50_050), paidAt: iso(day(7)) }, day(7));

    // Assess
    expect(agreed.status).toBe(200);
    expect(agreed.body).toMatchObject({ status: 'ON_PLAN', outstanding: cny(100_050), fees: cny(50) });
    expect(first.body).toMatchObject({ status: 'ON_PLAN', outstanding: cny(50_050) });
    expect(last.body).toMatchObject({
      status: 'RESOLVED',
      resolution: 'PAID',
      fees: cny(50),
      refundDue: cny(0),
    });
  });

  test('broken, the waiver is lost: the debt with every fee', async () => {
    const { caseId } = await planOfPromise();

    const checked = await check(caseId, 'PLAN', day(7));

    // 3 days OPEN or PROMISED before the plan
    expect(checked).toEqual({ kind: 'BROKEN' });
    expect((await readCase(caseId, day(7))).body).toMatchObject({
      status: 'OPEN',
      outstanding: cny(100_150),
    });
  });
});

describe('a late payment that moves an earlier settlement', () => {
  test('the refund booked for it is never more than it, and the timeline says how the settlement moved', async () => {
    // Prepare: resolved on day 4 for 100,200
    const { caseId } = await openCaseAt(THOUSAND);
    await pay(caseId, { paymentId: 'settled', amount: cny(100_200), paidAt: iso(day(4)) }, day(4));

    // Act: 100,050 dated day 1 (the debt then), reported on day 10
    const reply = await pay(
      caseId,
      { paymentId: 'earlier', amount: cny(100_050), paidAt: iso(day(1)) },
      day(10),
    );

    // Assess: settled on day 1 for 100,050; everything else (100,200) is due back
    expect(reply.body).toMatchObject({ status: 'RESOLVED', fees: cny(50), refundDue: cny(100_200) });
    const timeline = await timelineOf(caseId, day(10));
    expect(ofType(timeline, 'OVERPAYMENT_FOR_REFUND').map((entry) => entry.detail.excess)).toEqual([100_050]);
    expect(ofType(timeline, 'SETTLEMENT_CORRECTED')).toEqual([
      expect.objectContaining({
        detail: expect.objectContaining({
          paymentId: 'earlier',
          feesBefore: 200,
          feesAfter: 50,
          refundDueBefore: 0,
          refundDueAfter: 100_200,
        }),
      }),
    ]);
  });
});

describe('the grace checks', () => {
  test('a retried check of a promise it broke answers BROKEN again and writes the entry once', async () => {
    // Prepare
    const { caseId } = await openCaseAt(THOUSAND);
    await promise(caseId, day(5), 50_000, day(1));
    const first = await check(caseId, 'PROMISE', day(7));

    // Act
    const retried = await check(caseId, 'PROMISE', day(7));

    // Assess
    expect(first).toEqual({ kind: 'BROKEN' });
    expect(retried).toEqual({ kind: 'BROKEN' });
    expect(ofType(await timelineOf(caseId, day(7)), 'PROMISE_BROKEN')).toHaveLength(1);
  });

  test('an instalment paid after its grace end, checked later still, was missed', async () => {
    // Prepare: the first instalment (day 3, grace to day 5) paid on day 6
    const { caseId } = await openCaseAt(THOUSAND);
    await plan(
      caseId,
      [
        [day(3), 50_000],
        [day(10), 50_050],
      ],
      day(1),
    );
    await pay(caseId, { paymentId: 'too-late', amount: cny(50_000), paidAt: iso(day(6)) }, day(6));

    // Act: the check runs late, on day 6
    const checked = await check(caseId, 'PLAN', day(6));

    // Assess: broken as of day 5
    expect(checked).toEqual({ kind: 'BROKEN' });
    expect((await storedCase(caseId)).brokenPlan).toMatchObject({ brokenAt: iso(day(5)) });
  });
});

describe('a repeated promise', () => {
  test('the same promise again after it was kept changes nothing', async () => {
    // Prepare: 50,000 promised for day 5, paid on day 2
    const { caseId } = await openCaseAt(THOUSAND);
    await promise(caseId, day(5), 50_000, day(1));
    await pay(caseId, { paymentId: 'kept', amount: cny(50_000), paidAt: iso(day(2)) }, day(2));

    // Act
    const again = await promise(caseId, day(5), 50_000, day(3));

    // Assess
    expect(again.status).toBe(200);
    expect(again.body).toMatchObject({ status: 'OPEN', promise: null });
    expect(ofType(await timelineOf(caseId, day(3)), 'PROMISE_MADE')).toHaveLength(1);
  });
});

describe('Payment Received without caseId for a rental with no open case', () => {
  test('goes to the rental’s most recent case, even a cancelled one, and is due back', async () => {
    // Prepare: the rental's first case paid, its later one cancelled by an upheld dispute
    const first = await openCaseAt({ ...THOUSAND, rentalId: 'rental-closed-cases' });
    await pay(first.caseId, { paymentId: 'first-paid', amount: cny(100_000), paidAt: iso(START) }, START);
    const later = await openCaseAt(
      { ...THOUSAND, rentalId: 'rental-closed-cases', dueAt: iso(day(20)) },
      day(20),
    );
    await post(
      openDispute,
      '/cases/{caseId}/disputes',
      { caseId: later.caseId },
      { reason: 'not mine' },
      day(21),
    );
    await post(
      ruleDispute,
      '/cases/{caseId}/disputes/resolution',
      { caseId: later.caseId },
      { outcome: 'UPHELD' },
      day(22),
    );

    // Act
    const result = await deliverPayment(
      { rentalId: 'rental-closed-cases', paymentId: 'after-all', amount: cny(10_000), paidAt: iso(day(23)) },
      day(23),
    );

    // Assess
    expect(result.batchItemFailures).toEqual([]);
    expect((await readCase(later.caseId, day(23))).body).toMatchObject({
      status: 'CANCELLED',
      paid: cny(10_000),
      refundDue: cny(10_000),
    });
    expect((await readCase(first.caseId, day(23))).body.paid).toEqual(cny(100_000));
  });
});
