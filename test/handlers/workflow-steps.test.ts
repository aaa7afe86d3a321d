import { adapters } from '../../lambdas/adapters';
import { handler as awaitResolution } from '../../lambdas/handlers/workflow/await-resolution';
import { handler as beginCase } from '../../lambdas/handlers/workflow/begin-case';
import { handler as closeCase } from '../../lambdas/handlers/workflow/close-case';
import { handler as sendStageContact } from '../../lambdas/handlers/workflow/send-stage-contact';
import { handler as writeOffCase } from '../../lambdas/handlers/workflow/write-off-case';
import { InvalidStepInputError } from '../../lambdas/shared/step';
import { type LocalAws, lambdaContext, START, startLocalAws } from '../support/local-aws';
import {
  DAY,
  emailHeader,
  emailsOf,
  executionArnOf,
  iso,
  openCaseAt,
  payInFull,
  readCase,
  smsOf,
  type TimelineItem,
  timelineOf,
  typesOf,
} from './case-helpers';

let aws: LocalAws;
beforeAll(async () => {
  aws = await startLocalAws();
});
afterAll(() => aws.stop());

const HOUR = 3_600_000;
/** Due two hours before START (10:00 in Shanghai): no whole day overdue yet, so no late fee. */
const DUE_TODAY = '2026-03-02T00:00:00Z';

const contact = (caseId: string, stage: string, at: number) =>
  sendStageContact({ caseId, stage, at: iso(at) }, lambdaContext('send-stage-contact'));

/** Opens a case and lets the stand-in workflow reach its callback; returns the callback's token. */
async function openWithToken(overrides: Parameters<typeof openCaseAt>[0] = {}) {
  const opened = await openCaseAt(overrides);
  await aws.clock.whenQuiet();
  const token = aws.tokens.at(-1);
  if (!token) throw new Error('the stand-in workflow did not reach its callback');
  return { ...opened, token };
}

const ofType = (timeline: TimelineItem[], type: string) => timeline.filter((entry) => entry.type === type);

describe('begin-case', () => {
  test('records the workflow start once and returns the facts the case events carry', async () => {
    // Prepare
    const { caseId, request } = await openCaseAt({ dueAt: DUE_TODAY });
    const input = { caseId, at: iso(START + 1_000), execution: caseId };

    // Act
    const first = await beginCase(input, lambdaContext());
    const retried = await beginCase(input, lambdaContext());

    // Assess
    expect(first).toEqual({
      caseId,
      rentalId: request.rentalId,
      customerId: request.customer.id,
      status: 'OPEN',
      stage: 'OVERDUE_NOTICE',
      outstanding: { amount: 129_900, currency: 'CNY' },
      at: input.at,
    });
    expect(retried).toEqual(first);
    const started = ofType(await timelineOf(caseId), 'WORKFLOW_STARTED');
    expect(started).toEqual([{ at: input.at, type: 'WORKFLOW_STARTED', detail: { execution: caseId } }]);
  });
});

