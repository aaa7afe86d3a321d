import { EventBridgeCaseEvents } from '../../lambdas/adapters/eventbridge-case-events';
import { DEFAULT_POLICY_ID, findPolicy } from '../../lambdas/domain/policy';
import { handler as approveDisclosure } from '../../lambdas/handlers/api/approve-disclosure';
import { handler as decideLegalReview } from '../../lambdas/handlers/api/decide-legal-review';
import { handler as recordLegalOutcome } from '../../lambdas/handlers/api/record-legal-outcome';
import { handler as openLegalReview } from '../../lambdas/handlers/workflow/open-legal-review';
import { lambdaContext, START } from '../support/local-aws';
import { HOUR } from '../support/time';
import { adapters } from './adapters';
import { type Harness, startHarness } from './aws-harness';
import {
  DAY,
  iso,
  ofType,
  openCaseAt,
  payInFull,
  personalDataOf,
  post,
  readCase,
  storedCase,
  timelineOf,
  waitingCase,
  wokenWith,
  workItemsOf,
} from './case-helpers';

/** The people's decisions on the legal track: the review, the outcome, a public disclosure. */
let aws: Harness;
beforeAll(async () => {
  aws = await startHarness({ bureau: false });
});
afterAll(() => aws.stop());

const REVIEW_AT = START + 31 * DAY;
const AT = REVIEW_AT + DAY;

const review = (caseId: string, body: unknown, at = AT) =>
  post(decideLegalReview, '/cases/{caseId}/legal-review', { caseId }, body, at);
const outcome = (caseId: string, body: unknown, at = AT + 10 * DAY) =>
  post(recordLegalOutcome, '/cases/{caseId}/legal-outcome', { caseId }, body, at);
const approve = (caseId: string, body: unknown, at = AT + 20 * DAY) =>
  post(approveDisclosure, '/cases/{caseId}/public-disclosure/approvals', { caseId }, body, at);

const toReview = (caseId: string) => openLegalReview({ caseId, at: iso(REVIEW_AT) }, lambdaContext());

/** A case at LEGAL_REVIEW whose workflow waits for the decision. */
const caseUnderReview = () =>
  waitingCase(aws, 'LEGAL_REVIEW', { amountDue: { amount: 600_000, currency: 'CNY' } }, START, toReview);

/** A case in LEGAL (review approved) whose workflow waits for the outcome. */
async function legalCase() {
  return waitingCase(
    aws,
    'LEGAL_OUTCOME',
    { amountDue: { amount: 600_000, currency: 'CNY' } },
    START,
    async (id) => {
      await toReview(id);
      const reply = await review(id, { decision: 'APPROVE', reviewer: 'counsel-1' });
      if (reply.status !== 200) throw new Error(`approval refused: ${JSON.stringify(reply.body)}`);
    },
  );
}

