/**
 * The legal track on the real ASL and the real handlers (local runtime, virtual clock): a debt of
 * 5,000.00 CNY or more is reported at day 31 and waits for people's legal review; approved, declined,
 * paid while waiting, lost in court, and a legal outcome that outlives the execution.
 */
import { STATE } from '../../statemachines/overdue-case';
import {
  CLOSE_AFTER_REPORT,
  CONTINUING,
  enter,
  feeAfter,
  LEGAL_ACTION,
  LEGAL_REVIEW,
  LEGAL_THRESHOLD,
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

/** 6,000.00 CNY: above the legal review threshold (and the field-visit one). */
const AMOUNT_DUE = LEGAL_THRESHOLD + 100_000;

const TO_LEGAL_REVIEW = [
  ...toFirstCollection(),
  ...enter('10d 00:00', ...SECOND_COLLECTION),
  ...enter('24d 00:00', ...PRE_NOTICE),
  ...enter('31d 00:00', ...REPORT_AND_RESTRICT, ...LEGAL_REVIEW),
];

/** The timeline to the legal review: as below the threshold, without the soft reminder. */
const TIMELINE_TO_LEGAL_REVIEW = [
  ...unpaidTimelineTo31Days(AMOUNT_DUE).filter((line) => !line.startsWith('31d')),
  `31d 00:00 CREDIT_REPORT_FILED amount=${AMOUNT_DUE + feeAfter(AMOUNT_DUE, 31)}`,
  '31d 00:00 ACCOUNT_RESTRICTED',
  '31d 00:00 LEGAL_REVIEW_OPENED',
];

const EVENTS_TO_LEGAL_REVIEW = [
  '0d 00:00 Case Opened OPEN OVERDUE_NOTICE',
  '31d 00:00 Credit Report Filed OPEN CREDIT_REPORTED',
  '31d 00:00 Account Restriction Requested OPEN CREDIT_REPORTED',
];

/** A case of 6,000.00 CNY, unpaid, at day 32: reported, restricted, waiting for the legal review. */
async function awaitingLegalReview(name: string): Promise<Scenario> {
  const s = await world().scenario(name);
  await s.open(AMOUNT_DUE);
  await s.advanceTo(s.at(32));
  return s;
}

const decide = (s: Scenario, decision: 'APPROVE' | 'DECLINE') =>
  s.post(`/cases/${s.caseId}/legal-review`, { decision, reviewer: 'legal-team-1' });

test('at day 31 a debt at or above the legal threshold is reported, restricted and waits for a legal review work item', async () => {
  // Prepare
  const s = await world().scenario('legal-review-opened');
  await s.open(AMOUNT_DUE);

  // Act
  await s.advanceTo(s.at(40));

  // Assess
  expect(await s.states()).toEqual(TO_LEGAL_REVIEW);
  expect(await s.execution()).toMatchObject({ status: 'RUNNING' });
  expect(await s.timeline()).toEqual(TIMELINE_TO_LEGAL_REVIEW);
  expect(await s.workItems('LEGAL_REVIEW', 'OPEN')).toEqual([
    expect.objectContaining({ queue: 'LEGAL_REVIEW', stage: 'LEGAL_REVIEW', status: 'OPEN' }),
  ]);
  expect(await s.view()).toMatchObject({
    status: 'OPEN',
    stage: 'LEGAL_REVIEW',
    creditReport: { status: 'REPORTED' },
    accountRestricted: true,
  });
  // People decide: no soft reminder, no more contact while the review waits.
  expect((await s.outbox()).at(-1)).toBe('24d 00:00 EMAIL CREDIT_PRE_NOTICE');
  expect(await s.events()).toEqual(EVENTS_TO_LEGAL_REVIEW);
  expect(await s.bureauCalls()).toEqual(['31d 00:00 zhima.credit.rental.overdue.report 10000']);
});

test('approved: LEGAL / LEGAL_ACTION, a demand letter by email, a referral on the legal topic, Legal Action Opened; then a 90-day outcome check', async () => {
  // Prepare
  const s = await awaitingLegalReview('legal-approved');

  // Act
  const reply = await decide(s, 'APPROVE');
  await s.advanceTo(s.at(125));

  // Assess
  expect(reply).toMatchObject({ status: 200, body: { status: 'LEGAL', stage: 'LEGAL_ACTION' } });
  expect(await s.states()).toEqual([
    ...TO_LEGAL_REVIEW,
    ...enter('32d 00:00', WHAT_HAPPENED, ...LEGAL_ACTION),
    // Nobody recorded an outcome in 90 days: the wait is prepared again (same execution, it is young).
    ...enter('122d 00:00', ...LEGAL_ACTION.slice(-3)),
  ]);
  expect(await s.execution()).toMatchObject({ status: 'RUNNING', count: 1 });
  expect(await s.timeline()).toEqual([
    ...TIMELINE_TO_LEGAL_REVIEW,
    '32d 00:00 LEGAL_REVIEW_DECIDED decision=APPROVE',
    // Same instant: ordered by TYPE_ORDER rank, not in the order the step did them (letter first).
    '32d 00:00 LEGAL_ACTION_STARTED',
    '32d 00:00 STAGE_ENTERED stage=LEGAL_ACTION from=LEGAL_REVIEW',
    '32d 00:00 MESSAGE_SENT EMAIL stage=LEGAL_ACTION kind=DEMAND_LETTER',
  ]);
  expect(await s.personalDataInTimeline()).toEqual([]);
  expect((await s.outbox()).slice(-2)).toEqual([
    '24d 00:00 EMAIL CREDIT_PRE_NOTICE',
    '32d 00:00 EMAIL DEMAND_LETTER',
  ]);
  expect(await s.events()).toEqual([
    ...EVENTS_TO_LEGAL_REVIEW,
    '32d 00:00 Legal Action Opened LEGAL LEGAL_ACTION',
  ]);
  const [referral, ...others] = await s.topicMessages();
  expect(others).toEqual([]);
  expect(referral).toMatchObject({
    at: '32d 00:00',
    subject: `Legal referral ${s.caseId}`,
    topicArn: expect.stringContaining('LegalReferrals'),
  });
  const bundle = JSON.parse(referral?.message ?? '{}');
  expect(bundle).toMatchObject({
    kind: 'LEGAL_REFERRAL',
    caseId: s.caseId,
    amounts: { outstanding: { amount: AMOUNT_DUE + feeAfter(AMOUNT_DUE, 32), currency: 'CNY' } },
    debtor: { customerId: s.customer.id },
    review: { reviewer: 'legal-team-1' },
  });
  expect(
    bundle.contacts.map((contact: { kind: string; channel: string }) => `${contact.channel} ${contact.kind}`),
  ).toEqual([
    'SMS OVERDUE_NOTICE',
    'EMAIL OVERDUE_NOTICE',
    'SMS REMINDER',
    'EMAIL SECOND_REMINDER',
    'SMS SECOND_REMINDER',
    'SMS CREDIT_PRE_NOTICE',
    'EMAIL CREDIT_PRE_NOTICE',
    'EMAIL DEMAND_LETTER',
  ]);
  expect(await s.workItems('LEGAL_REVIEW', 'DONE')).toEqual([
    expect.objectContaining({ status: 'DONE', outcome: 'APPROVED' }),
  ]);
});

test('declined (after a reminder to ops 14 days on): soft reminders, one SMS a month', async () => {
  // Prepare
  const s = await awaitingLegalReview('legal-declined');
  await s.advanceTo(s.at(46));

  // Act
  const reply = await decide(s, 'DECLINE');
  await s.advanceTo(s.at(77));

  // Assess
  expect(reply).toMatchObject({ status: 200, body: { status: 'OPEN', stage: 'SOFT_REMINDERS' } });
  expect(await s.states()).toEqual([
    ...TO_LEGAL_REVIEW,
    ...enter('45d 00:00', STATE.remindOpsOfReview, ...LEGAL_REVIEW.slice(-3)),
    ...enter('46d 00:00', WHAT_HAPPENED, ...SOFT_REMINDER),
    ...enter('76d 00:00', ...SOFT_REMINDER),
  ]);
  expect(await s.timeline()).toEqual([
    ...TIMELINE_TO_LEGAL_REVIEW,
    '46d 00:00 LEGAL_REVIEW_DECIDED decision=DECLINE',
    '46d 00:00 STAGE_ENTERED stage=SOFT_REMINDERS from=LEGAL_REVIEW',
    '46d 00:00 MESSAGE_SENT SMS stage=SOFT_REMINDERS kind=SOFT_REMINDER',
    '76d 00:00 MESSAGE_SENT SMS stage=SOFT_REMINDERS kind=SOFT_REMINDER',
  ]);
  expect((await s.outbox()).slice(-3)).toEqual([
    '24d 00:00 EMAIL CREDIT_PRE_NOTICE',
    '46d 00:00 SMS SOFT_REMINDER',
    '76d 00:00 SMS SOFT_REMINDER',
  ]);
  expect((await s.topicMessages()).map((item) => [item.at, item.subject])).toEqual([
    ['45d 00:00', expect.any(String)],
  ]);
  expect(await s.workItems('LEGAL_REVIEW', 'DONE')).toEqual([
    expect.objectContaining({ status: 'DONE', outcome: 'DECLINED' }),
  ]);
  expect(await s.events()).toEqual(EVENTS_TO_LEGAL_REVIEW);
});

test('paid while the legal review waits: closed, the report settled, the restriction lifted, the review cancelled', async () => {
  // Prepare
  const s = await awaitingLegalReview('legal-review-paid');
  await s.advanceTo(s.at(35));

  // Act
  const reply = await s.pay('pay-1');

  // Assess
  expect(reply).toMatchObject({ status: 200, body: { status: 'RESOLVED', resolution: 'PAID' } });
  expect(await s.states()).toEqual([
    ...TO_LEGAL_REVIEW,
    ...enter('35d 00:00', WHAT_HAPPENED, ...CLOSE_AFTER_REPORT),
  ]);
  expect(await s.execution()).toEqual({ status: 'SUCCEEDED', stopped: '35d 00:00', count: 1 });
  expect((await s.timeline()).slice(TIMELINE_TO_LEGAL_REVIEW.length)).toEqual([
    `35d 00:00 PAYMENT_RECEIVED amount=${AMOUNT_DUE + feeAfter(AMOUNT_DUE, 35)}`,
    '35d 00:00 CASE_RESOLVED resolution=PAID',
    '35d 00:00 ACCOUNT_RESTRICTION_LIFTED',
    '35d 00:00 MESSAGE_SENT SMS stage=CLOSE kind=RECEIPT',
    '35d 00:00 MESSAGE_SENT EMAIL stage=CLOSE kind=RECEIPT',
    '35d 00:00 CASE_CLOSED resolution=PAID status=RESOLVED',
    '35d 00:00 CREDIT_REPORT_SETTLED',
  ]);
  expect(await s.workItems('LEGAL_REVIEW', 'CANCELLED')).toHaveLength(1);
  expect(await s.events()).toEqual([
    ...EVENTS_TO_LEGAL_REVIEW,
    '35d 00:00 Account Restriction Lifted RESOLVED LEGAL_REVIEW',
    '35d 00:00 Case Resolved RESOLVED LEGAL_REVIEW',
    '35d 00:00 Credit Report Updated RESOLVED LEGAL_REVIEW',
  ]);
  expect(await s.bureauCalls()).toEqual([
    '31d 00:00 zhima.credit.rental.overdue.report 10000',
    '35d 00:00 zhima.credit.rental.overdue.settle 10000',
  ]);
});

test('paid during legal action: the legal outcome wait ends, the case closes as paid', async () => {
  // Prepare
  const s = await awaitingLegalReview('legal-action-paid');
  await decide(s, 'APPROVE');
  await s.advanceTo(s.at(40));

  // Act
  const reply = await s.pay('pay-1');

  // Assess
  expect(reply).toMatchObject({ status: 200, body: { status: 'RESOLVED', resolution: 'PAID' } });
  expect(await s.states()).toEqual([
    ...TO_LEGAL_REVIEW,
    ...enter('32d 00:00', WHAT_HAPPENED, ...LEGAL_ACTION),
    ...enter('40d 00:00', WHAT_HAPPENED, ...CLOSE_AFTER_REPORT),
  ]);
  expect(await s.execution()).toEqual({ status: 'SUCCEEDED', stopped: '40d 00:00', count: 1 });
  // Fees froze when the case went LEGAL at day 32.
  expect((await s.timeline()).at(-7)).toBe(
    `40d 00:00 PAYMENT_RECEIVED amount=${AMOUNT_DUE + feeAfter(AMOUNT_DUE, 32)}`,
  );
  expect(await s.view()).toMatchObject({
    status: 'RESOLVED',
    stage: 'LEGAL_ACTION',
    creditReport: { status: 'SETTLED' },
    accountRestricted: false,
  });
  expect((await s.events()).slice(-4)).toEqual([
    '32d 00:00 Legal Action Opened LEGAL LEGAL_ACTION',
    '40d 00:00 Account Restriction Lifted RESOLVED LEGAL_ACTION',
    '40d 00:00 Case Resolved RESOLVED LEGAL_ACTION',
    '40d 00:00 Credit Report Updated RESOLVED LEGAL_ACTION',
  ]);
});

test('lost in court: WRITTEN_OFF, announced, the report and the restriction stay', async () => {
  // Prepare
  const s = await awaitingLegalReview('legal-lost');
  await decide(s, 'APPROVE');
  await s.advanceTo(s.at(60));

  // Act
  const reply = await s.post(`/cases/${s.caseId}/legal-outcome`, {
    outcome: 'LOST',
    note: 'claim dismissed',
  });

  // Assess
  expect(reply).toMatchObject({ status: 200, body: { status: 'WRITTEN_OFF', resolution: 'LEGAL_LOST' } });
  expect(await s.states()).toEqual([
    ...TO_LEGAL_REVIEW,
    ...enter('32d 00:00', WHAT_HAPPENED, ...LEGAL_ACTION),
    ...enter(
      '60d 00:00',
      WHAT_HAPPENED,
      STATE.writeOff,
      STATE.wasWrittenOff,
      STATE.announceWrittenOff,
      STATE.caseWrittenOff,
    ),
  ]);
  expect(await s.execution()).toEqual({ status: 'SUCCEEDED', stopped: '60d 00:00', count: 1 });
  expect((await s.timeline()).slice(-2)).toEqual([
    '60d 00:00 LEGAL_OUTCOME_RECORDED outcome=LOST',
    '60d 00:00 CASE_WRITTEN_OFF resolution=LEGAL_LOST',
  ]);
  expect(await s.view()).toMatchObject({ creditReport: { status: 'REPORTED' }, accountRestricted: true });
  expect((await s.events()).at(-1)).toBe('60d 00:00 Case Written Off WRITTEN_OFF LEGAL_ACTION');
});

test('a legal outcome still pending near the execution limit: the case continues in `<caseId>-2` at LEGAL_ACTION', async () => {
  // Prepare
  const s = await awaitingLegalReview('legal-continued');
  await decide(s, 'APPROVE');

  // Act
  await s.advanceTo(s.at(310));

  // Assess
  expect(await s.states()).toEqual([
    ...TO_LEGAL_REVIEW,
    ...enter('32d 00:00', WHAT_HAPPENED, ...LEGAL_ACTION),
    ...enter('122d 00:00', ...LEGAL_ACTION.slice(-3)),
    // 212 days old + a 90-day wait is still within 330 days; 302 + 90 is not.
    ...enter('212d 00:00', ...LEGAL_ACTION.slice(-3)),
    ...enter(
      '302d 00:00',
      STATE.prepareOutcomeWait,
      STATE.isTimeToContinueOutcomeWait,
      STATE.continueCase,
      STATE.caseContinues,
    ),
  ]);
  expect(await s.executionsByName()).toEqual([
    { name: s.caseId, status: 'SUCCEEDED', stopped: '302d 00:00' },
    { name: `${s.caseId}-2`, status: 'RUNNING', stopped: null },
  ]);
  expect(await s.states(`${s.caseId}-2`)).toEqual(
    enter(
      '302d 00:00',
      CONTINUING,
      STATE.prepareOutcomeWait,
      STATE.isTimeToContinueOutcomeWait,
      STATE.awaitLegalOutcome,
    ),
  );
  expect((await s.timeline()).at(-1)).toBe('302d 00:00 WORKFLOW_STARTED');
  expect(await s.view()).toMatchObject({ status: 'LEGAL', stage: 'LEGAL_ACTION' });
});

test('replayed 90 days after its first execution closed, the opening of a continued case starts no second ladder', async () => {
  // Prepare: continued in <caseId>-2 at day 302 (as above); AWS frees the name <caseId> 90 days later
  const s = await awaitingLegalReview('legal-continued-replayed');
  await decide(s, 'APPROVE');
  await s.advanceTo(s.at(393));

  // Act
  const replayed = await s.reopen();
  await s.advanceTo(s.at(394));

  // Assess
  expect(replayed.status).toBe(200);
  expect(await s.executionsByName()).toEqual([
    { name: s.caseId, status: 'SUCCEEDED', stopped: '302d 00:00' },
    { name: `${s.caseId}-2`, status: 'RUNNING', stopped: null },
  ]);
  expect((await s.outbox()).filter((line) => line.startsWith('39'))).toEqual([]);
});

test('a plan agreed after a long undecided review runs past a year: each wait continues in a new execution before the limit', async () => {
  // Prepare: the review is left undecided until day 300; then six monthly instalments
  const s = await awaitingLegalReview('plan-past-a-year');
  await s.advanceTo(s.at(300));
  const { amount } = await s.outstanding();
  const each = Math.floor(amount / 6);
  const dues = [330, 360, 390, 420, 450, 480];
  const planned = await s.post(`/cases/${s.caseId}/plans`, {
    type: 'INSTALLMENTS',
    installments: dues.map((day, index) => ({
      dueAt: new Date(s.at(day)).toISOString(),
      amount: { amount: index === 5 ? amount - 5 * each : each, currency: 'CNY' },
    })),
  });

  // Act: each instalment paid on its day
  for (const [index, day] of dues.entries()) {
    await s.advanceTo(s.at(day));
    await s.pay(`instalment-${index + 1}`, index === 5 ? amount - 5 * each : each);
  }
  await s.advanceTo(s.at(490));

  // Assess: no execution outlived its year; the last one closed the case
  expect(planned.status).toBe(200);
  const executions = await s.executionsByName();
  expect(executions.map((execution) => execution.status)).not.toContain('FAILED');
  expect(executions.length).toBeGreaterThan(1);
  expect(executions.at(-1)).toMatchObject({ status: 'SUCCEEDED', stopped: '480d 00:00' });
  expect(await s.view()).toMatchObject({ status: 'RESOLVED', resolution: 'PAID', refundDue: { amount: 0 } });
});