describe('send-stage-contact', () => {
  test('OVERDUE_NOTICE at 10:00 in Shanghai: one zh-CN SMS and one email, then wait 3 days', async () => {
    // Prepare
    const { caseId, request } = await openCaseAt({ dueAt: DUE_TODAY });

    // Act
    const outcome = await contact(caseId, 'OVERDUE_NOTICE', START);

    // Assess: the outcome the ASL reads
    expect(outcome).toEqual({ outcome: 'SENT', waitSeconds: 259_200, deferUntil: null });
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
    // the email: subject and body in zh-CN, tied to the case and template by its headers
    const emails = await emailsOf(aws, caseId);
    expect(emails).toHaveLength(1);
    const email = emails[0]!;
    expect(email.destination.to).toEqual([request.customer.email]);
    expect(email.subject).toBe('【RentGo】租赁逾期提醒：iPhone 15 128GB');
    expect(email.body.text).toContain('当前应付金额为¥1,299.00');
    expect(email.body.text).toContain('请于2026年3月5日 10:00前完成付款或归还设备');
    expect(email.body.text).toContain(`案件编号：${caseId}`);
    expect(emailHeader(email, 'X-Collections-Case')).toBe(caseId);
    expect(emailHeader(email, 'X-Collections-Kind')).toBe('OVERDUE_NOTICE');
    // the timeline: one MESSAGE_SENT per channel; the case already stood at OVERDUE_NOTICE
    const timeline = await timelineOf(caseId);
    expect(ofType(timeline, 'STAGE_ENTERED')).toEqual([]);
    const sent = ofType(timeline, 'MESSAGE_SENT');
    expect(sent.map((entry) => entry.channel).sort()).toEqual(['EMAIL', 'SMS']);
    for (const entry of sent) {
      expect(entry).toMatchObject({
        at: iso(START),
        detail: { stage: 'OVERDUE_NOTICE', kind: 'OVERDUE_NOTICE' },
      });
    }
    expect(sent.find((entry) => entry.channel === 'SMS')?.detail.messageId).toBe(sms[0]?.messageId);
    expect(sent.find((entry) => entry.channel === 'EMAIL')?.detail.messageId).toBe(email.messageId);
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
    expect(text).not.toMatch(/[\u4e00-\u9fff]/);
    const [email] = await emailsOf(aws, caseId);
    expect(email?.subject).toBe('RentGo: your rental of iPhone 15 128GB is overdue');
    expect(email?.body.text).toContain('The amount due is CN¥1,299.00.');
  });

  test('a retry with the same `at` sends nothing more and adds nothing to the timeline', async () => {
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
    expect(await timelineOf(caseId)).toEqual(before);
  });

  test('entering a new stage records STAGE_ENTERED once, with the stage it came from', async () => {
    const { caseId } = await openCaseAt();
    const at = START + 3 * DAY;

    const outcome = await contact(caseId, 'FIRST_COLLECTION', at);
    await contact(caseId, 'FIRST_COLLECTION', at);

    expect(outcome).toEqual({ outcome: 'SENT', waitSeconds: 7 * 86_400, deferUntil: null });
    const timeline = await timelineOf(caseId, at);
    expect(ofType(timeline, 'STAGE_ENTERED')).toEqual([
      { at: iso(at), type: 'STAGE_ENTERED', detail: { stage: 'FIRST_COLLECTION', from: 'OVERDUE_NOTICE' } },
    ]);
    expect(ofType(timeline, 'MESSAGE_SENT')).toEqual([
      expect.objectContaining({ channel: 'SMS', detail: expect.objectContaining({ kind: 'REMINDER' }) }),
    ]);
    expect((await readCase(caseId, at)).body.stage).toBe('FIRST_COLLECTION');
    expect(smsOf(aws, caseId)).toHaveLength(1);
  });

  test('at 23:00 in Shanghai the contact is deferred to 08:00 local, nothing is sent, the deferral is recorded', async () => {
    // Prepare
    const { caseId } = await openCaseAt({ dueAt: DUE_TODAY });
    const at = Date.parse('2026-03-02T15:00:00Z'); // 23:00 Asia/Shanghai

    // Act
    const outcome = await contact(caseId, 'OVERDUE_NOTICE', at);

    // Assess
    expect(outcome).toEqual({
      outcome: 'DEFERRED',
      waitSeconds: 259_200,
      deferUntil: '2026-03-03T00:00:00.000Z', // 08:00 Asia/Shanghai
    });
    expect(smsOf(aws, caseId)).toEqual([]);
    expect(await emailsOf(aws, caseId)).toEqual([]);
    const deferred = ofType(await timelineOf(caseId, at), 'CONTACT_DEFERRED');
    expect(deferred).toEqual([
      {
        at: iso(at),
        type: 'CONTACT_DEFERRED',
        detail: expect.objectContaining({ stage: 'OVERDUE_NOTICE', until: '2026-03-03T00:00:00.000Z' }),
      },
    ]);
    expect(deferred[0]?.detail.rule).toContain('GB/T 45251-2025');
  });

  test('at 07:59 in Shanghai the contact is deferred to 08:00 the same day', async () => {
    const { caseId } = await openCaseAt({ dueAt: DUE_TODAY });
    const at = Date.parse('2026-03-02T23:59:00Z'); // 07:59 on 03-03 in Shanghai

    const outcome = await contact(caseId, 'OVERDUE_NOTICE', at);

    expect(outcome).toMatchObject({ outcome: 'DEFERRED', deferUntil: '2026-03-03T00:00:00.000Z' });
    expect(smsOf(aws, caseId)).toEqual([]);
  });

  test('a US customer at 21:30 in New York is deferred (Regulation F ends the day at 21:00)', async () => {
    // Prepare
    const { caseId } = await openCaseAt({
      dueAt: DUE_TODAY,
      amountDue: { amount: 50_000, currency: 'USD' },
      customer: {
        id: 'customer-us',
        name: 'Jordan Lee',
        phone: '+12125550123',
        email: 'jordan.lee@example.com',
        locale: 'en-US',
        timezone: 'America/New_York',
        country: 'US',
      },
    });
    const at = Date.parse('2026-03-03T02:30:00Z'); // 21:30 EST on 03-02; the CN window would still be open

    // Act
    const outcome = await contact(caseId, 'OVERDUE_NOTICE', at);

    // Assess
    expect(outcome).toMatchObject({ outcome: 'DEFERRED', deferUntil: '2026-03-03T13:00:00.000Z' }); // 08:00 EST
    expect(smsOf(aws, caseId)).toEqual([]);
    expect(await emailsOf(aws, caseId)).toEqual([]);
    const [deferred] = ofType(await timelineOf(caseId, at), 'CONTACT_DEFERRED');
    expect(deferred?.detail.rule).toContain('Regulation F');
  });

  test('a US customer at 20:30 in New York is contacted', async () => {
    const { caseId } = await openCaseAt({
      dueAt: DUE_TODAY,
      amountDue: { amount: 50_000, currency: 'USD' },
      customer: {
        id: 'customer-us-2',
        name: 'Sam Rivera',
        phone: '+12125550124',
        email: 'sam.rivera@example.com',
        locale: 'en',
        timezone: 'America/New_York',
        country: 'US',
      },
    });

    const outcome = await contact(caseId, 'OVERDUE_NOTICE', Date.parse('2026-03-03T01:30:00Z'));

    expect(outcome.outcome).toBe('SENT');
    expect(smsOf(aws, caseId)[0]?.message).toContain('$500.25'); // 1 whole day overdue: 0.05 % of 500.00
  });

  test('a case already RESOLVED is SKIPPED with reason CASE_CLOSED, and nothing is sent', async () => {
    // Prepare
    const { caseId } = await openCaseAt();
    const at = START + 3 * DAY;
    await payInFull(caseId, START + DAY);

    // Act
    const outcome = await contact(caseId, 'FIRST_COLLECTION', at);

    // Assess
    expect(outcome).toEqual({ outcome: 'SKIPPED', waitSeconds: 7 * 86_400, deferUntil: null });
    expect(smsOf(aws, caseId)).toEqual([]);
    expect(await emailsOf(aws, caseId)).toEqual([]);
    const timeline = await timelineOf(caseId, at);
    expect(ofType(timeline, 'CONTACT_SKIPPED')).toEqual([
      { at: iso(at), type: 'CONTACT_SKIPPED', detail: { stage: 'FIRST_COLLECTION', reason: 'CASE_CLOSED' } },
    ]);
    expect(ofType(timeline, 'STAGE_ENTERED')).toEqual([]);
    expect((await readCase(caseId, at)).body).toMatchObject({ status: 'RESOLVED', stage: 'OVERDUE_NOTICE' });
  });

  test('a case paid by the write-off day is SKIPPED as CASE_CLOSED, not due for write-off', async () => {
    // Prepare: due 2026-03-01, so the soft reminders end on 2026-08-28
    const { caseId } = await openCaseAt();
    await payInFull(caseId, Date.parse('2026-08-27T02:00:00Z'));
    const at = Date.parse('2026-08-28T02:00:00Z');

    // Act
    const outcome = await contact(caseId, 'SOFT_REMINDERS', at);

    // Assess: the workflow goes on to await the resolution (and so to the receipt), not to a write-off
    expect(outcome).toMatchObject({ outcome: 'SKIPPED', deferUntil: null });
    expect(outcome.waitSeconds).toBeGreaterThan(0);
    expect(ofType(await timelineOf(caseId, at), 'CONTACT_SKIPPED')).toEqual([
      expect.objectContaining({ detail: { stage: 'SOFT_REMINDERS', reason: 'CASE_CLOSED' } }),
    ]);
    expect(smsOf(aws, caseId)).toEqual([]);
  });

  describe('SOFT_REMINDERS (case due 2026-03-01: write-off day 2026-08-28)', () => {
    test('waits 30 days while more than 30 days are left', async () => {
      const { caseId } = await openCaseAt();

      const outcome = await contact(caseId, 'SOFT_REMINDERS', START);

      expect(outcome).toEqual({ outcome: 'SENT', waitSeconds: 30 * 86_400, deferUntil: null });
      expect(smsOf(aws, caseId)).toHaveLength(1);
      expect(smsOf(aws, caseId)[0]?.attributes['collections.kind']).toBe('SOFT_REMINDER');
    });

    test('waits only until the write-off day when less than 30 days are left', async () => {
      const { caseId } = await openCaseAt();
      const at = Date.parse('2026-08-18T02:00:00Z'); // 9 days 22 hours before the write-off day

      const outcome = await contact(caseId, 'SOFT_REMINDERS', at);

      expect(outcome).toEqual({ outcome: 'SENT', waitSeconds: 9 * 86_400 + 22 * 3_600, deferUntil: null });
    });

    test.each([
      ['on the write-off day', '2026-08-28T00:00:00.000Z'],
      ['after the write-off day', '2026-09-10T02:00:00.000Z'],
    ])('%s the outcome is WRITE_OFF_DUE and nothing is sent', async (_label, at) => {
      const { caseId } = await openCaseAt();

      const outcome = await contact(caseId, 'SOFT_REMINDERS', Date.parse(at));

      expect(outcome.outcome).toBe('WRITE_OFF_DUE');
      expect(outcome.deferUntil).toBeNull();
      expect(outcome.waitSeconds).toBeGreaterThan(0);
      expect(smsOf(aws, caseId)).toEqual([]);
      expect(ofType(await timelineOf(caseId), 'MESSAGE_SENT')).toEqual([]);
    });
  });
});

