/**
 * The ladder's paths on the real ASL and the real handlers (local runtime, virtual clock): unpaid to
 * the write-off, paid at each stage, returned, and a part payment. Each asserts the execution history
 * (states entered and when), the case timeline, and what went out (SMS, email, bus events, bureau).
 */
import { STAGE_STATES, STATE } from '../../statemachines/overdue-case';
import {
  CLOSE,
  CLOSE_AFTER_REPORT,
  CONTINUING,
  closingTimeline,
  DAY,
  enter,
  FIELD_VISIT_THRESHOLD,
  FIRST_COLLECTION,
  feeAfter,
  NOTICE,
  OPENING,
  OUTBOX_TO_REPORT,
  PRE_NOTICE,
  REPORT_AND_RESTRICT,
  SECOND_COLLECTION,
  SOFT_REMINDER,
  toFirstCollection,
  unpaidTimelineTo31Days,
  usePathsRuntime,
  WHAT_HAPPENED,
} from './paths-support';

const world = usePathsRuntime();

describe('unpaid', () => {
  test('below the legal threshold: every stage on time, report and restriction at day 31, a soft reminder every 30 days, written off at day 180 after the due date', async () => {
    // Prepare
    const s = await world().scenario('unpaid-write-off');
    await s.open(129_900);

    // Act
    await s.advanceTo(s.at(40));
    const openCallsOnDay40 = await s.workItems('CALLS', 'OPEN');
    await s.advanceTo(s.at(200));

    // Assess
    expect(await s.states()).toEqual([
      ...toFirstCollection(),
      ...enter('10d 00:00', ...SECOND_COLLECTION),
      ...enter('24d 00:00', ...PRE_NOTICE),
      ...enter('31d 00:00', ...REPORT_AND_RESTRICT, ...SOFT_REMINDER),
      ...enter('61d 00:00', ...SOFT_REMINDER),
      ...enter('91d 00:00', ...SOFT_REMINDER),
      ...enter('121d 00:00', ...SOFT_REMINDER),
      ...enter('151d 00:00', ...SOFT_REMINDER),
      // The last wait is cut short at day 180 after the due date (day 179 here), and no reminder goes out.
      ...enter(
        '179d 00:00',
        STAGE_STATES.SOFT_REMINDERS.send,
        STAGE_STATES.SOFT_REMINDERS.afterSend,
        STATE.writeOff,
        STATE.wasWrittenOff,
        STATE.announceWrittenOff,
        STATE.caseWrittenOff,
      ),
    ]);
    expect(await s.execution()).toEqual({ status: 'SUCCEEDED', stopped: '179d 00:00', count: 1 });
    expect(await s.timeline()).toEqual([
      ...unpaidTimelineTo31Days(129_900),
      '61d 00:00 MESSAGE_SENT SMS stage=SOFT_REMINDERS kind=SOFT_REMINDER',
      '91d 00:00 MESSAGE_SENT SMS stage=SOFT_REMINDERS kind=SOFT_REMINDER',
      '121d 00:00 MESSAGE_SENT SMS stage=SOFT_REMINDERS kind=SOFT_REMINDER',
      '151d 00:00 MESSAGE_SENT SMS stage=SOFT_REMINDERS kind=SOFT_REMINDER',
      '179d 00:00 CASE_WRITTEN_OFF resolution=WRITTEN_OFF',
    ]);
    expect(await s.workItemsCreated()).toEqual([
      '0d 00:00 CALLS due 0d 00:00',
      '3d 00:00 CALLS due 3d 00:00',
      ...[10, 12, 14, 16, 18, 20, 22].map((day) => `10d 00:00 CALLS due ${day}d 00:00`),
    ]);
    expect(await s.personalDataInTimeline()).toEqual([]);
    const view = await s.view();
    expect(view).toMatchObject({
      status: 'WRITTEN_OFF',
      resolution: 'WRITTEN_OFF',
      creditReport: { status: 'REPORTED' },
      accountRestricted: true,
    });
    expect(await s.outbox()).toEqual([
      ...OUTBOX_TO_REPORT,
      '61d 00:00 SMS SOFT_REMINDER',
      '91d 00:00 SMS SOFT_REMINDER',
      '121d 00:00 SMS SOFT_REMINDER',
      '151d 00:00 SMS SOFT_REMINDER',
    ]);
    expect(await s.events()).toEqual([
      '0d 00:00 Case Opened OPEN OVERDUE_NOTICE',
      '31d 00:00 Credit Report Filed OPEN CREDIT_REPORTED',
      '31d 00:00 Account Restriction Requested OPEN CREDIT_REPORTED',
      '179d 00:00 Case Written Off WRITTEN_OFF SOFT_REMINDERS',
    ]);
    expect(await s.bureauCalls()).toEqual(['31d 00:00 zhima.credit.rental.overdue.report 10000']);
    expect(await s.workItems('CALLS', 'CANCELLED')).toHaveLength(9);
    // A stage's call tasks nobody took end with the next stage: none is left open as the case moves on.
    expect(openCallsOnDay40).toEqual([]);
    expect(
      (await s.timeline({ workItems: true })).filter((line) => line.includes('WORK_ITEM_CANCELLED')),
    ).toEqual([
      '3d 00:00 WORK_ITEM_CANCELLED reason=SUPERSEDED queue=CALLS',
      '10d 00:00 WORK_ITEM_CANCELLED reason=SUPERSEDED queue=CALLS',
      ...Array(7).fill('24d 00:00 WORK_ITEM_CANCELLED reason=SUPERSEDED queue=CALLS'),
    ]);
  });
});

