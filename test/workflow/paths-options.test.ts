/**
 * The customer's options on the real ASL and the real handlers (local runtime, virtual clock): a
 * promise kept and broken, an instalment plan kept and broken, an extended return kept and broken, a
 * dispute upheld and rejected. Each asserts the execution history, the case timeline, and what went out.
 */
import { STAGE_STATES, STATE } from '../../statemachines/overdue-case';
import {
  CLOSE,
  closingTimeline,
  enter,
  FIRST_COLLECTION,
  iso,
  NOTICE,
  OPENING,
  OUTBOX_TO_REPORT,
  PRE_NOTICE,
  REPORT_AND_RESTRICT,
  type Scenario,
  SECOND_COLLECTION,
  SOFT_REMINDER,
  toFirstCollection,
  unpaidTimelineTo31Days,
  usePathsRuntime,
  WHAT_HAPPENED,
} from './paths-support';

const world = usePathsRuntime();

const PROMISE_WAIT = [STATE.preparePromiseWait, STATE.isTimeToContinuePromise, STATE.awaitPromisedPayment];
const PROMISE_CHECK = [STATE.wasPromiseKept, STATE.didPromiseHold];
const PLAN_WAIT = [STATE.preparePlanWait, STATE.isTimeToContinuePlan, STATE.awaitInstalment];
const PLAN_CHECK = [STATE.wasInstalmentPaid, STATE.doesPlanHold];
const RESUME = [STATE.resumeLadder, STATE.whereLadderResumes];
const DISPUTE_HOLD = [STATE.prepareDisputeWait, STATE.isTimeToContinueDispute, STATE.holdForRuling];

const NOTICE_TIMELINE = unpaidTimelineTo31Days(129_900).slice(0, 4);
const FIRST_COLLECTION_TIMELINE = unpaidTimelineTo31Days(129_900).slice(4, 6);

/** POST /cases/{caseId}/promises of the whole outstanding amount (as the API states it now) by `promisedAt`. */
async function promise(s: Scenario, promisedAt: number) {
  return s.post(`/cases/${s.caseId}/promises`, {
    promisedAt: iso(promisedAt),
    amount: await s.outstanding(),
  });
}

/** The closing of a case whose promise the payment kept: the payment, the promise kept, the closing. */
function keptPromiseTimeline(at: string, amount: number): string[] {
  const [payment, ...closing] = closingTimeline(at, `PAYMENT_RECEIVED amount=${amount}`, 'PAID');
  return [payment ?? '', `${at} PROMISE_KEPT late=false`, ...closing];
}

/** POST /cases/{caseId}/plans: two instalments on `firstDue` and `secondDue` summing to the outstanding amount. */
async function twoInstalments(s: Scenario, firstDue: number, secondDue: number) {
  const { amount } = await s.outstanding();
  const first = Math.floor(amount / 2);
  const reply = await s.post(`/cases/${s.caseId}/plans`, {
    type: 'INSTALLMENTS',
    installments: [
      { dueAt: iso(firstDue), amount: { amount: first, currency: 'CNY' } },
      { dueAt: iso(secondDue), amount: { amount: amount - first, currency: 'CNY' } },
    ],
  });
  return { reply, first, second: amount - first };
}