describe('await-resolution', () => {
  test('stores the token on the case; a full payment then completes the waiting workflow', async () => {
    // Prepare
    const { caseId, token } = await openWithToken();
    const at = START + HOUR;

    // Act
    await awaitResolution(
      { caseId, stage: 'OVERDUE_NOTICE', token, at: iso(at), timeoutSeconds: 259_200 },
      lambdaContext(),
    );

    // Assess
    const stored = await adapters.cases().get(caseId);
    expect(stored?.pendingResolution).toEqual({
      token,
      stage: 'OVERDUE_NOTICE',
      awaiting: 'LADDER',
      since: iso(at),
      until: iso(at + 3 * DAY),
    });
    expect(stored?.nextActionAt).toBe(iso(at + 3 * DAY));
    expect(aws.engine.describeExecution({ executionArn: executionArnOf(aws, caseId) }).status).toBe(
      'RUNNING',
    );
    await payInFull(caseId, START + 2 * HOUR);
    await aws.clock.whenQuiet();
    expect(aws.engine.describeExecution({ executionArn: executionArnOf(aws, caseId) })).toMatchObject({
      status: 'SUCCEEDED',
      output: JSON.stringify({ kind: 'PAID' }),
    });
  });

  test('a case paid before the workflow waits: the callback is completed at once with PAID', async () => {
    // Prepare
    const { caseId, token } = await openWithToken();
    await payInFull(caseId, START + HOUR);

    // Act
    await awaitResolution(
      { caseId, stage: 'OVERDUE_NOTICE', token, at: iso(START + 2 * HOUR), timeoutSeconds: 259_200 },
      lambdaContext(),
    );
    await aws.clock.whenQuiet();

    // Assess
    const execution = aws.engine.describeExecution({ executionArn: executionArnOf(aws, caseId) });
    expect(execution.status).toBe('SUCCEEDED');
    expect(JSON.parse(execution.output ?? 'null')).toEqual({ kind: 'PAID' });
    expect((await adapters.cases().get(caseId))?.pendingResolution).toBeNull();
  });

  test('an unknown case fails the step', async () => {
    await expect(
      awaitResolution(
        { caseId: 'case-unknown', stage: 'OVERDUE_NOTICE', token: 't', at: iso(START), timeoutSeconds: 60 },
        lambdaContext(),
      ),
    ).rejects.toThrow('case-unknown');
  });
});