describe('after the write-off', () => {
  test('paid in full at day 185: RESOLVED / PAID, closed in <caseId>-recovered: the restriction lifted, a receipt, the report settled, each announced', async () => {
    // Prepare: unpaid to the write-off on day 179
    const s = await world().scenario('written-off-then-paid');
    await s.open(129_900);
    await s.advanceTo(s.at(185));
    const owed = await s.outstanding();

    // Act
    const reply = await s.pay('pay-late');
    await s.advanceTo(s.at(190));

    // Assess
    expect(reply.status).toBe(200);
    expect(reply.body).toMatchObject({ status: 'RESOLVED', resolution: 'PAID', outstanding: { amount: 0 } });
    expect(await s.executionsByName()).toEqual([
      { name: s.caseId, status: 'SUCCEEDED', stopped: '179d 00:00' },
      { name: `${s.caseId}-recovered`, status: 'SUCCEEDED', stopped: '185d 00:00' },
    ]);
    expect(await s.states(`${s.caseId}-recovered`)).toEqual(
      enter('185d 00:00', CONTINUING, ...CLOSE_AFTER_REPORT),
    );
    expect((await s.timeline()).filter((line) => line.startsWith('185d'))).toEqual([
      `185d 00:00 PAYMENT_RECEIVED amount=${owed.amount}`,
      '185d 00:00 CASE_RESOLVED resolution=PAID',
      '185d 00:00 ACCOUNT_RESTRICTION_LIFTED',
      '185d 00:00 MESSAGE_SENT SMS stage=CLOSE kind=RECEIPT',
      '185d 00:00 MESSAGE_SENT EMAIL stage=CLOSE kind=RECEIPT',
      '185d 00:00 CASE_CLOSED resolution=PAID status=RESOLVED',
      '185d 00:00 CREDIT_REPORT_SETTLED',
    ]);
    expect(await s.view()).toMatchObject({
      status: 'RESOLVED',
      resolution: 'PAID',
      creditReport: { status: 'SETTLED' },
      accountRestricted: false,
    });
    expect((await s.events()).filter((line) => line.startsWith('185d'))).toEqual([
      '185d 00:00 Account Restriction Lifted RESOLVED SOFT_REMINDERS',
      '185d 00:00 Case Resolved RESOLVED SOFT_REMINDERS',
      '185d 00:00 Credit Report Updated RESOLVED SOFT_REMINDERS',
    ]);
    expect(await s.bureauCalls()).toEqual([
      '31d 00:00 zhima.credit.rental.overdue.report 10000',
      '185d 00:00 zhima.credit.rental.overdue.settle 10000',
    ]);
    expect((await s.outbox()).filter((line) => line.startsWith('185d'))).toEqual([
      '185d 00:00 SMS RECEIPT',
      '185d 00:00 EMAIL RECEIPT',
    ]);
  });
});

describe('a closed case disputed while its credit report is filed', () => {
  test('written off, then disputed and upheld: the report is flagged, then deleted, in an execution of its own; everything paid is due back', async () => {
    // Prepare: a part payment, then unpaid to the write-off on day 179 (reported on day 31)
    const s = await world().scenario('written-off-disputed-upheld');
    await s.open(129_900);
    await s.advanceTo(s.at(20));
    await s.pay('part', 30_000);
    await s.advanceTo(s.at(190));

    // Act
    const disputed = await s.post(`/cases/${s.caseId}/disputes`, {
      reason: 'the device was stolen from the shop',
    });
    await s.advanceTo(s.at(195));
    const flagged = await s.view();
    const ruled = await s.post(`/cases/${s.caseId}/disputes/resolution`, { outcome: 'UPHELD' });
    await s.advanceTo(s.at(196));

    // Assess
    expect(disputed).toMatchObject({ status: 200, body: { status: 'DISPUTED' } });
    expect(flagged.creditReport).toEqual({ status: 'DISPUTED' });
    expect(ruled.body).toMatchObject({ status: 'CANCELLED', resolution: 'DISPUTE_UPHELD' });
    const executions = await s.executionsByName();
    expect(executions).toHaveLength(2);
    expect(executions[1]?.name).toMatch(new RegExp(`^${s.caseId}-dispute-t[0-9a-z]+$`));
    expect(executions[1]).toMatchObject({ status: 'SUCCEEDED', stopped: '195d 00:00' });
    expect(await s.view()).toMatchObject({
      status: 'CANCELLED',
      creditReport: { status: 'DELETED' },
      outstanding: { amount: 0 },
      refundDue: { amount: 30_000 },
    });
    expect((await s.bureauCalls()).slice(1).map((line) => line.split(' ')[2])).toEqual([
      'zhima.credit.rental.overdue.dispute',
      'zhima.credit.rental.overdue.delete',
    ]);
  });

  test('written off, then disputed and rejected: the flag is lifted and the case stays written off, contacted by nobody', async () => {
    const s = await world().scenario('written-off-disputed-rejected');
    await s.open(129_900);
    await s.advanceTo(s.at(190));

    await s.post(`/cases/${s.caseId}/disputes`, { reason: 'I returned it in March' });
    await s.advanceTo(s.at(192));
    const ruled = await s.post(`/cases/${s.caseId}/disputes/resolution`, { outcome: 'REJECTED' });
    await s.advanceTo(s.at(260));

    expect(ruled.body).toMatchObject({ status: 'WRITTEN_OFF', resolution: 'WRITTEN_OFF' });
    expect(await s.view()).toMatchObject({ status: 'WRITTEN_OFF', creditReport: { status: 'REPORTED' } });
    expect((await s.executionsByName()).map((execution) => execution.status)).toEqual([
      'SUCCEEDED',
      'SUCCEEDED',
    ]);
    expect((await s.outbox()).filter((line) => Number.parseInt(line, 10) > 179)).toEqual([]);
  });
});