describe('POST /cases/{caseId}/legal-review', () => {
  test('APPROVE: LEGAL at LEGAL_ACTION, fees frozen, the review task done, the workflow hears LEGAL_APPROVED', async () => {
    // Prepare
    const { caseId } = await caseUnderReview();

    // Act
    const reply = await review(caseId, {
      decision: 'APPROVE',
      reviewer: 'counsel-1',
      note: 'strong evidence',
    });

    // Assess
    expect(reply.status).toBe(200);
    expect(reply.body).toMatchObject({
      status: 'LEGAL',
      stage: 'LEGAL_ACTION',
      legal: { decision: 'APPROVE', outcome: null, judgmentRef: null },
    });
    expect(await wokenWith(aws, caseId)).toEqual({ kind: 'LEGAL_APPROVED' });
    expect((await readCase(caseId, AT + 60 * DAY)).body.fees).toEqual(reply.body.fees);
    expect(await workItemsOf(caseId)).toEqual([
      expect.objectContaining({
        queue: 'LEGAL_REVIEW',
        status: 'DONE',
        outcome: 'APPROVED',
        completedAt: iso(AT),
      }),
    ]);
    const timeline = await timelineOf(caseId, AT);
    expect(ofType(timeline, 'LEGAL_REVIEW_DECIDED')).toEqual([
      { at: iso(AT), type: 'LEGAL_REVIEW_DECIDED', detail: { decision: 'APPROVE', reviewer: 'counsel-1' } },
    ]);
    expect(JSON.stringify(timeline)).not.toContain('strong evidence');
  });

  test('DECLINE: stays OPEN and goes to SOFT_REMINDERS; the workflow hears LEGAL_DECLINED', async () => {
    const { caseId } = await caseUnderReview();

    const reply = await review(caseId, { decision: 'DECLINE', reviewer: 'counsel-2' });

    expect(reply.body).toMatchObject({
      status: 'OPEN',
      stage: 'SOFT_REMINDERS',
      legal: { decision: 'DECLINE' },
    });
    expect(await wokenWith(aws, caseId)).toEqual({ kind: 'LEGAL_DECLINED' });
    expect((await workItemsOf(caseId))[0]).toMatchObject({ status: 'DONE', outcome: 'DECLINED' });
  });

  test('the same decision twice changes nothing; the other decision afterwards is a 409', async () => {
    const { caseId } = await caseUnderReview();
    await review(caseId, { decision: 'APPROVE', reviewer: 'counsel-1' });
    const before = await readCase(caseId, AT);
    const timeline = await timelineOf(caseId, AT);

    const again = await review(caseId, { decision: 'APPROVE', reviewer: 'counsel-1' }, AT + HOUR);
    const other = await review(caseId, { decision: 'DECLINE', reviewer: 'counsel-2' });

    expect(again.status).toBe(200);
    expect(await timelineOf(caseId, AT)).toEqual(timeline);
    expect(other.status).toBe(409);
    expect((await readCase(caseId, AT)).body).toEqual(before.body);
  });

  test('a case that is not waiting for a review is a 409 and changes nothing', async () => {
    const { caseId } = await openCaseAt();
    const before = await readCase(caseId, AT);

    const reply = await review(caseId, { decision: 'APPROVE', reviewer: 'counsel-1' });

    expect(reply).toMatchObject({ status: 409, contentType: 'application/problem+json' });
    expect((await readCase(caseId, AT)).body).toEqual(before.body);
  });

  test('a case paid while under review is a 409', async () => {
    const { caseId } = await openCaseAt();
    await toReview(caseId);
    await payInFull(caseId, REVIEW_AT + HOUR);

    const reply = await review(caseId, { decision: 'APPROVE', reviewer: 'counsel-1' });

    expect(reply.status).toBe(409);
    expect((await readCase(caseId, AT)).body.status).toBe('RESOLVED');
  });
});

describe('POST /cases/{caseId}/legal-outcome', () => {
  test('JUDGMENT: stays LEGAL with the reference; the outcome wait goes on', async () => {
    const { caseId } = await legalCase();

    const reply = await outcome(caseId, { outcome: 'JUDGMENT', judgmentRef: '(2026)沪0105民初1234号' });

    expect(reply.body).toMatchObject({
      status: 'LEGAL',
      legal: { decision: 'APPROVE', outcome: 'JUDGMENT', judgmentRef: '(2026)沪0105民初1234号' },
    });
    expect(await wokenWith(aws, caseId)).toBeNull();
    expect(ofType(await timelineOf(caseId), 'LEGAL_OUTCOME_RECORDED')).toEqual([
      {
        at: iso(AT + 10 * DAY),
        type: 'LEGAL_OUTCOME_RECORDED',
        detail: { outcome: 'JUDGMENT', judgmentRef: '(2026)沪0105民初1234号' },
      },
    ]);
  });

  test('SETTLED: stays LEGAL until the money comes; then RESOLVED / PAID wakes the outcome wait', async () => {
    const { caseId } = await legalCase();

    const settled = await outcome(caseId, { outcome: 'SETTLED' });
    const woken = await wokenWith(aws, caseId);
    await payInFull(caseId, AT + 12 * DAY);

    expect(settled.body).toMatchObject({ status: 'LEGAL', legal: { outcome: 'SETTLED' } });
    expect(woken).toBeNull();
    expect(await wokenWith(aws, caseId)).toEqual({ kind: 'PAID' });
  });

  test.each([
    ['LOST', 'LEGAL_LOST'],
    ['WITHDRAWN', 'LEGAL_WITHDRAWN'],
  ])('%s: WRITTEN_OFF / %s; the outcome wait hears WRITTEN_OFF', async (result, resolution) => {
    const { caseId } = await legalCase();

    const reply = await outcome(caseId, { outcome: result });

    expect(reply.body).toMatchObject({ status: 'WRITTEN_OFF', resolution, closedAt: iso(AT + 10 * DAY) });
    expect(await wokenWith(aws, caseId)).toEqual({ kind: 'WRITTEN_OFF' });
  });

  test('the same outcome twice changes nothing; another one on a written-off case is a 409', async () => {
    const { caseId } = await legalCase();
    await outcome(caseId, { outcome: 'LOST' });
    const before = await readCase(caseId, AT + 10 * DAY);
    const timeline = await timelineOf(caseId);

    const again = await outcome(caseId, { outcome: 'LOST' }, AT + 11 * DAY);
    const other = await outcome(caseId, { outcome: 'JUDGMENT', judgmentRef: 'ref-1' });

    expect(again.status).toBe(200);
    expect(await timelineOf(caseId)).toEqual(timeline);
    expect(other.status).toBe(409);
    expect((await readCase(caseId, AT + 10 * DAY)).body).toEqual(before.body);
  });

  test('a case that is not LEGAL is a 409', async () => {
    const { caseId } = await openCaseAt();

    const reply = await outcome(caseId, { outcome: 'SETTLED' });

    expect(reply.status).toBe(409);
    expect((await storedCase(caseId)).legal.outcome).toBeNull();
  });

  test.each([
    ['judgmentRef (missing with JUDGMENT)', 'judgmentRef', { outcome: 'JUDGMENT' }],
    ['judgmentRef (with SETTLED)', 'judgmentRef', { outcome: 'SETTLED', judgmentRef: 'ref-1' }],
    ['judgmentRef (with LOST)', 'judgmentRef', { outcome: 'LOST', judgmentRef: 'ref-1' }],
    ['outcome', 'outcome', { outcome: 'APPEALED' }],
  ])('a wrong %s is a 400 naming it', async (_label, path, body) => {
    const { caseId } = await legalCase();

    const reply = await outcome(caseId, body);

    expect(reply.status).toBe(400);
    expect(reply.body.errors.map((error: { path: string }) => error.path)).toContain(path);
    expect((await storedCase(caseId)).legal.outcome).toBeNull();
  });
});