describe('promise to pay', () => {
  test('kept: paid in full on the promised day, the case closes at once', async () => {
    // Prepare
    const s = await world().scenario('promise-kept');
    await s.open(129_900);
    await s.advanceTo(s.at(1));

    // Act
    const promised = await promise(s, s.at(6));
    await s.advanceTo(s.at(6));
    // While the promise can be kept the case shows what keeps it (not the fees accrued meanwhile).
    const paid = await s.pay('pay-1');

    // Assess
    expect(promised).toMatchObject({
      status: 200,
      body: { status: 'PROMISED', promise: { promisedAt: iso(s.at(6)) } },
    });
    expect(paid).toMatchObject({ status: 200, body: { status: 'RESOLVED', resolution: 'PAID' } });
    // What was paid (the outstanding shown at day 6) is exactly what was promised at day 1, no refund.
    expect(paid.body.paid.amount).toBe(promised.body.promise.amount.amount);
    expect(paid.body).toMatchObject({ outstanding: { amount: 0 }, refundDue: { amount: 0 } });
    await s.advanceTo(s.at(20));
    expect(await s.states()).toEqual([
      ...enter('0d 00:00', ...OPENING, ...NOTICE),
      ...enter('1d 00:00', WHAT_HAPPENED, ...PROMISE_WAIT),
      ...enter('6d 00:00', WHAT_HAPPENED, ...CLOSE),
    ]);
    expect(await s.execution()).toEqual({ status: 'SUCCEEDED', stopped: '6d 00:00', count: 1 });
    const timeline = await s.timeline();
    expect(timeline).toEqual([
      ...NOTICE_TIMELINE,
      `1d 00:00 PROMISE_MADE amount=${promised.body.promise.amount.amount}`,
      ...keptPromiseTimeline('6d 00:00', paid.body.paid.amount),
    ]);
    expect(await s.personalDataInTimeline()).toEqual([]);
    // No reminder while the promise stood (the notice's wait would have ended at day 3).
    expect(await s.outbox()).toEqual([
      '0d 00:00 SMS OVERDUE_NOTICE',
      '0d 00:00 EMAIL OVERDUE_NOTICE',
      '6d 00:00 SMS RECEIPT',
      '6d 00:00 EMAIL RECEIPT',
    ]);
    expect(await s.events()).toEqual([
      '0d 00:00 Case Opened OPEN OVERDUE_NOTICE',
      '6d 00:00 Case Resolved RESOLVED OVERDUE_NOTICE',
    ]);
  });

  test('kept with only the promised amount, within the grace days: the fees since the promise are waived, the case closes at once', async () => {
    // Prepare
    const s = await world().scenario('promise-kept-promised-amount');
    await s.open(129_900);
    await s.advanceTo(s.at(1));
    const promised = await promise(s, s.at(6));
    const promisedAmount: number = promised.body.promise.amount.amount;
    await s.advanceTo(s.at(7));
    const shown = await s.outstanding();

    // Act
    const paid = await s.pay('pay-1', promisedAmount);

    // Assess
    // Fees accrued while PROMISED, but what the case shows within the grace days is what keeps it.
    expect(shown.amount).toBe(promisedAmount);
    expect(paid).toMatchObject({
      status: 200,
      body: {
        status: 'RESOLVED',
        resolution: 'PAID',
        paid: { amount: promisedAmount },
        outstanding: { amount: 0 },
      },
    });
    await s.advanceTo(s.at(20));
    expect(await s.states()).toEqual([
      ...enter('0d 00:00', ...OPENING, ...NOTICE),
      ...enter('1d 00:00', WHAT_HAPPENED, ...PROMISE_WAIT),
      ...enter('7d 00:00', WHAT_HAPPENED, ...CLOSE),
    ]);
    expect(await s.execution()).toEqual({ status: 'SUCCEEDED', stopped: '7d 00:00', count: 1 });
    // No OVERPAYMENT_FOR_REFUND, no debt left over.
    expect(await s.timeline()).toEqual([
      ...NOTICE_TIMELINE,
      `1d 00:00 PROMISE_MADE amount=${promisedAmount}`,
      ...keptPromiseTimeline('7d 00:00', promisedAmount),
    ]);
    expect(await s.view()).toMatchObject({ status: 'RESOLVED', outstanding: { amount: 0 } });
    expect(await s.outbox()).toEqual([
      '0d 00:00 SMS OVERDUE_NOTICE',
      '0d 00:00 EMAIL OVERDUE_NOTICE',
      '7d 00:00 SMS RECEIPT',
      '7d 00:00 EMAIL RECEIPT',
    ]);
    expect(await s.events()).toEqual([
      '0d 00:00 Case Opened OPEN OVERDUE_NOTICE',
      '7d 00:00 Case Resolved RESOLVED OVERDUE_NOTICE',
    ]);
  });

  test('broken: no payment by the promised day + 2 grace days, the ladder resumes with the 2 days the notice had left', async () => {
    // Prepare
    const s = await world().scenario('promise-broken');
    await s.open(129_900);
    await s.advanceTo(s.at(1));

    // Act
    await promise(s, s.at(6));
    await s.advanceTo(s.at(11));

    // Assess
    expect(await s.states()).toEqual([
      ...enter('0d 00:00', ...OPENING, ...NOTICE),
      ...enter('1d 00:00', WHAT_HAPPENED, ...PROMISE_WAIT),
      ...enter('8d 00:00', ...PROMISE_CHECK, ...RESUME, STAGE_STATES.OVERDUE_NOTICE.await),
      ...enter('10d 00:00', ...FIRST_COLLECTION),
    ]);
    expect(await s.execution()).toMatchObject({ status: 'RUNNING' });
    const timeline = await s.timeline();
    expect(timeline.slice(0, 5)).toEqual([
      ...NOTICE_TIMELINE,
      expect.stringMatching(/^1d 00:00 PROMISE_MADE/),
    ]);
    // Same instant: ordered by TYPE_ORDER rank, cause before effect (the broken promise, then the resume).
    expect(timeline.slice(5)).toEqual([
      '8d 00:00 PROMISE_BROKEN resumesAt=OVERDUE_NOTICE',
      '8d 00:00 LADDER_RESUMED stage=OVERDUE_NOTICE remainingSeconds=172800',
      '10d 00:00 STAGE_ENTERED stage=FIRST_COLLECTION from=OVERDUE_NOTICE',
      '10d 00:00 MESSAGE_SENT SMS stage=FIRST_COLLECTION kind=REMINDER',
    ]);
    expect(await s.view()).toMatchObject({ status: 'OPEN', stage: 'FIRST_COLLECTION', promise: null });
    expect(await s.outbox()).toEqual([
      '0d 00:00 SMS OVERDUE_NOTICE',
      '0d 00:00 EMAIL OVERDUE_NOTICE',
      '10d 00:00 SMS REMINDER',
    ]);
  });
});