describe('a case that closes while the workflow is busy elsewhere', () => {
  test('paid while the dispute flag is being lifted (the bureau down for hours): the ladder does not resume, the case is closed, the report settled', async () => {
    // Prepare: reported on day 31, disputed on day 40, rejected on day 41 while the bureau is down
    const s = await world().scenario('paid-while-unflagging');
    await s.open(129_900);
    await s.advanceTo(s.at(40));
    await s.post(`/cases/${s.caseId}/disputes`, { reason: 'amount wrong' });
    await s.advanceTo(s.at(41));
    const broken = world().breakBureau('DOWN');
    await s.post(`/cases/${s.caseId}/disputes/resolution`, { outcome: 'REJECTED' });

    // Act: paid ten minutes later, while the flag's update is still being retried
    await s.advanceTo(s.at(41, 0, 10));
    await s.pay('pay-during-unflag');
    await s.advanceTo(s.at(41, 12));
    broken.mend();
    await s.advanceTo(s.at(44));

    // Assess
    const states = await s.states();
    expect(states).not.toContain(expect.stringContaining(STATE.caseStaysClosed));
    expect(states.filter((line) => line.endsWith(` ${STATE.closeCase}`))).toHaveLength(1);
    expect(await s.view()).toMatchObject({
      status: 'RESOLVED',
      resolution: 'PAID',
      accountRestricted: false,
    });
    expect((await s.events()).some((line) => line.includes('Case Resolved'))).toBe(true);
    expect((await s.outbox()).filter((line) => line.endsWith('RECEIPT'))).toHaveLength(2);
  });

  test('paid, settled, disputed; a payment during the dispute is only money due back: no second receipt, the dispute still ruled', async () => {
    // Prepare: reported on day 31, paid in full on day 40 (report settled), disputed on day 41
    const s = await world().scenario('paid-then-disputed-then-paid');
    await s.open(129_900);
    await s.advanceTo(s.at(40));
    await s.pay('full');
    await s.advanceTo(s.at(41));
    const disputed = await s.post(`/cases/${s.caseId}/disputes`, { reason: 'I was charged twice' });

    // Act
    await s.advanceTo(s.at(42));
    const extra = await s.pay('extra', 1);
    await s.advanceTo(s.at(43));
    const ruled = await s.post(`/cases/${s.caseId}/disputes/resolution`, { outcome: 'REJECTED' });
    await s.advanceTo(s.at(45));

    // Assess
    expect(disputed.body).toMatchObject({ status: 'DISPUTED' });
    expect(extra.body).toMatchObject({ status: 'DISPUTED', refundDue: { amount: 1 } });
    expect(ruled.status).toBe(200);
    expect(await s.view()).toMatchObject({
      status: 'RESOLVED',
      resolution: 'PAID',
      creditReport: { status: 'SETTLED' },
      dispute: { outcome: 'REJECTED' },
      refundDue: { amount: 1 },
    });
    expect((await s.outbox()).filter((line) => line.endsWith('RECEIPT'))).toHaveLength(2);
    expect((await s.events()).filter((line) => line.includes('Case Resolved'))).toHaveLength(1);
  });
});