describe('POST /cases/{caseId}/public-disclosure/approvals', () => {
  test('is a 422 while the policy disables public disclosure (the default), even with a judgment', async () => {
    // Prepare: everything else a disclosure needs is there
    const { caseId } = await legalCase();
    await outcome(caseId, { outcome: 'JUDGMENT', judgmentRef: 'ref-2026-1' });
    const timeline = await timelineOf(caseId);

    // Act
    const first = await approve(caseId, { approver: 'director-1' });
    const second = await approve(caseId, { approver: 'director-2' });

    // Assess
    for (const reply of [first, second]) {
      expect(reply).toMatchObject({
        status: 422,
        contentType: 'application/problem+json',
        body: { type: '/problems/policy-limit' },
      });
      expect(reply.body.errors).toEqual([{ path: '(policy)', message: 'publicDisclosure.enabled is false' }]);
    }
    expect((await storedCase(caseId)).legal).toMatchObject({ disclosureApprovals: [], disclosedAt: null });
    expect(await timelineOf(caseId)).toEqual(timeline);
  });

  describe('with public disclosure enabled in the policy', () => {
    let published: jest.SpyInstance;
    let enabled: jest.ReplaceProperty<boolean> | undefined;
    beforeEach(() => {
      const policy = findPolicy(DEFAULT_POLICY_ID);
      if (!policy) throw new Error('no default policy');
      enabled = jest.replaceProperty(policy.publicDisclosure, 'enabled', true);
      published = jest.spyOn(EventBridgeCaseEvents.prototype, 'publish').mockResolvedValue();
    });
    afterEach(() => {
      enabled?.restore();
      published.mockRestore();
    });

    const disclosures = () => published.mock.calls.filter(([type]) => type === 'Public Disclosure Published');

    /** A 409 naming the rule; nothing approved, nothing published. */
    async function expectRefused(caseId: string, reply: Awaited<ReturnType<typeof approve>>, rule: string) {
      expect(reply).toMatchObject({
        status: 409,
        contentType: 'application/problem+json',
        body: { type: '/problems/conflict', rule },
      });
      expect((await storedCase(caseId)).legal).toMatchObject({ disclosureApprovals: [], disclosedAt: null });
      expect(disclosures()).toEqual([]);
    }

    test('a LEGAL case with a JUDGMENT and money owed: published once, masked, after two distinct approvals', async () => {
      // Prepare
      const { caseId, request } = await legalCase();
      await outcome(caseId, { outcome: 'JUDGMENT', judgmentRef: 'ref-2026-7' });

      // Act
      const first = await approve(caseId, { approver: 'director-1' });
      const afterFirst = disclosures().length;
      const second = await approve(caseId, { approver: 'director-2' });
      const again = await approve(caseId, { approver: 'director-2' }, AT + 21 * DAY);

      // Assess
      expect([first.status, second.status, again.status]).toEqual([200, 200, 200]);
      expect(afterFirst).toBe(0);
      expect(disclosures()).toEqual([
        [
          'Public Disclosure Published',
          expect.objectContaining({
            caseId,
            judgmentRef: 'ref-2026-7',
            debtor: { name: '张*', phone: '+86 138****8000' },
            outstanding: { amount: 609_900, currency: 'CNY' },
            at: iso(AT + 20 * DAY),
          }),
        ],
      ]);
      const text = JSON.stringify(disclosures());
      for (const personal of personalDataOf(request)) expect(text).not.toContain(personal);
      expect((await storedCase(caseId)).legal.disclosedAt).toBe(iso(AT + 20 * DAY));
    });

    test('a case whose legal outcome is not JUDGMENT is a 409 NO_JUDGMENT', async () => {
      // Prepare: no outcome yet, and a judgment later settled (the reference stays on the case)
      const pending = await legalCase();
      const settled = await legalCase();
      await outcome(settled.caseId, { outcome: 'JUDGMENT', judgmentRef: 'ref-2026-8' });
      await outcome(settled.caseId, { outcome: 'SETTLED' }, AT + 11 * DAY);
      expect((await storedCase(settled.caseId)).legal).toMatchObject({
        outcome: 'SETTLED',
        judgmentRef: 'ref-2026-8',
      });

      // Act + Assess
      for (const { caseId } of [pending, settled]) {
        await expectRefused(caseId, await approve(caseId, { approver: 'director-1' }), 'NO_JUDGMENT');
      }
    });

    test('a case that is not LEGAL is a 409 CASE_NOT_LEGAL', async () => {
      const { caseId } = await openCaseAt();

      await expectRefused(caseId, await approve(caseId, { approver: 'director-1' }), 'CASE_NOT_LEGAL');
    });

    test('a judgment paid in full is never published: 409 CASE_NOT_LEGAL, also between the two approvals', async () => {
      // Prepare
      const { caseId } = await legalCase();
      await outcome(caseId, { outcome: 'JUDGMENT', judgmentRef: 'ref-2026-9' });
      const first = await approve(caseId, { approver: 'director-1' });
      await payInFull(caseId, AT + 20 * DAY + HOUR);

      // Act
      const second = await approve(caseId, { approver: 'director-2' }, AT + 20 * DAY + 2 * HOUR);

      // Assess
      expect(first.status).toBe(200);
      expect(second).toMatchObject({ status: 409, body: { rule: 'CASE_NOT_LEGAL' } });
      expect((await storedCase(caseId)).legal).toMatchObject({
        disclosureApprovals: [{ approver: 'director-1' }],
        disclosedAt: null,
      });
      expect(disclosures()).toEqual([]);
    });

    test('a LEGAL judgment that owes nothing any more is a 409 NOTHING_OUTSTANDING', async () => {
      // Prepare: the money is in, but the case has not been closed yet
      const { caseId } = await legalCase();
      await outcome(caseId, { outcome: 'JUDGMENT', judgmentRef: 'ref-2026-10' });
      const owed = (await readCase(caseId, AT + 20 * DAY)).body.outstanding.amount;
      const stored = await storedCase(caseId);
      expect(
        await adapters.cases().replace({ ...stored, paid: stored.paid + owed, version: stored.version + 1 }),
      ).toBe(true);

      // Act
      const reply = await approve(caseId, { approver: 'director-1' });

      // Assess
      expect(owed).toBeGreaterThan(0);
      await expectRefused(caseId, reply, 'NOTHING_OUTSTANDING');
    });
  });

  test('a missing approver is a 400 naming it', async () => {
    const { caseId } = await openCaseAt();

    const reply = await approve(caseId, { approver: ' ' });

    expect(reply.status).toBe(400);
    expect(reply.body.errors.map((error: { path: string }) => error.path)).toEqual(['approver']);
  });
});

describe('personal data', () => {
  test('the legal track records no customer data on the timeline', async () => {
    const { caseId, request } = await legalCase();
    await outcome(caseId, { outcome: 'JUDGMENT', judgmentRef: 'ref-9', note: request.customer.phone });

    const text = JSON.stringify(await timelineOf(caseId));

    for (const personal of personalDataOf(request)) expect(text).not.toContain(personal);
  });
});
