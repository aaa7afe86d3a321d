import { updateCase } from '../../lambdas/domain/services/update-case';
import { handler as agreePlan } from '../../lambdas/handlers/api/agree-plan';
import { handler as decideLegalReview } from '../../lambdas/handlers/api/decide-legal-review';
import { handler as makePromise } from '../../lambdas/handlers/api/make-promise';
import { handler as openDispute } from '../../lambdas/handlers/api/open-dispute';
import { handler as recordReturn } from '../../lambdas/handlers/api/record-return';
import { handler as ruleDispute } from '../../lambdas/handlers/api/rule-dispute';
import { handler as openLegalReview } from '../../lambdas/handlers/workflow/open-legal-review';
import { lambdaContext, START } from '../support/local-aws';
import { POLICY } from '../support/policy';
import { HOUR } from '../support/time';
import { adapters } from './adapters';
import { type Harness, startHarness } from './aws-harness';
import {
  DAY,
  iso,
  ofType,
  openCaseAt,
  pay,
  payInFull,
  personalDataOf,
  post,
  readCase,
  recoveredExecutionsOf,
  storedCase,
  timelineOf,
  typesOf,
  waitingCase,
  wokenWith,
  writtenOffCase,
} from './case-helpers';

/**
 * The customer's options (docs/api.md): return, promise, plan, dispute, and the ruling on a dispute. Each
 * through its real handler against the local services; the waiting workflow is the stand-in one.
 */
let aws: Harness;
beforeAll(async () => {
  aws = await startHarness({ bureau: false });
});
afterAll(() => aws.stop());

const AT = START + HOUR;
/** Outstanding at START and AT: 1,299.00 + 1 whole day of fees (0.64). */
const OWED = 129_964;
const MAX_PROMISE_DAYS = POLICY.promise.maxDays;
const MAX_INSTALLMENTS = POLICY.plans.maxInstallments;
const MAX_PLAN_DAYS = POLICY.plans.maxPlanDays;
const MAX_RETURN_DAYS = POLICY.plans.maxExtendedReturnDays;
const cny = (amount: number) => ({ amount, currency: 'CNY' });

const returns = (caseId: string, body: unknown, at = AT) =>
  post(recordReturn, '/cases/{caseId}/returns', { caseId }, body, at);
const promises = (caseId: string, body: unknown, at = AT) =>
  post(makePromise, '/cases/{caseId}/promises', { caseId }, body, at);
const plans = (caseId: string, body: unknown, at = AT) =>
  post(agreePlan, '/cases/{caseId}/plans', { caseId }, body, at);
const disputes = (caseId: string, body: unknown, at = AT) =>
  post(openDispute, '/cases/{caseId}/disputes', { caseId }, body, at);
const rulings = (caseId: string, body: unknown, at = AT) =>
  post(ruleDispute, '/cases/{caseId}/disputes/resolution', { caseId }, body, at);

const twoInstallments = (total = OWED) => ({
  type: 'INSTALLMENTS',
  installments: [
    { dueAt: iso(START + 10 * DAY), amount: cny(60_000) },
    { dueAt: iso(START + 20 * DAY), amount: cny(total - 60_000) },
  ],
});

const errorPaths = (body: { errors?: Array<{ path: string }> }) => (body.errors ?? []).map((e) => e.path);

/** A refused request: the status, problem+json, the named fields, and the case exactly as before. */
async function expectRefused(
  reply: { status: number; contentType: string | undefined; body: { errors?: Array<{ path: string }> } },
  status: number,
  caseId: string,
  before: { body: unknown },
  paths: string[] = [],
) {
  expect(reply.status).toBe(status);
  expect(reply.contentType).toBe('application/problem+json');
  expect(reply.body).toMatchObject({ status });
  if (paths.length > 0) expect(errorPaths(reply.body)).toEqual(expect.arrayContaining(paths));
  expect((await readCase(caseId, AT)).body).toEqual(before.body);
}

