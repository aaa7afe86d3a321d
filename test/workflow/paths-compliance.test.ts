/**
 * The compliance paths on the real ASL and the real handlers (local runtime, virtual clock): quiet
 * hours (22:00–08:00 in the customer's time zone) defer a contact to 08:00 through the ASL's Wait
 * state; an opted-out channel (API opt-out or a STOP reply to the carrier) is skipped and recorded;
 * a notice the law requires goes by letter when no electronic channel is left.
 */
import {
  CLOSE,
  enter,
  FIRST_COLLECTION,
  feeAfter,
  iso,
  NOTICE,
  OPENING,
  PRE_NOTICE,
  SECOND_COLLECTION,
  toFirstCollection,
  usePathsRuntime,
  WHAT_HAPPENED,
} from './paths-support';

const world = usePathsRuntime();

const NOTICE_DEFERRED = [
  'Send overdue notice',
  'Is the overdue notice deferred?',
  'Wait for the contact window before the overdue notice',
];
const GB_T_45251 = 'GB/T 45251-2025: no collection contact 22:00-08:00';

describe('quiet hours', () => {
  test('a case opened at 23:00 local: the notice waits in the Wait state until 08:00, and the ladder counts from then', async () => {
    // Prepare
    const s = await world().scenario('quiet-hours-opening', '23:00');

    // Act
    await s.open(129_900);
    await s.advanceTo(s.at(4));

    // Assess
    expect(await s.states()).toEqual([
      ...enter('0d 00:00', ...OPENING, ...NOTICE_DEFERRED),
      ...enter('0d 09:00', ...NOTICE),
      // The stage's wait runs from the contact that went out: 08:00 + 3 days.
      ...enter('3d 09:00', ...FIRST_COLLECTION),
    ]);
    const trace = await s.trace();
    expect(trace.filter((line) => line.includes('Wait for the contact window'))).toEqual([
      '0d 00:00 WaitStateEntered Wait for the contact window before the overdue notice',
      '0d 09:00 WaitStateExited Wait for the contact window before the overdue notice',
    ]);
    expect(await s.timeline()).toEqual([
      '0d 00:00 CASE_OPENED',
      '0d 00:00 WORKFLOW_STARTED',
      '0d 00:00 CONTACT_DEFERRED stage=OVERDUE_NOTICE until=0d 09:00',
      '0d 09:00 MESSAGE_SENT SMS stage=OVERDUE_NOTICE kind=OVERDUE_NOTICE',
      '0d 09:00 MESSAGE_SENT EMAIL stage=OVERDUE_NOTICE kind=OVERDUE_NOTICE',
      '3d 09:00 STAGE_ENTERED stage=FIRST_COLLECTION from=OVERDUE_NOTICE',
      '3d 09:00 MESSAGE_SENT SMS stage=FIRST_COLLECTION kind=REMINDER',
    ]);
    const deferral = (await s.view()).timeline.find(
      (entry: { type: string }) => entry.type === 'CONTACT_DEFERRED',
    );
    expect(deferral.detail).toEqual({ stage: 'OVERDUE_NOTICE', until: iso(s.at(0, 9)), rule: GB_T_45251 });
    expect(await s.outbox()).toEqual([
      '0d 09:00 SMS OVERDUE_NOTICE',
      '0d 09:00 EMAIL OVERDUE_NOTICE',
      '3d 09:00 SMS REMINDER',
    ]);
    expect(await s.workItemsCreated()).toEqual([
      '0d 09:00 CALLS due 0d 09:00',
      '3d 09:00 CALLS due 3d 09:00',
    ]);
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
    expect(await s.states()).toEqual([
      ...enter('0d 00:00', ...OPENING, ...NOTICE),
      ...enter(
        '1d 00:00',
        WHAT_HAPPENED,
        'Prepare the wait for the promised payment',
        'Is it time to continue the promise wait in a new execution?',
        'Await the promised payment',
      ),
      ...enter(
        '6d 14:00',
        'Was the promise kept?',
        'Did the promise hold?',
        'Resume the ladder',
        'Where does the ladder resume?',
        'Await resolution after notice',
      ),
      // 2 days were left of the notice's wait: due at 23:00 local, deferred to 08:00 local.
      ...enter(
        '8d 14:00',
        'Send first collection reminder',
        'Is the first collection reminder deferred?',
        'Wait for the contact window before the first collection reminder',
      ),
      ...enter('8d 23:00', ...FIRST_COLLECTION),
    ]);
    expect((await s.timeline()).slice(4)).toEqual([
      expect.stringMatching(/^1d 00:00 PROMISE_MADE/),
      '6d 14:00 PROMISE_BROKEN resumesAt=OVERDUE_NOTICE',
      '6d 14:00 LADDER_RESUMED stage=OVERDUE_NOTICE remainingSeconds=172800',
      '8d 14:00 CONTACT_DEFERRED stage=FIRST_COLLECTION until=8d 23:00',
      '8d 23:00 STAGE_ENTERED stage=FIRST_COLLECTION from=OVERDUE_NOTICE',
      '8d 23:00 MESSAGE_SENT SMS stage=FIRST_COLLECTION kind=REMINDER',
    ]);
    expect(await s.outbox()).toEqual([
      '0d 00:00 SMS OVERDUE_NOTICE',
      '0d 00:00 EMAIL OVERDUE_NOTICE',
      '8d 23:00 SMS REMINDER',
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
    // A Wait state takes no task token: the workflow learns of the payment when the wait ends, at 08:00.
    expect(await s.states()).toEqual([
      ...enter('0d 00:00', ...OPENING, ...NOTICE_DEFERRED),
      ...enter('0d 09:00', ...NOTICE, WHAT_HAPPENED, ...CLOSE),
    ]);
    expect(await s.execution()).toEqual({ status: 'SUCCEEDED', stopped: '0d 09:00', count: 1 });
    expect(await s.timeline()).toEqual([
      '0d 00:00 CASE_OPENED',
      '0d 00:00 WORKFLOW_STARTED',
      '0d 00:00 CONTACT_DEFERRED stage=OVERDUE_NOTICE until=0d 09:00',
      `0d 01:00 PAYMENT_RECEIVED amount=${129_900 + feeAfter(129_900, 0)}`,
      '0d 01:00 CASE_RESOLVED resolution=PAID',
      // The receipt and the close are recorded at the instant the case closed (0d 01:00), though the
      // workflow sent the receipt when the wait ended (08:00 local, 0d 09:00: see the outbox).
      '0d 01:00 MESSAGE_SENT SMS stage=CLOSE kind=RECEIPT',
      '0d 01:00 MESSAGE_SENT EMAIL stage=CLOSE kind=RECEIPT',
      '0d 01:00 CASE_CLOSED resolution=PAID status=RESOLVED',
      '0d 09:00 CONTACT_SKIPPED stage=OVERDUE_NOTICE reason=CASE_CLOSED',
    ]);
    expect(await s.outbox()).toEqual(['0d 09:00 SMS RECEIPT', '0d 09:00 EMAIL RECEIPT']);
    expect(await s.events()).toEqual([
      '0d 00:00 Case Opened OPEN OVERDUE_NOTICE',
      '0d 09:00 Case Resolved RESOLVED OVERDUE_NOTICE',
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