describe('promise of a part', () => {
  test('kept: the ladder resumes where it stood, with the smaller debt and no fee waived', async () => {
    // Prepare: on day 1 the notice's wait had 2 days left
    const s = await world().scenario('part-promise-kept');
    await s.open(129_900);
    await s.advanceTo(s.at(1));
    const promised = await s.post(`/cases/${s.caseId}/promises`, {
      promisedAt: iso(s.at(6)),
      amount: { amount: 50_000, currency: 'CNY' },
    });
    await s.advanceTo(s.at(5));

    // Act
    const paid = await s.pay('part', 50_000);
    await s.advanceTo(s.at(8));

    // Assess
    expect(promised.body).toMatchObject({ status: 'PROMISED', promise: { wholeAmount: false } });
    expect(paid.body).toMatchObject({ status: 'OPEN', paid: { amount: 50_000 } });
    expect(await s.states()).toEqual([
      ...enter('0d 00:00', ...OPENING, ...NOTICE),
      ...enter('1d 00:00', WHAT_HAPPENED, ...PROMISE_WAIT),
      ...enter('5d 00:00', WHAT_HAPPENED, ...RESUME, STAGE_STATES.OVERDUE_NOTICE.await),
      ...enter('7d 00:00', ...FIRST_COLLECTION),
    ]);
    expect(await s.outbox()).toEqual([
      '0d 00:00 SMS OVERDUE_NOTICE',
      '0d 00:00 EMAIL OVERDUE_NOTICE',
      '7d 00:00 SMS REMINDER',
    ]);
    // 1,299.00 + 9 whole days of fees since the due date (5.84) - 500.00, as of day 8
    expect((await s.view()).outstanding).toEqual({ amount: 129_900 + 584 - 50_000, currency: 'CNY' });
  });
});