describe('paid in full', () => {
  test('during the overdue notice wait: closed at once, receipt by SMS and email, Case Resolved', async () => {
    // Prepare
    const s = await world().scenario('paid-notice');
    await s.open(129_900);
    await s.advanceTo(s.at(1, 5));

    // Act
    const reply = await s.pay('pay-1');

    // Assess
    expect(reply).toMatchObject({
      status: 200,
      body: { status: 'RESOLVED', resolution: 'PAID', outstanding: { amount: 0 } },
    });
    await s.advanceTo(s.at(10));
    expect(await s.states()).toEqual([
      ...enter('0d 00:00', ...OPENING, ...NOTICE),
      ...enter('1d 05:00', WHAT_HAPPENED, ...CLOSE),
    ]);
    expect(await s.execution()).toEqual({ status: 'SUCCEEDED', stopped: '1d 05:00', count: 1 });
    expect(await s.timeline()).toEqual([
      '0d 00:00 CASE_OPENED',
      '0d 00:00 WORKFLOW_STARTED',
      '0d 00:00 MESSAGE_SENT SMS stage=OVERDUE_NOTICE kind=OVERDUE_NOTICE',
      '0d 00:00 MESSAGE_SENT EMAIL stage=OVERDUE_NOTICE kind=OVERDUE_NOTICE',
      ...closingTimeline('1d 05:00', `PAYMENT_RECEIVED amount=${129_900 + feeAfter(129_900, 1)}`, 'PAID'),
    ]);
    expect(await s.personalDataInTimeline()).toEqual([]);
    expect(await s.outbox()).toEqual([
      '0d 00:00 SMS OVERDUE_NOTICE',
      '0d 00:00 EMAIL OVERDUE_NOTICE',
      '1d 05:00 SMS RECEIPT',
      '1d 05:00 EMAIL RECEIPT',
    ]);
    expect(await s.events()).toEqual([
      '0d 00:00 Case Opened OPEN OVERDUE_NOTICE',
      '1d 05:00 Case Resolved RESOLVED OVERDUE_NOTICE',
    ]);
    expect(await s.workItems('CALLS', 'CANCELLED')).toEqual([
      expect.objectContaining({ stage: 'OVERDUE_NOTICE', status: 'CANCELLED' }),
    ]);
    expect(await s.bureauCalls()).toEqual([]);
  });

  test('after the first collection reminder', async () => {
    // Prepare
    const s = await world().scenario('paid-first');
    await s.open(129_900);
    await s.advanceTo(s.at(5));

    // Act
    await s.pay('pay-1');

    // Assess
    await s.advanceTo(s.at(15));
    expect(await s.states()).toEqual([...toFirstCollection(), ...enter('5d 00:00', WHAT_HAPPENED, ...CLOSE)]);
    expect(await s.execution()).toEqual({ status: 'SUCCEEDED', stopped: '5d 00:00', count: 1 });
    expect(await s.timeline()).toEqual([
      ...unpaidTimelineTo31Days(129_900).slice(0, 6),
      ...closingTimeline('5d 00:00', `PAYMENT_RECEIVED amount=${129_900 + feeAfter(129_900, 5)}`, 'PAID'),
    ]);
    expect(await s.outbox()).toEqual([
      '0d 00:00 SMS OVERDUE_NOTICE',
      '0d 00:00 EMAIL OVERDUE_NOTICE',
      '3d 00:00 SMS REMINDER',
      '5d 00:00 SMS RECEIPT',
      '5d 00:00 EMAIL RECEIPT',
    ]);
    expect(await s.events()).toEqual([
      '0d 00:00 Case Opened OPEN OVERDUE_NOTICE',
      '5d 00:00 Case Resolved RESOLVED FIRST_COLLECTION',
    ]);
  });

  test('after the second collection, which sent a field visit for 3,000.00 CNY or more: all open work cancelled', async () => {
    // Prepare
    const amountDue = FIELD_VISIT_THRESHOLD + 50_000;
    const s = await world().scenario('paid-second');
    await s.open(amountDue);
    await s.advanceTo(s.at(12));

    // Act
    await s.pay('pay-1');

    // Assess
    await s.advanceTo(s.at(30));
    expect(await s.states()).toEqual([
      ...toFirstCollection(),
      ...enter('10d 00:00', ...SECOND_COLLECTION),
      ...enter('12d 00:00', WHAT_HAPPENED, ...CLOSE),
    ]);
    expect(await s.execution()).toEqual({ status: 'SUCCEEDED', stopped: '12d 00:00', count: 1 });
    expect(await s.timeline()).toEqual([
      ...unpaidTimelineTo31Days(amountDue).slice(0, 9),
      ...closingTimeline(
        '12d 00:00',
        `PAYMENT_RECEIVED amount=${amountDue + feeAfter(amountDue, 12)}`,
        'PAID',
      ),
    ]);
    expect(await s.workItemsCreated()).toEqual([
      '0d 00:00 CALLS due 0d 00:00',
      '3d 00:00 CALLS due 3d 00:00',
      ...[10, 12, 14, 16, 18, 20, 22].map((day) => `10d 00:00 CALLS due ${day}d 00:00`),
      '10d 00:00 VISITS due 10d 00:00',
    ]);
    expect(await s.workItems('VISITS', 'CANCELLED')).toHaveLength(1);
    expect(await s.workItems('CALLS', 'CANCELLED')).toHaveLength(9);
    expect(await s.workItems('CALLS', 'OPEN')).toEqual([]);
    expect(await s.events()).toEqual([
      '0d 00:00 Case Opened OPEN OVERDUE_NOTICE',
      '12d 00:00 Case Resolved RESOLVED SECOND_COLLECTION',
    ]);
  });

  test('after the credit report pre-notice: nothing is reported, the pre-notice stays on record', async () => {
    // Prepare
    const s = await world().scenario('paid-pre-notice');
    await s.open(129_900);
    await s.advanceTo(s.at(27));

    // Act
    await s.pay('pay-1');

    // Assess
    await s.advanceTo(s.at(40));
    expect(await s.states()).toEqual([
      ...toFirstCollection(),
      ...enter('10d 00:00', ...SECOND_COLLECTION),
      ...enter('24d 00:00', ...PRE_NOTICE),
      ...enter('27d 00:00', WHAT_HAPPENED, ...CLOSE),
    ]);
    expect(await s.execution()).toEqual({ status: 'SUCCEEDED', stopped: '27d 00:00', count: 1 });
    expect(await s.timeline()).toEqual([
      ...unpaidTimelineTo31Days(129_900).slice(0, 12),
      ...closingTimeline('27d 00:00', `PAYMENT_RECEIVED amount=${129_900 + feeAfter(129_900, 27)}`, 'PAID'),
    ]);
    expect(await s.view()).toMatchObject({
      status: 'RESOLVED',
      creditReport: { status: 'PRE_NOTICE_SENT' },
      accountRestricted: false,
    });
    // The pre-notice names the day of the report: 7 days after it went out, 09:00 in Shanghai.
    const reportDay = new Date(s.at(31) + 8 * 60 * 60 * 1000);
    const reportDate = `${reportDay.getUTCFullYear()}年${reportDay.getUTCMonth() + 1}月${reportDay.getUTCDate()}日 09:00`;
    const preNotices = await s.messages('CREDIT_PRE_NOTICE');
    expect(preNotices.map((message) => message.channel)).toEqual(['SMS', 'EMAIL']);
    for (const message of preNotices) expect(message.body).toContain(reportDate);
    expect(await s.bureauCalls()).toEqual([]);
    expect(await s.events()).toEqual([
      '0d 00:00 Case Opened OPEN OVERDUE_NOTICE',
      '27d 00:00 Case Resolved RESOLVED CREDIT_PRE_NOTICE',
    ]);
  });

  test('after the credit report, during soft reminders: the report settled and the restriction lifted, each announced', async () => {
    // Prepare
    const s = await world().scenario('paid-soft');
    await s.open(129_900);
    await s.advanceTo(s.at(40));

    // Act
    await s.pay('pay-1');

    // Assess
    await s.advanceTo(s.at(80));
    expect(await s.states()).toEqual([
      ...toFirstCollection(),
      ...enter('10d 00:00', ...SECOND_COLLECTION),
      ...enter('24d 00:00', ...PRE_NOTICE),
      ...enter('31d 00:00', ...REPORT_AND_RESTRICT, ...SOFT_REMINDER),
      ...enter('40d 00:00', WHAT_HAPPENED, ...CLOSE_AFTER_REPORT),
    ]);
    expect(await s.execution()).toEqual({ status: 'SUCCEEDED', stopped: '40d 00:00', count: 1 });
    expect(await s.timeline()).toEqual([
      ...unpaidTimelineTo31Days(129_900),
      `40d 00:00 PAYMENT_RECEIVED amount=${129_900 + feeAfter(129_900, 40)}`,
      '40d 00:00 CASE_RESOLVED resolution=PAID',
      '40d 00:00 ACCOUNT_RESTRICTION_LIFTED',
      '40d 00:00 MESSAGE_SENT SMS stage=CLOSE kind=RECEIPT',
      '40d 00:00 MESSAGE_SENT EMAIL stage=CLOSE kind=RECEIPT',
      '40d 00:00 CASE_CLOSED resolution=PAID status=RESOLVED',
      '40d 00:00 CREDIT_REPORT_SETTLED',
    ]);
    expect(await s.view()).toMatchObject({
      status: 'RESOLVED',
      creditReport: { status: 'SETTLED' },
      accountRestricted: false,
    });
    expect(await s.events()).toEqual([
      '0d 00:00 Case Opened OPEN OVERDUE_NOTICE',
      '31d 00:00 Credit Report Filed OPEN CREDIT_REPORTED',
      '31d 00:00 Account Restriction Requested OPEN CREDIT_REPORTED',
      '40d 00:00 Account Restriction Lifted RESOLVED SOFT_REMINDERS',
      '40d 00:00 Case Resolved RESOLVED SOFT_REMINDERS',
      '40d 00:00 Credit Report Updated RESOLVED SOFT_REMINDERS',
    ]);
    expect(await s.bureauCalls()).toEqual([
      '31d 00:00 zhima.credit.rental.overdue.report 10000',
      '40d 00:00 zhima.credit.rental.overdue.settle 10000',
    ]);
    expect(await s.outbox()).toEqual([
      ...OUTBOX_TO_REPORT,
      '40d 00:00 SMS RECEIPT',
      '40d 00:00 EMAIL RECEIPT',
    ]);
  });
});

