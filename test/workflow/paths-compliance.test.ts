/**
 * The compliance paths on the real ASL and the real handlers (local runtime, virtual clock): quiet
 * hours (22:00–08:00 in the customer's time zone) defer a contact to 08:00 through the ASL's Wait
 * state; an opted-out channel (API opt-out or a STOP reply to the carrier) is skipped and recorded;
 * a notice the law requires goes by letter when no electronic channel is left.
 */
import { STAGE_STATES, STATE } from '../../statemachines/overdue-case';
import {
  enter,
  FIRST_COLLECTION,
  feeAfter,
  iso,
  NOTICE,
  OPENING,
  PRE_NOTICE,
  type Scenario,
  SECOND_COLLECTION,
  toFirstCollection,
  usePathsRuntime,
  WHAT_HAPPENED,
} from './paths-support';

const world = usePathsRuntime();

const NOTICE_DEFERRED = [
  STAGE_STATES.OVERDUE_NOTICE.send,
  STAGE_STATES.OVERDUE_NOTICE.afterSend,
  STAGE_STATES.OVERDUE_NOTICE.waitForWindow,
];
const GB_T_45251 = 'GB/T 45251-2025: no collection contact 22:00-08:00';

/**
 * When the deferred contact of `stage` (or the receipt, by `kind`) was put off to: the window's opening
 * plus the contact's own minute of the first 30, so a night's contacts do not all wake together.
 */
async function deferredUntil(s: Scenario, match: { stage?: string; kind?: string }): Promise<number> {
  const entry = (await s.view()).timeline.find(
    (e: { type: string; detail: { stage?: string; kind?: string } }) =>
      e.type === 'CONTACT_DEFERRED' &&
      (match.stage === undefined || e.detail.stage === match.stage) &&
      (match.kind === undefined || e.detail.kind === match.kind),
  );
  if (!entry) throw new Error(`no deferral of ${JSON.stringify(match)}`);
  return Date.parse(entry.detail.until);
}

