import type { IncomingMessage, ServerResponse } from 'node:http';
import { DeleteItemCommand } from '@aws-sdk/client-dynamodb';
import { localDynamoClient } from '@rental-collections/local-aws';
import { CREDIT_BUREAU_ENV } from '../../lambdas/adapters/credit-bureau-config';
import {
  CreditBureauUnavailableError,
  ZHIMA_METHODS as ZHIMA,
} from '../../lambdas/adapters/zhima-credit-bureau';
import { openOptOut } from '../../lambdas/domain/compliance/opt-out-token';
import type { CreditReportAction } from '../../lambdas/domain/services/tracks';
import { handler as agreePlan } from '../../lambdas/handlers/api/agree-plan';
import { handler as claimWorkItem } from '../../lambdas/handlers/api/claim-work-item';
import { handler as decideLegalReview } from '../../lambdas/handlers/api/decide-legal-review';
import { handler as makePromise } from '../../lambdas/handlers/api/make-promise';
import { handler as openDispute } from '../../lambdas/handlers/api/open-dispute';
import { handler as optOut } from '../../lambdas/handlers/api/opt-out';
import { handler as recordReturn } from '../../lambdas/handlers/api/record-return';
import { handler as ruleDispute } from '../../lambdas/handlers/api/rule-dispute';
import { handler as awaitResolution } from '../../lambdas/handlers/workflow/await-resolution';
import { handler as beginCase } from '../../lambdas/handlers/workflow/begin-case';
import { handler as cancelCase } from '../../lambdas/handlers/workflow/cancel-case';
import { handler as checkArrangement } from '../../lambdas/handlers/workflow/check-arrangement';
import { handler as checkCase } from '../../lambdas/handlers/workflow/check-case';
import { handler as closeCase } from '../../lambdas/handlers/workflow/close-case';
import { handler as continueCase } from '../../lambdas/handlers/workflow/continue-case';
import { handler as openLegalReview } from '../../lambdas/handlers/workflow/open-legal-review';
import { handler as prepareWait } from '../../lambdas/handlers/workflow/prepare-wait';
import { handler as reportToBureau } from '../../lambdas/handlers/workflow/report-to-bureau';
import { handler as restrictAccount } from '../../lambdas/handlers/workflow/restrict-account';
import { handler as resumeLadder } from '../../lambdas/handlers/workflow/resume-ladder';
import { handler as sendCaseMessage } from '../../lambdas/handlers/workflow/send-case-message';
import { handler as sendStageContact } from '../../lambdas/handlers/workflow/send-stage-contact';
import { handler as startLegalAction } from '../../lambdas/handlers/workflow/start-legal-action';
import { handler as updateCreditReport } from '../../lambdas/handlers/workflow/update-credit-report';
import { handler as writeOffCase } from '../../lambdas/handlers/workflow/write-off-case';
import { ENV } from '../../lambdas/shared/config';
import { InvalidStepInputError } from '../../lambdas/shared/step';
import { lambdaContext, START } from '../support/local-aws';
import { threshold, waitSeconds } from '../support/policy';
import { HOUR } from '../support/time';
import { adapters } from './adapters';
import { type Harness, OPT_OUT_BASE_URL, SIGNING_SECRET, startHarness } from './aws-harness';
import {
  DAY,
  emailHeader,
  emailsOf,
  executionArnOf,
  iso,
  ofType,
  openCaseAt,
  optOutTokenIn,
  pay,
  payInFull,
  personalDataOf,
  post,
  readCase,
  smsOf,
  storedCase,
  timelineOf,
  typesOf,
  workItemsOf,
} from './case-helpers';

let aws: Harness;
beforeAll(async () => {
  aws = await startHarness();
});
afterAll(() => aws.stop());

/** Due two hours before START (10:00 in Shanghai): no whole day overdue yet, so no late fee. */
const DUE_TODAY = '2026-03-02T00:00:00Z';

const ctx = () => lambdaContext('workflow-step');
const contact = (caseId: string, stage: string, at: number) =>
  sendStageContact({ caseId, stage, at: iso(at) }, ctx());
const step = <R>(handler: (input: unknown, context: ReturnType<typeof ctx>) => Promise<R>, input: object) =>
  handler(input, ctx());

/** What a step that sent its contact tells the workflow. */
const sent = (waitSeconds: number) => ({
  outcome: 'SENT',
  waitSeconds,
  deferUntil: null,
  resumeStage: null,
  continueAsNew: false,
});

const customerUS = (id: string) => ({
  id,
  name: 'Jordan Lee',
  phone: '+12125550123',
  email: `${id}@example.com`,
  locale: 'en-US',
  timezone: 'America/New_York',
  country: 'US',
});

/** Opens a case and lets the stand-in workflow reach its callback; returns the callback's token. */
async function openWithToken(overrides: Parameters<typeof openCaseAt>[0] = {}) {
  const opened = await openCaseAt(overrides);
  await aws.clock.whenQuiet();
  const token = aws.tokens.at(-1);
  if (!token) throw new Error('the stand-in workflow did not reach its callback');
  return { ...opened, token };
}

const optOutOf = (customerId: string, channel: 'SMS' | 'EMAIL' | 'CALL', at = START) =>
  post(optOut, '/customers/{customerId}/opt-outs', { customerId }, { channel }, at);

const promise = (caseId: string, promisedAt: number, at: number) =>
  readCase(caseId, at).then(({ body }) =>
    post(
      makePromise,
      '/cases/{caseId}/promises',
      { caseId },
      { promisedAt: iso(promisedAt), amount: body.outstanding },
      at,
    ),
  );

const dispute = (caseId: string, at: number, reason = 'I returned the device in February.') =>
  post(openDispute, '/cases/{caseId}/disputes', { caseId }, { reason }, at);

const rule = (caseId: string, outcome: 'UPHELD' | 'REJECTED', at: number) =>
  post(ruleDispute, '/cases/{caseId}/disputes/resolution', { caseId }, { outcome }, at);

const bureauCalls = (caseId: string) =>
  aws.bureau.recorded().items.filter((call) => call.bizContent?.out_order_no === caseId);

/**
 * While `work` runs, the bureau's gateway answers `answer` instead of the fake (which sees and
 * records nothing): an outage, or an answer that cannot be trusted.
 */
async function whileBureauAnswers<R>(
  answer: { status: number; body: string },
  work: () => Promise<R>,
): Promise<R> {
  const { server } = aws.bureau;
  const gateway = server.listeners('request') as Array<
    (request: IncomingMessage, response: ServerResponse) => void
  >;
  server.removeAllListeners('request');
  server.on('request', (request: IncomingMessage, response: ServerResponse) => {
    request.resume();
    request.on('end', () => {
      response.writeHead(answer.status, { 'content-type': 'application/json' });
      response.end(answer.body);
    });
  });
  try {
    return await work();
  } finally {
    server.removeAllListeners('request');
    for (const listener of gateway) server.on('request', listener);
  }
}

const BUREAU_DOWN = { status: 503, body: '<html>Service Unavailable</html>' };
/** A success for a report with no signature: the adapter must not trust it. */
const UNSIGNED_REPORT_ANSWER = {
  status: 200,
  body: '{"zhima_credit_rental_overdue_report_response":{"code":"10000","msg":"Success","order_no":"ZM-UNSIGNED"}}',
};

/** The customer's record erased from the Customers table (the cases keep only the id). */
async function eraseCustomer(customerId: string): Promise<void> {
  const dynamo = localDynamoClient(process.env.AWS_ENDPOINT_URL_DYNAMODB ?? '');
  try {
    await dynamo.send(
      new DeleteItemCommand({
        TableName: process.env[ENV.customersTable],
        Key: { customerId: { S: customerId } },
      }),
    );
  } finally {
    dynamo.destroy();
  }
  expect(await adapters.customers().get(customerId)).toBeUndefined();
}

const legalReferrals = () => aws.sns.messages.filter((message) => message.topicArn === aws.legalTopicArn);

describe('begin-case', () => {
  test('records the workflow start once and returns the facts the case events carry', async () => {
    // Prepare
    const { caseId, request } = await openCaseAt({ dueAt: DUE_TODAY });
    const input = { caseId, at: iso(START + 1_000), execution: caseId };

    // Act
    const first = await beginCase(input, ctx());
    const retried = await beginCase(input, ctx());

    // Assess
    expect(first).toEqual({
      caseId,
      rentalId: request.rentalId,
      customerId: request.customer.id,
      status: 'OPEN',
      stage: 'OVERDUE_NOTICE',
      outstanding: { amount: 129_900, currency: 'CNY' },
      refundDue: { amount: 0, currency: 'CNY' },
      at: input.at,
    });
    expect(retried).toEqual(first);
    const started = ofType(await timelineOf(caseId), 'WORKFLOW_STARTED');
    expect(started).toEqual([{ at: input.at, type: 'WORKFLOW_STARTED', detail: { execution: caseId } }]);
  });
});

/**
 * A deferred contact wakes in the first 30 minutes after the window opens (its own second, so a
 * night's contacts are spread out); answers when.
 */
function expectDeferredWithin(outcome: { deferUntil: string | null }, opening: string): string {
  const wake = Date.parse(outcome.deferUntil ?? '');
  expect(wake).toBeGreaterThanOrEqual(Date.parse(opening));
  expect(wake).toBeLessThan(Date.parse(opening) + 30 * 60_000);
  return outcome.deferUntil ?? '';
}