test("paid through the platform: a Payment Received event on the bus without a caseId closes the rental's open case", async () => {
  // Prepare
  const s = await world().scenario('paid-by-event');
  await s.open(129_900);
  await s.advanceTo(s.at(6));
  const { amount } = await s.outstanding();

  // Act
  const put = await world().post('/_local/events', {
    Entries: [
      {
        Source: 'rental.platform',
        DetailType: 'Payment Received',
        EventBusName: world().runtime.bus.busNames()[0],
        Detail: JSON.stringify({
          rentalId: s.rentalId,
          paymentId: 'platform-pay-1',
          amount: { amount, currency: 'CNY' },
          paidAt: new Date(s.at(6)).toISOString(),
        }),
      },
    ],
  });

  // Assess
  expect(put).toMatchObject({ status: 200, body: { FailedEntryCount: 0 } });
  expect(await s.states()).toEqual([...toFirstCollection(), ...enter('6d 00:00', WHAT_HAPPENED, ...CLOSE)]);
  expect(await s.execution()).toEqual({ status: 'SUCCEEDED', stopped: '6d 00:00', count: 1 });
  expect(await s.timeline()).toEqual([
    ...unpaidTimelineTo31Days(129_900).slice(0, 6),
    ...closingTimeline('6d 00:00', `PAYMENT_RECEIVED amount=${amount}`, 'PAID'),
  ]);
  expect(await s.events()).toEqual([
    '0d 00:00 Case Opened OPEN OVERDUE_NOTICE',
    '6d 00:00 Case Resolved RESOLVED FIRST_COLLECTION',
  ]);
});

test('returned during the first collection: RESOLVED / RETURNED at once, closed with a receipt', async () => {
  // Prepare
  const s = await world().scenario('returned');
  await s.open(129_900);
  await s.advanceTo(s.at(5));

  // Act
  const reply = await s.post(`/cases/${s.caseId}/returns`, {
    returnedAt: new Date(s.at(4, 20)).toISOString(),
    condition: 'GOOD',
  });

  // Assess
  expect(reply).toMatchObject({ status: 200, body: { status: 'RESOLVED', resolution: 'RETURNED' } });
  await s.advanceTo(s.at(20));
  expect(await s.states()).toEqual([...toFirstCollection(), ...enter('5d 00:00', WHAT_HAPPENED, ...CLOSE)]);
  expect(await s.execution()).toEqual({ status: 'SUCCEEDED', stopped: '5d 00:00', count: 1 });
  expect(await s.timeline()).toEqual([
    ...unpaidTimelineTo31Days(129_900).slice(0, 6),
    ...closingTimeline('5d 00:00', 'DEVICE_RETURNED condition=GOOD', 'RETURNED'),
  ]);
  expect(await s.events()).toEqual([
    '0d 00:00 Case Opened OPEN OVERDUE_NOTICE',
    '5d 00:00 Case Resolved RESOLVED FIRST_COLLECTION',
  ]);
  expect(await s.outbox()).toEqual([
    '0d 00:00 SMS OVERDUE_NOTICE',
    '0d 00:00 EMAIL OVERDUE_NOTICE',
    '3d 00:00 SMS REMINDER',
    '5d 00:00 SMS RETURN_RECEIPT',
    '5d 00:00 EMAIL RETURN_RECEIPT',
  ]);
});