describe('POST /cases/{caseId}/returns', () => {
  test('resolves the case as RETURNED at once; fees stop at the return; the waiting workflow hears RETURNED', async () => {
    // Prepare: returned on 03-04 01:00 (3 whole days overdue), reported on 03-06
    const { caseId } = await waitingCase(aws);
    const at = Date.parse('2026-03-06T00:00:00Z');

    // Act
    const reply = await returns(caseId, { returnedAt: '2026-03-04T01:00:00Z', condition: 'GOOD' }, at);

    // Assess
    expect(reply.status).toBe(200);
    expect(reply.body).toMatchObject({
      status: 'RESOLVED',
      resolution: 'RETURNED',
      closedAt: iso(at),
      fees: cny(Math.floor((129_900 * 5 * 3) / 10_000)),
    });
    expect((await readCase(caseId, at + 30 * DAY)).body.fees).toEqual(reply.body.fees);
    expect(await wokenWith(aws, caseId)).toEqual({ kind: 'RETURNED' });
    const timeline = await timelineOf(caseId, at);
    expect(ofType(timeline, 'DEVICE_RETURNED')).toEqual([
      {
        at: iso(at),
        type: 'DEVICE_RETURNED',
        detail: { returnedAt: '2026-03-04T01:00:00.000Z', condition: 'GOOD' },
      },
    ]);
    expect(ofType(timeline, 'CASE_RESOLVED')).toEqual([
      { at: iso(at), type: 'CASE_RESOLVED', detail: { resolution: 'RETURNED' } },
    ]);
  });

  test('a damaged device is noted on the timeline', async () => {
    const { caseId } = await openCaseAt();

    await returns(caseId, { returnedAt: iso(START), condition: 'DAMAGED' });

    expect(ofType(await timelineOf(caseId), 'DEVICE_RETURNED')[0]?.detail.condition).toBe('DAMAGED');
  });

  test('the same return twice answers the same case and changes nothing', async () => {
    const { caseId } = await openCaseAt();
    const body = { returnedAt: iso(START), condition: 'GOOD' };
    const first = await returns(caseId, body);
    const timeline = await timelineOf(caseId);

    const again = await returns(caseId, body, AT + HOUR);

    expect(again.status).toBe(200);
    expect({ ...again.body, updatedAt: null }).toEqual({ ...first.body, updatedAt: null });
    expect(await timelineOf(caseId)).toEqual(timeline);
  });

  test('a case already paid is a 409 and changes nothing', async () => {
    const { caseId } = await openCaseAt();
    await payInFull(caseId, START);
    const before = await readCase(caseId, AT);

    const reply = await returns(caseId, { returnedAt: iso(START), condition: 'GOOD' });

    await expectRefused(reply, 409, caseId, before);
  });

  test('after a write-off: RESOLVED / RETURNED, and the closing runs once in <caseId>-recovered', async () => {
    // Prepare: written off on day 180, the device back 10 days later
    const writtenOffAt = START + 180 * DAY;
    const { caseId } = await writtenOffCase(writtenOffAt);
    const at = writtenOffAt + 10 * DAY;
    const body = { returnedAt: iso(at - HOUR), condition: 'GOOD' };

    // Act
    const reply = await returns(caseId, body, at);
    const again = await returns(caseId, body, at + HOUR);
    await aws.clock.whenQuiet();

    // Assess
    expect(reply.status).toBe(200);
    expect(reply.body).toMatchObject({ status: 'RESOLVED', resolution: 'RETURNED', closedAt: iso(at) });
    expect(again.status).toBe(200);
    expect(again.body).toMatchObject({ status: 'RESOLVED', resolution: 'RETURNED', closedAt: iso(at) });
    const executions = recoveredExecutionsOf(aws, caseId);
    expect(executions).toHaveLength(1);
    const started = aws.engine.describeExecution({ executionArn: executions[0]?.executionArn ?? '' });
    expect(JSON.parse(started.input ?? 'null')).toEqual({ caseId, continueAt: 'CLOSE' });
    const timeline = await timelineOf(caseId, at);
    expect(ofType(timeline, 'DEVICE_RETURNED')).toEqual([
      { at: iso(at), type: 'DEVICE_RETURNED', detail: { returnedAt: iso(at - HOUR), condition: 'GOOD' } },
    ]);
    expect(ofType(timeline, 'CASE_RESOLVED')).toEqual([
      { at: iso(at), type: 'CASE_RESOLVED', detail: { resolution: 'RETURNED' } },
    ]);
  });

  test('a cancelled case is still a 409 and starts nothing', async () => {
    const { caseId } = await openCaseAt();
    await disputes(caseId, { reason: 'I returned it already' });
    await rulings(caseId, { outcome: 'UPHELD' });
    const before = await readCase(caseId, AT);

    const reply = await returns(caseId, { returnedAt: iso(START), condition: 'GOOD' });

    await expectRefused(reply, 409, caseId, before);
    expect(recoveredExecutionsOf(aws, caseId)).toEqual([]);
  });

  test.each([
    ['returnedAt', { returnedAt: iso(AT + DAY), condition: 'GOOD' }],
    ['returnedAt', { returnedAt: 'yesterday', condition: 'GOOD' }],
    ['condition', { returnedAt: iso(START), condition: 'SCRATCHED' }],
  ])('a wrong %s is a 400 naming it and changes nothing', async (path, body) => {
    const { caseId } = await openCaseAt();
    const before = await readCase(caseId, AT);

    const reply = await returns(caseId, body);

    await expectRefused(reply, 400, caseId, before, [path]);
  });
});