describe('paid in time, reported after the grace check', () => {
  test('a promise of the whole amount: resolved on its terms (the fees since waived), the ladder stops', async () => {
    // Prepare: promised on day 1 for day 6 (grace to day 8); the transfer is dated day 7
    const s = await world().scenario('promise-kept-reported-late');
    await s.open(129_900);
    await s.advanceTo(s.at(1));
    const promised = await promise(s, s.at(6));
    const promisedAmount: number = promised.body.promise.amount.amount;
    await s.advanceTo(s.at(9));

    // Act: the platform reports it on day 9, after the check found the promise broken on day 8
    const paid = await s.post(`/cases/${s.caseId}/payments`, {
      paymentId: 'promise-kept-reported-late-pay',
      amount: { amount: promisedAmount, currency: 'CNY' },
      paidAt: iso(s.at(7)),
    });
    await s.advanceTo(s.at(30));

    // Assess
    expect(paid.body).toMatchObject({
      status: 'RESOLVED',
      resolution: 'PAID',
      paid: { amount: promisedAmount },
      outstanding: { amount: 0 },
      refundDue: { amount: 0 },
    });
    expect(await s.states()).toEqual([
      ...enter('0d 00:00', ...OPENING, ...NOTICE),
      ...enter('1d 00:00', WHAT_HAPPENED, ...PROMISE_WAIT),
      ...enter('8d 00:00', ...PROMISE_CHECK, ...RESUME, STAGE_STATES.OVERDUE_NOTICE.await),
      ...enter('9d 00:00', WHAT_HAPPENED, ...CLOSE),
    ]);
    const timeline = await s.timeline();
    expect(timeline).toContain('9d 00:00 PROMISE_KEPT late=true');
    // Nothing but the notice and the receipt: no reminder to someone who kept their word.
    expect(await s.outbox()).toEqual([
      '0d 00:00 SMS OVERDUE_NOTICE',
      '0d 00:00 EMAIL OVERDUE_NOTICE',
      '9d 00:00 SMS RECEIPT',
      '9d 00:00 EMAIL RECEIPT',
    ]);
  });

  test('an instalment: the plan stands again, the fees counted since the break are taken back', async () => {
    // Prepare: instalments on days 9 and 14; the first is paid on day 10 (grace to day 11)
    const s = await world().scenario('plan-kept-reported-late');
    await s.open(129_900);
    await s.advanceTo(s.at(4));
    const plan = await twoInstalments(s, s.at(9), s.at(14));
    await s.advanceTo(s.at(12));
    const broken = await s.view();

    // Act: reported on day 12, after the check found the plan broken on day 11
    const paid = await s.post(`/cases/${s.caseId}/payments`, {
      paymentId: 'plan-kept-reported-late-1',
      amount: { amount: plan.first, currency: 'CNY' },
      paidAt: iso(s.at(10)),
    });
    await s.advanceTo(s.at(13));
    const last = await s.pay('instalment-2', plan.second);
    await s.advanceTo(s.at(40));

    // Assess
    expect(broken.status).toBe('OPEN');
    expect(paid.body).toMatchObject({ status: 'ON_PLAN', outstanding: { amount: plan.second } });
    expect(last.body).toMatchObject({ status: 'RESOLVED', resolution: 'PAID', refundDue: { amount: 0 } });
    expect(await s.states()).toEqual([
      ...toFirstCollection(),
      ...enter('4d 00:00', WHAT_HAPPENED, ...PLAN_WAIT),
      ...enter('11d 00:00', ...PLAN_CHECK, ...RESUME, STAGE_STATES.FIRST_COLLECTION.await),
      ...enter('12d 00:00', WHAT_HAPPENED, ...PLAN_WAIT),
      ...enter('13d 00:00', WHAT_HAPPENED, ...CLOSE),
    ]);
    expect(await s.timeline()).toContain('12d 00:00 PLAN_HONOURED brokenAt=11d 00:00');
    expect(await s.outbox()).toEqual([
      '0d 00:00 SMS OVERDUE_NOTICE',
      '0d 00:00 EMAIL OVERDUE_NOTICE',
      '3d 00:00 SMS REMINDER',
      '13d 00:00 SMS RECEIPT',
      '13d 00:00 EMAIL RECEIPT',
    ]);
  });
});