test('a part payment leaves the ladder where it stands: no wake-up, the next stage on time with the smaller amount', async () => {
  // Prepare
  const s = await world().scenario('part-paid');
  await s.open(129_900);
  await s.advanceTo(s.at(1));

  // Act
  const reply = await s.pay('part-1', 50_000);

  // Assess
  expect(reply).toMatchObject({ status: 200, body: { status: 'OPEN', stage: 'OVERDUE_NOTICE' } });
  await s.advanceTo(s.at(4));
  expect(await s.states()).toEqual([
    ...enter('0d 00:00', ...OPENING, ...NOTICE),
    ...enter('3d 00:00', ...FIRST_COLLECTION),
  ]);
  expect(await s.timeline()).toEqual([
    ...unpaidTimelineTo31Days(129_900).slice(0, 4),
    '1d 00:00 PAYMENT_RECEIVED amount=50000',
    ...unpaidTimelineTo31Days(129_900).slice(4, 6),
  ]);
  const outstanding = 129_900 + feeAfter(129_900, 4) - 50_000;
  expect(await s.view()).toMatchObject({ status: 'OPEN', outstanding: { amount: outstanding } });
  const [reminder] = await s.messages('REMINDER');
  expect(reminder?.body).toContain(`¥${((129_900 + feeAfter(129_900, 3) - 50_000) / 100).toFixed(2)}`);
  expect(await s.execution()).toMatchObject({ status: 'RUNNING' });
});