describe('send-stage-contact', () => {
  test('OVERDUE_NOTICE at 10:00 in Shanghai: one zh-CN SMS, one email and a call task, then wait 3 days', async () => {
    // Prepare
    const { caseId, request } = await openCaseAt({ dueAt: DUE_TODAY });

    // Act
    const outcome = await contact(caseId, 'OVERDUE_NOTICE', START);

    // Assess: the outcome the ASL reads
    expect(outcome).toEqual(sent(259_200));
    // the SMS: to the customer's phone, naming the device, the amount, the local deadline and the help line
    const sms = smsOf(aws, caseId);
    expect(sms).toHaveLength(1);
    expect(sms[0]).toMatchObject({
      phoneNumber: request.customer.phone,
      attributes: { 'collections.kind': 'OVERDUE_NOTICE', 'AWS.SNS.SMS.SMSType': 'Transactional' },
    });
    const text = sms[0]?.message ?? '';
    expect(text).toContain('您租用的iPhone 15 128GB已逾期');
    expect(text).toContain('¥1,299.00');
    expect(text).toContain('2026年3月5日 10:00'); // START + 3 days, Shanghai time
    expect(text).toContain('400-820-0000');
    expect(text).toContain(`退订：${OPT_OUT_BASE_URL}/opt-out?token=`);
    // the email: subject and body in zh-CN, tied to the case and template by its headers
    const emails = await emailsOf(aws, caseId);
    expect(emails).toHaveLength(1);
    const email = emails[0]!;
    expect(email.destination.to).toEqual([request.customer.email]);
    expect(email.subject).toBe('【RentGo】租赁逾期提醒：iPhone 15 128GB');
    expect(email.body.text).toContain('当前应付金额为¥1,299.00');
    expect(email.body.text).toContain('请于2026年3月5日 10:00前完成付款或归还设备');
    expect(email.body.text).toContain(`案件编号：${caseId}`);
    expect(email.body.text).toContain(`${OPT_OUT_BASE_URL}/opt-out?token=`);
    expect(emailHeader(email, 'X-Collections-Case')).toBe(caseId);
    expect(emailHeader(email, 'X-Collections-Kind')).toBe('OVERDUE_NOTICE');
    // the timeline: one MESSAGE_SENT per channel; the case already stood at OVERDUE_NOTICE
    const timeline = await timelineOf(caseId);
    expect(ofType(timeline, 'STAGE_ENTERED')).toEqual([]);
    const messages = ofType(timeline, 'MESSAGE_SENT');
    expect(messages.map((entry) => entry.channel).sort()).toEqual(['EMAIL', 'SMS']);
    for (const entry of messages) {
      expect(entry).toMatchObject({
        at: iso(START),
        detail: { stage: 'OVERDUE_NOTICE', kind: 'OVERDUE_NOTICE' },
      });
    }
    expect(messages.find((entry) => entry.channel === 'SMS')?.detail.messageId).toBe(sms[0]?.messageId);
    expect(messages.find((entry) => entry.channel === 'EMAIL')?.detail.messageId).toBe(email.messageId);
    // the call task for the collections team, due at once
    expect(await workItemsOf(caseId)).toEqual([
      expect.objectContaining({
        workItemId: `${caseId}:CALLS:OVERDUE_NOTICE:0`,
        queue: 'CALLS',
        status: 'OPEN',
        stage: 'OVERDUE_NOTICE',
        dueAt: iso(START),
      }),
    ]);
    expect(ofType(timeline, 'WORK_ITEM_CREATED')).toEqual([
      {
        at: iso(START),
        type: 'WORK_ITEM_CREATED',
        detail: { workItemId: `${caseId}:CALLS:OVERDUE_NOTICE:0`, queue: 'CALLS', dueAt: iso(START) },
      },
    ]);
    // the ladder now waits from the moment the contact went out, and the contact is done
    expect((await storedCase(caseId)).ladder).toEqual({
      stage: 'OVERDUE_NOTICE',
      waitUntil: iso(START + 3 * DAY),
      pausedRemainingSeconds: null,
      contactKey: iso(START),
      contactDone: true,
    });
  });

  test('every message carries a signed opt-out link for its own channel and customer', async () => {
    // Prepare
    const { caseId, request } = await openCaseAt({ dueAt: DUE_TODAY });

    // Act
    await contact(caseId, 'OVERDUE_NOTICE', START);
    await contact(caseId, 'SECOND_COLLECTION', START + 10 * DAY);

    // Assess
    const sms = smsOf(aws, caseId).map((message) => message.message);
    const emails = (await emailsOf(aws, caseId)).map((email) => email.body.text ?? '');
    expect(sms).toHaveLength(2);
    expect(emails).toHaveLength(2);
    for (const [channel, texts] of [
      ['SMS', sms],
      ['EMAIL', emails],
    ] as const) {
      for (const text of texts) {
        const token = optOutTokenIn(text);
        expect(token).toBeDefined();
        expect(openOptOut(token ?? '', SIGNING_SECRET)).toEqual({ customerId: request.customer.id, channel });
        expect(token).not.toContain(request.customer.id);
      }
    }
  });

  test('a customer with locale en gets the English texts', async () => {
    const { caseId } = await openCaseAt({
      dueAt: DUE_TODAY,
      customer: {
        id: 'customer-en',
        name: 'Alex Morgan',
        phone: '+8613900139000',
        email: 'alex.morgan@example.com',
        locale: 'en-GB',
        timezone: 'Asia/Shanghai',
        country: 'CN',
      },
    });

    await contact(caseId, 'OVERDUE_NOTICE', START);

    const text = smsOf(aws, caseId)[0]?.message ?? '';
    expect(text).toContain('your rental of iPhone 15 128GB is overdue; CN¥1,299.00 is due');
    expect(text).toContain('by March 5, 2026');
    expect(text).toContain(`Stop texts: ${OPT_OUT_BASE_URL}/opt-out?token=`);
    expect(text).not.toMatch(/[\u4e00-\u9fff]/);
    const [email] = await emailsOf(aws, caseId);
    expect(email?.subject).toBe('RentGo: your rental of iPhone 15 128GB is overdue');
    expect(email?.body.text).toContain('The amount due is CN¥1,299.00.');
  });

  test('a retry with the same `at` sends nothing more, creates no second task, adds nothing to the timeline', async () => {
    // Prepare
    const { caseId } = await openCaseAt({ dueAt: DUE_TODAY });
    const first = await contact(caseId, 'OVERDUE_NOTICE', START);
    const before = await timelineOf(caseId);

    // Act
    const retried = await contact(caseId, 'OVERDUE_NOTICE', START);

    // Assess
    expect(retried).toEqual(first);
    expect(smsOf(aws, caseId)).toHaveLength(1);
    expect(await emailsOf(aws, caseId)).toHaveLength(1);
    expect(await workItemsOf(caseId)).toHaveLength(1);
    expect(await timelineOf(caseId)).toEqual(before);
  });

  test('entering a new stage records STAGE_ENTERED once, with the stage it came from, and a call task', async () => {
    const { caseId } = await openCaseAt();
    const at = START + 3 * DAY;

    const outcome = await contact(caseId, 'FIRST_COLLECTION', at);
    await contact(caseId, 'FIRST_COLLECTION', at);

    expect(outcome).toEqual(sent(waitSeconds('FIRST_COLLECTION')));
    const timeline = await timelineOf(caseId, at);
    expect(ofType(timeline, 'STAGE_ENTERED')).toEqual([
      { at: iso(at), type: 'STAGE_ENTERED', detail: { stage: 'FIRST_COLLECTION', from: 'OVERDUE_NOTICE' } },
    ]);
    expect(ofType(timeline, 'MESSAGE_SENT')).toEqual([
      expect.objectContaining({ channel: 'SMS', detail: expect.objectContaining({ kind: 'REMINDER' }) }),
    ]);
    expect((await readCase(caseId, at)).body.stage).toBe('FIRST_COLLECTION');
    expect(smsOf(aws, caseId)).toHaveLength(1);
    expect((await workItemsOf(caseId)).map((item) => item.workItemId)).toEqual([
      `${caseId}:CALLS:FIRST_COLLECTION:0`,
    ]);
  });

  test('at 23:00 in Shanghai the contact is deferred to 08:00 local, nothing is sent, the deferral is recorded', async () => {
    // Prepare
    const { caseId } = await openCaseAt({ dueAt: DUE_TODAY });
    const at = Date.parse('2026-03-02T15:00:00Z'); // 23:00 Asia/Shanghai

    // Act
    const outcome = await contact(caseId, 'OVERDUE_NOTICE', at);

    // Assess: to 08:00 Asia/Shanghai and the case's own second of the next 30 minutes
    const wake = expectDeferredWithin(outcome, '2026-03-03T00:00:00.000Z');
    expect(outcome).toEqual({
      outcome: 'DEFERRED',
      waitSeconds: (Date.parse(wake) - at) / 1_000, // until then
      deferUntil: wake,
      resumeStage: null,
      continueAsNew: false,
    });
    expect(smsOf(aws, caseId)).toEqual([]);
    expect(await emailsOf(aws, caseId)).toEqual([]);
    expect(await workItemsOf(caseId)).toEqual([]);
    const deferred = ofType(await timelineOf(caseId, at), 'CONTACT_DEFERRED');
    expect(deferred).toEqual([
      {
        at: iso(at),
        type: 'CONTACT_DEFERRED',
        detail: expect.objectContaining({ stage: 'OVERDUE_NOTICE', until: wake }),
      },
    ]);
    expect(deferred[0]?.detail.rule).toContain('GB/T 45251-2025');
  });

  test('at 07:59 in Shanghai the contact is deferred to 08:00 the same day', async () => {
    const { caseId } = await openCaseAt({ dueAt: DUE_TODAY });
    const at = Date.parse('2026-03-02T23:59:00Z'); // 07:59 on 03-03 in Shanghai

    const outcome = await contact(caseId, 'OVERDUE_NOTICE', at);

    expect(outcome).toMatchObject({ outcome: 'DEFERRED' });
    expectDeferredWithin(outcome, '2026-03-03T00:00:00.000Z');
    expect(smsOf(aws, caseId)).toEqual([]);
  });

  test('a US customer at 21:30 in New York is deferred (Regulation F ends the day at 21:00)', async () => {
    // Prepare
    const { caseId } = await openCaseAt({
      dueAt: DUE_TODAY,
      amountDue: { amount: 50_000, currency: 'USD' },
      customer: customerUS('customer-us'),
    });
    const at = Date.parse('2026-03-03T02:30:00Z'); // 21:30 EST on 03-02; the CN window would still be open

    // Act
    const outcome = await contact(caseId, 'OVERDUE_NOTICE', at);

    // Assess
    expect(outcome).toMatchObject({ outcome: 'DEFERRED' });
    expectDeferredWithin(outcome, '2026-03-03T13:00:00.000Z'); // 08:00 EST
    expect(smsOf(aws, caseId)).toEqual([]);
    expect(await emailsOf(aws, caseId)).toEqual([]);
    const [deferred] = ofType(await timelineOf(caseId, at), 'CONTACT_DEFERRED');
    expect(deferred?.detail.rule).toContain('Regulation F');
  });

  test('a US customer at 20:30 in New York is contacted', async () => {
    const { caseId } = await openCaseAt({
      dueAt: DUE_TODAY,
      amountDue: { amount: 50_000, currency: 'USD' },
      customer: { ...customerUS('customer-us-2'), phone: '+12125550124', locale: 'en' },
    });

    const outcome = await contact(caseId, 'OVERDUE_NOTICE', Date.parse('2026-03-03T01:30:00Z'));

    expect(outcome.outcome).toBe('SENT');
    expect(smsOf(aws, caseId)[0]?.message).toContain('$500.25'); // 1 whole day overdue: 0.05 % of 500.00
  });

  test('a case already RESOLVED is SKIPPED with reason CASE_CLOSED: nothing sent, no task', async () => {
    // Prepare
    const { caseId } = await openCaseAt();
    const at = START + 3 * DAY;
    await payInFull(caseId, START + DAY);

    // Act
    const outcome = await contact(caseId, 'FIRST_COLLECTION', at);

    // Assess
    expect(outcome).toEqual({ ...sent(waitSeconds('FIRST_COLLECTION')), outcome: 'SKIPPED' });
    expect(smsOf(aws, caseId)).toEqual([]);
    expect(await emailsOf(aws, caseId)).toEqual([]);
    expect(await workItemsOf(caseId)).toEqual([]);
    const timeline = await timelineOf(caseId, at);
    expect(ofType(timeline, 'CONTACT_SKIPPED')).toEqual([
      { at: iso(at), type: 'CONTACT_SKIPPED', detail: { stage: 'FIRST_COLLECTION', reason: 'CASE_CLOSED' } },
    ]);
    expect(ofType(timeline, 'STAGE_ENTERED')).toEqual([]);
    expect((await readCase(caseId, at)).body).toMatchObject({ status: 'RESOLVED', stage: 'OVERDUE_NOTICE' });
  });

  test.each([
    ['DISPUTE_HOLD', 'an open dispute', (caseId: string) => dispute(caseId, START + HOUR)],
    [
      'ARRANGEMENT_HOLD',
      'a promise to pay',
      (caseId: string) => promise(caseId, START + 5 * DAY, START + HOUR),
    ],
  ] as Array<[string, string, (caseId: string) => Promise<unknown>]>)(
    'SKIPPED as %s while the case has %s: nothing sent, no task, the stage unchanged',
    async (reason, _label, hold) => {
      // Prepare
      const { caseId } = await openCaseAt();
      await hold(caseId);
      const at = START + 3 * DAY;

      // Act
      const outcome = await contact(caseId, 'FIRST_COLLECTION', at);

      // Assess
      expect(outcome.outcome).toBe('SKIPPED');
      expect(smsOf(aws, caseId)).toEqual([]);
      expect(await workItemsOf(caseId)).toEqual([]);
      expect(ofType(await timelineOf(caseId, at), 'CONTACT_SKIPPED')).toEqual([
        { at: iso(at), type: 'CONTACT_SKIPPED', detail: { stage: 'FIRST_COLLECTION', reason } },
      ]);
      expect((await storedCase(caseId)).stage).toBe('OVERDUE_NOTICE');
    },
  );

  test('an opted-out channel is skipped (and recorded), the other channels still go out', async () => {
    // Prepare
    const { caseId, request } = await openCaseAt({ dueAt: DUE_TODAY });
    expect((await optOutOf(request.customer.id, 'SMS')).status).toBe(200);

    // Act
    const outcome = await contact(caseId, 'OVERDUE_NOTICE', START + HOUR);

    // Assess
    expect(outcome.outcome).toBe('SENT');
    expect(smsOf(aws, caseId)).toEqual([]);
    expect(await emailsOf(aws, caseId)).toHaveLength(1);
    const timeline = await timelineOf(caseId, START + HOUR);
    expect(ofType(timeline, 'CONTACT_SKIPPED')).toEqual([
      {
        at: iso(START + HOUR),
        type: 'CONTACT_SKIPPED',
        channel: 'SMS',
        detail: { stage: 'OVERDUE_NOTICE', kind: 'OVERDUE_NOTICE', reason: 'OPTED_OUT' },
      },
    ]);
    expect(ofType(timeline, 'MESSAGE_SENT').map((entry) => entry.channel)).toEqual(['EMAIL']);
  });

  test('a customer who refused calls gets no call task; the skip is recorded', async () => {
    // Prepare
    const { caseId, request } = await openCaseAt({ dueAt: DUE_TODAY });
    await optOutOf(request.customer.id, 'CALL');

    // Act
    const outcome = await contact(caseId, 'OVERDUE_NOTICE', START + HOUR);

    // Assess
    expect(outcome.outcome).toBe('SENT');
    expect(await workItemsOf(caseId)).toEqual([]);
    expect(smsOf(aws, caseId)).toHaveLength(1);
    expect(ofType(await timelineOf(caseId, START + HOUR), 'CONTACT_SKIPPED')).toEqual([
      {
        at: iso(START + HOUR),
        type: 'CONTACT_SKIPPED',
        channel: 'CALL',
        detail: { stage: 'OVERDUE_NOTICE', reason: 'OPTED_OUT' },
      },
    ]);
  });

  test('a number that replied STOP (SNS opt-out list): no SMS, the customer is opted out of SMS for good', async () => {
    // Prepare
    const { caseId, request } = await openCaseAt({
      dueAt: DUE_TODAY,
      customer: {
        ...customerUS('customer-stop'),
        phone: '+8613811112222',
        timezone: 'Asia/Shanghai',
        country: 'CN',
      },
    });
    aws.sns.optOut(request.customer.phone);

    // Act
    const notice = await contact(caseId, 'OVERDUE_NOTICE', START);
    const reminder = await contact(caseId, 'FIRST_COLLECTION', START + 3 * DAY);

    // Assess
    expect([notice.outcome, reminder.outcome]).toEqual(['SENT', 'SENT']);
    const customer = await adapters.customers().get(request.customer.id);
    expect(customer?.optOuts).toEqual({ SMS: iso(START) });
    const timeline = await timelineOf(caseId, START + 3 * DAY);
    expect(ofType(timeline, 'CONTACT_SKIPPED').map((entry) => [entry.channel, entry.detail.reason])).toEqual([
      ['SMS', 'STOP_REPLY'],
      ['SMS', 'OPTED_OUT'],
    ]);
    expect(ofType(timeline, 'MESSAGE_SENT').map((entry) => entry.channel)).toEqual(['EMAIL']);
    expect(ofType(timeline, 'OPTED_OUT')).toEqual([
      { at: iso(START), type: 'OPTED_OUT', channel: 'SMS', detail: { channel: 'SMS', via: 'STOP_REPLY' } },
    ]);
    expect(await emailsOf(aws, caseId)).toHaveLength(1);
  });

  describe('SECOND_COLLECTION', () => {
    test('call tasks every 2 days through the 14-day wait; no field visit below 3,000.00', async () => {
      // Prepare: 1,299.64 outstanding
      const { caseId } = await openCaseAt();
      const at = START + 10 * DAY;

      // Act
      const outcome = await contact(caseId, 'SECOND_COLLECTION', at);

      // Assess
      expect(outcome).toEqual(sent(waitSeconds('SECOND_COLLECTION')));
      const items = await workItemsOf(caseId);
      expect(items.map((item) => [item.queue, item.dueAt])).toEqual(
        [0, 1, 2, 3, 4, 5, 6].map((slot) => ['CALLS', iso(at + slot * 2 * DAY)]),
      );
      expect(items.every((item) => item.status === 'OPEN' && item.stage === 'SECOND_COLLECTION')).toBe(true);
      expect(ofType(await timelineOf(caseId, at), 'WORK_ITEM_CREATED')).toHaveLength(7);
      const kinds = smsOf(aws, caseId).map((message) => message.attributes['collections.kind']);
      expect(kinds).toEqual(['SECOND_REMINDER']);
      expect(await emailsOf(aws, caseId)).toHaveLength(1);
    });

    test.each([
      ['exactly the threshold', threshold('fieldVisit'), ['VISITS']],
      ['one cent below it', threshold('fieldVisit') - 1, []],
    ])('with %s outstanding the field-visit task is %j', async (_label, amount, visits) => {
      const { caseId } = await openCaseAt({ dueAt: DUE_TODAY, amountDue: { amount, currency: 'CNY' } });

      await contact(caseId, 'SECOND_COLLECTION', START);

      const items = await workItemsOf(caseId);
      expect(items.filter((item) => item.queue !== 'CALLS').map((item) => item.queue)).toEqual(visits);
      expect(items.filter((item) => item.queue === 'CALLS')).toHaveLength(7);
    });
  });

  describe('CREDIT_PRE_NOTICE', () => {
    test('SMS and email naming the report date; the report status becomes PRE_NOTICE_SENT; no call task', async () => {
      const { caseId } = await openCaseAt();
      const at = START + 24 * DAY;

      const outcome = await contact(caseId, 'CREDIT_PRE_NOTICE', at);

      expect(outcome).toEqual(sent(waitSeconds('CREDIT_PRE_NOTICE')));
      expect(smsOf(aws, caseId)[0]?.message).toContain('2026年4月2日 10:00'); // at + 7 days, Shanghai
      expect(await emailsOf(aws, caseId)).toHaveLength(1);
      expect((await readCase(caseId, at)).body.creditReport).toEqual({ status: 'PRE_NOTICE_SENT' });
      expect((await storedCase(caseId)).creditReport.preNoticeAt).toBe(iso(at));
      expect(await workItemsOf(caseId)).toEqual([]);
    });

    test('the US profile waits 14 days before reporting', async () => {
      const { caseId } = await openCaseAt({
        amountDue: { amount: 50_000, currency: 'USD' },
        customer: customerUS('customer-us-pre'),
      });

      const outcome = await contact(caseId, 'CREDIT_PRE_NOTICE', Date.parse('2026-03-26T15:00:00Z')); // 11:00 EDT

      expect(outcome).toEqual(sent(waitSeconds('CREDIT_PRE_NOTICE', 'US')));
    });

    test('with SMS and email both opted out, the notice the law requires becomes a LETTERS task', async () => {
      // Prepare
      const { caseId, request } = await openCaseAt();
      await optOutOf(request.customer.id, 'SMS');
      await optOutOf(request.customer.id, 'EMAIL');
      const at = START + 24 * DAY;

      // Act
      const outcome = await contact(caseId, 'CREDIT_PRE_NOTICE', at);

      // Assess
      expect(outcome.outcome).toBe('SENT');
      expect(smsOf(aws, caseId)).toEqual([]);
      expect(await emailsOf(aws, caseId)).toEqual([]);
      expect(await workItemsOf(caseId)).toEqual([
        expect.objectContaining({
          workItemId: `${caseId}:LETTERS:CREDIT_PRE_NOTICE:0`,
          queue: 'LETTERS',
          status: 'OPEN',
          dueAt: iso(at),
        }),
      ]);
      const skipped = ofType(await timelineOf(caseId, at), 'CONTACT_SKIPPED');
      expect(skipped.map((entry) => `${entry.channel}:${entry.detail.reason}`).sort()).toEqual([
        'EMAIL:OPTED_OUT',
        'SMS:OPTED_OUT',
      ]);
    });

    test('with only SMS opted out the notice goes by email and no letter is needed', async () => {
      const { caseId, request } = await openCaseAt();
      await optOutOf(request.customer.id, 'SMS');

      await contact(caseId, 'CREDIT_PRE_NOTICE', START + 24 * DAY);

      expect(await emailsOf(aws, caseId)).toHaveLength(1);
      expect(await workItemsOf(caseId)).toEqual([]);
    });
  });

  test('a new stage cancels the earlier stages’ call tasks still OPEN; claimed calls, visits and letters stay', async () => {
    // Prepare: 4,000.00 due (a field visit at the second collection); SMS and email opted out (a
    // letter at the pre-notice); the first collection's call claimed by an agent
    const { caseId, request } = await openCaseAt({ amountDue: { amount: 400_000, currency: 'CNY' } });
    await optOutOf(request.customer.id, 'SMS');
    await optOutOf(request.customer.id, 'EMAIL');
    const item = (queue: string, stage: string, slot = 0) => `${caseId}:${queue}:${stage}:${slot}`;
    const statuses = async () =>
      Object.fromEntries((await workItemsOf(caseId)).map((each) => [each.workItemId, each.status]));
    await contact(caseId, 'OVERDUE_NOTICE', START);

    // Act and assess: the first collection replaces the notice's call
    await contact(caseId, 'FIRST_COLLECTION', START + 3 * DAY);
    expect(await statuses()).toEqual({
      [item('CALLS', 'OVERDUE_NOTICE')]: 'CANCELLED',
      [item('CALLS', 'FIRST_COLLECTION')]: 'OPEN',
    });
    const claimed = await post(
      claimWorkItem,
      '/work-items/{workItemId}/claim',
      { workItemId: item('CALLS', 'FIRST_COLLECTION') },
      { agent: 'agent-1' },
      START + 3 * DAY + HOUR,
    );
    expect(claimed.status).toBe(200);

    // Act and assess: the second collection leaves the claimed call (an agent may be on the phone)
    await contact(caseId, 'SECOND_COLLECTION', START + 10 * DAY);
    const second = await statuses();
    expect(second[item('CALLS', 'FIRST_COLLECTION')]).toBe('CLAIMED');
    expect(second[item('VISITS', 'SECOND_COLLECTION')]).toBe('OPEN');
    expect([0, 1, 2, 3, 4, 5, 6].map((slot) => second[item('CALLS', 'SECOND_COLLECTION', slot)])).toEqual(
      Array(7).fill('OPEN'),
    );

    // Act and assess: the pre-notice has no calls of its own, and ends the second collection's
    await contact(caseId, 'CREDIT_PRE_NOTICE', START + 24 * DAY);
    const preNotice = await statuses();
    expect(
      Object.entries(preNotice)
        .filter(([, status]) => status !== 'CANCELLED')
        .sort(),
    ).toEqual([
      [item('CALLS', 'FIRST_COLLECTION'), 'CLAIMED'],
      [item('LETTERS', 'CREDIT_PRE_NOTICE'), 'OPEN'],
      [item('VISITS', 'SECOND_COLLECTION'), 'OPEN'],
    ]);
    const cancelled = ofType(await timelineOf(caseId, START + 24 * DAY), 'WORK_ITEM_CANCELLED');
    expect(cancelled).toEqual([
      {
        at: iso(START + 3 * DAY),
        type: 'WORK_ITEM_CANCELLED',
        detail: { workItemId: item('CALLS', 'OVERDUE_NOTICE'), queue: 'CALLS', reason: 'SUPERSEDED' },
      },
      ...[0, 1, 2, 3, 4, 5, 6].map((slot) => ({
        at: iso(START + 24 * DAY),
        type: 'WORK_ITEM_CANCELLED',
        detail: {
          workItemId: item('CALLS', 'SECOND_COLLECTION', slot),
          queue: 'CALLS',
          reason: 'SUPERSEDED',
        },
      })),
    ]);

    // A retried step cancels nothing twice
    await contact(caseId, 'CREDIT_PRE_NOTICE', START + 24 * DAY);
    expect(ofType(await timelineOf(caseId, START + 24 * DAY), 'WORK_ITEM_CANCELLED')).toHaveLength(8);
  });

  describe('SOFT_REMINDERS (case due 2026-03-01: write-off day 2026-08-28)', () => {
    test('waits 30 days while more than 30 days are left', async () => {
      const { caseId } = await openCaseAt();

      const outcome = await contact(caseId, 'SOFT_REMINDERS', START);

      expect(outcome).toEqual(sent(waitSeconds('SOFT_REMINDERS')));
      expect(smsOf(aws, caseId)).toHaveLength(1);
      expect(smsOf(aws, caseId)[0]?.attributes['collections.kind']).toBe('SOFT_REMINDER');
      expect(await workItemsOf(caseId)).toEqual([]);
    });

    test('waits only until the write-off day when less than 30 days are left', async () => {
      const { caseId } = await openCaseAt();
      const at = Date.parse('2026-08-18T02:00:00Z'); // 9 days 22 hours before the write-off day

      const outcome = await contact(caseId, 'SOFT_REMINDERS', at);

      expect(outcome).toEqual(sent(9 * 86_400 + 22 * 3_600));
    });

    test.each([
      ['on the write-off day', '2026-08-28T00:00:00.000Z'],
      ['after the write-off day', '2026-09-10T02:00:00.000Z'],
    ])('%s the outcome is WRITE_OFF_DUE and nothing is sent', async (_label, at) => {
      const { caseId } = await openCaseAt();

      const outcome = await contact(caseId, 'SOFT_REMINDERS', Date.parse(at));

      expect(outcome).toEqual({ ...sent(1), outcome: 'WRITE_OFF_DUE' });
      expect(smsOf(aws, caseId)).toEqual([]);
      expect(ofType(await timelineOf(caseId), 'MESSAGE_SENT')).toEqual([]);
    });

    test('a case paid by the write-off day is SKIPPED as CASE_CLOSED, not due for write-off', async () => {
      const { caseId } = await openCaseAt();
      await payInFull(caseId, Date.parse('2026-08-27T02:00:00Z'));
      const at = Date.parse('2026-08-28T02:00:00Z');

      const outcome = await contact(caseId, 'SOFT_REMINDERS', at);

      expect(outcome.outcome).toBe('SKIPPED');
      expect(ofType(await timelineOf(caseId, at), 'CONTACT_SKIPPED')).toEqual([
        expect.objectContaining({ detail: { stage: 'SOFT_REMINDERS', reason: 'CASE_CLOSED' } }),
      ]);
      expect(smsOf(aws, caseId)).toEqual([]);
    });
  });
});