describe('instalment plan', () => {
  test('kept: the first instalment checked at its date + 2 days, the second one paid early closes the case', async () => {
    // Prepare
    const s = await world().scenario('plan-kept');
    await s.open(129_900);
    await s.advanceTo(s.at(4));

    // Act
    const plan = await twoInstalments(s, s.at(9), s.at(14));
    await s.advanceTo(s.at(8));
    await s.pay('instalment-1', plan.first);
    await s.advanceTo(s.at(13));
    const last = await s.pay('instalment-2', plan.second);

    // Assess
    expect(plan.reply).toMatchObject({
      status: 200,
      body: { status: 'ON_PLAN', plan: { type: 'INSTALLMENTS' } },
    });
    expect(last).toMatchObject({ status: 200, body: { status: 'RESOLVED', resolution: 'PAID' } });
    await s.advanceTo(s.at(30));
    expect(await s.states()).toEqual([
      ...toFirstCollection(),
      ...enter('4d 00:00', WHAT_HAPPENED, ...PLAN_WAIT),
      ...enter('11d 00:00', ...PLAN_CHECK, ...PLAN_WAIT),
      ...enter('13d 00:00', WHAT_HAPPENED, ...CLOSE),
    ]);
    expect(await s.execution()).toEqual({ status: 'SUCCEEDED', stopped: '13d 00:00', count: 1 });
    expect(await s.timeline()).toEqual([
      ...NOTICE_TIMELINE,
      ...FIRST_COLLECTION_TIMELINE,
      '4d 00:00 PLAN_AGREED type=INSTALLMENTS installments=2',
      `8d 00:00 PAYMENT_RECEIVED amount=${plan.first}`,
      `11d 00:00 INSTALLMENT_KEPT paid=${plan.first}`,
      ...closingTimeline('13d 00:00', `PAYMENT_RECEIVED amount=${plan.second}`, 'PAID'),
    ]);
    // Fees are frozen on a plan: the two instalments paid it all.
    expect(await s.view()).toMatchObject({
      paid: { amount: plan.first + plan.second },
      outstanding: { amount: 0 },
    });
    expect(await s.outbox()).toEqual([
      '0d 00:00 SMS OVERDUE_NOTICE',
      '0d 00:00 EMAIL OVERDUE_NOTICE',
      '3d 00:00 SMS REMINDER',
      '13d 00:00 SMS RECEIPT',
      '13d 00:00 EMAIL RECEIPT',
    ]);
  });

  test('broken: the second instalment missed, the ladder resumes with the 6 days the first collection had left', async () => {
    // Prepare
    const s = await world().scenario('plan-broken');
    await s.open(129_900);
    await s.advanceTo(s.at(4));

    // Act
    const plan = await twoInstalments(s, s.at(9), s.at(14));
    await s.advanceTo(s.at(8));
    await s.pay('instalment-1', plan.first);
    await s.advanceTo(s.at(23));

    // Assess
    expect(await s.states()).toEqual([
      ...toFirstCollection(),
      ...enter('4d 00:00', WHAT_HAPPENED, ...PLAN_WAIT),
      ...enter('11d 00:00', ...PLAN_CHECK, ...PLAN_WAIT),
      ...enter('16d 00:00', ...PLAN_CHECK, ...RESUME, STAGE_STATES.FIRST_COLLECTION.await),
      ...enter('22d 00:00', ...SECOND_COLLECTION),
    ]);
    expect(await s.execution()).toMatchObject({ status: 'RUNNING' });
    expect(await s.timeline()).toEqual([
      ...NOTICE_TIMELINE,
      ...FIRST_COLLECTION_TIMELINE,
      '4d 00:00 PLAN_AGREED type=INSTALLMENTS installments=2',
      `8d 00:00 PAYMENT_RECEIVED amount=${plan.first}`,
      `11d 00:00 INSTALLMENT_KEPT paid=${plan.first}`,
      '16d 00:00 PLAN_BROKEN resumesAt=FIRST_COLLECTION',
      '16d 00:00 LADDER_RESUMED stage=FIRST_COLLECTION remainingSeconds=518400',
      '22d 00:00 STAGE_ENTERED stage=SECOND_COLLECTION from=FIRST_COLLECTION',
      '22d 00:00 MESSAGE_SENT EMAIL stage=SECOND_COLLECTION kind=SECOND_REMINDER',
      '22d 00:00 MESSAGE_SENT SMS stage=SECOND_COLLECTION kind=SECOND_REMINDER',
    ]);
    expect(await s.view()).toMatchObject({ status: 'OPEN', stage: 'SECOND_COLLECTION', plan: null });
    expect(await s.outbox()).toEqual([
      '0d 00:00 SMS OVERDUE_NOTICE',
      '0d 00:00 EMAIL OVERDUE_NOTICE',
      '3d 00:00 SMS REMINDER',
      '22d 00:00 EMAIL SECOND_REMINDER',
      '22d 00:00 SMS SECOND_REMINDER',
    ]);
  });
});