describe('quiet hours', () => {
  test('paid at 23:00 local: the case closes and is announced at once; the receipt waits for 08:00 and is recorded when it goes out', async () => {
    // Prepare: the notice went out at 09:00; the workflow waits for the notice's 3 days
    const s = await world().scenario('quiet-hours-receipt', '09:00');
    await s.open(129_900);
    await s.advanceTo(s.at(0, 14));

    // Act: paid at 23:00 local
    const reply = await s.pay('pay-night');
    await s.advanceTo(s.at(2));

    // Assess
    const wake = await deferredUntil(s, { kind: 'RECEIPT' });
    expect(wake).toBeGreaterThanOrEqual(s.at(0, 23));
    expect(wake).toBeLessThan(s.at(0, 23, 30));
    const sent = s.offset(wake);
    expect(reply.body).toMatchObject({ status: 'RESOLVED', resolution: 'PAID' });
    expect(await s.states()).toEqual([
      ...enter('0d 00:00', ...OPENING, ...NOTICE),
      ...enter(
        '0d 14:00',
        WHAT_HAPPENED,
        STATE.closeCase,
        STATE.wasRestrictionLifted,
        STATE.announceCaseResolved,
        STATE.sendReceipt,
        STATE.isReceiptDeferred,
        STATE.waitForWindowBeforeReceipt,
      ),
      ...enter(
        sent,
        STATE.sendReceipt,
        STATE.isReceiptDeferred,
        STATE.settleReport,
        STATE.wasReportSettled,
        STATE.caseResolved,
      ),
    ]);
    expect((await s.timeline()).filter((line) => line.includes('RECEIPT'))).toEqual([
      `0d 14:00 CONTACT_DEFERRED stage=CLOSE kind=RECEIPT until=${sent}`,
      `${sent} MESSAGE_SENT SMS stage=CLOSE kind=RECEIPT`,
      `${sent} MESSAGE_SENT EMAIL stage=CLOSE kind=RECEIPT`,
    ]);
    expect((await s.outbox()).slice(-2)).toEqual([`${sent} SMS RECEIPT`, `${sent} EMAIL RECEIPT`]);
    expect((await s.events()).at(-1)).toBe('0d 14:00 Case Resolved RESOLVED OVERDUE_NOTICE');
  });

  test('a case opened at 23:00 local: the notice waits in the Wait state until 08:00, and the ladder counts from then', async () => {
    // Prepare
    const s = await world().scenario('quiet-hours-opening', '23:00');

    // Act
    await s.open(129_900);
    await s.advanceTo(s.at(4));

    // Assess: deferred to 08:00 local (0d 09:00 here) plus its own minute of the first 30
    const wake = await deferredUntil(s, { stage: 'OVERDUE_NOTICE' });
    expect(wake).toBeGreaterThanOrEqual(s.at(0, 9));
    expect(wake).toBeLessThan(s.at(0, 9, 30));
    const sent = s.offset(wake);
    // The stage's wait runs from the contact that went out: then + 3 days.
    const next = s.offset(wake + 3 * 86_400_000);
    expect(await s.states()).toEqual([
      ...enter('0d 00:00', ...OPENING, ...NOTICE_DEFERRED),
      ...enter(sent, ...NOTICE),
      ...enter(next, ...FIRST_COLLECTION),
    ]);
    const trace = await s.trace();
    const waitForWindow = STAGE_STATES.OVERDUE_NOTICE.waitForWindow;
    expect(trace.filter((line) => line.includes('Wait for the contact window'))).toEqual([
      `0d 00:00 WaitStateEntered ${waitForWindow}`,
      `${sent} WaitStateExited ${waitForWindow}`,
    ]);
    expect(await s.timeline()).toEqual([
      '0d 00:00 CASE_OPENED',
      '0d 00:00 WORKFLOW_STARTED',
      `0d 00:00 CONTACT_DEFERRED stage=OVERDUE_NOTICE until=${sent}`,
      `${sent} MESSAGE_SENT SMS stage=OVERDUE_NOTICE kind=OVERDUE_NOTICE`,
      `${sent} MESSAGE_SENT EMAIL stage=OVERDUE_NOTICE kind=OVERDUE_NOTICE`,
      `${next} STAGE_ENTERED stage=FIRST_COLLECTION from=OVERDUE_NOTICE`,
      `${next} MESSAGE_SENT SMS stage=FIRST_COLLECTION kind=REMINDER`,
    ]);
    const deferral = (await s.view()).timeline.find(
      (entry: { type: string }) => entry.type === 'CONTACT_DEFERRED',
    );
    expect(deferral.detail).toEqual({ stage: 'OVERDUE_NOTICE', until: iso(wake), rule: GB_T_45251 });
    expect(await s.outbox()).toEqual([
      `${sent} SMS OVERDUE_NOTICE`,
      `${sent} EMAIL OVERDUE_NOTICE`,
      `${next} SMS REMINDER`,
    ]);
    expect(await s.workItemsCreated()).toEqual([`${sent} CALLS due ${sent}`, `${next} CALLS due ${next}`]);
    expect(await s.events()).toEqual(['0d 00:00 Case Opened OPEN OVERDUE_NOTICE']);
  });

  test('a promise broken at 23:00 local: the resumed ladder reaches the next stage at night and defers it to 08:00', async () => {
    // Prepare
    const s = await world().scenario('quiet-hours-resumed', '09:00');
    await s.open(129_900);
    await s.advanceTo(s.at(1));
    // Promised for 23:00 local on day 4: the grace ends at 23:00 on day 6.
    await s.post(`/cases/${s.caseId}/promises`, {
      promisedAt: iso(s.at(4, 14)),
      amount: await s.outstanding(),
    });

    // Act
    await s.advanceTo(s.at(10));

    // Assess
    const wake = await deferredUntil(s, { stage: 'FIRST_COLLECTION' });
    const sent = s.offset(wake);
    expect(await s.states()).toEqual([
      ...enter('0d 00:00', ...OPENING, ...NOTICE),
      ...enter(
        '1d 00:00',
        WHAT_HAPPENED,
        STATE.preparePromiseWait,
        STATE.isTimeToContinuePromise,
        STATE.awaitPromisedPayment,
      ),
      ...enter(
        '6d 14:00',
        STATE.wasPromiseKept,
        STATE.didPromiseHold,
        STATE.resumeLadder,
        STATE.whereLadderResumes,
        STAGE_STATES.OVERDUE_NOTICE.await,
      ),
      // 2 days were left of the notice's wait: due at 23:00 local, deferred to 08:00 local and its minute.
      ...enter(
        '8d 14:00',
        STAGE_STATES.FIRST_COLLECTION.send,
        STAGE_STATES.FIRST_COLLECTION.afterSend,
        STAGE_STATES.FIRST_COLLECTION.waitForWindow,
      ),
      ...enter(sent, ...FIRST_COLLECTION),
    ]);
    expect(wake).toBeGreaterThanOrEqual(s.at(8, 23));
    expect(wake).toBeLessThan(s.at(8, 23, 30));
    expect((await s.timeline()).slice(4)).toEqual([
      expect.stringMatching(/^1d 00:00 PROMISE_MADE/),
      '6d 14:00 PROMISE_BROKEN resumesAt=OVERDUE_NOTICE',
      '6d 14:00 LADDER_RESUMED stage=OVERDUE_NOTICE remainingSeconds=172800',
      `8d 14:00 CONTACT_DEFERRED stage=FIRST_COLLECTION until=${sent}`,
      `${sent} STAGE_ENTERED stage=FIRST_COLLECTION from=OVERDUE_NOTICE`,
      `${sent} MESSAGE_SENT SMS stage=FIRST_COLLECTION kind=REMINDER`,
    ]);
    expect(await s.outbox()).toEqual([
      '0d 00:00 SMS OVERDUE_NOTICE',
      '0d 00:00 EMAIL OVERDUE_NOTICE',
      `${sent} SMS REMINDER`,
    ]);
  });

  test('paid during the night deferral: the case is RESOLVED at once, the deferred notice is never sent', async () => {
    // Prepare
    const s = await world().scenario('quiet-hours-paid', '23:00');
    await s.open(129_900);
    await s.advanceTo(s.at(0, 1));

    // Act
    const reply = await s.pay('pay-1');
    await s.advanceTo(s.at(2));

    // Assess
    expect(reply).toMatchObject({ status: 200, body: { status: 'RESOLVED', resolution: 'PAID' } });
    // A Wait state takes no task token: the workflow learns of the payment when the wait ends (08:00
    // local and the notice's minute), and the receipt goes out then, inside the window.
    const noticeWake = s.offset(await deferredUntil(s, { stage: 'OVERDUE_NOTICE' }));
    const receipt = noticeWake;
    expect((await s.execution()).status).toBe('SUCCEEDED');
    const timeline = await s.timeline();
    expect(timeline.slice(0, 6)).toEqual([
      '0d 00:00 CASE_OPENED',
      '0d 00:00 WORKFLOW_STARTED',
      `0d 00:00 CONTACT_DEFERRED stage=OVERDUE_NOTICE until=${noticeWake}`,
      `0d 01:00 PAYMENT_RECEIVED amount=${129_900 + feeAfter(129_900, 0)}`,
      '0d 01:00 CASE_RESOLVED resolution=PAID',
      '0d 01:00 CASE_CLOSED resolution=PAID status=RESOLVED',
    ]);
    // The receipt is recorded when it really went out, inside the window, never at 00:00.
    expect(timeline).toContain(`${receipt} MESSAGE_SENT SMS stage=CLOSE kind=RECEIPT`);
    expect(timeline).toContain(`${receipt} MESSAGE_SENT EMAIL stage=CLOSE kind=RECEIPT`);
    expect(await s.outbox()).toEqual([`${receipt} SMS RECEIPT`, `${receipt} EMAIL RECEIPT`]);
    expect(await s.events()).toEqual([
      '0d 00:00 Case Opened OPEN OVERDUE_NOTICE',
      `${noticeWake} Case Resolved RESOLVED OVERDUE_NOTICE`,
    ]);
  });
});