describe('await-resolution', () => {
  const wait = (caseId: string, token: string, awaiting: string, at: number, timeoutSeconds = 259_200) =>
    awaitResolution({ caseId, awaiting, token, at: iso(at), timeoutSeconds }, ctx());
  const execution = (caseId: string) =>
    aws.engine.describeExecution({ executionArn: executionArnOf(aws, caseId) });

  test('stores the token and what it waits for on the case; a full payment then completes the wait with PAID', async () => {
    // Prepare
    const { caseId, token } = await openWithToken();
    const at = START + HOUR;

    // Act
    await wait(caseId, token, 'LADDER', at);

    // Assess
    const stored = await storedCase(caseId);
    expect(stored.pendingResolution).toEqual({
      token,
      stage: 'OVERDUE_NOTICE',
      awaiting: 'LADDER',
      since: iso(at),
      until: iso(at + 3 * DAY),
    });
    expect(stored.nextActionAt).toBe(iso(at + 3 * DAY));
    expect(execution(caseId).status).toBe('RUNNING');
    await payInFull(caseId, START + 2 * HOUR);
    await aws.clock.whenQuiet();
    expect(execution(caseId)).toMatchObject({
      status: 'SUCCEEDED',
      output: JSON.stringify({ kind: 'PAID' }),
    });
  });

  test('a case paid before the workflow waits: the callback is completed at once with PAID', async () => {
    const { caseId, token } = await openWithToken();
    await payInFull(caseId, START + HOUR);

    await wait(caseId, token, 'LADDER', START + 2 * HOUR);
    await aws.clock.whenQuiet();

    expect(execution(caseId).status).toBe('SUCCEEDED');
    expect(JSON.parse(execution(caseId).output ?? 'null')).toEqual({ kind: 'PAID' });
    expect((await storedCase(caseId)).pendingResolution).toBeNull();
  });

  test('a promise made before the workflow waits for it does not end the wait for that promise', async () => {
    // Prepare: a promise is made before the workflow reaches its wait for it
    const { caseId, token } = await openWithToken();
    await promise(caseId, START + 5 * DAY, START + HOUR);

    // Act
    await wait(caseId, token, 'PROMISE', START + 2 * HOUR);
    await aws.clock.whenQuiet();

    // Assess: the promise wait goes on
    expect(execution(caseId).status).toBe('RUNNING');
    expect((await storedCase(caseId)).pendingResolution).toMatchObject({ token, awaiting: 'PROMISE' });
  });

  test('a plan agreed while the workflow waits for a promise completes that wait with PLAN', async () => {
    // Prepare
    const { caseId, token } = await openWithToken();
    await promise(caseId, START + 5 * DAY, START + HOUR);
    await wait(caseId, token, 'PROMISE', START + 2 * HOUR);
    const owed = (await readCase(caseId, START + 3 * HOUR)).body.outstanding.amount;

    // Act
    const reply = await post(
      agreePlan,
      '/cases/{caseId}/plans',
      { caseId },
      {
        type: 'INSTALLMENTS',
        installments: [
          { dueAt: iso(START + 10 * DAY), amount: { amount: owed - 50_000, currency: 'CNY' } },
          { dueAt: iso(START + 20 * DAY), amount: { amount: 50_000, currency: 'CNY' } },
        ],
      },
      START + 3 * HOUR,
    );
    await aws.clock.whenQuiet();

    // Assess
    expect(reply.status).toBe(200);
    expect(execution(caseId)).toMatchObject({
      status: 'SUCCEEDED',
      output: JSON.stringify({ kind: 'PLAN' }),
    });
  });

  test('an unknown case fails the step', async () => {
    await expect(wait('case-unknown', 't', 'LADDER', START, 60)).rejects.toThrow('case-unknown');
  });
});