describe('extended return', () => {
  test('kept: the device comes back before the agreed date, the case closes as RETURNED', async () => {
    // Prepare
    const s = await world().scenario('extended-return-kept');
    await s.open(129_900);
    await s.advanceTo(s.at(4));

    // Act
    const plan = await s.post(`/cases/${s.caseId}/plans`, {
      type: 'EXTENDED_RETURN',
      returnBy: iso(s.at(14)),
    });
    await s.advanceTo(s.at(12));
    const returned = await s.post(`/cases/${s.caseId}/returns`, {
      returnedAt: iso(s.at(12)),
      condition: 'GOOD',
    });

    // Assess
    expect(plan).toMatchObject({
      status: 200,
      body: { status: 'ON_PLAN', plan: { type: 'EXTENDED_RETURN' } },
    });
    expect(returned).toMatchObject({ status: 200, body: { status: 'RESOLVED', resolution: 'RETURNED' } });
    await s.advanceTo(s.at(30));
    expect(await s.states()).toEqual([
      ...toFirstCollection(),
      ...enter('4d 00:00', WHAT_HAPPENED, ...PLAN_WAIT),
      ...enter('12d 00:00', WHAT_HAPPENED, ...CLOSE),
    ]);
    expect(await s.execution()).toEqual({ status: 'SUCCEEDED', stopped: '12d 00:00', count: 1 });
    expect(await s.timeline()).toEqual([
      ...NOTICE_TIMELINE,
      ...FIRST_COLLECTION_TIMELINE,
      '4d 00:00 PLAN_AGREED type=EXTENDED_RETURN installments=0',
      ...closingTimeline('12d 00:00', 'DEVICE_RETURNED condition=GOOD', 'RETURNED'),
    ]);
    expect(await s.events()).toEqual([
      '0d 00:00 Case Opened OPEN OVERDUE_NOTICE',
      '12d 00:00 Case Resolved RESOLVED FIRST_COLLECTION',
    ]);
    expect((await s.outbox()).slice(-2)).toEqual([
      '12d 00:00 SMS RETURN_RECEIPT',
      '12d 00:00 EMAIL RETURN_RECEIPT',
    ]);
  });

  test('broken: not returned by the agreed date + 2 days, the ladder resumes where it stood', async () => {
    // Prepare
    const s = await world().scenario('extended-return-broken');
    await s.open(129_900);
    await s.advanceTo(s.at(4));

    // Act
    await s.post(`/cases/${s.caseId}/plans`, { type: 'EXTENDED_RETURN', returnBy: iso(s.at(14)) });
    await s.advanceTo(s.at(23));

    // Assess
    expect(await s.states()).toEqual([
      ...toFirstCollection(),
      ...enter('4d 00:00', WHAT_HAPPENED, ...PLAN_WAIT),
      ...enter('16d 00:00', ...PLAN_CHECK, ...RESUME, STAGE_STATES.FIRST_COLLECTION.await),
      ...enter('22d 00:00', ...SECOND_COLLECTION),
    ]);
    expect(await s.timeline()).toEqual([
      ...NOTICE_TIMELINE,
      ...FIRST_COLLECTION_TIMELINE,
      '4d 00:00 PLAN_AGREED type=EXTENDED_RETURN installments=0',
      '16d 00:00 PLAN_BROKEN resumesAt=FIRST_COLLECTION',
      '16d 00:00 LADDER_RESUMED stage=FIRST_COLLECTION remainingSeconds=518400',
      '22d 00:00 STAGE_ENTERED stage=SECOND_COLLECTION from=FIRST_COLLECTION',
      '22d 00:00 MESSAGE_SENT EMAIL stage=SECOND_COLLECTION kind=SECOND_REMINDER',
      '22d 00:00 MESSAGE_SENT SMS stage=SECOND_COLLECTION kind=SECOND_REMINDER',
    ]);
    expect(await s.view()).toMatchObject({ status: 'OPEN', stage: 'SECOND_COLLECTION', plan: null });
  });
});