describe('close-case', () => {
  test('after a full payment: one RECEIPT by SMS and email, CASE_CLOSED, the event detail; a replay sends nothing more', async () => {
    // Prepare
    const { caseId, request, token } = await openWithToken({ dueAt: DUE_TODAY });
    await awaitResolution(
      { caseId, stage: 'OVERDUE_NOTICE', token, at: iso(START), timeoutSeconds: 259_200 },
      lambdaContext(),
    );
    await payInFull(caseId, START + HOUR);
    await aws.clock.whenQuiet();
    const at = iso(START + HOUR + 1_000);

    // Act
    const detail = await closeCase({ caseId, at }, lambdaContext());
    const replayed = await closeCase({ caseId, at: iso(START + 100 * DAY) }, lambdaContext());

    // Assess
    expect(detail).toEqual({
      caseId,
      rentalId: request.rentalId,
      customerId: request.customer.id,
      status: 'RESOLVED',
      stage: 'OVERDUE_NOTICE',
      outstanding: { amount: 0, currency: 'CNY' },
      at,
    });
    expect(replayed).toEqual({ ...detail, at: iso(START + 100 * DAY) });
    const sms = smsOf(aws, caseId);
    expect(sms).toHaveLength(1);
    expect(sms[0]).toMatchObject({
      phoneNumber: request.customer.phone,
      attributes: { 'collections.kind': 'RECEIPT' },
    });
    expect(sms[0]?.message).toContain('收到¥1,299.00');
    const emails = await emailsOf(aws, caseId);
    expect(emails).toHaveLength(1);
    expect(emailHeader(emails[0]!, 'X-Collections-Kind')).toBe('RECEIPT');
    expect(emails[0]?.destination.to).toEqual([request.customer.email]);
    const timeline = await timelineOf(caseId);
    // Recorded at the closing instant itself, so a replay of the step (even much later) adds nothing.
    expect(ofType(timeline, 'CASE_CLOSED')).toEqual([
      { at: iso(START + HOUR), type: 'CASE_CLOSED', detail: { status: 'RESOLVED', resolution: 'PAID' } },
    ]);
    expect(ofType(timeline, 'MESSAGE_SENT').map((entry) => entry.detail.kind)).toEqual([
      'RECEIPT',
      'RECEIPT',
    ]);
    expect((await adapters.cases().get(caseId))?.pendingResolution).toBeNull();
  });

  test('a case that is still OPEN cannot be closed, and nothing is sent or recorded', async () => {
    const { caseId } = await openCaseAt();

    await expect(closeCase({ caseId, at: iso(START + HOUR) }, lambdaContext())).rejects.toThrow(/still OPEN/);

    expect(smsOf(aws, caseId)).toEqual([]);
    expect(await emailsOf(aws, caseId)).toEqual([]);
    expect(typesOf(await timelineOf(caseId))).toEqual(['CASE_OPENED']);
    expect((await readCase(caseId)).body.status).toBe('OPEN');
  });
});