describe('check-case', () => {
  test('answers the case’s news for the wait it was in, or NONE', async () => {
    // Prepare
    const quiet = await openCaseAt();
    const promised = await openCaseAt();
    await promise(promised.caseId, START + 5 * DAY, START + HOUR);
    const paid = await openCaseAt();
    await payInFull(paid.caseId, START + HOUR);

    // Act
    const answers = await Promise.all([
      checkCase({ caseId: quiet.caseId, awaiting: 'LADDER' }, ctx()),
      checkCase({ caseId: promised.caseId, awaiting: 'LADDER' }, ctx()),
      checkCase({ caseId: promised.caseId, awaiting: 'PROMISE' }, ctx()),
      checkCase({ caseId: paid.caseId, awaiting: 'LADDER' }, ctx()),
    ]);

    // Assess
    expect(answers).toEqual([{ kind: 'NONE' }, { kind: 'PROMISE' }, { kind: 'NONE' }, { kind: 'PAID' }]);
  });
});

describe('prepare-wait', () => {
  // The waits below are the default policy's days worked out by hand (grace 2, ruling 30, reminders
  // 7 and 14, outcome check 90) with the boundaries of the 330-day execution age: kept literal as examples.
  const prepare = (caseId: string, awaiting: string, at: number, executionStartedAt?: number) =>
    prepareWait(
      {
        caseId,
        awaiting,
        at: iso(at),
        ...(executionStartedAt === undefined ? {} : { executionStartedAt: iso(executionStartedAt) }),
      },
      ctx(),
    );
  const waiting = (waitSeconds: number, continueAsNew = false) => ({
    outcome: 'WAITING',
    waitSeconds,
    deferUntil: null,
    resumeStage: null,
    continueAsNew,
  });

  test('PROMISE: until the promised date plus 2 days of grace', async () => {
    const { caseId } = await openCaseAt();
    await promise(caseId, START + 5 * DAY, START + HOUR);

    const outcome = await prepare(caseId, 'PROMISE', START + 2 * HOUR);

    expect(outcome).toEqual(waiting((7 * DAY - 2 * HOUR) / 1000));
  });

  test('PLAN: until the first unpaid instalment plus grace; after it is paid, until the next one', async () => {
    // Prepare
    const { caseId } = await openCaseAt();
    const at = START + HOUR;
    const owed = (await readCase(caseId, at)).body.outstanding.amount;
    await post(
      agreePlan,
      '/cases/{caseId}/plans',
      { caseId },
      {
        type: 'INSTALLMENTS',
        installments: [
          { dueAt: iso(START + 5 * DAY), amount: { amount: 60_000, currency: 'CNY' } },
          { dueAt: iso(START + 12 * DAY), amount: { amount: owed - 60_000, currency: 'CNY' } },
        ],
      },
      at,
    );

    // Act
    const first = await prepare(caseId, 'PLAN', START + 2 * HOUR);
    await pay(
      caseId,
      { paymentId: 'plan-1', amount: { amount: 60_000, currency: 'CNY' }, paidAt: iso(START + 4 * DAY) },
      START + 4 * DAY,
    );
    const second = await prepare(caseId, 'PLAN', START + 7 * DAY);

    // Assess
    expect(first).toEqual(waiting((7 * DAY - 2 * HOUR) / 1000));
    expect(second).toEqual(waiting(7 * 86_400));
  });

  test('DISPUTE: until the ruling is due, then every 7 days once it is overdue', async () => {
    const { caseId } = await openCaseAt();
    await dispute(caseId, START + HOUR);

    const beforeDue = await prepare(caseId, 'DISPUTE', START + 2 * HOUR);
    const overdue = await prepare(caseId, 'DISPUTE', START + 31 * DAY);

    expect(beforeDue).toEqual(waiting((30 * DAY - HOUR) / 1000));
    expect(overdue).toEqual(waiting(7 * 86_400));
  });

  test('LEGAL_REVIEW: a reminder every 14 days', async () => {
    const { caseId } = await openCaseAt();

    expect(await prepare(caseId, 'LEGAL_REVIEW', START)).toEqual(waiting(14 * 86_400));
  });

  test('LEGAL_REVIEW and an overdue DISPUTE repeat without end: they too continue as a new execution past 330 days of age', async () => {
    const { caseId } = await openCaseAt();
    await dispute(caseId, START - 40 * DAY);

    const reviewYoung = await prepare(caseId, 'LEGAL_REVIEW', START, START - 316 * DAY);
    const reviewOld = await prepare(caseId, 'LEGAL_REVIEW', START, START - 317 * DAY);
    const holdYoung = await prepare(caseId, 'DISPUTE', START, START - 323 * DAY);
    const holdOld = await prepare(caseId, 'DISPUTE', START, START - 324 * DAY);

    expect(reviewYoung).toEqual(waiting(14 * 86_400, false));
    expect(reviewOld).toEqual(waiting(14 * 86_400, true));
    expect(holdYoung).toEqual(waiting(7 * 86_400, false));
    expect(holdOld).toEqual(waiting(7 * 86_400, true));
  });

  test('LEGAL_OUTCOME: 90 days; continue as a new execution when that would pass 330 days of age', async () => {
    const { caseId } = await openCaseAt();

    const young = await prepare(caseId, 'LEGAL_OUTCOME', START, START - 200 * DAY);
    const old = await prepare(caseId, 'LEGAL_OUTCOME', START, START - 241 * DAY);

    expect(young).toEqual(waiting(90 * 86_400, false));
    expect(old).toEqual(waiting(90 * 86_400, true));
  });
});

describe('check-arrangement', () => {
  const check = (caseId: string, arrangement: 'PROMISE' | 'PLAN', at: number) =>
    checkArrangement({ caseId, arrangement, at: iso(at) }, ctx());

  async function onPlan(caseId: string, at: number) {
    const owed = (await readCase(caseId, at)).body.outstanding.amount;
    const reply = await post(
      agreePlan,
      '/cases/{caseId}/plans',
      { caseId },
      {
        type: 'INSTALLMENTS',
        installments: [
          { dueAt: iso(START + 5 * DAY), amount: { amount: 60_000, currency: 'CNY' } },
          { dueAt: iso(START + 12 * DAY), amount: { amount: owed - 60_000, currency: 'CNY' } },
        ],
      },
      at,
    );
    if (reply.status !== 200) throw new Error(`plan refused: ${JSON.stringify(reply.body)}`);
  }

  test('a promise not kept by the end of its grace is BROKEN: OPEN again, fees accrue, recorded', async () => {
    // Prepare
    const { caseId } = await openCaseAt();
    await contact(caseId, 'OVERDUE_NOTICE', START);
    await promise(caseId, START + 5 * DAY, START + HOUR);
    const at = START + 7 * DAY + HOUR;

    // Act
    const result = await check(caseId, 'PROMISE', at);

    // Assess
    expect(result).toEqual({ kind: 'BROKEN' });
    const { body } = await readCase(caseId, at);
    expect(body).toMatchObject({ status: 'OPEN', promise: null });
    expect(body.fees.amount).toBe(Math.floor((129_900 * 5 * 8) / 10_000)); // 8 whole days
    expect(ofType(body.timeline, 'PROMISE_BROKEN')).toEqual([
      { at: iso(at), type: 'PROMISE_BROKEN', detail: { resumesAt: 'OVERDUE_NOTICE' } },
    ]);
  });

  test('a promise kept (paid in full) answers PAID and records nothing broken', async () => {
    const { caseId } = await openCaseAt();
    await promise(caseId, START + 5 * DAY, START + HOUR);
    await payInFull(caseId, START + 4 * DAY);

    const result = await check(caseId, 'PROMISE', START + 7 * DAY);

    expect(result).toEqual({ kind: 'PAID' });
    expect(typesOf(await timelineOf(caseId))).not.toContain('PROMISE_BROKEN');
  });

  test('an instalment paid on time is KEPT: the plan goes on', async () => {
    // Prepare
    const { caseId } = await openCaseAt();
    await onPlan(caseId, START + HOUR);
    await pay(
      caseId,
      { paymentId: 'inst-1', amount: { amount: 60_000, currency: 'CNY' }, paidAt: iso(START + 5 * DAY) },
      START + 5 * DAY,
    );
    const at = START + 7 * DAY;

    // Act
    const result = await check(caseId, 'PLAN', at);

    // Assess
    expect(result).toEqual({ kind: 'KEPT' });
    const { body } = await readCase(caseId, at);
    expect(body.status).toBe('ON_PLAN');
    expect(ofType(body.timeline, 'INSTALLMENT_KEPT')).toEqual([
      { at: iso(at), type: 'INSTALLMENT_KEPT', detail: { paid: 60_000 } },
    ]);
  });

  test('an instalment missed past its grace is BROKEN: OPEN again, the plan dropped, recorded', async () => {
    const { caseId } = await openCaseAt();
    await onPlan(caseId, START + HOUR);
    const at = START + 7 * DAY;

    const result = await check(caseId, 'PLAN', at);

    expect(result).toEqual({ kind: 'BROKEN' });
    const { body } = await readCase(caseId, at);
    expect(body).toMatchObject({ status: 'OPEN', plan: null });
    expect(ofType(body.timeline, 'PLAN_BROKEN')).toEqual([
      { at: iso(at), type: 'PLAN_BROKEN', detail: { resumesAt: 'OVERDUE_NOTICE' } },
    ]);
  });
});

describe('resume-ladder', () => {
  test('a broken promise resumes the stage with what was left of its wait when the promise was made', async () => {
    // Prepare: the notice's 3-day wait had 2 days left when the promise came
    const { caseId } = await openCaseAt();
    await contact(caseId, 'OVERDUE_NOTICE', START);
    await promise(caseId, START + 4 * DAY, START + DAY);
    await checkArrangement({ caseId, arrangement: 'PROMISE', at: iso(START + 6 * DAY) }, ctx());
    const at = START + 6 * DAY + 1_000;

    // Act
    const outcome = await resumeLadder({ caseId, at: iso(at) }, ctx());

    // Assess
    expect(outcome).toEqual({
      outcome: 'RESUMED',
      waitSeconds: 2 * 86_400,
      deferUntil: null,
      resumeStage: 'OVERDUE_NOTICE',
      continueAsNew: false,
    });
    expect((await storedCase(caseId)).ladder).toMatchObject({
      stage: 'OVERDUE_NOTICE',
      waitUntil: iso(at + 2 * DAY),
      pausedRemainingSeconds: null,
    });
    expect(ofType(await timelineOf(caseId, at), 'LADDER_RESUMED')).toEqual([
      { at: iso(at), type: 'LADDER_RESUMED', detail: { stage: 'OVERDUE_NOTICE', remainingSeconds: 172_800 } },
    ]);
  });

  test('a rejected dispute resumes with the remaining wait too', async () => {
    const { caseId } = await openCaseAt();
    await contact(caseId, 'FIRST_COLLECTION', START);
    await dispute(caseId, START + 5 * DAY);
    await rule(caseId, 'REJECTED', START + 20 * DAY);

    const outcome = await resumeLadder({ caseId, at: iso(START + 20 * DAY) }, ctx());

    expect(outcome).toMatchObject({
      outcome: 'RESUMED',
      waitSeconds: 2 * 86_400,
      resumeStage: 'FIRST_COLLECTION',
    });
  });

  test('no wait left: the next stage runs at once (after one second)', async () => {
    const { caseId } = await openCaseAt(); // the notice's wait was never started
    await promise(caseId, START + 4 * DAY, START + HOUR);
    await checkArrangement({ caseId, arrangement: 'PROMISE', at: iso(START + 6 * DAY) }, ctx());

    const outcome = await resumeLadder({ caseId, at: iso(START + 6 * DAY) }, ctx());

    expect(outcome).toMatchObject({ outcome: 'RESUMED', waitSeconds: 1, resumeStage: 'OVERDUE_NOTICE' });
  });
});