describe('dispute', () => {
  /** An unpaid case below the legal threshold, reported at day 31 and in soft reminders since. */
  const REPORTED_STATES = [
    ...toFirstCollection(),
    ...enter('10d 00:00', ...SECOND_COLLECTION),
    ...enter('24d 00:00', ...PRE_NOTICE),
    ...enter('31d 00:00', ...REPORT_AND_RESTRICT, ...SOFT_REMINDER),
  ];

  test('opened early: every channel holds, ops are alerted when the ruling is late, rejected: the ladder resumes with what was left', async () => {
    // Prepare
    const s = await world().scenario('dispute-early-rejected');
    await s.open(129_900);
    await s.advanceTo(s.at(1));

    // Act
    const opened = await s.post(`/cases/${s.caseId}/disputes`, { reason: 'I never rented this phone' });
    await s.advanceTo(s.at(2));
    const listedOpen = await s.workItems('CALLS', 'OPEN');
    const [call] = await s.workItems('CALLS', 'HELD');
    const claim = await world().post(`/work-items/${call?.workItemId}/claim`, { agent: 'agent-1' });
    await s.advanceTo(s.at(35));
    const ruled = await s.post(`/cases/${s.caseId}/disputes/resolution`, { outcome: 'REJECTED' });
    await s.advanceTo(s.at(38));

    // Assess
    expect(opened).toMatchObject({ status: 200, body: { status: 'DISPUTED' } });
    // The notice's call task is held, not offered as OPEN work; claimed anyway, it is refused
    expect(listedOpen).toEqual([]);
    expect(call).toMatchObject({ queue: 'CALLS', stage: 'OVERDUE_NOTICE', status: 'HELD' });
    expect(claim.status).toBe(409);
    expect(ruled).toMatchObject({ status: 200, body: { status: 'OPEN' } });
    expect(await s.states()).toEqual([
      ...enter('0d 00:00', ...OPENING, ...NOTICE),
      ...enter('1d 00:00', WHAT_HAPPENED, STATE.flagReport, STATE.wasReportFlagged, ...DISPUTE_HOLD),
      // The ruling was due 30 days after the dispute; then ops are reminded every 7 days.
      ...enter('31d 00:00', STATE.alertRulingOverdue, ...DISPUTE_HOLD),
      ...enter(
        '35d 00:00',
        WHAT_HAPPENED,
        STATE.liftDisputeFlag,
        STATE.wasDisputeFlagLifted,
        ...RESUME,
        STAGE_STATES.OVERDUE_NOTICE.await,
      ),
      ...enter('37d 00:00', ...FIRST_COLLECTION),
    ]);
    expect(await s.timeline()).toEqual([
      ...NOTICE_TIMELINE,
      '1d 00:00 DISPUTE_OPENED',
      // The refused claim of the notice's call task
      '2d 00:00 CONTACT_SKIPPED CALL stage=OVERDUE_NOTICE reason=DISPUTE_HOLD queue=CALLS',
      '35d 00:00 DISPUTE_RULED outcome=REJECTED',
      '35d 00:00 LADDER_RESUMED stage=OVERDUE_NOTICE remainingSeconds=172800',
      '37d 00:00 STAGE_ENTERED stage=FIRST_COLLECTION from=OVERDUE_NOTICE',
      '37d 00:00 MESSAGE_SENT SMS stage=FIRST_COLLECTION kind=REMINDER',
    ]);
    expect(await s.personalDataInTimeline()).toEqual([]);
    // Nothing between the dispute and the ruling, though the notice's wait ended at day 3.
    expect(await s.outbox()).toEqual([
      '0d 00:00 SMS OVERDUE_NOTICE',
      '0d 00:00 EMAIL OVERDUE_NOTICE',
      '37d 00:00 SMS REMINDER',
    ]);
    expect((await s.topicMessages()).map((item) => [item.at, item.subject])).toEqual([
      ['31d 00:00', 'Dispute ruling overdue'],
    ]);
    expect(await s.bureauCalls()).toEqual([]);
  });

  test('upheld after the credit report: the report is flagged, then deleted, the restriction lifted, the case CANCELLED', async () => {
    // Prepare
    const s = await world().scenario('dispute-upheld');
    await s.open(129_900);
    await s.advanceTo(s.at(33));

    // Act
    await s.post(`/cases/${s.caseId}/disputes`, { reason: 'The device was returned in store' });
    await s.advanceTo(s.at(68));
    const ruled = await s.post(`/cases/${s.caseId}/disputes/resolution`, { outcome: 'UPHELD' });

    // Assess
    expect(ruled).toMatchObject({ status: 200, body: { status: 'CANCELLED', resolution: 'DISPUTE_UPHELD' } });
    await s.advanceTo(s.at(100));
    expect(await s.states()).toEqual([
      ...REPORTED_STATES,
      ...enter(
        '33d 00:00',
        WHAT_HAPPENED,
        STATE.flagReport,
        STATE.wasReportFlagged,
        STATE.announceReportDisputed,
        ...DISPUTE_HOLD,
      ),
      ...enter('63d 00:00', STATE.alertRulingOverdue, ...DISPUTE_HOLD),
      ...enter(
        '68d 00:00',
        WHAT_HAPPENED,
        STATE.cancelCase,
        STATE.wasRestrictionLiftedAfterCancelling,
        STATE.announceRestrictionLiftedAfterCancelling,
        STATE.announceCaseCancelled,
        STATE.deleteReport,
        STATE.wasReportDeleted,
        STATE.announceReportDeleted,
        STATE.caseCancelled,
      ),
    ]);
    expect(await s.execution()).toEqual({ status: 'SUCCEEDED', stopped: '68d 00:00', count: 1 });
    expect(await s.timeline()).toEqual([
      ...unpaidTimelineTo31Days(129_900),
      '33d 00:00 DISPUTE_OPENED',
      '33d 00:00 CREDIT_REPORT_FLAGGED',
      '68d 00:00 DISPUTE_RULED outcome=UPHELD',
      '68d 00:00 CASE_CANCELLED resolution=DISPUTE_UPHELD',
      '68d 00:00 ACCOUNT_RESTRICTION_LIFTED',
      '68d 00:00 CREDIT_REPORT_DELETED',
    ]);
    expect(await s.view()).toMatchObject({
      status: 'CANCELLED',
      creditReport: { status: 'DELETED' },
      accountRestricted: false,
      dispute: { outcome: 'UPHELD' },
    });
    // The soft reminder due at day 61 was held; nothing went out after the dispute, not even a receipt.
    expect(await s.outbox()).toEqual(OUTBOX_TO_REPORT);
    expect(await s.events()).toEqual([
      '0d 00:00 Case Opened OPEN OVERDUE_NOTICE',
      '31d 00:00 Credit Report Filed OPEN CREDIT_REPORTED',
      '31d 00:00 Account Restriction Requested OPEN CREDIT_REPORTED',
      '33d 00:00 Credit Report Updated DISPUTED SOFT_REMINDERS',
      '68d 00:00 Account Restriction Lifted CANCELLED SOFT_REMINDERS',
      '68d 00:00 Case Cancelled CANCELLED SOFT_REMINDERS',
      '68d 00:00 Credit Report Deleted CANCELLED SOFT_REMINDERS',
    ]);
    expect(await s.bureauCalls()).toEqual([
      '31d 00:00 zhima.credit.rental.overdue.report 10000',
      '33d 00:00 zhima.credit.rental.overdue.dispute 10000',
      '68d 00:00 zhima.credit.rental.overdue.delete 10000',
    ]);
  });

  test('rejected after the credit report: the dispute flag is lifted and the soft reminders resume with what was left', async () => {
    // Prepare
    const s = await world().scenario('dispute-rejected');
    await s.open(129_900);
    await s.advanceTo(s.at(33));

    // Act
    await s.post(`/cases/${s.caseId}/disputes`, { reason: 'The amount is wrong' });
    await s.advanceTo(s.at(40));
    const ruled = await s.post(`/cases/${s.caseId}/disputes/resolution`, { outcome: 'REJECTED' });
    await s.advanceTo(s.at(70));

    // Assess
    expect(ruled).toMatchObject({
      status: 200,
      body: { status: 'OPEN', creditReport: { status: 'DISPUTED' } },
    });
    expect(await s.states()).toEqual([
      ...REPORTED_STATES,
      ...enter(
        '33d 00:00',
        WHAT_HAPPENED,
        STATE.flagReport,
        STATE.wasReportFlagged,
        STATE.announceReportDisputed,
        ...DISPUTE_HOLD,
      ),
      ...enter(
        '40d 00:00',
        WHAT_HAPPENED,
        STATE.liftDisputeFlag,
        STATE.wasDisputeFlagLifted,
        STATE.announceReportRestored,
        ...RESUME,
        STAGE_STATES.SOFT_REMINDERS.await,
      ),
      // The reminder sent at day 31 waited 30 days; 28 were left at day 33: the next one at 40 + 28.
      ...enter('68d 00:00', ...SOFT_REMINDER),
    ]);
    const timeline = await s.timeline();
    expect(timeline.slice(-6)).toEqual([
      '33d 00:00 DISPUTE_OPENED',
      '33d 00:00 CREDIT_REPORT_FLAGGED',
      '40d 00:00 DISPUTE_RULED outcome=REJECTED',
      // Same instant: ordered by TYPE_ORDER rank, cause before effect (the flag lifted, then the ladder resumed).
      '40d 00:00 CREDIT_REPORT_UNFLAGGED',
      '40d 00:00 LADDER_RESUMED stage=SOFT_REMINDERS remainingSeconds=2419200',
      // No STAGE_ENTERED: the case stood in SOFT_REMINDERS all along.
      '68d 00:00 MESSAGE_SENT SMS stage=SOFT_REMINDERS kind=SOFT_REMINDER',
    ]);
    expect(await s.view()).toMatchObject({ status: 'OPEN', creditReport: { status: 'REPORTED' } });
    expect(await s.events()).toEqual([
      '0d 00:00 Case Opened OPEN OVERDUE_NOTICE',
      '31d 00:00 Credit Report Filed OPEN CREDIT_REPORTED',
      '31d 00:00 Account Restriction Requested OPEN CREDIT_REPORTED',
      '33d 00:00 Credit Report Updated DISPUTED SOFT_REMINDERS',
      '40d 00:00 Credit Report Updated OPEN SOFT_REMINDERS',
    ]);
    expect(await s.bureauCalls()).toEqual([
      '31d 00:00 zhima.credit.rental.overdue.report 10000',
      '33d 00:00 zhima.credit.rental.overdue.dispute 10000',
      '40d 00:00 zhima.credit.rental.overdue.dispute 10000',
    ]);
  });
});