describe('POST /cases/{caseId}/promises', () => {
  test('OPEN → PROMISED: the promise on the case, the ladder paused, the waiting ladder hears PROMISE', async () => {
    // Prepare: the notice's wait runs until START + 3 days
    const { caseId } = await waitingCase(aws);

    // Act
    const reply = await promises(caseId, { promisedAt: iso(START + 5 * DAY), amount: cny(OWED) });

    // Assess
    expect(reply.status).toBe(200);
    expect(reply.body).toMatchObject({
      status: 'PROMISED',
      promise: { promisedAt: iso(START + 5 * DAY), amount: cny(OWED) },
      outstanding: cny(OWED),
    });
    expect(await wokenWith(aws, caseId)).toEqual({ kind: 'PROMISE' });
    expect((await storedCase(caseId)).promise?.keepBy).toBe(iso(START + 7 * DAY));
    expect(ofType(await timelineOf(caseId, AT), 'PROMISE_MADE')).toEqual([
      {
        at: iso(AT),
        type: 'PROMISE_MADE',
        detail: {
          promisedAt: iso(START + 5 * DAY),
          amount: OWED,
          keepBy: iso(START + 7 * DAY),
          wholeAmount: true,
        },
      },
    ]);
  });

  test('fees keep accruing while PROMISED (docs/policy.md): a broken promise owes them', async () => {
    const { caseId } = await openCaseAt();
    await promises(caseId, { promisedAt: iso(START + 5 * DAY), amount: cny(OWED) });

    const afterGrace = (await readCase(caseId, START + 7 * DAY + HOUR)).body;

    // Past the grace end the promise can no longer be kept: the case shows the debt with every day's fee.
    expect(afterGrace.fees).toEqual(cny(Math.floor((129_900 * 5 * 8) / 10_000)));
  });

  test('while a promise of the whole amount can be kept, the case shows what keeps it', async () => {
    // Prepare: promised at AT for 5 days later; fees went on accruing meanwhile
    const { caseId } = await openCaseAt();
    await promises(caseId, { promisedAt: iso(START + 5 * DAY), amount: cny(OWED) });
    const shown = (await readCase(caseId, START + 6 * DAY)).body;

    // Act
    const reply = await pay(
      caseId,
      { paymentId: 'pay-shown', amount: shown.outstanding, paidAt: iso(START + 6 * DAY) },
      START + 6 * DAY,
    );

    // Assess
    expect(shown).toMatchObject({
      outstanding: cny(OWED),
      promise: { toKeep: cny(OWED), wholeAmount: true },
    });
    expect(reply.body).toMatchObject({
      status: 'RESOLVED',
      resolution: 'PAID',
      outstanding: cny(0),
      refundDue: cny(0),
    });
    expect(ofType(await timelineOf(caseId, START + 6 * DAY), 'OVERPAYMENT_FOR_REFUND')).toEqual([]);
  });

  test('paying just the amount promised, on time, keeps the promise: RESOLVED, the fees since the promise waived', async () => {
    // Prepare
    const { caseId } = await openCaseAt();
    await promises(caseId, { promisedAt: iso(START + 5 * DAY), amount: cny(OWED) });

    // Act
    const reply = await pay(
      caseId,
      { paymentId: 'pay-promised', amount: cny(OWED), paidAt: iso(START + 5 * DAY) },
      START + 5 * DAY,
    );

    // Assess
    expect(reply.body).toMatchObject({
      status: 'RESOLVED',
      resolution: 'PAID',
      outstanding: cny(0),
      paid: cny(OWED),
    });
    expect(reply.body.fees).toEqual(cny(OWED - 129_900));
    expect(ofType(await timelineOf(caseId, START + 5 * DAY), 'OVERPAYMENT_FOR_REFUND')).toEqual([]);
  });

  test('paying the amount promised after the grace days is only a part payment: the case stays open', async () => {
    const { caseId } = await openCaseAt();
    await promises(caseId, { promisedAt: iso(START + 5 * DAY), amount: cny(OWED) });

    const late = START + 8 * DAY; // promised + 2 grace days have passed
    const reply = await pay(caseId, { paymentId: 'pay-late', amount: cny(OWED), paidAt: iso(late) }, late);

    expect(reply.body.status).not.toBe('RESOLVED');
    // The fees of the 7 days since the promise are owed.
    expect(reply.body.outstanding).toEqual(cny(Math.floor((129_900 * 5 * 9) / 10_000) - (OWED - 129_900)));
  });

  test(`exactly the policy's ${MAX_PROMISE_DAYS} days ahead is allowed`, async () => {
    const { caseId } = await openCaseAt();

    const reply = await promises(caseId, { promisedAt: iso(AT + MAX_PROMISE_DAYS * DAY), amount: cny(OWED) });

    expect(reply.status).toBe(200);
  });

  test('the same promise twice changes nothing; another promise while PROMISED is a 409', async () => {
    const { caseId } = await openCaseAt();
    const body = { promisedAt: iso(START + 5 * DAY), amount: cny(OWED) };
    await promises(caseId, body);
    const before = await readCase(caseId, AT);
    const timeline = await timelineOf(caseId, AT);

    const again = await promises(caseId, body, AT + HOUR);
    const other = await promises(caseId, { ...body, promisedAt: iso(START + 6 * DAY) });

    expect(again.status).toBe(200);
    expect(again.body.promise).toEqual(before.body.promise);
    expect(await timelineOf(caseId, AT)).toEqual(timeline);
    await expectRefused(other, 409, caseId, before);
  });

  test.each([
    [
      `more than ${MAX_PROMISE_DAYS} days ahead`,
      { promisedAt: iso(AT + MAX_PROMISE_DAYS * DAY + 1_000), amount: cny(OWED) },
      'promisedAt',
    ],
    [
      'of less than 20 % of the outstanding amount',
      { promisedAt: iso(START + 5 * DAY), amount: cny(Math.ceil(OWED / 5) - 1) },
      'amount.amount',
    ],
    [
      'more than the outstanding amount',
      { promisedAt: iso(START + 5 * DAY), amount: cny(OWED + 1) },
      'amount.amount',
    ],
  ])('a promise %s is a 422 naming the field and changes nothing', async (_label, body, path) => {
    const { caseId } = await openCaseAt();
    const before = await readCase(caseId, AT);

    const reply = await promises(caseId, body);

    await expectRefused(reply, 422, caseId, before, [path]);
    expect(reply.body.type).toBe('/problems/policy-limit');
  });

  test.each([
    ['promisedAt', { promisedAt: iso(START), amount: cny(OWED) }],
    ['amount.currency', { promisedAt: iso(START + 5 * DAY), amount: { amount: OWED, currency: 'USD' } }],
    ['amount.amount', { promisedAt: iso(START + 5 * DAY), amount: { amount: 12.5, currency: 'CNY' } }],
    ['promisedAt', { amount: cny(OWED) }],
  ])('a wrong %s is a 400 naming it', async (path, body) => {
    const { caseId } = await openCaseAt();
    const before = await readCase(caseId, AT);

    const reply = await promises(caseId, body);

    await expectRefused(reply, 400, caseId, before, [path]);
  });

  test.each([
    ['DISPUTED', (caseId: string) => disputes(caseId, { reason: 'not mine' }, START)],
    ['RESOLVED', (caseId: string) => payInFull(caseId, START)],
    ['ON_PLAN', (caseId: string) => plans(caseId, twoInstallments(), START)],
  ] as Array<[string, (caseId: string) => Promise<unknown>]>)(
    'a %s case is a 409 and changes nothing',
    async (_status, prepare) => {
      const { caseId } = await openCaseAt();
      await prepare(caseId);
      const before = await readCase(caseId, AT);

      const reply = await promises(caseId, { promisedAt: iso(START + 5 * DAY), amount: cny(OWED) });

      await expectRefused(reply, 409, caseId, before);
    },
  );
});