describe('report-to-bureau', () => {
  const report = (caseId: string, at: number) => reportToBureau({ caseId, at: iso(at) }, ctx());
  const at = START + 31 * DAY;

  test('files the debt at the bureau once; the case is REPORTED at CREDIT_REPORTED', async () => {
    // Prepare
    const { caseId, request } = await openCaseAt();

    // Act
    const first = await report(caseId, at);
    const retried = await report(caseId, at);

    // Assess: DONE both times (a Lambda retry of the same step, same `at`, is announced like the first)
    expect(first).toEqual({
      outcome: 'DONE',
      detail: expect.objectContaining({ caseId, status: 'OPEN', stage: 'CREDIT_REPORTED' }),
    });
    expect(retried).toEqual({
      outcome: 'DONE',
      detail: expect.objectContaining({ stage: 'CREDIT_REPORTED' }),
    });
    const filed = aws.bureau.report(caseId);
    expect(filed).toMatchObject({ status: 'REPORTED', outUserId: request.customer.id, currency: 'CNY' });
    expect(bureauCalls(caseId).map((call) => call.method)).toEqual([ZHIMA.report]);
    const { body } = await readCase(caseId, at);
    expect(body).toMatchObject({ stage: 'CREDIT_REPORTED', creditReport: { status: 'REPORTED' } });
    expect((await storedCase(caseId)).creditReport).toMatchObject({
      reference: filed?.reference,
      reportedAt: iso(at),
    });
    expect(ofType(body.timeline, 'CREDIT_REPORT_FILED')).toEqual([
      expect.objectContaining({
        at: iso(at),
        detail: expect.objectContaining({ reference: filed?.reference }),
      }),
    ]);
    expect(ofType(body.timeline, 'CREDIT_REPORT_REFUSED')).toEqual([]);
  });

  test('a report filed by an earlier step is ALREADY (not announced again): the bureau is not called, nothing recorded', async () => {
    // Prepare: filed at the first report step; the ladder comes back to the step after a broken promise
    const { caseId } = await openCaseAt();
    await report(caseId, at);
    const stored = await storedCase(caseId);
    const timeline = await timelineOf(caseId, at + 10 * DAY);

    // Act
    const again = await report(caseId, at + 10 * DAY);

    // Assess
    expect(again).toEqual({
      outcome: 'ALREADY',
      detail: expect.objectContaining({ caseId, status: 'OPEN', stage: 'CREDIT_REPORTED' }),
    });
    expect(bureauCalls(caseId).map((call) => call.method)).toEqual([ZHIMA.report]);
    expect((await storedCase(caseId)).creditReport).toEqual(stored.creditReport);
    expect(stored.creditReport.reportedAt).toBe(iso(at));
    expect(await timelineOf(caseId, at + 10 * DAY)).toEqual(timeline);
    expect(ofType(timeline, 'CREDIT_REPORT_FILED')).toHaveLength(1);
  });

  test('a case that is no longer OPEN is SKIPPED and nothing is filed', async () => {
    const { caseId } = await openCaseAt();
    await payInFull(caseId, START + HOUR);

    const result = await report(caseId, at);

    expect(result).toEqual({ outcome: 'SKIPPED', detail: expect.objectContaining({ status: 'RESOLVED' }) });
    expect(bureauCalls(caseId)).toEqual([]);
    expect((await readCase(caseId)).body.creditReport).toEqual({ status: 'NONE' });
  });

  test('a customer record that is gone (erased) is REFUSED: nothing filed, the refusal recorded, no throw', async () => {
    // Prepare
    const { caseId, request } = await openCaseAt();
    await eraseCustomer(request.customer.id);

    // Act
    const result = await report(caseId, at);

    // Assess
    expect(result).toEqual({
      outcome: 'REFUSED',
      detail: expect.objectContaining({ caseId, status: 'OPEN', stage: 'OVERDUE_NOTICE' }),
    });
    expect(bureauCalls(caseId)).toEqual([]);
    expect(await storedCase(caseId)).toMatchObject({
      stage: 'OVERDUE_NOTICE',
      creditReport: { status: 'NONE', reference: null, reportedAt: null },
    });
    const timeline = await timelineOf(caseId, at);
    expect(ofType(timeline, 'CREDIT_REPORT_REFUSED')).toEqual([
      { at: iso(at), type: 'CREDIT_REPORT_REFUSED', detail: { error: 'CreditSubjectMissingError' } },
    ]);
    expect(ofType(timeline, 'CREDIT_REPORT_FILED')).toEqual([]);
  });

  test('an answer the bureau did not sign is REFUSED (CreditBureauSignatureError); a retry after it files normally', async () => {
    // Prepare
    const { caseId } = await openCaseAt();

    // Act
    const refused = await whileBureauAnswers(UNSIGNED_REPORT_ANSWER, () => report(caseId, at));
    const later = await report(caseId, at + DAY);

    // Assess: the forged reference was not taken; the refusal is on the timeline once
    expect(refused).toMatchObject({ outcome: 'REFUSED', detail: { status: 'OPEN' } });
    expect(later.outcome).toBe('DONE');
    const stored = await storedCase(caseId);
    expect(stored.creditReport.reference).toBe(aws.bureau.report(caseId)?.reference);
    expect(stored.creditReport.reference).not.toBe('ZM-UNSIGNED');
    const timeline = await timelineOf(caseId, at + DAY);
    expect(ofType(timeline, 'CREDIT_REPORT_REFUSED')).toEqual([
      { at: iso(at), type: 'CREDIT_REPORT_REFUSED', detail: { error: 'CreditBureauSignatureError' } },
    ]);
    expect(ofType(timeline, 'CREDIT_REPORT_FILED')).toHaveLength(1);
  });

  test('missing bureau configuration is REFUSED (CreditBureauNotConfiguredError), not retried as an outage', async () => {
    // Prepare: a fresh container (the bureau client is read once per container) without the endpoint
    const { caseId } = await openCaseAt();
    const endpoint = process.env[CREDIT_BUREAU_ENV.endpoint];
    delete process.env[CREDIT_BUREAU_ENV.endpoint];

    // Act
    let result: unknown;
    try {
      await jest.isolateModulesAsync(async () => {
        const fresh: {
          handler: typeof reportToBureau;
        } = require('../../lambdas/handlers/workflow/report-to-bureau');
        result = await fresh.handler({ caseId, at: iso(at) }, ctx());
      });
    } finally {
      process.env[CREDIT_BUREAU_ENV.endpoint] = endpoint;
    }

    // Assess
    expect(result).toMatchObject({ outcome: 'REFUSED', detail: { caseId, status: 'OPEN' } });
    expect(bureauCalls(caseId)).toEqual([]);
    expect((await storedCase(caseId)).creditReport.status).toBe('NONE');
    expect(ofType(await timelineOf(caseId, at), 'CREDIT_REPORT_REFUSED')).toEqual([
      { at: iso(at), type: 'CREDIT_REPORT_REFUSED', detail: { error: 'CreditBureauNotConfiguredError' } },
    ]);
  });

  test('a bureau outage throws CreditBureauUnavailableError (the workflow retries): nothing recorded', async () => {
    // Prepare
    const { caseId } = await openCaseAt();

    // Act
    const failure = whileBureauAnswers(BUREAU_DOWN, () => report(caseId, at));

    // Assess
    await expect(failure).rejects.toThrow(CreditBureauUnavailableError);
    expect((await storedCase(caseId)).creditReport).toMatchObject({ status: 'NONE', reference: null });
    const types = typesOf(await timelineOf(caseId, at));
    expect(types).not.toContain('CREDIT_REPORT_FILED');
    expect(types).not.toContain('CREDIT_REPORT_REFUSED');
    // and the workflow's retry once the bureau is back files it
    expect((await report(caseId, at + HOUR)).outcome).toBe('DONE');
    expect(aws.bureau.report(caseId)?.status).toBe('REPORTED');
  });
});

describe('restrict-account', () => {
  const restrict = (caseId: string, at: number) => restrictAccount({ caseId, at: iso(at) }, ctx());

  test('restricts once: DONE, then ALREADY (announced once), recorded once', async () => {
    const { caseId } = await openCaseAt();

    const first = await restrict(caseId, START + 31 * DAY);
    const again = await restrict(caseId, START + 32 * DAY);

    expect(first).toEqual({
      outcome: 'DONE',
      detail: expect.objectContaining({ caseId, status: 'OPEN', stage: 'CREDIT_REPORTED' }),
      legalReview: false,
    });
    expect(again).toEqual({
      outcome: 'ALREADY',
      detail: expect.objectContaining({ caseId, status: 'OPEN' }),
      legalReview: false,
    });
    const { body } = await readCase(caseId);
    expect(body.accountRestricted).toBe(true);
    expect(ofType(body.timeline, 'ACCOUNT_RESTRICTED')).toEqual([
      { at: iso(START + 31 * DAY), type: 'ACCOUNT_RESTRICTED', detail: {} },
    ]);
  });

  test.each([
    ['exactly the threshold', threshold('legalReview'), true],
    ['one cent below it', threshold('legalReview') - 1, false],
  ])(
    'with %s outstanding (%i), legalReview is %s on DONE and on ALREADY',
    async (_label, amount, legalReview) => {
      const { caseId } = await openCaseAt({ dueAt: DUE_TODAY, amountDue: { amount, currency: 'CNY' } });

      const first = await restrict(caseId, START);
      const again = await restrict(caseId, START + HOUR);

      expect(first).toMatchObject({ outcome: 'DONE', legalReview });
      expect(again).toMatchObject({ outcome: 'ALREADY', legalReview });
    },
  );

  test('late fees count toward the legal-review threshold', async () => {
    // Prepare: 10.00 below the threshold due; a month of fees takes it past the threshold
    const { caseId } = await openCaseAt({
      amountDue: { amount: threshold('legalReview') - 1_000, currency: 'CNY' },
    });
    const at = START + 31 * DAY;
    const outstanding = (await readCase(caseId, at)).body.outstanding.amount;

    // Act
    const result = await restrict(caseId, at);

    // Assess
    expect(outstanding).toBeGreaterThanOrEqual(threshold('legalReview'));
    expect(result).toMatchObject({ outcome: 'DONE', legalReview: true });
  });

  test.each<[string, (caseId: string) => Promise<unknown>, number]>([
    ['DISPUTED', (caseId) => dispute(caseId, START + HOUR), START + 2 * HOUR],
    ['PROMISED', (caseId) => promise(caseId, START + 5 * DAY, START + HOUR), START + 2 * HOUR],
    [
      'ON_PLAN',
      async (caseId) => {
        const owed = (await readCase(caseId, START + HOUR)).body.outstanding.amount;
        return post(
          agreePlan,
          '/cases/{caseId}/plans',
          { caseId },
          {
            type: 'INSTALLMENTS',
            installments: [
              { dueAt: iso(START + 10 * DAY), amount: { amount: owed - 50_000, currency: 'CNY' } },
              { dueAt: iso(START + 20 * DAY), amount: { amount: 50_000, currency: 'CNY' } },
            ],
          },
          START + HOUR,
        );
      },
      START + 2 * HOUR,
    ],
    [
      'LEGAL',
      async (caseId) => {
        await openLegalReview({ caseId, at: iso(START + 31 * DAY) }, ctx());
        return post(
          decideLegalReview,
          '/cases/{caseId}/legal-review',
          { caseId },
          { decision: 'APPROVE', reviewer: 'counsel-1' },
          START + 32 * DAY,
        );
      },
      START + 33 * DAY,
    ],
  ])(
    'a %s case is SKIPPED (the workflow checks what happened): not restricted, nothing recorded; legalReview as the threshold says',
    async (status, arrange, at) => {
      // Prepare: 6,000.00 due, above the legal threshold
      const { caseId } = await openCaseAt({ amountDue: { amount: 600_000, currency: 'CNY' } });
      await arrange(caseId);
      expect((await storedCase(caseId)).status).toBe(status);

      // Act
      const result = await restrict(caseId, at);

      // Assess
      expect(result).toEqual({
        outcome: 'SKIPPED',
        detail: expect.objectContaining({ caseId, status }),
        legalReview: true,
      });
      expect((await storedCase(caseId)).accountRestricted).toBe(false);
      expect(ofType(await timelineOf(caseId, at), 'ACCOUNT_RESTRICTED')).toEqual([]);
    },
  );

  test('a closed case is SKIPPED: not restricted, nothing recorded, no legal review', async () => {
    const { caseId } = await openCaseAt({ amountDue: { amount: 600_000, currency: 'CNY' } });
    await payInFull(caseId, START + HOUR);

    const result = await restrict(caseId, START + 31 * DAY);

    expect(result).toEqual({
      outcome: 'SKIPPED',
      detail: expect.objectContaining({ status: 'RESOLVED' }),
      legalReview: false,
    });
    const { body } = await readCase(caseId);
    expect(body.accountRestricted).toBe(false);
    expect(ofType(body.timeline, 'ACCOUNT_RESTRICTED')).toEqual([]);
  });
});

describe('open-legal-review', () => {
  test('creates a LEGAL_REVIEW task and moves the case to LEGAL_REVIEW, once', async () => {
    const { caseId } = await openCaseAt();
    const at = START + 31 * DAY;

    const result = await openLegalReview({ caseId, at: iso(at) }, ctx());
    await openLegalReview({ caseId, at: iso(at) }, ctx());

    expect(result).toMatchObject({ outcome: 'DONE', detail: { stage: 'LEGAL_REVIEW', status: 'OPEN' } });
    const itemId = `${caseId}:LEGAL_REVIEW:LEGAL_REVIEW:0`;
    expect(await workItemsOf(caseId)).toEqual([
      expect.objectContaining({ workItemId: itemId, queue: 'LEGAL_REVIEW', status: 'OPEN', dueAt: iso(at) }),
    ]);
    expect((await storedCase(caseId)).legal.reviewWorkItemId).toBe(itemId);
    expect(ofType(await timelineOf(caseId), 'LEGAL_REVIEW_OPENED')).toEqual([
      { at: iso(at), type: 'LEGAL_REVIEW_OPENED', detail: { workItemId: itemId } },
    ]);
  });

  test('a case that is no longer OPEN gets no review', async () => {
    const { caseId } = await openCaseAt();
    await payInFull(caseId, START + HOUR);

    const result = await openLegalReview({ caseId, at: iso(START + 31 * DAY) }, ctx());

    expect(result.outcome).toBe('SKIPPED');
    expect(await workItemsOf(caseId)).toEqual([]);
  });
});