describe('opt-outs', () => {
  test('SMS opted out through the API after the notice: every later SMS is skipped and recorded, email still goes', async () => {
    // Prepare
    const s = await world().scenario('opt-out-sms');
    await s.open(129_900);
    await s.advanceTo(s.at(1));

    // Act
    const reply = await world().post(`/customers/${s.customer.id}/opt-outs`, { channel: 'SMS' });
    await s.advanceTo(s.at(11));

    // Assess
    expect(reply).toMatchObject({
      status: 200,
      body: { customerId: s.customer.id, channel: 'SMS', optedOut: true },
    });
    // The ladder does not change: a skipped channel is not a skipped stage.
    expect(await s.states()).toEqual([...toFirstCollection(), ...enter('10d 00:00', ...SECOND_COLLECTION)]);
    expect(await s.timeline()).toEqual([
      '0d 00:00 CASE_OPENED',
      '0d 00:00 WORKFLOW_STARTED',
      '0d 00:00 MESSAGE_SENT SMS stage=OVERDUE_NOTICE kind=OVERDUE_NOTICE',
      '0d 00:00 MESSAGE_SENT EMAIL stage=OVERDUE_NOTICE kind=OVERDUE_NOTICE',
      '1d 00:00 OPTED_OUT SMS channel=SMS',
      '3d 00:00 STAGE_ENTERED stage=FIRST_COLLECTION from=OVERDUE_NOTICE',
      '3d 00:00 CONTACT_SKIPPED SMS stage=FIRST_COLLECTION kind=REMINDER reason=OPTED_OUT',
      '10d 00:00 STAGE_ENTERED stage=SECOND_COLLECTION from=FIRST_COLLECTION',
      '10d 00:00 MESSAGE_SENT EMAIL stage=SECOND_COLLECTION kind=SECOND_REMINDER',
      '10d 00:00 CONTACT_SKIPPED SMS stage=SECOND_COLLECTION kind=SECOND_REMINDER reason=OPTED_OUT',
    ]);
    expect(await s.personalDataInTimeline()).toEqual([]);
    expect(await s.outbox()).toEqual([
      '0d 00:00 SMS OVERDUE_NOTICE',
      '0d 00:00 EMAIL OVERDUE_NOTICE',
      '10d 00:00 EMAIL SECOND_REMINDER',
    ]);
  });

  test('a STOP reply to the carrier: the next SMS is refused, recorded as STOP_REPLY, and SMS is opted out from then on', async () => {
    // Prepare
    const s = await world().scenario('stop-reply');
    await s.open(129_900);
    await s.advanceTo(s.at(1));

    // Act
    const reply = await world().post('/_local/sms/stop', { phoneNumber: s.customer.phone });
    await s.advanceTo(s.at(11));

    // Assess
    expect(reply).toMatchObject({ status: 200, body: { optedOut: true } });
    expect(await s.states()).toEqual([...toFirstCollection(), ...enter('10d 00:00', ...SECOND_COLLECTION)]);
    expect((await s.timeline()).slice(4)).toEqual([
      // The carrier's refusal makes SMS an opt-out of the customer's (via STOP_REPLY), recorded once.
      '3d 00:00 OPTED_OUT SMS channel=SMS',
      '3d 00:00 STAGE_ENTERED stage=FIRST_COLLECTION from=OVERDUE_NOTICE',
      '3d 00:00 CONTACT_SKIPPED SMS stage=FIRST_COLLECTION kind=REMINDER reason=STOP_REPLY',
      '10d 00:00 STAGE_ENTERED stage=SECOND_COLLECTION from=FIRST_COLLECTION',
      '10d 00:00 MESSAGE_SENT EMAIL stage=SECOND_COLLECTION kind=SECOND_REMINDER',
      '10d 00:00 CONTACT_SKIPPED SMS stage=SECOND_COLLECTION kind=SECOND_REMINDER reason=OPTED_OUT',
    ]);
    expect(await s.outbox()).toEqual([
      '0d 00:00 SMS OVERDUE_NOTICE',
      '0d 00:00 EMAIL OVERDUE_NOTICE',
      '10d 00:00 EMAIL SECOND_REMINDER',
    ]);
  });

  test('SMS and email both opted out: the credit pre-notice the law requires goes by letter (a LETTERS work item)', async () => {
    // Prepare
    const s = await world().scenario('opt-out-all');
    await s.open(129_900);
    await s.advanceTo(s.at(1));

    // Act
    await world().post(`/customers/${s.customer.id}/opt-outs`, { channel: 'SMS' });
    await world().post(`/customers/${s.customer.id}/opt-outs`, { channel: 'EMAIL' });
    await s.advanceTo(s.at(25));

    // Assess
    expect(await s.states()).toEqual([
      ...toFirstCollection(),
      ...enter('10d 00:00', ...SECOND_COLLECTION),
      ...enter('24d 00:00', ...PRE_NOTICE),
    ]);
    expect((await s.timeline()).filter((line) => line.startsWith('24d'))).toEqual([
      '24d 00:00 STAGE_ENTERED stage=CREDIT_PRE_NOTICE from=SECOND_COLLECTION',
      // In the policy's channel order (SMS, then email), as they would have been sent.
      '24d 00:00 CONTACT_SKIPPED SMS stage=CREDIT_PRE_NOTICE kind=CREDIT_PRE_NOTICE reason=OPTED_OUT',
      '24d 00:00 CONTACT_SKIPPED EMAIL stage=CREDIT_PRE_NOTICE kind=CREDIT_PRE_NOTICE reason=OPTED_OUT',
    ]);
    expect((await s.workItemsCreated()).filter((line) => line.startsWith('24d'))).toEqual([
      '24d 00:00 LETTERS due 24d 00:00',
    ]);
    expect(await s.workItems('LETTERS', 'OPEN')).toEqual([
      expect.objectContaining({ queue: 'LETTERS', stage: 'CREDIT_PRE_NOTICE', status: 'OPEN' }),
    ]);
    expect(await s.outbox()).toEqual(['0d 00:00 SMS OVERDUE_NOTICE', '0d 00:00 EMAIL OVERDUE_NOTICE']);
    expect(await s.view()).toMatchObject({ creditReport: { status: 'PRE_NOTICE_SENT' } });
  });
});