describe('POST /cases/{caseId}/plans', () => {
  test('instalments summing to outstanding: ON_PLAN, fees frozen, the ladder paused and woken with PLAN', async () => {
    // Prepare
    const { caseId } = await waitingCase(aws);

    // Act
    const reply = await plans(caseId, twoInstallments());

    // Assess
    expect(reply.status).toBe(200);
    expect(reply.body).toMatchObject({
      status: 'ON_PLAN',
      plan: {
        type: 'INSTALLMENTS',
        installments: [
          { dueAt: iso(START + 10 * DAY), amount: cny(60_000) },
          { dueAt: iso(START + 20 * DAY), amount: cny(OWED - 60_000) },
        ],
        returnBy: null,
      },
    });
    expect(await wokenWith(aws, caseId)).toEqual({ kind: 'PLAN' });
    // fees frozen while ON_PLAN: 40 days later the outstanding amount is the same
    expect((await readCase(caseId, START + 40 * DAY)).body).toMatchObject({
      fees: cny(64),
      outstanding: cny(OWED),
    });
    expect(ofType(await timelineOf(caseId, AT), 'PLAN_AGREED')).toEqual([
      {
        at: iso(AT),
        type: 'PLAN_AGREED',
        detail: { type: 'INSTALLMENTS', installments: 2, lastDueAt: iso(START + 20 * DAY) },
      },
    ]);
  });

  test(`the policy's ${MAX_INSTALLMENTS} instalments are allowed`, async () => {
    const { caseId } = await openCaseAt();
    const each = Math.floor(OWED / MAX_INSTALLMENTS);
    const installments = Array.from({ length: MAX_INSTALLMENTS }, (_, n) => ({
      dueAt: iso(START + (n + 1) * 7 * DAY),
      amount: cny(n === MAX_INSTALLMENTS - 1 ? OWED - (MAX_INSTALLMENTS - 1) * each : each),
    }));

    const reply = await plans(caseId, { type: 'INSTALLMENTS', installments });

    expect(reply.status).toBe(200);
    expect(reply.body.plan.installments).toHaveLength(MAX_INSTALLMENTS);
  });

  test('an extended return within 30 days: ON_PLAN with the date, fees frozen', async () => {
    const { caseId } = await openCaseAt();

    const reply = await plans(caseId, { type: 'EXTENDED_RETURN', returnBy: iso(AT + 30 * DAY) });

    expect(reply.status).toBe(200);
    expect(reply.body).toMatchObject({
      status: 'ON_PLAN',
      plan: { type: 'EXTENDED_RETURN', installments: [], returnBy: iso(AT + 30 * DAY) },
    });
    expect((await readCase(caseId, START + 25 * DAY)).body.fees).toEqual(cny(64));
  });

  test('a PROMISED case may agree a plan instead: the promise is dropped', async () => {
    const { caseId } = await openCaseAt();
    await promises(caseId, { promisedAt: iso(START + 5 * DAY), amount: cny(OWED) }, START);

    const reply = await plans(caseId, twoInstallments());

    expect(reply.body).toMatchObject({ status: 'ON_PLAN', promise: null });
  });

  test('the same plan twice changes nothing; another plan while ON_PLAN is a 409', async () => {
    const { caseId } = await openCaseAt();
    await plans(caseId, twoInstallments());
    const before = await readCase(caseId, AT);
    const timeline = await timelineOf(caseId, AT);

    const again = await plans(caseId, twoInstallments(), AT + HOUR);
    const other = await plans(caseId, { type: 'EXTENDED_RETURN', returnBy: iso(START + 10 * DAY) });

    expect(again.status).toBe(200);
    expect(again.body.plan).toEqual(before.body.plan);
    expect(await timelineOf(caseId, AT)).toEqual(timeline);
    await expectRefused(other, 409, caseId, before);
  });

  test.each([
    [
      `${MAX_INSTALLMENTS + 1} instalments`,
      {
        type: 'INSTALLMENTS',
        installments: Array.from({ length: MAX_INSTALLMENTS + 1 }, (_, n) => ({
          dueAt: iso(START + (n + 1) * DAY),
          amount: cny(n === MAX_INSTALLMENTS ? OWED - MAX_INSTALLMENTS * 10_000 : 10_000),
        })),
      },
      'installments',
    ],
    [
      `a last instalment ${MAX_PLAN_DAYS + 1} days after the plan (policy: ${MAX_PLAN_DAYS})`,
      {
        type: 'INSTALLMENTS',
        installments: [
          { dueAt: iso(AT + 30 * DAY), amount: cny(60_000) },
          { dueAt: iso(AT + (MAX_PLAN_DAYS + 1) * DAY), amount: cny(OWED - 60_000) },
        ],
      },
      'installments.1.dueAt',
    ],
    ['instalments that add up to less', twoInstallments(OWED - 1), 'installments'],
    ['instalments that add up to more', twoInstallments(OWED + 100), 'installments'],
    [
      `an extended return ${MAX_RETURN_DAYS + 1} days ahead`,
      { type: 'EXTENDED_RETURN', returnBy: iso(AT + (MAX_RETURN_DAYS + 1) * DAY) },
      'returnBy',
    ],
    ['an extended return in the past', { type: 'EXTENDED_RETURN', returnBy: iso(START) }, 'returnBy'],
  ])('%s is a 422 naming the field and changes nothing', async (_label, body, path) => {
    const { caseId } = await openCaseAt();
    const before = await readCase(caseId, AT);

    const reply = await plans(caseId, body);

    await expectRefused(reply, 422, caseId, before, [path]);
  });

  test(`a last instalment exactly ${MAX_PLAN_DAYS} days after the plan is within the policy`, async () => {
    const { caseId } = await openCaseAt();

    const reply = await plans(caseId, {
      type: 'INSTALLMENTS',
      installments: [
        { dueAt: iso(AT + 30 * DAY), amount: cny(60_000) },
        { dueAt: iso(AT + MAX_PLAN_DAYS * DAY), amount: cny(OWED - 60_000) },
      ],
    });

    expect(reply.status).toBe(200);
    expect(reply.body.status).toBe('ON_PLAN');
  });

  test.each([
    [
      'installments.1.dueAt',
      {
        type: 'INSTALLMENTS',
        installments: [
          { dueAt: iso(START + 20 * DAY), amount: cny(60_000) },
          { dueAt: iso(START + 10 * DAY), amount: cny(OWED - 60_000) },
        ],
      },
    ],
    [
      'installments.0.amount.currency',
      {
        type: 'INSTALLMENTS',
        installments: [{ dueAt: iso(START + 10 * DAY), amount: { amount: OWED, currency: 'USD' } }],
      },
    ],
    ['installments', { type: 'INSTALLMENTS', installments: [] }],
    ['type', { type: 'LATER', returnBy: iso(START + 10 * DAY) }],
  ])('a wrong %s is a 400 naming it and changes nothing', async (path, body) => {
    const { caseId } = await openCaseAt();
    const before = await readCase(caseId, AT);

    const reply = await plans(caseId, body);

    await expectRefused(reply, 400, caseId, before, [path]);
  });

  test('a DISPUTED case is a 409', async () => {
    const { caseId } = await openCaseAt();
    await disputes(caseId, { reason: 'not mine' }, START);
    const before = await readCase(caseId, AT);

    const reply = await plans(caseId, twoInstallments());

    await expectRefused(reply, 409, caseId, before);
  });
});