describe('start-legal-action', () => {
  async function approvedCase() {
    const opened = await openCaseAt({ amountDue: { amount: 600_000, currency: 'CNY' } });
    await contact(opened.caseId, 'OVERDUE_NOTICE', START);
    await openLegalReview({ caseId: opened.caseId, at: iso(START + 31 * DAY) }, ctx());
    const reply = await post(
      decideLegalReview,
      '/cases/{caseId}/legal-review',
      { caseId: opened.caseId },
      { decision: 'APPROVE', reviewer: 'counsel-1' },
      START + 32 * DAY,
    );
    if (reply.status !== 200) throw new Error(`approval refused: ${JSON.stringify(reply.body)}`);
    return opened;
  }

  test('the demand letter (its own step, first) by email, then the referral with its evidence bundle on the legal topic, once', async () => {
    // Prepare
    const { caseId, request } = await approvedCase();
    const at = START + 32 * DAY + HOUR;
    const referralsBefore = legalReferrals().length;

    // Act
    await sendCaseMessage({ caseId, message: 'DEMAND_LETTER', at: iso(at) }, ctx());
    const result = await startLegalAction({ caseId, at: iso(at) }, ctx());
    await startLegalAction({ caseId, at: iso(at) }, ctx());

    // Assess: the step's result and the case
    expect(result).toMatchObject({ outcome: 'DONE', detail: { status: 'LEGAL', stage: 'LEGAL_ACTION' } });
    expect((await readCase(caseId, at)).body).toMatchObject({ status: 'LEGAL', stage: 'LEGAL_ACTION' });
    // the demand letter: one email, with its opt-out link; no SMS
    const letters = (await emailsOf(aws, caseId)).filter(
      (email) => emailHeader(email, 'X-Collections-Kind') === 'DEMAND_LETTER',
    );
    expect(letters).toHaveLength(1);
    expect(letters[0]?.destination.to).toEqual([request.customer.email]);
    expect(optOutTokenIn(letters[0]?.body.text ?? '')).toBeDefined();
    expect(smsOf(aws, caseId).map((sms) => sms.attributes['collections.kind'])).toEqual(['OVERDUE_NOTICE']);
    // the referral: one message on the legal topic with the evidence the law firm needs
    const referrals = legalReferrals().slice(referralsBefore);
    expect(referrals).toHaveLength(1);
    const bundle = JSON.parse(referrals[0]?.message ?? '{}');
    expect(bundle).toMatchObject({
      kind: 'LEGAL_REFERRAL',
      caseId,
      rentalId: request.rentalId,
      contract: { device: request.device, amountDue: { amount: 600_000, currency: 'CNY' } },
      debtor: { customerId: request.customer.id, name: request.customer.name },
      review: { reviewer: 'counsel-1' },
      at: iso(at),
    });
    expect(bundle.amounts.outstanding.amount).toBe(bundle.amounts.fees.amount + 600_000);
    expect(bundle.contacts).toEqual(
      expect.arrayContaining([
        expect.objectContaining({ type: 'MESSAGE_SENT', channel: 'SMS', kind: 'OVERDUE_NOTICE' }),
        expect.objectContaining({ type: 'MESSAGE_SENT', channel: 'EMAIL', kind: 'OVERDUE_NOTICE' }),
        // the law firm sees the formal demand went out
        expect.objectContaining({ type: 'MESSAGE_SENT', channel: 'EMAIL', kind: 'DEMAND_LETTER' }),
      ]),
    );
    expect(ofType(await timelineOf(caseId, at), 'LEGAL_ACTION_STARTED')).toHaveLength(1);
  });

  test('a case that is not LEGAL is SKIPPED: no letter, no referral', async () => {
    const { caseId } = await openCaseAt();
    const referralsBefore = legalReferrals().length;

    const result = await startLegalAction({ caseId, at: iso(START + 40 * DAY) }, ctx());

    expect(result.outcome).toBe('SKIPPED');
    expect(await emailsOf(aws, caseId)).toEqual([]);
    expect(legalReferrals()).toHaveLength(referralsBefore);
    expect((await readCase(caseId)).body.stage).toBe('OVERDUE_NOTICE');
  });
});

describe('update-credit-report', () => {
  const update = (caseId: string, action: CreditReportAction, at: number) =>
    updateCreditReport({ caseId, action, at: iso(at) }, ctx());
  const REPORTED_AT = START + 31 * DAY;
  const DISPUTED_AT = START + 32 * DAY;
  const RULED_AT = START + 40 * DAY;

  /** An OPEN case whose debt is filed at the bureau. */
  async function reportedCase() {
    const opened = await openCaseAt();
    const filed = await reportToBureau({ caseId: opened.caseId, at: iso(REPORTED_AT) }, ctx());
    if (filed.outcome !== 'DONE') throw new Error(`report not filed: ${JSON.stringify(filed)}`);
    return opened;
  }

  /** A reported case under an open dispute, its report flagged at the bureau. */
  async function flaggedCase() {
    const opened = await reportedCase();
    await dispute(opened.caseId, DISPUTED_AT);
    const flagged = await update(opened.caseId, 'FLAG', DISPUTED_AT);
    if (flagged.outcome !== 'DONE') throw new Error(`report not flagged: ${JSON.stringify(flagged)}`);
    return opened;
  }

  const bureauEvents = (caseId: string) => aws.bureau.report(caseId)?.history.map((change) => change.event);
  const creditEntries = async (caseId: string, at: number) =>
    (await timelineOf(caseId, at)).filter((entry) => entry.type.startsWith('CREDIT_REPORT_'));

  describe('SETTLE', () => {
    test('after a full payment: SETTLED at the bureau, its history kept; a retry is SKIPPED and calls nothing', async () => {
      // Prepare
      const { caseId } = await reportedCase();
      const paidAt = START + 33 * DAY;
      await payInFull(caseId, paidAt);
      await closeCase({ caseId, at: iso(paidAt + 1_000) }, ctx());
      const reference = (await storedCase(caseId)).creditReport.reference;

      // Act
      const settled = await update(caseId, 'SETTLE', paidAt + 2_000);
      const retried = await update(caseId, 'SETTLE', paidAt + HOUR);

      // Assess: what the workflow is told
      expect(settled).toEqual({
        outcome: 'DONE',
        changed: true,
        detail: expect.objectContaining({ caseId, status: 'RESOLVED', at: iso(paidAt + 2_000) }),
      });
      expect(retried).toEqual({
        outcome: 'SKIPPED',
        changed: false,
        detail: expect.objectContaining({ caseId, status: 'RESOLVED' }),
      });
      // the bureau: one settle call; the report SETTLED with the REPORTED entry still in its history
      expect(bureauCalls(caseId).map((call) => call.method)).toEqual([ZHIMA.report, ZHIMA.settle]);
      expect(aws.bureau.report(caseId)).toMatchObject({ status: 'SETTLED', reference, disputed: false });
      expect(aws.bureau.report(caseId)?.history).toEqual([
        expect.objectContaining({ event: 'REPORTED', bizTime: '2026-04-02 10:00:00' }), // REPORTED_AT in Beijing
        expect.objectContaining({ event: 'SETTLED', bizTime: '2026-04-04 10:00:02', detail: 'PAID' }),
      ]);
      // the case: SETTLED, recorded once at the closing instant
      expect((await readCase(caseId, paidAt)).body.creditReport).toEqual({ status: 'SETTLED' });
      expect(await creditEntries(caseId, paidAt)).toEqual([
        expect.objectContaining({ type: 'CREDIT_REPORT_FILED' }),
        { at: iso(paidAt), type: 'CREDIT_REPORT_SETTLED', detail: { reference } },
      ]);
    });

    test('the same step retried after it updated the case (same `at`) answers DONE again, calling nothing', async () => {
      // Prepare: a Lambda that settled the report and updated the case, then died before answering
      const { caseId } = await reportedCase();
      const paidAt = START + 33 * DAY;
      await payInFull(caseId, paidAt);
      await closeCase({ caseId, at: iso(paidAt + 1_000) }, ctx());
      const first = await update(caseId, 'SETTLE', paidAt + 2_000);

      // Act: the workflow's retry of that step (same state entered time)
      const retried = await update(caseId, 'SETTLE', paidAt + 2_000);

      // Assess: the workflow still learns the report changed (so it announces it), once at the bureau
      expect(first).toMatchObject({ outcome: 'DONE', changed: true });
      expect(retried).toMatchObject({ outcome: 'DONE', changed: true });
      expect(bureauCalls(caseId).map((call) => call.method)).toEqual([ZHIMA.report, ZHIMA.settle]);
      expect((await creditEntries(caseId, paidAt)).map((entry) => entry.type)).toEqual([
        'CREDIT_REPORT_FILED',
        'CREDIT_REPORT_SETTLED',
      ]);
    });

    test('paid while a dispute flag is on: the flag is lifted at the bureau, then the report settled', async () => {
      // Prepare
      const { caseId } = await flaggedCase();
      const paidAt = START + 34 * DAY;
      await payInFull(caseId, paidAt);
      await closeCase({ caseId, at: iso(paidAt + 1_000) }, ctx());

      // Act
      const settled = await update(caseId, 'SETTLE', paidAt + 2_000);

      // Assess
      expect(settled).toMatchObject({ outcome: 'DONE', changed: true });
      expect(bureauCalls(caseId).map((call) => call.method)).toEqual([
        ZHIMA.report,
        ZHIMA.flagDispute,
        ZHIMA.flagDispute,
        ZHIMA.settle,
      ]);
      expect(aws.bureau.report(caseId)).toMatchObject({ status: 'SETTLED', disputed: false });
      expect(bureauEvents(caseId)).toEqual(['REPORTED', 'DISPUTE_FLAGGED', 'DISPUTE_LIFTED', 'SETTLED']);
      expect((await storedCase(caseId)).creditReport).toMatchObject({
        status: 'SETTLED',
        statusBeforeDispute: null,
      });
    });

    test('after a return the report is settled as RETURNED', async () => {
      const { caseId } = await reportedCase();
      const returnedAt = START + 33 * DAY;
      const reply = await post(
        recordReturn,
        '/cases/{caseId}/returns',
        { caseId },
        { returnedAt: iso(returnedAt), condition: 'GOOD' },
        returnedAt,
      );
      expect(reply.body).toMatchObject({ status: 'RESOLVED', resolution: 'RETURNED' });

      const result = await update(caseId, 'SETTLE', returnedAt + HOUR);

      expect(result).toMatchObject({ outcome: 'DONE', changed: true });
      expect(aws.bureau.report(caseId)?.history.at(-1)).toMatchObject({
        event: 'SETTLED',
        detail: 'RETURNED',
      });
      expect(ofType(await timelineOf(caseId, returnedAt), 'CREDIT_REPORT_SETTLED')).toHaveLength(1);
    });

    test.each([
      [
        'nothing was filed',
        async () => {
          const { caseId } = await openCaseAt();
          await payInFull(caseId, START + HOUR);
          return caseId;
        },
        'NONE',
      ],
      ['the case is still OPEN', async () => (await reportedCase()).caseId, 'REPORTED'],
      [
        'the case was written off (the report stays as it is)',
        async () => {
          const { caseId } = await reportedCase();
          await writeOffCase({ caseId, at: iso(START + 180 * DAY) }, ctx());
          return caseId;
        },
        'REPORTED',
      ],
    ] as Array<[string, () => Promise<string>, string]>)(
      'SKIPPED when %s: no bureau call, nothing recorded',
      async (_label, prepare, status) => {
        const caseId = await prepare();
        const callsBefore = bureauCalls(caseId).length;

        const result = await update(caseId, 'SETTLE', START + 200 * DAY);

        expect(result).toMatchObject({ outcome: 'SKIPPED', changed: false });
        expect(bureauCalls(caseId)).toHaveLength(callsBefore);
        expect((await readCase(caseId)).body.creditReport).toEqual({ status });
        expect(ofType(await timelineOf(caseId), 'CREDIT_REPORT_SETTLED')).toEqual([]);
      },
    );
  });

  describe('DELETE', () => {
    test('after an upheld dispute: DELETED at the bureau (what came before kept there); a retry is SKIPPED', async () => {
      // Prepare
      const { caseId } = await flaggedCase();
      await rule(caseId, 'UPHELD', RULED_AT);
      await cancelCase({ caseId, at: iso(RULED_AT) }, ctx());
      const reference = (await storedCase(caseId)).creditReport.reference;

      // Act
      const deleted = await update(caseId, 'DELETE', RULED_AT + 1_000);
      const retried = await update(caseId, 'DELETE', RULED_AT + HOUR);

      // Assess
      expect(deleted).toEqual({
        outcome: 'DONE',
        changed: true,
        detail: expect.objectContaining({ caseId, status: 'CANCELLED' }),
      });
      expect(retried).toMatchObject({ outcome: 'SKIPPED', changed: false });
      expect(bureauCalls(caseId).filter((call) => call.method === ZHIMA.remove)).toHaveLength(1);
      expect(aws.bureau.report(caseId)).toMatchObject({ status: 'DELETED', reference });
      expect(aws.bureau.report(caseId)?.history.at(-1)).toMatchObject({
        event: 'DELETED',
        detail: 'DISPUTE_UPHELD',
      });
      expect(await storedCase(caseId)).toMatchObject({
        creditReport: { status: 'DELETED', statusBeforeDispute: null },
      });
      expect(ofType(await timelineOf(caseId, RULED_AT), 'CREDIT_REPORT_DELETED')).toEqual([
        { at: iso(RULED_AT), type: 'CREDIT_REPORT_DELETED', detail: { reference } },
      ]);
    });

    test('a paid case is never deleted from the bureau: SKIPPED', async () => {
      const { caseId } = await reportedCase();
      await payInFull(caseId, START + 33 * DAY);

      const result = await update(caseId, 'DELETE', START + 33 * DAY + HOUR);

      expect(result).toMatchObject({ outcome: 'SKIPPED', changed: false });
      expect(bureauEvents(caseId)).toEqual(['REPORTED']);
      expect((await storedCase(caseId)).creditReport.status).toBe('REPORTED');
    });

    test('an upheld dispute on a case never reported: SKIPPED, no bureau call', async () => {
      const { caseId } = await openCaseAt();
      await dispute(caseId, START + HOUR);
      await rule(caseId, 'UPHELD', START + 2 * HOUR);

      const result = await update(caseId, 'DELETE', START + 2 * HOUR);

      expect(result).toMatchObject({ outcome: 'SKIPPED', changed: false, detail: { status: 'CANCELLED' } });
      expect(bureauCalls(caseId)).toEqual([]);
      expect(ofType(await timelineOf(caseId), 'CREDIT_REPORT_DELETED')).toEqual([]);
    });
  });

  describe('FLAG', () => {
    test('an open dispute flags the filed report; the status before the dispute is kept; a retry is SKIPPED', async () => {
      // Prepare
      const { caseId } = await reportedCase();
      await dispute(caseId, DISPUTED_AT);
      const reference = (await storedCase(caseId)).creditReport.reference;

      // Act
      const flagged = await update(caseId, 'FLAG', DISPUTED_AT);
      const retried = await update(caseId, 'FLAG', DISPUTED_AT + HOUR);

      // Assess
      expect(flagged).toEqual({
        outcome: 'DONE',
        changed: true,
        detail: expect.objectContaining({ caseId, status: 'DISPUTED' }),
      });
      expect(retried).toMatchObject({ outcome: 'SKIPPED', changed: false });
      expect(bureauCalls(caseId).filter((call) => call.method === ZHIMA.flagDispute)).toHaveLength(1);
      expect(aws.bureau.report(caseId)).toMatchObject({ status: 'REPORTED', disputed: true });
      expect(await storedCase(caseId)).toMatchObject({
        creditReport: { status: 'DISPUTED', statusBeforeDispute: 'REPORTED', reference },
      });
      expect((await readCase(caseId, DISPUTED_AT)).body.creditReport).toEqual({ status: 'DISPUTED' });
      expect(ofType(await timelineOf(caseId, DISPUTED_AT), 'CREDIT_REPORT_FLAGGED')).toEqual([
        { at: iso(DISPUTED_AT), type: 'CREDIT_REPORT_FLAGGED', detail: { reference } },
      ]);
    });

    test('without a filed report there is nothing to flag: SKIPPED', async () => {
      const { caseId } = await openCaseAt();
      await dispute(caseId, START + HOUR);

      const result = await update(caseId, 'FLAG', START + HOUR);

      expect(result).toMatchObject({ outcome: 'SKIPPED', changed: false, detail: { status: 'DISPUTED' } });
      expect(bureauCalls(caseId)).toEqual([]);
      expect((await readCase(caseId)).body.creditReport).toEqual({ status: 'NONE' });
    });

    test('a case not (or no longer) under dispute is not flagged: SKIPPED', async () => {
      const { caseId } = await reportedCase();

      const result = await update(caseId, 'FLAG', DISPUTED_AT);

      expect(result).toMatchObject({ outcome: 'SKIPPED', changed: false, detail: { status: 'OPEN' } });
      expect(bureauEvents(caseId)).toEqual(['REPORTED']);
      expect((await storedCase(caseId)).creditReport.status).toBe('REPORTED');
    });
  });

  describe('UNFLAG', () => {
    test('a rejected dispute lifts the flag: REPORTED again at the bureau and on the case; a retry is SKIPPED', async () => {
      // Prepare
      const { caseId } = await flaggedCase();
      await rule(caseId, 'REJECTED', RULED_AT);
      const reference = (await storedCase(caseId)).creditReport.reference;

      // Act
      const lifted = await update(caseId, 'UNFLAG', RULED_AT);
      const retried = await update(caseId, 'UNFLAG', RULED_AT + HOUR);

      // Assess
      expect(lifted).toEqual({
        outcome: 'DONE',
        changed: true,
        detail: expect.objectContaining({ caseId, status: 'OPEN' }),
      });
      expect(retried).toMatchObject({ outcome: 'SKIPPED', changed: false });
      expect(aws.bureau.report(caseId)).toMatchObject({ status: 'REPORTED', disputed: false });
      expect(bureauEvents(caseId)).toEqual(['REPORTED', 'DISPUTE_FLAGGED', 'DISPUTE_LIFTED']);
      expect(await storedCase(caseId)).toMatchObject({
        creditReport: { status: 'REPORTED', statusBeforeDispute: null, reference },
      });
      expect((await readCase(caseId, RULED_AT)).body.creditReport).toEqual({ status: 'REPORTED' });
      expect(typesOf(await creditEntries(caseId, RULED_AT))).toEqual([
        'CREDIT_REPORT_FILED',
        'CREDIT_REPORT_FLAGGED',
        'CREDIT_REPORT_UNFLAGGED',
      ]);
      expect(ofType(await timelineOf(caseId, RULED_AT), 'CREDIT_REPORT_UNFLAGGED')).toEqual([
        { at: iso(RULED_AT), type: 'CREDIT_REPORT_UNFLAGGED', detail: { reference } },
      ]);
    });

    test('while the dispute is still open the flag stays: SKIPPED', async () => {
      const { caseId } = await flaggedCase();

      const result = await update(caseId, 'UNFLAG', DISPUTED_AT + DAY);

      expect(result).toMatchObject({ outcome: 'SKIPPED', changed: false, detail: { status: 'DISPUTED' } });
      expect(aws.bureau.report(caseId)?.disputed).toBe(true);
      expect((await storedCase(caseId)).creditReport.status).toBe('DISPUTED');
    });

    test('a report that was never flagged has no flag to lift: SKIPPED', async () => {
      const { caseId } = await reportedCase();

      const result = await update(caseId, 'UNFLAG', RULED_AT);

      expect(result).toMatchObject({ outcome: 'SKIPPED', changed: false });
      expect(bureauEvents(caseId)).toEqual(['REPORTED']);
    });
  });

  test.each([
    [
      'SETTLE',
      async () => {
        const { caseId } = await reportedCase();
        await payInFull(caseId, RULED_AT);
        return caseId;
      },
      'REPORTED',
      'SETTLED',
    ],
    [
      'DELETE',
      async () => {
        const { caseId } = await flaggedCase();
        await rule(caseId, 'UPHELD', RULED_AT);
        return caseId;
      },
      'DISPUTED',
      'DELETED',
    ],
    [
      'FLAG',
      async () => {
        const { caseId } = await reportedCase();
        await dispute(caseId, RULED_AT);
        return caseId;
      },
      'REPORTED',
      'DISPUTED',
    ],
    [
      'UNFLAG',
      async () => {
        const { caseId } = await flaggedCase();
        await rule(caseId, 'REJECTED', RULED_AT);
        return caseId;
      },
      'DISPUTED',
      'REPORTED',
    ],
  ] as Array<[CreditReportAction, () => Promise<string>, string, string]>)(
    '%s during a bureau outage throws CreditBureauUnavailableError with the case unchanged; the retry applies it',
    async (action, prepare, before, after) => {
      // Prepare
      const caseId = await prepare();
      const entriesBefore = await creditEntries(caseId, RULED_AT);
      const eventsBefore = bureauEvents(caseId);

      // Act
      const failure = whileBureauAnswers(BUREAU_DOWN, () => update(caseId, action, RULED_AT));

      // Assess: nothing changed anywhere, so the workflow's retry starts from the same place
      await expect(failure).rejects.toThrow(CreditBureauUnavailableError);
      expect((await storedCase(caseId)).creditReport.status).toBe(before);
      expect(await creditEntries(caseId, RULED_AT)).toEqual(entriesBefore);
      expect(bureauEvents(caseId)).toEqual(eventsBefore);
      const retried = await update(caseId, action, RULED_AT + 60_000);
      expect(retried).toMatchObject({ outcome: 'DONE', changed: true });
      expect((await storedCase(caseId)).creditReport.status).toBe(after);
    },
  );
});