describe('credit bureau trouble', () => {
  const SETTLE_FAILED = STATE.alertReportNotSettled;

  test('the bureau refuses the report: REFUSED, ops alerted, the account still restricted, the ladder goes on without a report', async () => {
    // Prepare
    const s = await world().scenario('bureau-refuses');
    await s.open(129_900);
    await s.advanceTo(s.at(30));
    const broken = world().breakBureau('REFUSE');

    // Act
    await s.advanceTo(s.at(32));
    broken.mend();
    await s.advanceTo(s.at(62));

    // Assess
    expect(await s.states()).toEqual([
      ...toFirstCollection(),
      ...enter('10d 00:00', ...SECOND_COLLECTION),
      ...enter('24d 00:00', ...PRE_NOTICE),
      ...enter(
        '31d 00:00',
        STATE.reportToBureau,
        STATE.wasReportFiled,
        STATE.alertReportRefused,
        STATE.restrictAccount,
        STATE.wasAccountRestricted,
        STATE.announceRestrictionRequested,
        STATE.isAboveLegalThreshold,
        ...SOFT_REMINDER,
      ),
      // Mended or not, a refused report is not filed again: the ladder goes on without it.
      ...enter('61d 00:00', ...SOFT_REMINDER),
    ]);
    // A refusal is an answer, not a failure: one call, no retry, nothing caught.
    expect((await s.trace()).filter((line) => line.endsWith(` ${STATE.reportToBureau}`))).toEqual([
      `31d 00:00 TaskStateEntered ${STATE.reportToBureau}`,
      `31d 00:00 TaskScheduled ${STATE.reportToBureau}`,
      `31d 00:00 TaskStarted ${STATE.reportToBureau}`,
      `31d 00:00 TaskSucceeded ${STATE.reportToBureau}`,
      `31d 00:00 TaskStateExited ${STATE.reportToBureau}`,
    ]);
    expect(broken.calls.map((call) => [s.offset(call.at), call.method, call.outOrderNo])).toEqual([
      ['31d 00:00', 'zhima.credit.rental.overdue.report', s.caseId],
    ]);
    expect(await s.execution()).toMatchObject({ status: 'RUNNING', count: 1 });
    expect(await s.timeline()).toEqual([
      ...unpaidTimelineTo31Days(129_900).slice(0, 12),
      '31d 00:00 CREDIT_REPORT_REFUSED',
      '31d 00:00 ACCOUNT_RESTRICTED',
      '31d 00:00 STAGE_ENTERED stage=SOFT_REMINDERS from=CREDIT_REPORTED',
      '31d 00:00 MESSAGE_SENT SMS stage=SOFT_REMINDERS kind=SOFT_REMINDER',
      '61d 00:00 MESSAGE_SENT SMS stage=SOFT_REMINDERS kind=SOFT_REMINDER',
    ]);
    const view = await s.view();
    expect(view.timeline.filter((entry: { type: string }) => entry.type === 'CREDIT_REPORT_REFUSED')).toEqual(
      [expect.objectContaining({ detail: { error: 'CreditBureauRejectedError' } })],
    );
    expect(view).toMatchObject({
      status: 'OPEN',
      stage: 'SOFT_REMINDERS',
      creditReport: { status: 'PRE_NOTICE_SENT' },
      accountRestricted: true,
    });
    expect((await s.topicMessages()).map(({ at, subject, topicArn }) => [at, subject, topicArn])).toEqual([
      ['31d 00:00', 'Credit report refused', expect.stringContaining('OpsAlerts')],
    ]);
    expect(await s.events()).toEqual([
      '0d 00:00 Case Opened OPEN OVERDUE_NOTICE',
      '31d 00:00 Account Restriction Requested OPEN CREDIT_REPORTED',
    ]);
    expect(await s.bureauCalls()).toEqual([]);
    expect(world().bureauReport(s.caseId)).toBeUndefined();
    expect(await s.outbox()).toEqual([...OUTBOX_TO_REPORT, '61d 00:00 SMS SOFT_REMINDER']);
  });

  test('the bureau is down when the report is due: after the retries ops get "Credit report not filed", the account is still restricted, the ladder goes on to soft reminders without a report', async () => {
    // Prepare
    const s = await world().scenario('bureau-down-report');
    await s.open(129_900);
    await s.advanceTo(s.at(30));
    const broken = world().breakBureau('DOWN');

    // Act
    await s.advanceTo(s.at(32));
    broken.mend();
    await s.advanceTo(s.at(62));

    // Assess
    // The first call and the 10 retries of the report (60 s doubling, each delay at most
    // min(60 s × 2^n, 1 h) with full jitter), then the Catch: ops are alerted and the ladder goes on.
    expect(broken.calls.map((call) => [call.method, call.outOrderNo])).toEqual(
      Array.from({ length: 11 }, () => ['zhima.credit.rental.overdue.report', s.caseId]),
    );
    const [first, ...retries] = broken.calls.map((call) => call.at);
    expect(first).toBe(s.at(31));
    retries.forEach((at, n) => {
      const delay = at - (n === 0 ? s.at(31) : (retries[n - 1] as number));
      expect(delay).toBeGreaterThanOrEqual(0);
      expect(delay).toBeLessThanOrEqual(Math.min(60 * 2 ** n, 3_600) * 1_000);
    });
    const lastCall = retries.at(-1) as number;
    // The retries took a while (the first delay alone is up to a minute), and never more than the policy's.
    expect(lastCall).toBeGreaterThan(s.at(31));
    expect(lastCall - s.at(31)).toBeLessThanOrEqual(
      Array.from({ length: 10 }, (_, n) => Math.min(60 * 2 ** n, 3_600) * 1_000).reduce((a, b) => a + b),
    );
    const gaveUp = s.offset(lastCall);
    const reporting = (await s.trace()).filter((line) => line.endsWith(` ${STATE.reportToBureau}`));
    expect(reporting.filter((line) => line.includes(' TaskScheduled '))).toHaveLength(11);
    expect(reporting.filter((line) => line.includes(' TaskFailed '))).toHaveLength(11);
    expect(reporting.filter((line) => line.includes(' TaskSucceeded '))).toEqual([]);
    expect(reporting.at(-1)).toBe(`${gaveUp} TaskStateExited ${STATE.reportToBureau}`);
    expect(await s.states()).toEqual([
      ...toFirstCollection(),
      ...enter('10d 00:00', ...SECOND_COLLECTION),
      ...enter('24d 00:00', ...PRE_NOTICE),
      ...enter('31d 00:00', STATE.reportToBureau),
      ...enter(
        gaveUp,
        STATE.alertReportNotFiled,
        STATE.restrictAccount,
        STATE.wasAccountRestricted,
        STATE.announceRestrictionRequested,
        STATE.isAboveLegalThreshold,
        ...SOFT_REMINDER,
      ),
      // Mended or not, the report is not filed again: the next soft reminder a month later.
      ...enter(s.offset(lastCall + 30 * DAY), ...SOFT_REMINDER),
    ]);
    expect(await s.execution()).toMatchObject({ status: 'RUNNING', count: 1 });
    expect(await s.timeline()).toEqual([
      ...unpaidTimelineTo31Days(129_900).slice(0, 12),
      `${gaveUp} ACCOUNT_RESTRICTED`,
      `${gaveUp} STAGE_ENTERED stage=SOFT_REMINDERS from=CREDIT_REPORTED`,
      `${gaveUp} MESSAGE_SENT SMS stage=SOFT_REMINDERS kind=SOFT_REMINDER`,
      `${s.offset(lastCall + 30 * DAY)} MESSAGE_SENT SMS stage=SOFT_REMINDERS kind=SOFT_REMINDER`,
    ]);
    expect(await s.view()).toMatchObject({
      status: 'OPEN',
      stage: 'SOFT_REMINDERS',
      creditReport: { status: 'PRE_NOTICE_SENT' },
      accountRestricted: true,
    });
    const alerts = await s.topicMessages();
    expect(alerts.map(({ at, subject, topicArn }) => [at, subject, topicArn])).toEqual([
      [gaveUp, 'Credit report not filed', expect.stringContaining('OpsAlerts')],
    ]);
    expect(alerts[0]?.message).toContain(s.caseId);
    expect(await s.events()).toEqual([
      '0d 00:00 Case Opened OPEN OVERDUE_NOTICE',
      `${gaveUp} Account Restriction Requested OPEN CREDIT_REPORTED`,
    ]);
    // The fake bureau never saw a call: nothing was filed.
    expect(await s.bureauCalls()).toEqual([]);
    expect(world().bureauReport(s.caseId)).toBeUndefined();
    expect(await s.outbox()).toEqual([
      ...OUTBOX_TO_REPORT.slice(0, -1),
      `${gaveUp} SMS SOFT_REMINDER`,
      `${s.offset(lastCall + 30 * DAY)} SMS SOFT_REMINDER`,
    ]);
  });

  test('the bureau is down for the settle update: the case still closes as RESOLVED, ops are alerted after the retries, the report stays REPORTED', async () => {
    // Prepare
    const s = await world().scenario('bureau-down-settle');
    await s.open(129_900);
    await s.advanceTo(s.at(40));
    const broken = world().breakBureau('DOWN');

    // Act
    const reply = await s.pay('pay-1');
    await s.advanceTo(s.at(41));
    broken.mend();
    await s.advanceTo(s.at(45));

    // Assess
    expect(reply).toMatchObject({ status: 200, body: { status: 'RESOLVED', resolution: 'PAID' } });
    // The first call and the 10 retries of the bureau update (60 s doubling, each delay at most
    // min(60 s × 2^n, 1 h) with full jitter), then the Catch: ops are alerted and the case goes on.
    expect(broken.calls.map((call) => [call.method, call.outOrderNo])).toEqual(
      Array.from({ length: 11 }, () => ['zhima.credit.rental.overdue.settle', s.caseId]),
    );
    const [first, ...retries] = broken.calls.map((call) => call.at);
    expect(first).toBe(s.at(40));
    retries.forEach((at, n) => {
      const delay = at - (n === 0 ? s.at(40) : (retries[n - 1] as number));
      expect(delay).toBeGreaterThanOrEqual(0);
      expect(delay).toBeLessThanOrEqual(Math.min(60 * 2 ** n, 3_600) * 1_000);
    });
    const gaveUp = s.offset(retries.at(-1) as number);
    const settling = (await s.trace()).filter((line) => line.endsWith(` ${STATE.settleReport}`));
    expect(settling.filter((line) => line.includes(' TaskScheduled '))).toHaveLength(11);
    expect(settling.filter((line) => line.includes(' TaskFailed '))).toHaveLength(11);
    expect(settling.at(-1)).toBe(`${gaveUp} TaskStateExited ${STATE.settleReport}`);
    expect(await s.states()).toEqual([
      ...toFirstCollection(),
      ...enter('10d 00:00', ...SECOND_COLLECTION),
      ...enter('24d 00:00', ...PRE_NOTICE),
      ...enter('31d 00:00', ...REPORT_AND_RESTRICT, ...SOFT_REMINDER),
      // The platform hears of the end at the payment; only the bureau update waits for the retries.
      ...enter(
        '40d 00:00',
        WHAT_HAPPENED,
        STATE.closeCase,
        STATE.wasRestrictionLifted,
        STATE.announceRestrictionLifted,
        STATE.announceCaseResolved,
        STATE.sendReceipt,
        STATE.isReceiptDeferred,
        STATE.settleReport,
      ),
      ...enter(gaveUp, SETTLE_FAILED, STATE.caseResolved),
    ]);
    expect(await s.execution()).toEqual({ status: 'SUCCEEDED', stopped: gaveUp, count: 1 });
    // Closed at the payment: restriction lifted, receipts, closed; the report was never settled.
    expect(await s.timeline()).toEqual([
      ...unpaidTimelineTo31Days(129_900),
      `40d 00:00 PAYMENT_RECEIVED amount=${129_900 + feeAfter(129_900, 40)}`,
      '40d 00:00 CASE_RESOLVED resolution=PAID',
      '40d 00:00 ACCOUNT_RESTRICTION_LIFTED',
      '40d 00:00 MESSAGE_SENT SMS stage=CLOSE kind=RECEIPT',
      '40d 00:00 MESSAGE_SENT EMAIL stage=CLOSE kind=RECEIPT',
      '40d 00:00 CASE_CLOSED resolution=PAID status=RESOLVED',
    ]);
    expect(await s.view()).toMatchObject({
      status: 'RESOLVED',
      resolution: 'PAID',
      creditReport: { status: 'REPORTED' },
      accountRestricted: false,
    });
    const alerts = await s.topicMessages();
    expect(alerts.map(({ at, subject, topicArn }) => [at, subject, topicArn])).toEqual([
      [gaveUp, 'Credit report update failed', expect.stringContaining('OpsAlerts')],
    ]);
    expect(alerts[0]?.message).toContain('SETTLE update');
    // No Credit Report Updated; the platform heard of the end at the payment's instant, long before
    // the bureau update gave up.
    expect(gaveUp).not.toBe('40d 00:00');
    expect(await s.events()).toEqual([
      '0d 00:00 Case Opened OPEN OVERDUE_NOTICE',
      '31d 00:00 Credit Report Filed OPEN CREDIT_REPORTED',
      '31d 00:00 Account Restriction Requested OPEN CREDIT_REPORTED',
      '40d 00:00 Account Restriction Lifted RESOLVED SOFT_REMINDERS',
      '40d 00:00 Case Resolved RESOLVED SOFT_REMINDERS',
    ]);
    // The bureau itself never saw the settle: its report is still the one filed at day 31.
    expect(await s.bureauCalls()).toEqual(['31d 00:00 zhima.credit.rental.overdue.report 10000']);
    expect(world().bureauReport(s.caseId)).toMatchObject({ status: 'REPORTED', disputed: false });
    expect(
      world()
        .bureauReport(s.caseId)
        ?.history.map((change) => change.event),
    ).toEqual(['REPORTED']);
    expect(await s.outbox()).toEqual([
      ...OUTBOX_TO_REPORT,
      '40d 00:00 SMS RECEIPT',
      '40d 00:00 EMAIL RECEIPT',
    ]);
  });
});