describe('POST /cases/{caseId}/disputes', () => {
  const REASON = '我没有租过这台设备，请联系我 +8613800138000';

  test('OPEN → DISPUTED: channels held, fees frozen, ruling due in 30 days, the waiting ladder hears DISPUTE', async () => {
    // Prepare
    const { caseId } = await waitingCase(aws);

    // Act
    const reply = await disputes(caseId, { reason: REASON });

    // Assess
    expect(reply.status).toBe(200);
    expect(reply.body).toMatchObject({
      status: 'DISPUTED',
      dispute: { openedAt: iso(AT), rulingDueAt: iso(AT + 30 * DAY), outcome: null },
    });
    expect(await wokenWith(aws, caseId)).toEqual({ kind: 'DISPUTE' });
    expect((await readCase(caseId, START + 20 * DAY)).body.fees).toEqual(cny(64));
    expect(ofType(await timelineOf(caseId, AT), 'DISPUTE_OPENED')).toEqual([
      { at: iso(AT), type: 'DISPUTE_OPENED', detail: { rulingDueAt: iso(AT + 30 * DAY) } },
    ]);
  });

  test('the customer’s words stay on the case: not in the answer, not on the timeline', async () => {
    const { caseId } = await openCaseAt();

    const reply = await disputes(caseId, { reason: REASON });

    expect(JSON.stringify(reply.body)).not.toContain('没有租过');
    const read = JSON.stringify((await readCase(caseId, AT)).body);
    expect(read).not.toContain('没有租过');
    expect(read).not.toContain('+8613800138000');
    expect((await storedCase(caseId)).dispute?.reason).toBe(REASON);
  });

  test('a dispute while PROMISED drops the promise', async () => {
    const { caseId } = await openCaseAt();
    await promises(caseId, { promisedAt: iso(START + 5 * DAY), amount: cny(OWED) }, START);

    const reply = await disputes(caseId, { reason: 'wrong amount' });

    expect(reply.body).toMatchObject({ status: 'DISPUTED', promise: null });
  });

  test('the same dispute twice changes nothing; another one while DISPUTED is a 409', async () => {
    const { caseId } = await openCaseAt();
    await disputes(caseId, { reason: 'wrong amount' });
    const before = await readCase(caseId, AT);
    const timeline = await timelineOf(caseId, AT);

    const again = await disputes(caseId, { reason: 'wrong amount' }, AT + HOUR);
    const other = await disputes(caseId, { reason: 'another reason' });

    expect(again.status).toBe(200);
    expect(again.body.dispute).toEqual(before.body.dispute);
    expect(await timelineOf(caseId, AT)).toEqual(timeline);
    await expectRefused(other, 409, caseId, before);
  });

  test('a closed case is a 409', async () => {
    const { caseId } = await openCaseAt();
    await payInFull(caseId, START);
    const before = await readCase(caseId, AT);

    await expectRefused(await disputes(caseId, { reason: 'x' }), 409, caseId, before);
  });

  describe('on a closed case whose credit report is still filed', () => {
    /** Files a report on the stored case, as the bureau step would have (this harness has no bureau). */
    async function fileReport(caseId: string, status: 'REPORTED' | 'SETTLED') {
      await updateCase(adapters.cases(), caseId, (current) => ({
        next: {
          ...current,
          creditReport: {
            ...current.creditReport,
            status,
            reference: `ref-${caseId}`,
            reportedAt: iso(START),
          },
        },
        result: undefined,
      }));
    }
    const disputeExecutionsOf = (caseId: string) =>
      aws.engine
        .listExecutions({ stateMachineArn: aws.stateMachineArn })
        .executions.filter((execution) => execution.name.startsWith(`${caseId}-dispute-t`));

    test('written off: DISPUTED, in an execution of its own, started once', async () => {
      const writtenOffAt = START + 180 * DAY;
      const { caseId } = await writtenOffCase(writtenOffAt);
      await fileReport(caseId, 'REPORTED');
      const at = writtenOffAt + 5 * DAY;

      const reply = await disputes(caseId, { reason: 'never rented' }, at);
      const again = await disputes(caseId, { reason: 'never rented' }, at + HOUR);

      expect(reply.status).toBe(200);
      expect(reply.body).toMatchObject({ status: 'DISPUTED' });
      expect(again.status).toBe(200);
      expect(disputeExecutionsOf(caseId)).toHaveLength(1);
      expect((await storedCase(caseId)).workflow).toMatchObject({
        name: disputeExecutionsOf(caseId)[0]?.name,
        startedAt: expect.any(String),
      });
    });

    test('resolved while its closing still settles the report: a 409 that starts nothing', async () => {
      const writtenOffAt = START + 180 * DAY;
      const { caseId } = await writtenOffCase(writtenOffAt);
      await fileReport(caseId, 'REPORTED');
      const at = writtenOffAt + 5 * DAY;
      await returns(caseId, { returnedAt: iso(at - HOUR), condition: 'GOOD' }, at);
      const before = await readCase(caseId, AT);
      expect(before.body).toMatchObject({ status: 'RESOLVED', creditReport: { status: 'REPORTED' } });

      await expectRefused(await disputes(caseId, { reason: 'x' }, at + HOUR), 409, caseId, before);
      expect(disputeExecutionsOf(caseId)).toHaveLength(0);
    });

    test('resolved and its report settled: DISPUTED (the settled entry can still be wrong)', async () => {
      const writtenOffAt = START + 180 * DAY;
      const { caseId } = await writtenOffCase(writtenOffAt);
      const at = writtenOffAt + 5 * DAY;
      await returns(caseId, { returnedAt: iso(at - HOUR), condition: 'GOOD' }, at);
      await fileReport(caseId, 'SETTLED');

      const reply = await disputes(caseId, { reason: 'never rented' }, at + HOUR);

      expect(reply.status).toBe(200);
      expect(reply.body).toMatchObject({ status: 'DISPUTED' });
      expect(disputeExecutionsOf(caseId)).toHaveLength(1);
    });
  });

  test.each([
    ['reason', {}],
    ['reason', { reason: '   ' }],
    ['reason', { reason: 'x'.repeat(2_001) }],
  ])('a wrong %s is a 400 naming it', async (path, body) => {
    const { caseId } = await openCaseAt();
    const before = await readCase(caseId, AT);

    await expectRefused(await disputes(caseId, body), 400, caseId, before, [path]);
  });
});