describe('close-case', () => {
  test('after a full payment: restriction lifted, open tasks cancelled; no message (the receipt is its own step); the bureau is not touched', async () => {
    // Prepare: a reported and restricted case with an open call task
    const { caseId, request } = await openCaseAt();
    await contact(caseId, 'SECOND_COLLECTION', START + 10 * DAY);
    await reportToBureau({ caseId, at: iso(START + 31 * DAY) }, ctx());
    await restrictAccount({ caseId, at: iso(START + 31 * DAY) }, ctx());
    const paidAt = START + 33 * DAY;
    await payInFull(caseId, paidAt);
    const at = iso(paidAt + 1_000);
    const messagesBefore = smsOf(aws, caseId).length;
    const bureauCallsBefore = bureauCalls(caseId).length;

    // Act
    const result = await closeCase({ caseId, at }, ctx());
    const replayed = await closeCase({ caseId, at: iso(paidAt + 100 * DAY) }, ctx());

    // Assess: what the workflow is told (and nothing else: no case record in a step's output)
    expect(result).toEqual({
      detail: {
        caseId,
        rentalId: request.rentalId,
        customerId: request.customer.id,
        status: 'RESOLVED',
        stage: 'CREDIT_REPORTED',
        outstanding: { amount: 0, currency: 'CNY' },
        refundDue: { amount: 0, currency: 'CNY' },
        at,
      },
      restrictionLifted: true,
    });
    expect(replayed).toEqual({
      detail: expect.objectContaining({ status: 'RESOLVED' }),
      restrictionLifted: false,
    });
    // the bureau: untouched (settling is the next step, so an outage never holds up closing)
    expect(bureauCalls(caseId)).toHaveLength(bureauCallsBefore);
    expect(aws.bureau.report(caseId)).toMatchObject({ status: 'REPORTED' });
    // the case
    const { body } = await readCase(caseId, paidAt);
    expect(body).toMatchObject({ creditReport: { status: 'REPORTED' }, accountRestricted: false });
    // nothing sent: the receipt waits for the customer's contact window in "Send receipt"
    expect(smsOf(aws, caseId).slice(messagesBefore)).toEqual([]);
    // open work cancelled, and the facts recorded at the closing instant
    const items = await workItemsOf(caseId);
    expect(items).toHaveLength(7);
    expect(items.every((item) => item.status === 'CANCELLED')).toBe(true);
    expect(ofType(body.timeline, 'WORK_ITEM_CANCELLED')).toHaveLength(7);
    expect(ofType(body.timeline, 'CREDIT_REPORT_SETTLED')).toEqual([]);
    expect(ofType(body.timeline, 'ACCOUNT_RESTRICTION_LIFTED')).toEqual([
      { at: iso(paidAt), type: 'ACCOUNT_RESTRICTION_LIFTED', detail: {} },
    ]);
    expect(ofType(body.timeline, 'CASE_CLOSED')).toEqual([
      { at: iso(paidAt), type: 'CASE_CLOSED', detail: { status: 'RESOLVED', resolution: 'PAID' } },
    ]);
    expect((await storedCase(caseId)).pendingResolution).toBeNull();
  });

  test('a case without a report or restriction: nothing to lift', async () => {
    const { caseId } = await openCaseAt({ dueAt: DUE_TODAY });
    await payInFull(caseId, START + HOUR);

    const result = await closeCase({ caseId, at: iso(START + HOUR) }, ctx());

    expect(result).toEqual({
      detail: expect.objectContaining({ status: 'RESOLVED' }),
      restrictionLifted: false,
    });
    expect(bureauCalls(caseId)).toEqual([]);
    expect(typesOf(await timelineOf(caseId))).not.toContain('ACCOUNT_RESTRICTION_LIFTED');
  });

  test('closes even while the bureau is down (it is not called)', async () => {
    const { caseId } = await openCaseAt();
    await reportToBureau({ caseId, at: iso(START + 31 * DAY) }, ctx());
    await restrictAccount({ caseId, at: iso(START + 31 * DAY) }, ctx());
    await payInFull(caseId, START + 33 * DAY);

    const result = await whileBureauAnswers(BUREAU_DOWN, () =>
      closeCase({ caseId, at: iso(START + 33 * DAY + 1_000) }, ctx()),
    );

    expect(result).toMatchObject({ detail: { status: 'RESOLVED' }, restrictionLifted: true });
    expect(ofType(await timelineOf(caseId), 'CASE_CLOSED')).toHaveLength(1);
  });

  test('a case that is still OPEN cannot be closed, and nothing is sent or recorded', async () => {
    const { caseId } = await openCaseAt();

    await expect(closeCase({ caseId, at: iso(START + HOUR) }, ctx())).rejects.toThrow(/still OPEN/);

    expect(smsOf(aws, caseId)).toEqual([]);
    expect(await emailsOf(aws, caseId)).toEqual([]);
    expect(typesOf(await timelineOf(caseId))).toEqual(['CASE_OPENED']);
    expect((await readCase(caseId)).body.status).toBe('OPEN');
  });
});

describe('send-case-message', () => {
  const send = (caseId: string, message: 'RECEIPT' | 'DEMAND_LETTER', at: number) =>
    sendCaseMessage({ caseId, message, at: iso(at) }, ctx());
  const kinds = (caseId: string) => smsOf(aws, caseId).map((sms) => sms.attributes['collections.kind']);

  test('the receipt at 10:00 in Shanghai: one SMS and one email with their opt-out links, recorded when sent; never twice', async () => {
    // Prepare
    const { caseId } = await openCaseAt({ dueAt: DUE_TODAY });
    await payInFull(caseId, START + HOUR);

    // Act
    const first = await send(caseId, 'RECEIPT', START + HOUR + 1_000);
    const retried = await send(caseId, 'RECEIPT', START + HOUR + 1_000);
    const later = await send(caseId, 'RECEIPT', START + 3 * HOUR);

    // Assess
    expect([first, retried, later]).toEqual([0, 1, 2].map(() => ({ outcome: 'SENT', deferUntil: null })));
    expect(kinds(caseId)).toEqual(['RECEIPT']);
    expect(smsOf(aws, caseId)[0]?.message).toContain('收到¥1,299.00');
    expect(optOutTokenIn(smsOf(aws, caseId)[0]?.message ?? '')).toBeDefined();
    const emails = (await emailsOf(aws, caseId)).filter(
      (email) => emailHeader(email, 'X-Collections-Kind') === 'RECEIPT',
    );
    expect(emails).toHaveLength(1);
    expect(
      ofType(await timelineOf(caseId), 'MESSAGE_SENT').map((entry) => [entry.at, entry.channel]),
    ).toEqual([
      [iso(START + HOUR + 1_000), 'SMS'],
      [iso(START + HOUR + 1_000), 'EMAIL'],
    ]);
  });

  test('the receipt at 23:00 in Shanghai: DEFERRED to the window, nothing sent; at the window it goes out, recorded then', async () => {
    // Prepare: paid at 23:00 local
    const night = Date.parse('2026-03-02T15:00:00Z');
    const { caseId } = await openCaseAt({ dueAt: DUE_TODAY });
    await payInFull(caseId, night);

    // Act
    const deferred = await send(caseId, 'RECEIPT', night + 1_000);
    const wake = Date.parse(expectDeferredWithin(deferred, '2026-03-03T00:00:00.000Z'));
    const sentBefore = kinds(caseId);
    const sent = await send(caseId, 'RECEIPT', wake);

    // Assess
    expect(deferred.outcome).toBe('DEFERRED');
    expect(sentBefore).toEqual([]);
    expect(sent).toEqual({ outcome: 'SENT', deferUntil: null });
    expect(kinds(caseId)).toEqual(['RECEIPT']);
    const timeline = await timelineOf(caseId);
    expect(ofType(timeline, 'CONTACT_DEFERRED')).toEqual([
      {
        at: iso(night + 1_000),
        type: 'CONTACT_DEFERRED',
        detail: expect.objectContaining({ stage: 'CLOSE', kind: 'RECEIPT', until: iso(wake) }),
      },
    ]);
    expect(ofType(timeline, 'MESSAGE_SENT').map((entry) => entry.at)).toEqual([iso(wake), iso(wake)]);
  });

  test('the demand letter of a LEGAL case: one email, once; none for a case that is not LEGAL', async () => {
    // Prepare
    const { caseId } = await openCaseAt({ amountDue: { amount: 600_000, currency: 'CNY' } });
    await openLegalReview({ caseId, at: iso(START + 31 * DAY) }, ctx());
    await post(
      decideLegalReview,
      '/cases/{caseId}/legal-review',
      { caseId },
      { decision: 'APPROVE', reviewer: 'counsel-1' },
      START + 32 * DAY,
    );
    const open = (await openCaseAt()).caseId;

    // Act
    const letter = await send(caseId, 'DEMAND_LETTER', START + 32 * DAY + 1_000);
    const again = await send(caseId, 'DEMAND_LETTER', START + 33 * DAY);
    const notLegal = await send(open, 'DEMAND_LETTER', START + 32 * DAY);
    const notClosed = await send(open, 'RECEIPT', START + 32 * DAY);

    // Assess
    expect([letter.outcome, again.outcome, notLegal.outcome, notClosed.outcome]).toEqual([
      'SENT',
      'SENT',
      'SKIPPED',
      'SKIPPED',
    ]);
    const letters = (await emailsOf(aws, caseId)).filter(
      (email) => emailHeader(email, 'X-Collections-Kind') === 'DEMAND_LETTER',
    );
    expect(letters).toHaveLength(1);
    expect(
      smsOf(aws, caseId).filter((sms) => sms.attributes['collections.kind'] === 'DEMAND_LETTER'),
    ).toEqual([]);
    expect(kinds(open)).toEqual([]);
  });
});