describe('write-off-case', () => {
  test('moves an OPEN case to WRITTEN_OFF / WRITTEN_OFF once; a second call changes nothing', async () => {
    // Prepare
    const { caseId, request } = await openCaseAt();
    const at = iso(Date.parse('2026-08-28T00:00:00Z'));

    // Act
    const detail = await writeOffCase({ caseId, at }, lambdaContext());
    const after = (await readCase(caseId, Date.parse(at))).body;
    const again = await writeOffCase({ caseId, at: iso(Date.parse(at) + DAY) }, lambdaContext());

    // Assess
    expect(detail).toMatchObject({
      caseId,
      rentalId: request.rentalId,
      customerId: request.customer.id,
      status: 'WRITTEN_OFF',
      at,
    });
    expect(after).toMatchObject({ status: 'WRITTEN_OFF', resolution: 'WRITTEN_OFF', closedAt: at });
    expect(again).toMatchObject({ status: 'WRITTEN_OFF', outstanding: detail.outstanding });
    const later = await readCase(caseId, Date.parse(at) + 30 * DAY);
    const { timeline, ...view } = later.body;
    const { timeline: _timeline, ...viewBefore } = after;
    expect(view).toEqual(viewBefore); // fees stopped too: nothing changes as time goes on
    expect(ofType(timeline, 'CASE_WRITTEN_OFF')).toEqual([
      {
        at,
        type: 'CASE_WRITTEN_OFF',
        detail: { outstanding: detail.outstanding.amount, currency: 'CNY' },
      },
    ]);
  });

  test('a case already RESOLVED is not written off', async () => {
    const { caseId } = await openCaseAt();
    await payInFull(caseId, START + HOUR);

    const detail = await writeOffCase({ caseId, at: iso(START + 2 * HOUR) }, lambdaContext());

    expect(detail.status).toBe('RESOLVED');
    expect((await readCase(caseId)).body.resolution).toBe('PAID');
    expect(typesOf(await timelineOf(caseId))).not.toContain('CASE_WRITTEN_OFF');
  });
});