describe('POST /cases/{caseId}/disputes/resolution', () => {
  test('UPHELD → CANCELLED / DISPUTE_UPHELD; the dispute wait hears CANCELLED', async () => {
    // Prepare
    const { caseId } = await waitingCase(aws, 'DISPUTE', {}, START, (id) =>
      disputes(id, { reason: 'not mine' }, START),
    );
    expect(await wokenWith(aws, caseId)).toBeNull();

    // Act
    const reply = await rulings(caseId, { outcome: 'UPHELD', note: 'contract signed by someone else' });

    // Assess
    expect(reply.body).toMatchObject({
      status: 'CANCELLED',
      resolution: 'DISPUTE_UPHELD',
      closedAt: iso(AT),
    });
    expect(await wokenWith(aws, caseId)).toEqual({ kind: 'CANCELLED' });
    const timeline = await timelineOf(caseId, AT);
    expect(ofType(timeline, 'DISPUTE_RULED')).toEqual([
      { at: iso(AT), type: 'DISPUTE_RULED', detail: { outcome: 'UPHELD' } },
    ]);
    expect(JSON.stringify(timeline)).not.toContain('someone else');
  });

  test('REJECTED → OPEN again, fees resume; the dispute wait hears DISPUTE_REJECTED', async () => {
    const { caseId } = await waitingCase(aws, 'DISPUTE', {}, START, (id) =>
      disputes(id, { reason: 'not mine' }, START),
    );
    expect(await wokenWith(aws, caseId)).toBeNull();

    const reply = await rulings(caseId, { outcome: 'REJECTED' }, START + 10 * DAY);

    expect(reply.body).toMatchObject({ status: 'OPEN', dispute: { outcome: 'REJECTED' } });
    expect(await wokenWith(aws, caseId)).toEqual({ kind: 'DISPUTE_REJECTED' });
    // fees: 1 day before the dispute, none while it was open, 5 days after the ruling
    expect((await readCase(caseId, START + 15 * DAY)).body.fees).toEqual(
      cny(Math.floor((129_900 * 5 * 6) / 10_000)),
    );
  });

  test('a rejected dispute of a LEGAL case returns it to LEGAL', async () => {
    const { caseId } = await openCaseAt();
    await openLegalReview({ caseId, at: iso(START) }, lambdaContext());
    await post(
      decideLegalReview,
      '/cases/{caseId}/legal-review',
      { caseId },
      { decision: 'APPROVE', reviewer: 'counsel-1' },
      START,
    );
    await disputes(caseId, { reason: 'not mine' }, START);

    const reply = await rulings(caseId, { outcome: 'REJECTED' });

    expect(reply.body.status).toBe('LEGAL');
  });

  test('the same ruling twice changes nothing; the other ruling afterwards is a 409', async () => {
    const { caseId } = await openCaseAt();
    await disputes(caseId, { reason: 'not mine' }, START);
    await rulings(caseId, { outcome: 'REJECTED' });
    const before = await readCase(caseId, AT);
    const timeline = await timelineOf(caseId, AT);

    const again = await rulings(caseId, { outcome: 'REJECTED' }, AT + HOUR);
    const other = await rulings(caseId, { outcome: 'UPHELD' });

    expect(again.status).toBe(200);
    expect(await timelineOf(caseId, AT)).toEqual(timeline);
    await expectRefused(other, 409, caseId, before);
  });

  test('a case without an open dispute is a 409', async () => {
    const { caseId } = await openCaseAt();
    const before = await readCase(caseId, AT);

    await expectRefused(await rulings(caseId, { outcome: 'UPHELD' }), 409, caseId, before);
  });

  test('a wrong outcome is a 400 naming it', async () => {
    const { caseId } = await openCaseAt();
    await disputes(caseId, { reason: 'not mine' }, START);
    const before = await readCase(caseId, AT);

    await expectRefused(await rulings(caseId, { outcome: 'MAYBE' }), 400, caseId, before, ['outcome']);
  });
});

describe('personal data', () => {
  test('none of the customer’s data on the timeline after every option was used', async () => {
    // Prepare
    const { caseId, request } = await openCaseAt();

    // Act
    await promises(caseId, { promisedAt: iso(START + 5 * DAY), amount: cny(OWED) }, START);
    await plans(caseId, twoInstallments(), START);
    await disputes(caseId, { reason: `${request.customer.name} ${request.customer.phone}` }, START);
    await rulings(caseId, { outcome: 'REJECTED', note: request.customer.email }, START);
    await returns(caseId, { returnedAt: iso(START), condition: 'DAMAGED' }, START);

    // Assess
    const timeline = await timelineOf(caseId);
    expect(typesOf(timeline)).toEqual(
      expect.arrayContaining([
        'PROMISE_MADE',
        'PLAN_AGREED',
        'DISPUTE_OPENED',
        'DISPUTE_RULED',
        'DEVICE_RETURNED',
      ]),
    );
    const text = JSON.stringify(timeline);
    for (const personal of personalDataOf(request)) expect(text).not.toContain(personal);
  });
});