describe('cancel-case', () => {
  test('after an upheld dispute: the restriction lifted, open work cancelled; no receipt; the bureau is not touched', async () => {
    // Prepare
    const reason = '我在二月已归还设备，快递单号 SF1234567890';
    const { caseId } = await openCaseAt();
    await reportToBureau({ caseId, at: iso(START + 31 * DAY) }, ctx());
    await restrictAccount({ caseId, at: iso(START + 31 * DAY) }, ctx());
    await dispute(caseId, START + 32 * DAY, reason);
    await updateCreditReport({ caseId, action: 'FLAG', at: iso(START + 32 * DAY) }, ctx());
    await rule(caseId, 'UPHELD', START + 40 * DAY);
    const bureauCallsBefore = bureauCalls(caseId).length;

    // Act
    const result = await cancelCase({ caseId, at: iso(START + 40 * DAY) }, ctx());
    const replayed = await cancelCase({ caseId, at: iso(START + 41 * DAY) }, ctx());

    // Assess
    expect(result).toEqual({
      detail: expect.objectContaining({ caseId, status: 'CANCELLED' }),
      restrictionLifted: true,
    });
    expect(replayed).toEqual({
      detail: expect.objectContaining({ status: 'CANCELLED' }),
      restrictionLifted: false,
    });
    expect(JSON.stringify(result)).not.toContain('SF1234567890'); // the customer's words stay on the case
    expect(bureauCalls(caseId)).toHaveLength(bureauCallsBefore); // deleting is the next step
    expect(aws.bureau.report(caseId)).toMatchObject({ status: 'REPORTED', disputed: true });
    const { body } = await readCase(caseId, START + 40 * DAY);
    expect(body).toMatchObject({
      status: 'CANCELLED',
      resolution: 'DISPUTE_UPHELD',
      creditReport: { status: 'DISPUTED' },
      accountRestricted: false,
    });
    expect(typesOf(body.timeline)).toEqual(
      expect.arrayContaining(['ACCOUNT_RESTRICTION_LIFTED', 'CASE_CANCELLED']),
    );
    expect(ofType(body.timeline, 'CASE_CANCELLED')).toHaveLength(1);
    expect(ofType(body.timeline, 'CREDIT_REPORT_DELETED')).toEqual([]);
    expect(smsOf(aws, caseId)).toEqual([]);
  });

  test('a case that is not CANCELLED is refused', async () => {
    const { caseId } = await openCaseAt();

    await expect(cancelCase({ caseId, at: iso(START + HOUR) }, ctx())).rejects.toThrow(/not CANCELLED/);
    expect((await readCase(caseId)).body.status).toBe('OPEN');
  });
});

describe('write-off-case', () => {
  test('moves an OPEN case to WRITTEN_OFF once, cancels its open tasks; a second call changes nothing', async () => {
    // Prepare
    const { caseId, request } = await openCaseAt();
    await contact(caseId, 'SOFT_REMINDERS', START); // no task
    await contact(caseId, 'FIRST_COLLECTION', START + 3 * DAY); // one call task
    const at = iso(Date.parse('2026-08-28T00:00:00Z'));

    // Act
    const result = await writeOffCase({ caseId, at }, ctx());
    const after = (await readCase(caseId, Date.parse(at))).body;
    const again = await writeOffCase({ caseId, at: iso(Date.parse(at) + DAY) }, ctx());

    // Assess
    expect(result).toEqual({
      detail: expect.objectContaining({
        caseId,
        rentalId: request.rentalId,
        customerId: request.customer.id,
        status: 'WRITTEN_OFF',
        at,
      }),
      restrictionLifted: false,
    });
    expect(after).toMatchObject({ status: 'WRITTEN_OFF', resolution: 'WRITTEN_OFF', closedAt: at });
    expect(again.detail).toMatchObject({ status: 'WRITTEN_OFF', outstanding: result.detail.outstanding });
    const later = await readCase(caseId, Date.parse(at) + 30 * DAY);
    const { timeline, ...view } = later.body;
    const { timeline: _timeline, ...viewBefore } = after;
    expect(view).toEqual(viewBefore); // fees stopped too: nothing changes as time goes on
    expect(ofType(timeline, 'CASE_WRITTEN_OFF')).toEqual([
      {
        at,
        type: 'CASE_WRITTEN_OFF',
        detail: { outstanding: result.detail.outstanding.amount, currency: 'CNY', resolution: 'WRITTEN_OFF' },
      },
    ]);
    expect((await workItemsOf(caseId)).map((item) => item.status)).toEqual(['CANCELLED']);
  });

  test('a case already RESOLVED is not written off', async () => {
    const { caseId } = await openCaseAt();
    await payInFull(caseId, START + HOUR);

    const result = await writeOffCase({ caseId, at: iso(START + 2 * HOUR) }, ctx());

    expect(result.detail.status).toBe('RESOLVED');
    expect((await readCase(caseId)).body.resolution).toBe('PAID');
    expect(typesOf(await timelineOf(caseId))).not.toContain('CASE_WRITTEN_OFF');
  });
});

describe('continue-case', () => {
  test('starts the next generation of the execution at LEGAL_ACTION and records it', async () => {
    // Prepare
    const { caseId } = await openCaseAt();
    const at = iso(START + 300 * DAY);

    // Act
    const first = await continueCase(
      { caseId, execution: caseId, stateMachineArn: aws.stateMachineArn, at },
      ctx(),
    );
    const second = await continueCase(
      { caseId, execution: `${caseId}-2`, stateMachineArn: aws.stateMachineArn, at },
      ctx(),
    );
    await aws.clock.whenQuiet();

    // Assess
    expect(first).toEqual({ next: `${caseId}-2` });
    expect(second).toEqual({ next: `${caseId}-3` });
    const started = aws.engine.describeExecution({
      executionArn: executionArnOf(aws, `${caseId}-2`),
    });
    expect(JSON.parse(started.input ?? '{}')).toEqual({ caseId, continueAt: 'LEGAL_ACTION' });
    expect(ofType(await timelineOf(caseId), 'WORKFLOW_STARTED')).toEqual(
      expect.arrayContaining([
        { at, type: 'WORKFLOW_STARTED', detail: { execution: `${caseId}-2`, continuedFrom: caseId } },
        { at, type: 'WORKFLOW_STARTED', detail: { execution: `${caseId}-3`, continuedFrom: `${caseId}-2` } },
      ]),
    );
  });
});

describe('personal data', () => {
  test('no phone, email or name in any timeline entry or step output, across a whole case', async () => {
    // Prepare
    const { caseId, request, token } = await openWithToken({
      amountDue: { amount: 600_000, currency: 'CNY' },
    });
    const outputs: unknown[] = [];
    const run = async <R>(work: Promise<R>) => {
      outputs.push(await work);
    };

    // Act: the steps of a long case, with a deferral, skips, a dispute and a closing
    await run(beginCase({ caseId, at: iso(START), execution: caseId }, ctx()));
    await run(contact(caseId, 'OVERDUE_NOTICE', START));
    await run(contact(caseId, 'FIRST_COLLECTION', Date.parse('2026-03-05T15:00:00Z')));
    await run(contact(caseId, 'FIRST_COLLECTION', Date.parse('2026-03-06T02:00:00Z')));
    await run(contact(caseId, 'SECOND_COLLECTION', START + 10 * DAY));
    await run(contact(caseId, 'CREDIT_PRE_NOTICE', START + 24 * DAY));
    await run(reportToBureau({ caseId, at: iso(START + 31 * DAY) }, ctx()));
    await run(restrictAccount({ caseId, at: iso(START + 31 * DAY) }, ctx()));
    await run(openLegalReview({ caseId, at: iso(START + 31 * DAY) }, ctx()));
    await run(
      awaitResolution(
        { caseId, awaiting: 'LEGAL_REVIEW', token, at: iso(START + 31 * DAY), timeoutSeconds: 60 },
        ctx(),
      ),
    );
    await dispute(caseId, START + 32 * DAY);
    await run(updateCreditReport({ caseId, action: 'FLAG', at: iso(START + 32 * DAY) }, ctx()));
    await run(prepareWait({ caseId, awaiting: 'DISPUTE', at: iso(START + 32 * DAY) }, ctx()));
    await rule(caseId, 'REJECTED', START + 33 * DAY);
    await run(updateCreditReport({ caseId, action: 'UNFLAG', at: iso(START + 33 * DAY) }, ctx()));
    await run(resumeLadder({ caseId, at: iso(START + 33 * DAY) }, ctx()));
    await payInFull(caseId, START + 34 * DAY);
    await run(closeCase({ caseId, at: iso(START + 34 * DAY) }, ctx()));
    await run(updateCreditReport({ caseId, action: 'SETTLE', at: iso(START + 34 * DAY) }, ctx()));
    await run(contact(caseId, 'SOFT_REMINDERS', START + 40 * DAY));

    // Assess
    const timeline = await timelineOf(caseId);
    expect(typesOf(timeline)).toEqual(
      expect.arrayContaining([
        'CONTACT_DEFERRED',
        'MESSAGE_SENT',
        'CONTACT_SKIPPED',
        'WORK_ITEM_CREATED',
        'CREDIT_REPORT_FILED',
        'CREDIT_REPORT_FLAGGED',
        'CREDIT_REPORT_UNFLAGGED',
        'CREDIT_REPORT_SETTLED',
        'DISPUTE_OPENED',
        'CASE_CLOSED',
      ]),
    );
    const recorded = JSON.stringify({ timeline, outputs, workItems: await workItemsOf(caseId) });
    for (const personal of personalDataOf(request)) expect(recorded).not.toContain(personal);
    expect(smsOf(aws, caseId).length).toBeGreaterThan(0); // the messages themselves did reach the customer
  });
});

describe('invalid step input', () => {
  test.each([
    [
      'send-stage-contact without `at`',
      'at',
      () => step(sendStageContact, { caseId: 'c', stage: 'OVERDUE_NOTICE' }),
    ],
    [
      'send-stage-contact with an unknown stage',
      'stage',
      () => step(sendStageContact, { caseId: 'c', stage: 'LUNCH', at: iso(START) }),
    ],
    [
      'send-stage-contact with a stage that has no contact',
      'stage',
      () => step(sendStageContact, { caseId: 'c', stage: 'LEGAL_REVIEW', at: iso(START) }),
    ],
    ['begin-case without `execution`', 'execution', () => step(beginCase, { caseId: 'c', at: iso(START) })],
    [
      'await-resolution with a zero timeout',
      'timeoutSeconds',
      () =>
        step(awaitResolution, {
          caseId: 'c',
          awaiting: 'LADDER',
          token: 't',
          at: iso(START),
          timeoutSeconds: 0,
        }),
    ],
    [
      'await-resolution without what it awaits',
      'awaiting',
      () => step(awaitResolution, { caseId: 'c', token: 't', at: iso(START), timeoutSeconds: 60 }),
    ],
    [
      'prepare-wait for the ladder (it has no prepared wait)',
      'awaiting',
      () => step(prepareWait, { caseId: 'c', awaiting: 'LADDER', at: iso(START) }),
    ],
    [
      'check-arrangement of an unknown arrangement',
      'arrangement',
      () => step(checkArrangement, { caseId: 'c', arrangement: 'HOPE', at: iso(START) }),
    ],
    [
      'update-credit-report without `action`',
      'action',
      () => step(updateCreditReport, { caseId: 'c', at: iso(START) }),
    ],
    [
      'update-credit-report with the old `disputed` flag instead of an action',
      'action',
      () => step(updateCreditReport, { caseId: 'c', disputed: true, at: iso(START) }),
    ],
    [
      'update-credit-report with an unknown action',
      'action',
      () => step(updateCreditReport, { caseId: 'c', action: 'REMOVE', at: iso(START) }),
    ],
    [
      'continue-case with a state machine that is not an ARN',
      'stateMachineArn',
      () =>
        step(continueCase, { caseId: 'c', execution: 'c', stateMachineArn: 'OverdueCase', at: iso(START) }),
    ],
    [
      'close-case with `at` that is not ISO 8601',
      'at',
      () => step(closeCase, { caseId: 'c', at: 'yesterday' }),
    ],
    ['write-off-case without `caseId`', 'caseId', () => step(writeOffCase, { at: iso(START) })],
  ] as Array<[string, string, () => Promise<unknown>]>)(
    '%s throws InvalidStepInputError naming %s',
    async (_label, field, call) => {
      const failure = call();

      await expect(failure).rejects.toThrow(InvalidStepInputError);
      await expect(failure).rejects.toThrow(new RegExp(`(^|; )${field}: `));
    },
  );
});