describe('personal data', () => {
  test('no phone, email or name in any timeline entry or step output, across a whole case', async () => {
    // Prepare
    const { caseId, request, token } = await openWithToken();
    const { name, phone, email } = request.customer;
    const outputs: unknown[] = [];

    // Act: every step the workflow runs, plus a deferral and a skip
    outputs.push(await beginCase({ caseId, at: iso(START), execution: caseId }, lambdaContext()));
    outputs.push(await contact(caseId, 'OVERDUE_NOTICE', START));
    outputs.push(await contact(caseId, 'FIRST_COLLECTION', Date.parse('2026-03-05T15:00:00Z')));
    outputs.push(await contact(caseId, 'FIRST_COLLECTION', Date.parse('2026-03-06T02:00:00Z')));
    outputs.push(
      await awaitResolution(
        { caseId, stage: 'FIRST_COLLECTION', token, at: iso(START + 4 * DAY), timeoutSeconds: 604_800 },
        lambdaContext(),
      ),
    );
    await payInFull(caseId, START + 5 * DAY);
    outputs.push(await closeCase({ caseId, at: iso(START + 5 * DAY) }, lambdaContext()));
    outputs.push(await contact(caseId, 'SECOND_COLLECTION', START + 10 * DAY));

    // Assess
    const timeline = await timelineOf(caseId);
    expect(typesOf(timeline)).toEqual(
      expect.arrayContaining(['CONTACT_DEFERRED', 'MESSAGE_SENT', 'CONTACT_SKIPPED', 'CASE_CLOSED']),
    );
    const recorded = JSON.stringify({ timeline, outputs });
    for (const personal of [name, phone, email, phone.slice(1)]) {
      expect(recorded).not.toContain(personal);
    }
    expect(smsOf(aws, caseId).length).toBeGreaterThan(0); // the messages themselves did reach the customer
  });
});

describe('invalid step input', () => {
  test.each([
    [
      'send-stage-contact without `at`',
      'at',
      () => sendStageContact({ caseId: 'c', stage: 'OVERDUE_NOTICE' }, lambdaContext()),
    ],
    [
      'send-stage-contact with an unknown stage',
      'stage',
      () => sendStageContact({ caseId: 'c', stage: 'LUNCH', at: iso(START) }, lambdaContext()),
    ],
    [
      'send-stage-contact with a stage that has no contact',
      'stage',
      () => sendStageContact({ caseId: 'c', stage: 'LEGAL_REVIEW', at: iso(START) }, lambdaContext()),
    ],
    [
      'begin-case without `execution`',
      'execution',
      () => beginCase({ caseId: 'c', at: iso(START) }, lambdaContext()),
    ],
    [
      'await-resolution with a zero timeout',
      'timeoutSeconds',
      () =>
        awaitResolution(
          { caseId: 'c', stage: 'OVERDUE_NOTICE', token: 't', at: iso(START), timeoutSeconds: 0 },
          lambdaContext(),
        ),
    ],
    [
      'close-case with `at` that is not ISO 8601',
      'at',
      () => closeCase({ caseId: 'c', at: 'yesterday' }, lambdaContext()),
    ],
    ['write-off-case without `caseId`', 'caseId', () => writeOffCase({ at: iso(START) }, lambdaContext())],
  ] as Array<[string, string, () => Promise<unknown>]>)(
    '%s throws InvalidStepInputError naming %s',
    async (_label, field, call) => {
      const failure = call();

      await expect(failure).rejects.toThrow(InvalidStepInputError);
      await expect(failure).rejects.toThrow(new RegExp(`(^|; )${field}: `));
    },
  );
});
