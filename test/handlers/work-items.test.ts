import type { OpenCaseRequest } from '../../lambdas/domain/requests';
import { CLAIM_LEASE_MS, RESERVATION_LANDING_MS } from '../../lambdas/domain/services/call-reservations';
import {
  claimWorkItem as claimWorkItemIn,
  completeWorkItem as completeWorkItemIn,
} from '../../lambdas/domain/services/work-items';
import { handler as claimWorkItem } from '../../lambdas/handlers/api/claim-work-item';
import { handler as completeWorkItem } from '../../lambdas/handlers/api/complete-work-item';
import { handler as listWorkItems } from '../../lambdas/handlers/api/list-work-items';
import { handler as makePromise } from '../../lambdas/handlers/api/make-promise';
import { handler as openDispute } from '../../lambdas/handlers/api/open-dispute';
import { handler as optOut } from '../../lambdas/handlers/api/opt-out';
import { handler as recordContact } from '../../lambdas/handlers/api/record-contact';
import { handler as releaseWorkItem } from '../../lambdas/handlers/api/release-work-item';
import { handler as closeCase } from '../../lambdas/handlers/workflow/close-case';
import { handler as openLegalReview } from '../../lambdas/handlers/workflow/open-legal-review';
import { handler as sendStageContact } from '../../lambdas/handlers/workflow/send-stage-contact';
import { laggingCases, laggingWorkItems } from '../support/lagging-indexes';
import { callApi, lambdaContext, START } from '../support/local-aws';
import { HOUR, MINUTE } from '../support/time';
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
  timelineOf,
  workItemsOf,
} from './case-helpers';

/**
 * Work for people (calls, visits, legal reviews, letters): listing, the compliance gate at claim time
 * (contact window, call caps per debtor across cases, opt-outs, holds), completion, logged contacts.
 */
let aws: Harness;
beforeAll(async () => {
  aws = await startHarness({ bureau: false });
});
afterAll(() => aws.stop());

const list = (query: Record<string, string>, at = START) =>
  callApi(listWorkItems, { method: 'GET', resource: '/work-items', query, at });
const claim = (workItemId: string, at: number, agent = 'agent-1') =>
  post(claimWorkItem, '/work-items/{workItemId}/claim', { workItemId }, { agent }, at);
const complete = (workItemId: string, body: unknown, at: number) =>
  post(completeWorkItem, '/work-items/{workItemId}/complete', { workItemId }, body, at);
const releaseCall = (workItemId: string, at: number, agent = 'agent-1') =>
  post(releaseWorkItem, '/work-items/{workItemId}/release', { workItemId }, { agent }, at);
const logContact = (caseId: string, body: unknown, at: number) =>
  post(recordContact, '/cases/{caseId}/contacts', { caseId }, body, at);

let contacts = 0;
/** A call an agent logs on a case at `at` (its own request time). */
const call = (caseId: string, at: number, outcome = 'CONNECTED') =>
  logContact(
    caseId,
    { contactId: `call-${++contacts}`, occurredAt: iso(at), channel: 'CALL', outcome },
    at,
  ).then((reply) => {
    if (reply.status !== 200) throw new Error(`contact refused: ${JSON.stringify(reply.body)}`);
    return reply;
  });

const cnCustomer = (id: string): OpenCaseRequest['customer'] => ({
  id,
  name: '王芳',
  phone: '+8613900001111',
  email: `${id}@example.com`,
  locale: 'zh-CN',
  timezone: 'Asia/Shanghai',
  country: 'CN',
});
const usCustomer = (id: string): OpenCaseRequest['customer'] => ({
  id,
  name: 'Casey Smith',
  phone: '+12125550199',
  email: `${id}@example.com`,
  locale: 'en-US',
  timezone: 'America/New_York',
  country: 'US',
});

/** A case whose overdue notice went out at `at`: it has one OPEN call task; returns the task's id. */
async function caseWithCallTask(customer?: OpenCaseRequest['customer'], at = START, currency = 'CNY') {
  const opened = await openCaseAt({
    ...(customer ? { customer } : {}),
    amountDue: { amount: currency === 'USD' ? 50_000 : 129_900, currency },
  });
  const outcome = await sendStageContact(
    { caseId: opened.caseId, stage: 'OVERDUE_NOTICE', at: iso(at) },
    lambdaContext(),
  );
  if (outcome.outcome !== 'SENT') throw new Error(`notice not sent: ${JSON.stringify(outcome)}`);
  return { ...opened, callItem: `${opened.caseId}:CALLS:OVERDUE_NOTICE:0` };
}

/** A case whose credit pre-notice had to go by post (SMS and email opted out); returns the letter's id. */
async function caseWithLetter(customer: OpenCaseRequest['customer']) {
  const { caseId } = await openCaseAt({ customer });
  for (const channel of ['SMS', 'EMAIL']) {
    await post(optOut, '/customers/{customerId}/opt-outs', { customerId: customer.id }, { channel });
  }
  await sendStageContact({ caseId, stage: 'CREDIT_PRE_NOTICE', at: iso(START) }, lambdaContext());
  return { caseId, letterItem: `${caseId}:LETTERS:CREDIT_PRE_NOTICE:0` };
}

/** Every item a listing gives, page after page. */
async function listAll(query: Record<string, string>, at = START) {
  const items: Array<{ workItemId: string; status: string }> = [];
  let nextToken: string | undefined;
  do {
    const reply = await list({ ...query, limit: '100', ...(nextToken ? { nextToken } : {}) }, at);
    if (reply.status !== 200) throw new Error(`listing failed: ${JSON.stringify(reply.body)}`);
    items.push(...reply.body.items);
    nextToken = reply.body.nextToken;
  } while (nextToken);
  return items;
}

const promiseToPay = async (caseId: string) => {
  const owed = (await readCase(caseId)).body.outstanding;
  const reply = await post(
    makePromise,
    '/cases/{caseId}/promises',
    { caseId },
    { promisedAt: iso(START + 5 * DAY), amount: owed },
  );
  if (reply.status !== 200) throw new Error(`promise refused: ${JSON.stringify(reply.body)}`);
};

const dispute = async (caseId: string) => {
  const reply = await post(openDispute, '/cases/{caseId}/disputes', { caseId }, { reason: 'not mine' });
  if (reply.status !== 200) throw new Error(`dispute refused: ${JSON.stringify(reply.body)}`);
};

/** The items of `ids` that are CLAIMED now. */
async function claimedOf(ids: string[]) {
  const claimed: string[] = [];
  for (const id of ids) if ((await adapters.workItems().get(id))?.status === 'CLAIMED') claimed.push(id);
  return claimed;
}

const byItem = (a: { workItemId: string }, b: { workItemId: string }) =>
  a.workItemId.localeCompare(b.workItemId);

/** The skips and deferrals refused claims of one work item left on its case's timeline. */
async function refusalsOf(workItemId: string) {
  const caseId = workItemId.split(':')[0] ?? '';
  return (await timelineOf(caseId)).filter(
    (entry) =>
      (entry.type === 'CONTACT_SKIPPED' || entry.type === 'CONTACT_DEFERRED') &&
      entry.detail.workItemId === workItemId,
  );
}

/** A refused claim: 409 problem+json naming the rule, the task still OPEN, the refusal on the timeline. */
async function expectRuleRefusal(reply: Awaited<ReturnType<typeof claim>>, workItemId: string, rule: string) {
  expect(reply).toMatchObject({
    status: 409,
    contentType: 'application/problem+json',
    body: { type: '/problems/conflict', status: 409, rule },
  });
  expect(await adapters.workItems().get(workItemId)).toMatchObject({ status: 'OPEN', claimedBy: null });
  // A skip names its rule as `reason` (as the ladder's skips do), a deferral as `rule`
  const rules = (await refusalsOf(workItemId)).map((entry) => entry.detail.reason ?? entry.detail.rule);
  expect(rules).toContain(rule);
}

describe('GET /work-items', () => {
  test('a queue’s items of one status, oldest due first, without personal data', async () => {
    // Prepare: a second-collection stage makes 7 call tasks, 2 days apart, and (≥ 3,000.00) a visit
    const { caseId, request } = await openCaseAt({ amountDue: { amount: 400_000, currency: 'CNY' } });
    await sendStageContact({ caseId, stage: 'SECOND_COLLECTION', at: iso(START) }, lambdaContext());

    // Act
    const calls = await list({ queue: 'CALLS', limit: '100' });
    const visits = await list({ queue: 'VISITS', status: 'OPEN' });

    // Assess
    expect(calls.status).toBe(200);
    const ours = calls.body.items.filter((item: { caseId: string }) => item.caseId === caseId);
    expect(ours.map((item: { dueAt: string }) => item.dueAt)).toEqual(
      [0, 1, 2, 3, 4, 5, 6].map((slot) => iso(START + slot * 2 * DAY)),
    );
    expect(ours[0]).toEqual({
      workItemId: `${caseId}:CALLS:SECOND_COLLECTION:0`,
      queue: 'CALLS',
      caseId,
      status: 'OPEN',
      dueAt: iso(START),
      stage: 'SECOND_COLLECTION',
      claimedBy: null,
      outcome: null,
    });
    const dues = calls.body.items.map((item: { dueAt: string }) => item.dueAt);
    expect(dues).toEqual([...dues].sort());
    for (const item of calls.body.items) expect(item).toMatchObject({ queue: 'CALLS', status: 'OPEN' });
    expect(visits.body.items.map((item: { workItemId: string }) => item.workItemId)).toContain(
      `${caseId}:VISITS:SECOND_COLLECTION:0`,
    );
    const text = JSON.stringify([calls.body, visits.body]);
    for (const personal of personalDataOf(request)) expect(text).not.toContain(personal);
  });

  test('by status: a claimed item leaves the OPEN list and shows in the CLAIMED one', async () => {
    const { callItem } = await caseWithCallTask();
    await claim(callItem, START + HOUR);

    const open = await list({ queue: 'CALLS', status: 'OPEN', limit: '100' });
    const claimed = await list({ queue: 'CALLS', status: 'CLAIMED', limit: '100' });

    const ids = (reply: typeof open) =>
      reply.body.items.map((item: { workItemId: string }) => item.workItemId);
    expect(ids(open)).not.toContain(callItem);
    expect(ids(claimed)).toContain(callItem);
    for (const item of claimed.body.items) expect(item.status).toBe('CLAIMED');
  });

  describe('held work: OPEN lists only what can be claimed now; what a hold stops is HELD', () => {
    test('a dispute holds a case’s calls and letters, not its legal review', async () => {
      // Prepare: a call task and a legal review on one disputed case, a letter on another
      const { caseId, callItem } = await caseWithCallTask(cnCustomer('cn-held-dispute'));
      await openLegalReview({ caseId, at: iso(START) }, lambdaContext());
      const reviewItem = `${caseId}:LEGAL_REVIEW:LEGAL_REVIEW:0`;
      const posted = await caseWithLetter(cnCustomer('cn-held-letter'));
      const before = await listAll({ queue: 'CALLS', status: 'OPEN' });
      await dispute(caseId);
      await dispute(posted.caseId);

      // Act
      const [openCalls, heldCalls, openLetters, heldLetters, openReviews] = await Promise.all([
        listAll({ queue: 'CALLS', status: 'OPEN' }),
        listAll({ queue: 'CALLS', status: 'HELD' }),
        listAll({ queue: 'LETTERS', status: 'OPEN' }),
        listAll({ queue: 'LETTERS', status: 'HELD' }),
        listAll({ queue: 'LEGAL_REVIEW', status: 'OPEN' }),
      ]);

      // Assess
      const ids = (items: Array<{ workItemId: string }>) => items.map((item) => item.workItemId);
      expect(ids(before)).toContain(callItem);
      expect(ids(openCalls)).not.toContain(callItem);
      expect(heldCalls.find((item) => item.workItemId === callItem)).toEqual({
        workItemId: callItem,
        queue: 'CALLS',
        caseId,
        status: 'HELD',
        dueAt: iso(START),
        stage: 'OVERDUE_NOTICE',
        claimedBy: null,
        outcome: null,
      });
      expect(ids(openLetters)).not.toContain(posted.letterItem);
      expect(ids(heldLetters)).toContain(posted.letterItem);
      expect(ids(openReviews)).toContain(reviewItem);
      for (const item of [...heldCalls, ...heldLetters]) expect(item.status).toBe('HELD');
      for (const item of [...openCalls, ...openLetters, ...openReviews]) expect(item.status).toBe('OPEN');
      expect((await adapters.workItems().get(callItem))?.status).toBe('OPEN');
    });

    test('a promise to pay holds the case’s calls (HELD) but not a letter', async () => {
      // Prepare
      const called = await caseWithCallTask(cnCustomer('cn-held-promise'));
      const posted = await caseWithLetter(cnCustomer('cn-letter-promise'));
      await promiseToPay(called.caseId);
      await promiseToPay(posted.caseId);

      // Act
      const openCalls = await listAll({ queue: 'CALLS', status: 'OPEN' });
      const heldCalls = await listAll({ queue: 'CALLS', status: 'HELD' });
      const openLetters = await listAll({ queue: 'LETTERS', status: 'OPEN' });

      // Assess
      const ids = (items: Array<{ workItemId: string }>) => items.map((item) => item.workItemId);
      expect(ids(openCalls)).not.toContain(called.callItem);
      expect(ids(heldCalls)).toContain(called.callItem);
      expect(ids(openLetters)).toContain(posted.letterItem);
      expect((await adapters.workItems().get(called.callItem))?.status).toBe('OPEN');
    });
  });

  test('open work of a case no longer active (missed by its closing) is listed neither as OPEN nor as HELD', async () => {
    // Prepare: the case resolved without its call task cancelled, as a closing that read the case's
    // items through a lagging index leaves it
    const { caseId, callItem } = await caseWithCallTask(cnCustomer('cn-closed-listed'));
    const record = await adapters.cases().get(caseId);
    if (!record) throw new Error('no case');
    await adapters.cases().replace({
      ...record,
      status: 'RESOLVED',
      resolution: 'PAID',
      closedAt: iso(START),
      version: record.version + 1,
    });

    // Act
    const open = await listAll({ queue: 'CALLS', status: 'OPEN' });
    const held = await listAll({ queue: 'CALLS', status: 'HELD' });

    // Assess
    const ids = (items: Array<{ workItemId: string }>) => items.map((item) => item.workItemId);
    expect(ids(open)).not.toContain(callItem);
    expect(ids(held)).not.toContain(callItem);
    expect((await adapters.workItems().get(callItem))?.status).toBe('OPEN');
  });

  test.each([
    ['not base64 JSON', '%%%'],
    ['a key of another listing', Buffer.from(JSON.stringify({ caseId: 'case-1' })).toString('base64url')],
    [
      'a key of another queue',
      Buffer.from(JSON.stringify({ queue: 'VISITS', statusDue: 'OPEN#x', workItemId: 'w' })).toString(
        'base64url',
      ),
    ],
  ])('a nextToken that is %s is a 400 naming nextToken', async (_label, nextToken) => {
    const reply = await list({ queue: 'CALLS', nextToken });

    expect(reply.status).toBe(400);
    expect(reply.body.errors).toEqual([expect.objectContaining({ path: 'nextToken' })]);
  });

  test('pages: `limit` items and a nextToken that leads to the rest, each item once', async () => {
    // Prepare: 7 call tasks of one case at least
    const { caseId } = await openCaseAt();
    await sendStageContact({ caseId, stage: 'SECOND_COLLECTION', at: iso(START) }, lambdaContext());

    // Act
    const seen: string[] = [];
    let nextToken: string | undefined;
    let pages = 0;
    do {
      const reply = await list({ queue: 'CALLS', limit: '3', ...(nextToken ? { nextToken } : {}) });
      expect(reply.body.items.length).toBeLessThanOrEqual(3);
      seen.push(...reply.body.items.map((item: { workItemId: string }) => item.workItemId));
      nextToken = reply.body.nextToken;
      pages++;
    } while (nextToken && pages < 50);

    // Assess
    expect(pages).toBeGreaterThan(2);
    expect(new Set(seen).size).toBe(seen.length);
    expect(seen.filter((id) => id.startsWith(caseId))).toHaveLength(7);
  });

  test.each([
    ['queue', {}],
    ['queue', { queue: 'EMAILS' }],
    ['status', { queue: 'CALLS', status: 'LOST' }],
    ['limit', { queue: 'CALLS', limit: '0' }],
    ['nextToken', { queue: 'CALLS', nextToken: 'garbage!' }],
  ])('a wrong %s is a 400 naming it', async (path, query) => {
    const reply = await list(query as Record<string, string>);

    expect(reply).toMatchObject({ status: 400, contentType: 'application/problem+json' });
    expect(reply.body.errors.map((error: { path: string }) => error.path)).toContain(path);
  });
});

describe('POST /work-items/{workItemId}/claim', () => {
  test('allowed: CLAIMED by the agent, on the timeline; the same claim again changes nothing; another agent gets 409', async () => {
    // Prepare
    const { caseId, callItem } = await caseWithCallTask();
    const at = START + HOUR;

    // Act
    const reply = await claim(callItem, at, 'agent-7');
    const again = await claim(callItem, at + MINUTE, 'agent-7');
    const other = await claim(callItem, at + MINUTE, 'agent-8');

    // Assess
    expect(reply).toMatchObject({
      status: 200,
      body: { workItemId: callItem, status: 'CLAIMED', claimedBy: 'agent-7', caseId, queue: 'CALLS' },
    });
    expect(again).toMatchObject({ status: 200, body: reply.body });
    expect(other.status).toBe(409);
    expect(other.body.rule).toBeUndefined();
    expect(await adapters.workItems().get(callItem)).toMatchObject({
      claimedBy: 'agent-7',
      claimedAt: iso(at),
    });
    expect(ofType(await timelineOf(caseId), 'WORK_ITEM_CLAIMED')).toEqual([
      {
        at: iso(at),
        type: 'WORK_ITEM_CLAIMED',
        detail: { workItemId: callItem, queue: 'CALLS', agent: 'agent-7' },
      },
    ]);
  });

  test('OUTSIDE_CONTACT_WINDOW at 23:00 in Shanghai, with retryAt at 08:00; allowed at 08:00', async () => {
    const { callItem } = await caseWithCallTask();
    const late = Date.parse('2026-03-02T15:00:00Z'); // 23:00 Asia/Shanghai

    const refused = await claim(callItem, late);
    await expectRuleRefusal(refused, callItem, 'OUTSIDE_CONTACT_WINDOW');
    const allowed = await claim(callItem, Date.parse('2026-03-03T00:00:00Z'));

    expect(refused.body.retryAt).toBe('2026-03-03T00:00:00.000Z');
    expect(allowed.status).toBe(200);
  });

  test('a claim is for a call made within 15 minutes: at 21:40 in Shanghai it answers callBy 21:55; at 21:50 the window would close first (409)', async () => {
    const first = await caseWithCallTask();
    const second = await caseWithCallTask();

    const inTime = await claim(first.callItem, Date.parse('2026-03-02T13:40:00Z')); // 21:40 Asia/Shanghai
    const tooLate = await claim(second.callItem, Date.parse('2026-03-02T13:50:00Z')); // 21:50

    expect(inTime.status).toBe(200);
    expect(inTime.body.callBy).toBe('2026-03-02T13:55:00.000Z');
    await expectRuleRefusal(tooLate, second.callItem, 'OUTSIDE_CONTACT_WINDOW');
    expect(tooLate.body.retryAt).toBe('2026-03-03T00:00:00.000Z');
  });

  test('OUTSIDE_CONTACT_WINDOW for a US customer at 21:00 in New York (Regulation F)', async () => {
    const { callItem } = await caseWithCallTask(
      usCustomer('us-window'),
      Date.parse('2026-03-10T14:00:00Z'),
      'USD',
    );

    const reply = await claim(callItem, Date.parse('2026-03-11T01:00:00Z')); // 21:00 EDT

    await expectRuleRefusal(reply, callItem, 'OUTSIDE_CONTACT_WINDOW');
    expect(reply.body.retryAt).toBe('2026-03-11T12:00:00.000Z'); // 08:00 EDT
  });

  describe('CN: at most 3 connected calls a day per debtor, across cases, by local date', () => {
    test('a third connected call (on another case of the same debtor) closes the day; the next local day is open again', async () => {
      // Prepare: two cases of one debtor; three connected calls between 00:30 and 01:30 on 03-03 in
      // Shanghai, which is still 03-02 in UTC
      const customer = cnCustomer('cn-cap');
      const first = await caseWithCallTask(customer);
      const second = await caseWithCallTask(customer);
      await call(first.caseId, Date.parse('2026-03-02T16:30:00Z'));
      await call(first.caseId, Date.parse('2026-03-02T17:00:00Z'));
      await call(second.caseId, Date.parse('2026-03-02T17:30:00Z'));

      // Act
      const sameDay = await claim(second.callItem, Date.parse('2026-03-03T00:30:00Z')); // 08:30 on 03-03
      const nextDay = await claim(second.callItem, Date.parse('2026-03-04T00:30:00Z')); // 08:30 on 03-04

      // Assess
      expect(sameDay.body.rule).toBe('CALL_CAP_DAILY');
      expect(sameDay.status).toBe(409);
      expect(nextDay.status).toBe(200);
      const counted = await adapters.customers().get(customer.id);
      expect(counted?.callDays).toEqual({ '2026-03-03': { attempts: 3, connected: 3 } });
    });

    test('unanswered calls do not count towards the CN cap', async () => {
      const customer = cnCustomer('cn-no-answer');
      const { caseId, callItem } = await caseWithCallTask(customer);
      for (const hour of [1, 2, 3, 4]) await call(caseId, START + hour * MINUTE, 'NO_ANSWER');

      const reply = await claim(callItem, START + HOUR);

      expect(reply.status).toBe(200);
    });

    test('two connected calls leave room for a third', async () => {
      const customer = cnCustomer('cn-two');
      const { caseId, callItem } = await caseWithCallTask(customer);
      await call(caseId, START + MINUTE);
      await call(caseId, START + 2 * MINUTE);

      expect((await claim(callItem, START + HOUR)).status).toBe(200);
    });
  });

  describe('US: at most 7 attempts in 7 rolling days, none within 7 days after a conversation', () => {
    test('the seventh attempt in seven days (across the debtor’s cases) blocks calls until the oldest day drops out', async () => {
      // Prepare: one unanswered call a day, 10-16 March (11:00 in New York), on two cases
      const customer = usCustomer('us-weekly');
      const first = await caseWithCallTask(customer, Date.parse('2026-03-10T14:00:00Z'), 'USD');
      const second = await caseWithCallTask(customer, Date.parse('2026-03-10T14:00:00Z'), 'USD');
      for (let day = 0; day < 7; day++) {
        await call(
          day < 4 ? first.caseId : second.caseId,
          Date.parse('2026-03-10T15:00:00Z') + day * DAY,
          'NO_ANSWER',
        );
      }

      // Act
      const seventhDay = await claim(second.callItem, Date.parse('2026-03-16T18:00:00Z')); // 14:00 on 03-16
      const eighthDay = await claim(second.callItem, Date.parse('2026-03-17T13:00:00Z')); // 09:00 on 03-17

      // Assess
      expect(seventhDay.body.rule).toBe('CALL_CAP_WEEKLY');
      expect(seventhDay.status).toBe(409);
      expect(eighthDay.status).toBe(200);
    });

    test('six attempts in seven days leave room for a seventh', async () => {
      const customer = usCustomer('us-six');
      const { caseId, callItem } = await caseWithCallTask(
        customer,
        Date.parse('2026-03-10T14:00:00Z'),
        'USD',
      );
      for (let day = 0; day < 6; day++) {
        await call(caseId, Date.parse('2026-03-10T15:00:00Z') + day * DAY, 'NO_ANSWER');
      }

      expect((await claim(callItem, Date.parse('2026-03-16T18:00:00Z'))).status).toBe(200);
    });

    test('after a conversation no call for 7 days, whatever the attempt count', async () => {
      // Prepare: one connected call on 10 March at 11:00 New York time
      const customer = usCustomer('us-quiet');
      const { caseId, callItem } = await caseWithCallTask(
        customer,
        Date.parse('2026-03-10T14:00:00Z'),
        'USD',
      );
      const talked = Date.parse('2026-03-10T15:00:00Z');
      await call(caseId, talked);

      // Act
      const threeDaysLater = await claim(callItem, talked + 3 * DAY);
      const justBefore = await claim(callItem, talked + 7 * DAY - MINUTE);
      const sevenDaysLater = await claim(callItem, talked + 7 * DAY);

      // Assess
      expect(threeDaysLater.body.rule).toBe('CALL_AFTER_CONVERSATION');
      expect(justBefore.body.rule).toBe('CALL_AFTER_CONVERSATION');
      expect(sevenDaysLater.status).toBe(200);
    });
  });

  test('OPTED_OUT: a call task that outlived the customer’s refusal of calls is not claimable', async () => {
    // Prepare: the refusal lands right after the task was made (the opt-out route cancels open call
    // tasks, and stages make none after it; this is the gate behind both)
    const customer = cnCustomer('cn-no-calls');
    const { callItem } = await caseWithCallTask(customer);
    await adapters.customers().optOut(customer.id, 'CALL', iso(START + HOUR));

    // Act
    const reply = await claim(callItem, START + 2 * HOUR);

    // Assess
    await expectRuleRefusal(reply, callItem, 'OPTED_OUT');
  });

  test('an SMS opt-out does not stop calls', async () => {
    const customer = cnCustomer('cn-no-sms');
    const { callItem } = await caseWithCallTask(customer);
    await post(optOut, '/customers/{customerId}/opt-outs', { customerId: customer.id }, { channel: 'SMS' });

    expect((await claim(callItem, START + HOUR)).status).toBe(200);
  });

  test.each([
    [
      'DISPUTE_HOLD',
      'an open dispute',
      (caseId: string) => post(openDispute, '/cases/{caseId}/disputes', { caseId }, { reason: 'not mine' }),
    ],
    [
      'ARRANGEMENT_HOLD',
      'a promise to pay',
      async (caseId: string) => {
        const owed = (await readCase(caseId)).body.outstanding;
        return post(
          makePromise,
          '/cases/{caseId}/promises',
          { caseId },
          { promisedAt: iso(START + 5 * DAY), amount: owed },
        );
      },
    ],
    ['CASE_CLOSED', 'been paid', (caseId: string) => payInFull(caseId, START)],
  ] as Array<[string, string, (caseId: string) => Promise<unknown>]>)(
    '%s when the case has %s',
    async (rule, _label, change) => {
      const { caseId, callItem } = await caseWithCallTask();
      await change(caseId);

      const reply = await claim(callItem, START + HOUR);

      await expectRuleRefusal(reply, callItem, rule);
    },
  );

  test('a letter is held by a dispute too, but a legal review is not', async () => {
    // Prepare: a letter (pre-notice with both channels opted out) and a legal review on one case
    const customer = cnCustomer('cn-letters');
    const { caseId } = await openCaseAt({ customer });
    for (const channel of ['SMS', 'EMAIL']) {
      await post(optOut, '/customers/{customerId}/opt-outs', { customerId: customer.id }, { channel });
    }
    await sendStageContact({ caseId, stage: 'CREDIT_PRE_NOTICE', at: iso(START) }, lambdaContext());
    await openLegalReview({ caseId, at: iso(START) }, lambdaContext());
    await post(openDispute, '/cases/{caseId}/disputes', { caseId }, { reason: 'not mine' });

    // Act
    const letter = await claim(`${caseId}:LETTERS:CREDIT_PRE_NOTICE:0`, START + HOUR);
    const posted = await complete(
      `${caseId}:LETTERS:CREDIT_PRE_NOTICE:0`,
      { outcome: 'SENT', occurredAt: iso(START + HOUR) },
      START + HOUR,
    );
    const reviewItem = await claim(`${caseId}:LEGAL_REVIEW:LEGAL_REVIEW:0`, START + HOUR, 'counsel-1');

    // Assess: the letter cannot be sent past the gate either, by completing it unclaimed
    await expectRuleRefusal(letter, `${caseId}:LETTERS:CREDIT_PRE_NOTICE:0`, 'DISPUTE_HOLD');
    expect(posted.status).toBe(409);
    expect(ofType(await timelineOf(caseId), 'WORK_ITEM_COMPLETED')).toEqual([]);
    expect(reviewItem.status).toBe(200);
  });

  test('a letter’s gate is the case and its dispute hold only: it is claimable at night, and while the customer has promised to pay', async () => {
    // Prepare
    const night = await caseWithLetter(cnCustomer('cn-letter-night'));
    const promised = await caseWithLetter(cnCustomer('cn-letter-promised'));
    await promiseToPay(promised.caseId);

    // Act
    const atNight = await claim(night.letterItem, Date.parse('2026-03-02T15:00:00Z'), 'post-1'); // 23:00 in Shanghai
    const whilePromised = await claim(promised.letterItem, START + HOUR, 'post-1');

    // Assess
    expect(atNight).toMatchObject({ status: 200, body: { status: 'CLAIMED', claimedBy: 'post-1' } });
    expect(whilePromised).toMatchObject({ status: 200, body: { status: 'CLAIMED' } });
  });

  test('a refusal is on the timeline: deferred to the opening of the contact window, skipped with the rule otherwise; once per request; no personal data', async () => {
    // Prepare
    const customer = cnCustomer('cn-refusals');
    const { caseId, callItem, request } = await caseWithCallTask(customer);
    const late = Date.parse('2026-03-02T15:00:00Z'); // 23:00 Asia/Shanghai
    const nextMorning = Date.parse('2026-03-03T01:00:00Z'); // 09:00

    // Act: the night claim twice (a retried request), then a claim after the customer refused calls
    const first = await claim(callItem, late);
    const retried = await claim(callItem, late);
    await adapters.customers().optOut(customer.id, 'CALL', iso(late + HOUR));
    const optedOut = await claim(callItem, nextMorning);

    // Assess
    expect([first.status, retried.status, optedOut.status]).toEqual([409, 409, 409]);
    expect(await refusalsOf(callItem)).toEqual([
      {
        at: iso(late),
        type: 'CONTACT_DEFERRED',
        channel: 'CALL',
        detail: {
          stage: 'OVERDUE_NOTICE',
          workItemId: callItem,
          queue: 'CALLS',
          rule: 'OUTSIDE_CONTACT_WINDOW',
          until: '2026-03-03T00:00:00.000Z',
        },
      },
      {
        at: iso(nextMorning),
        type: 'CONTACT_SKIPPED',
        channel: 'CALL',
        detail: { stage: 'OVERDUE_NOTICE', workItemId: callItem, queue: 'CALLS', reason: 'OPTED_OUT' },
      },
    ]);
    const text = JSON.stringify(await timelineOf(caseId));
    for (const personal of personalDataOf(request)) expect(text).not.toContain(personal);
  });

  test('NOT_DUE_YET: a later call slot of the stage cannot be claimed before it is due', async () => {
    // Prepare: second collection at START: call slots due every 2 days
    const { caseId } = await openCaseAt({ customer: cnCustomer('cn-slots') });
    await sendStageContact({ caseId, stage: 'SECOND_COLLECTION', at: iso(START) }, lambdaContext());
    const slot = (n: number) => `${caseId}:CALLS:SECOND_COLLECTION:${n}`;

    // Act
    const firstSlot = await claim(slot(0), START + HOUR);
    const early = await claim(slot(1), START + HOUR);
    const due = await claim(slot(1), START + 2 * DAY);

    // Assess
    expect(firstSlot.status).toBe(200);
    expect(early.body.retryAt).toBe(iso(START + 2 * DAY));
    expect(due.status).toBe(200);
    expect(await refusalsOf(slot(1))).toEqual([
      {
        at: iso(START + HOUR),
        type: 'CONTACT_DEFERRED',
        channel: 'CALL',
        detail: {
          stage: 'SECOND_COLLECTION',
          workItemId: slot(1),
          queue: 'CALLS',
          rule: 'NOT_DUE_YET',
          until: iso(START + 2 * DAY),
        },
      },
    ]);
    for (const n of [2, 3, 4, 5, 6]) {
      await expectRuleRefusal(await claim(slot(n), START + 2 * DAY + HOUR), slot(n), 'NOT_DUE_YET');
    }
  });

  describe('claimed calls not yet completed count towards the caps', () => {
    test('CN: one agent claims three call tasks of a debtor (on three cases); the fourth is refused until one ends unanswered', async () => {
      // Prepare
      const customer = cnCustomer('cn-open-claims');
      const tasks = [];
      for (let n = 0; n < 4; n++) tasks.push(await caseWithCallTask(customer));
      const [a, b, c, d] = tasks.map((task) => task.callItem) as [string, string, string, string];

      // Act and assess: three claims, none completed yet, and the fourth is refused
      const claims = [
        await claim(a, START + HOUR),
        await claim(b, START + HOUR),
        await claim(c, START + HOUR),
      ];
      const fourth = await claim(d, START + HOUR + MINUTE);
      expect(claims.map((reply) => reply.status)).toEqual([200, 200, 200]);
      await expectRuleRefusal(fourth, d, 'CALL_CAP_DAILY');
      expect(fourth.body.detail).toContain('3 claimed call tasks');

      // Act and assess: one of them went unanswered, so it was no connected call: room again
      await complete(a, { outcome: 'NO_ANSWER', occurredAt: iso(START + HOUR) }, START + 2 * HOUR);
      expect((await claim(d, START + 2 * HOUR + MINUTE)).status).toBe(200);
    });

    test('US: six attempts in seven days and one call task claimed leave no room for another claim', async () => {
      const customer = usCustomer('us-open-claims');
      const first = await caseWithCallTask(customer, Date.parse('2026-03-10T14:00:00Z'), 'USD');
      const second = await caseWithCallTask(customer, Date.parse('2026-03-10T14:00:00Z'), 'USD');
      for (let day = 0; day < 6; day++) {
        await call(first.caseId, Date.parse('2026-03-10T15:00:00Z') + day * DAY, 'NO_ANSWER');
      }

      const seventh = await claim(first.callItem, Date.parse('2026-03-16T18:00:00Z'));
      const eighth = await claim(second.callItem, Date.parse('2026-03-16T18:05:00Z'), 'agent-2');

      expect(seventh.status).toBe(200);
      await expectRuleRefusal(eighth, second.callItem, 'CALL_CAP_WEEKLY');
    });

    test('CN: two agents claiming at once the last call of the day (on two cases): exactly one gets it', async () => {
      // Prepare: two connected calls today, two call tasks on two cases
      const customer = cnCustomer('cn-race');
      const first = await caseWithCallTask(customer);
      const second = await caseWithCallTask(customer);
      await call(first.caseId, START + MINUTE);
      await call(first.caseId, START + 2 * MINUTE);

      // Act
      const replies = await Promise.all([
        claim(first.callItem, START + HOUR, 'agent-1'),
        claim(second.callItem, START + HOUR, 'agent-2'),
      ]);

      // Assess
      expect(replies.map((reply) => reply.status).sort()).toEqual([200, 409]);
      expect(replies.find((reply) => reply.status === 409)?.body.rule).toBe('CALL_CAP_DAILY');
      expect(await claimedOf([first.callItem, second.callItem])).toHaveLength(1);
      expect((await adapters.customers().get(customer.id))?.callReservations).toHaveLength(1);
    });

    test('US: two agents claiming at once the seventh attempt of the week (on two cases): exactly one gets it', async () => {
      const customer = usCustomer('us-race');
      const first = await caseWithCallTask(customer, Date.parse('2026-03-10T14:00:00Z'), 'USD');
      const second = await caseWithCallTask(customer, Date.parse('2026-03-10T14:00:00Z'), 'USD');
      for (let day = 0; day < 6; day++) {
        await call(first.caseId, Date.parse('2026-03-10T15:00:00Z') + day * DAY, 'NO_ANSWER');
      }
      const at = Date.parse('2026-03-16T18:00:00Z');

      const replies = await Promise.all([
        claim(first.callItem, at, 'agent-1'),
        claim(second.callItem, at, 'agent-2'),
      ]);

      expect(replies.map((reply) => reply.status).sort()).toEqual([200, 409]);
      expect(replies.find((reply) => reply.status === 409)?.body.rule).toBe('CALL_CAP_WEEKLY');
      expect(await claimedOf([first.callItem, second.callItem])).toHaveLength(1);
    });

    test('with index reads that lag behind the writes (as GSIs may on AWS), still only one of two claims gets the last call', async () => {
      // Prepare: room for one more connected call today; the listings the claims could use hide
      // every write made from now on (the claims' own included)
      const customer = cnCustomer('cn-stale');
      const first = await caseWithCallTask(customer);
      const second = await caseWithCallTask(customer);
      await call(first.caseId, START + MINUTE);
      await call(first.caseId, START + 2 * MINUTE);
      const deps = {
        workItems: laggingWorkItems(adapters.workItems()),
        cases: laggingCases(adapters.cases()),
        customers: adapters.customers(),
        timeline: adapters.timeline(),
      };
      const at = iso(START + HOUR);

      // Act
      const results = await Promise.allSettled([
        claimWorkItemIn(deps, first.callItem, { agent: 'agent-1' }, at),
        claimWorkItemIn(deps, second.callItem, { agent: 'agent-2' }, at),
      ]);

      // Assess
      expect(results.filter((result) => result.status === 'fulfilled')).toHaveLength(1);
      expect(results.find((result) => result.status === 'rejected')).toMatchObject({
        reason: { rule: 'CALL_CAP_DAILY' },
      });
      expect(await claimedOf([first.callItem, second.callItem])).toHaveLength(1);
    });

    test('two agents claiming the same call task at once: one gets it, and the other’s reservation is given back', async () => {
      // Prepare: one connected call today: room for two more
      const customer = cnCustomer('cn-same-task');
      const first = await caseWithCallTask(customer);
      const second = await caseWithCallTask(customer);
      await call(first.caseId, START + MINUTE);

      // Act
      const replies = await Promise.all([
        claim(first.callItem, START + HOUR, 'agent-1'),
        claim(first.callItem, START + HOUR, 'agent-2'),
      ]);
      const other = await claim(second.callItem, START + HOUR + MINUTE, 'agent-3');

      // Assess: one place taken by the claim that landed, so the debtor's other task still fits
      expect(replies.map((reply) => reply.status).sort()).toEqual([200, 409]);
      const winner = replies.find((reply) => reply.status === 200)?.body.claimedBy;
      expect(other.status).toBe(200);
      const reservations = (await adapters.customers().get(customer.id))?.callReservations ?? [];
      expect(reservations.map(({ workItemId, agent }) => ({ workItemId, agent })).sort(byItem)).toEqual(
        [
          { workItemId: first.callItem, agent: winner },
          { workItemId: second.callItem, agent: 'agent-3' },
        ].sort(byItem),
      );
    });

    test('a reservation left without its claim (the function stopped between the two writes) counts while its claim could be landing, then is dropped', async () => {
      // Prepare: two connected calls today, and a place reserved for the first task that was never claimed
      const customer = cnCustomer('cn-orphan');
      const first = await caseWithCallTask(customer);
      const second = await caseWithCallTask(customer);
      await call(first.caseId, START + MINUTE);
      await call(first.caseId, START + 2 * MINUTE);
      const stored = await adapters.customers().get(customer.id);
      const orphan = { workItemId: first.callItem, agent: 'agent-gone', at: iso(START + HOUR) };
      await adapters.customers().changeCalls(customer.id, stored?.callsVersion ?? 0, { reserve: [orphan] });

      // Act
      const whileLanding = await claim(
        second.callItem,
        START + HOUR + RESERVATION_LANDING_MS - MINUTE,
        'agent-2',
      );
      const afterLanding = await claim(second.callItem, START + HOUR + RESERVATION_LANDING_MS, 'agent-2');

      // Assess
      expect(whileLanding.body.rule).toBe('CALL_CAP_DAILY');
      expect(afterLanding.status).toBe(200);
      const reservations = (await adapters.customers().get(customer.id))?.callReservations;
      expect(reservations?.map((reservation) => reservation.workItemId)).toEqual([second.callItem]);
    });
  });

  describe('a claim holds its place for its lease (14 hours), not for good', () => {
    test('a claim left on a case that closed holds its place that day; after the lease it no longer does, and completed later the call still counts', async () => {
      // Prepare: the call of one case claimed at 11:00 in Shanghai, then that case paid and closed;
      // two connected calls on the debtor's other case that day and the next
      const customer = cnCustomer('cn-lease');
      const paid = await caseWithCallTask(customer);
      const other = await caseWithCallTask(customer);
      const claimedAt = START + HOUR;
      expect((await claim(paid.callItem, claimedAt)).status).toBe(200);
      await payInFull(paid.caseId, claimedAt + MINUTE);
      await closeCase({ caseId: paid.caseId, at: iso(claimedAt + MINUTE) }, lambdaContext('close-case'));
      await call(other.caseId, claimedAt + 2 * MINUTE);
      await call(other.caseId, claimedAt + 3 * MINUTE);
      const nextDay = START + DAY; // 10:00 on 03-03, 23 hours after the claim
      await call(other.caseId, nextDay + MINUTE);
      await call(other.caseId, nextDay + 2 * MINUTE);

      // Act
      const sameDay = await claim(other.callItem, claimedAt + HOUR, 'agent-2');
      const leaseOver = await claim(other.callItem, nextDay + HOUR, 'agent-2');
      const lateCompletion = await complete(
        paid.callItem,
        { outcome: 'CONNECTED', occurredAt: iso(claimedAt + 5 * MINUTE) },
        nextDay + 2 * HOUR,
      );

      // Assess
      expect(sameDay.body.rule).toBe('CALL_CAP_DAILY');
      expect(leaseOver).toMatchObject({ status: 200, body: { status: 'CLAIMED', claimedBy: 'agent-2' } });
      expect(lateCompletion).toMatchObject({ status: 200, body: { status: 'DONE', outcome: 'CONNECTED' } });
      const stored = await adapters.customers().get(customer.id);
      expect(stored?.callDays).toEqual({
        '2026-03-02': { attempts: 3, connected: 3 },
        '2026-03-03': { attempts: 2, connected: 2 },
      });
      expect(stored?.callReservations.map((reservation) => reservation.workItemId)).toEqual([other.callItem]);
    });

    test('the place is held until the lease is over, to the minute', async () => {
      // Prepare: a call claimed at 20:00 in Shanghai and never completed; two connected calls the next morning
      const customer = cnCustomer('cn-lease-edge');
      const forgotten = await caseWithCallTask(customer);
      const other = await caseWithCallTask(customer);
      const claimedAt = Date.parse('2026-03-02T12:00:00Z');
      expect((await claim(forgotten.callItem, claimedAt)).status).toBe(200);
      await call(other.caseId, Date.parse('2026-03-03T00:10:00Z'));
      await call(other.caseId, Date.parse('2026-03-03T00:20:00Z'));

      // Act
      const justBefore = await claim(other.callItem, claimedAt + CLAIM_LEASE_MS - MINUTE, 'agent-2'); // 09:59
      const leaseOver = await claim(other.callItem, claimedAt + CLAIM_LEASE_MS, 'agent-2'); // 10:00

      // Assess
      expect(justBefore.body.rule).toBe('CALL_CAP_DAILY');
      expect(leaseOver.status).toBe(200);
    });
  });

  describe('US: one claimed call per debtor at a time (CALL_IN_PROGRESS)', () => {
    test('two agents claiming at once the calls of two cases of a debtor with room for many: one gets it, the other is refused CALL_IN_PROGRESS', async () => {
      // Prepare: no calls yet this week
      const customer = usCustomer('us-one-at-a-time');
      const first = await caseWithCallTask(customer, Date.parse('2026-03-10T14:00:00Z'), 'USD');
      const second = await caseWithCallTask(customer, Date.parse('2026-03-10T14:00:00Z'), 'USD');
      const at = Date.parse('2026-03-10T15:00:00Z'); // 11:00 in New York

      // Act
      const replies = await Promise.all([
        claim(first.callItem, at, 'agent-1'),
        claim(second.callItem, at, 'agent-2'),
      ]);

      // Assess
      expect(replies.map((reply) => reply.status).sort()).toEqual([200, 409]);
      const refused = replies.find((reply) => reply.status === 409);
      const lost = refused === replies[0] ? first.callItem : second.callItem;
      await expectRuleRefusal(refused!, lost, 'CALL_IN_PROGRESS');
      expect(await claimedOf([first.callItem, second.callItem])).toHaveLength(1);
      expect((await adapters.customers().get(customer.id))?.callReservations).toHaveLength(1);
    });

    test('with index reads that lag behind the writes, still only one of two claims gets through', async () => {
      const customer = usCustomer('us-one-stale');
      const first = await caseWithCallTask(customer, Date.parse('2026-03-10T14:00:00Z'), 'USD');
      const second = await caseWithCallTask(customer, Date.parse('2026-03-10T14:00:00Z'), 'USD');
      const deps = {
        workItems: laggingWorkItems(adapters.workItems()),
        cases: laggingCases(adapters.cases()),
        customers: adapters.customers(),
        timeline: adapters.timeline(),
      };
      const at = '2026-03-10T15:00:00.000Z';

      const results = await Promise.allSettled([
        claimWorkItemIn(deps, first.callItem, { agent: 'agent-1' }, at),
        claimWorkItemIn(deps, second.callItem, { agent: 'agent-2' }, at),
      ]);

      expect(results.filter((result) => result.status === 'fulfilled')).toHaveLength(1);
      expect(results.find((result) => result.status === 'rejected')).toMatchObject({
        reason: { rule: 'CALL_IN_PROGRESS' },
      });
    });

    test('the first call connected: the second call, refused while the first was claimed, is refused for the 7 quiet days after', async () => {
      // Prepare
      const customer = usCustomer('us-one-then-quiet');
      const first = await caseWithCallTask(customer, Date.parse('2026-03-10T14:00:00Z'), 'USD');
      const second = await caseWithCallTask(customer, Date.parse('2026-03-10T14:00:00Z'), 'USD');
      const at = Date.parse('2026-03-10T15:00:00Z');
      await claim(first.callItem, at, 'agent-1');

      // Act
      const whileClaimed = await claim(second.callItem, at + MINUTE, 'agent-2');
      await complete(
        first.callItem,
        { outcome: 'CONNECTED', occurredAt: iso(at + 5 * MINUTE) },
        at + 6 * MINUTE,
      );
      const afterConversation = await claim(second.callItem, at + 10 * MINUTE, 'agent-2');

      // Assess
      expect(whileClaimed.body.rule).toBe('CALL_IN_PROGRESS');
      expect(afterConversation.body.rule).toBe('CALL_AFTER_CONVERSATION');
    });

    test('the first call unanswered: the next one can be claimed', async () => {
      const customer = usCustomer('us-one-then-next');
      const first = await caseWithCallTask(customer, Date.parse('2026-03-10T14:00:00Z'), 'USD');
      const second = await caseWithCallTask(customer, Date.parse('2026-03-10T14:00:00Z'), 'USD');
      const at = Date.parse('2026-03-10T15:00:00Z');
      await claim(first.callItem, at, 'agent-1');

      await complete(first.callItem, { outcome: 'NO_ANSWER', occurredAt: iso(at + MINUTE) }, at + 2 * MINUTE);
      const next = await claim(second.callItem, at + 3 * MINUTE, 'agent-2');

      expect(next.status).toBe(200);
    });

    test('CN keeps its daily cap only: two calls of a debtor claimed at once are both allowed', async () => {
      const customer = cnCustomer('cn-two-at-once');
      const first = await caseWithCallTask(customer);
      const second = await caseWithCallTask(customer);

      const replies = await Promise.all([
        claim(first.callItem, START + HOUR, 'agent-1'),
        claim(second.callItem, START + HOUR, 'agent-2'),
      ]);

      expect(replies.map((reply) => reply.status)).toEqual([200, 200]);
    });
  });

  describe('calls claimed before claims reserved places (CLAIMED, no reservation) still hold theirs', () => {
    /** A call task CLAIMED directly in the table, as claims before reservations left them. */
    async function claimedWithoutReservation(workItemId: string, claimedAt: number) {
      const open = await adapters.workItems().get(workItemId);
      if (!open) throw new Error('no call task');
      await adapters.workItems().replace({
        ...open,
        status: 'CLAIMED',
        claimedBy: 'agent-old',
        claimedAt: iso(claimedAt),
        version: open.version + 1,
      });
    }

    test('CN: one connected call, one such claim and a new claim fill the day; the new claim also reserved the old one’s place', async () => {
      // Prepare
      const customer = cnCustomer('cn-legacy-claim');
      const old = await caseWithCallTask(customer);
      const other = await caseWithCallTask(customer);
      const third = await caseWithCallTask(customer);
      await claimedWithoutReservation(old.callItem, START + 3 * MINUTE);
      await call(other.caseId, START + MINUTE);

      // Act
      const withRoom = await claim(other.callItem, START + HOUR, 'agent-2');
      const full = await claim(third.callItem, START + HOUR + MINUTE, 'agent-3');

      // Assess
      expect(withRoom.status).toBe(200);
      await expectRuleRefusal(full, third.callItem, 'CALL_CAP_DAILY');
      const stored = await adapters.customers().get(customer.id);
      expect(stored?.claimsReserved).toBe(true);
      expect(
        stored?.callReservations.map(({ workItemId, agent, at }) => ({ workItemId, agent, at })).sort(byItem),
      ).toEqual(
        [
          { workItemId: old.callItem, agent: 'agent-old', at: iso(START + 3 * MINUTE) },
          { workItemId: other.callItem, agent: 'agent-2', at: iso(START + HOUR) },
        ].sort(byItem),
      );
    });

    test('US: such a claim is a call in progress', async () => {
      const customer = usCustomer('us-legacy-claim');
      const old = await caseWithCallTask(customer, Date.parse('2026-03-10T14:00:00Z'), 'USD');
      const other = await caseWithCallTask(customer, Date.parse('2026-03-10T14:00:00Z'), 'USD');
      await claimedWithoutReservation(old.callItem, Date.parse('2026-03-10T14:30:00Z'));

      const reply = await claim(other.callItem, Date.parse('2026-03-10T15:00:00Z'), 'agent-2');

      await expectRuleRefusal(reply, other.callItem, 'CALL_IN_PROGRESS');
    });

    test('one older than the lease holds no place', async () => {
      const customer = cnCustomer('cn-legacy-stale');
      const old = await caseWithCallTask(customer);
      const other = await caseWithCallTask(customer);
      await claimedWithoutReservation(old.callItem, START - CLAIM_LEASE_MS);
      await call(other.caseId, START + MINUTE);
      await call(other.caseId, START + 2 * MINUTE);

      const reply = await claim(other.callItem, START + HOUR, 'agent-2');

      expect(reply.status).toBe(200);
      expect((await adapters.customers().get(customer.id))?.callReservations).toHaveLength(1);
    });
  });

  test('a task that is done or cancelled cannot be claimed', async () => {
    const { callItem } = await caseWithCallTask();
    await claim(callItem, START + HOUR);
    await complete(callItem, { outcome: 'NO_ANSWER', occurredAt: iso(START + HOUR) }, START + HOUR);

    const reply = await claim(callItem, START + 2 * HOUR, 'agent-2');

    expect(reply.status).toBe(409);
    expect((await adapters.workItems().get(callItem))?.status).toBe('DONE');
  });

  test('an unknown work item is a 404; a missing agent is a 400 naming it', async () => {
    const { callItem } = await caseWithCallTask();

    const unknown = await claim('case-000:CALLS:OVERDUE_NOTICE:0', START + HOUR);
    const noAgent = await post(
      claimWorkItem,
      '/work-items/{workItemId}/claim',
      { workItemId: callItem },
      {},
      START,
    );

    expect(unknown).toMatchObject({ status: 404, contentType: 'application/problem+json' });
    expect(noAgent.status).toBe(400);
    expect(noAgent.body.errors.map((error: { path: string }) => error.path)).toEqual(['agent']);
  });
});

describe('POST /work-items/{workItemId}/complete', () => {
  test('a call: DONE, CONTACT_RECORDED on the case, counted once in the debtor’s call counters', async () => {
    // Prepare
    const customer = cnCustomer('cn-complete');
    const { caseId, callItem } = await caseWithCallTask(customer);
    await claim(callItem, START + HOUR);
    const occurredAt = START + HOUR + 5 * MINUTE;
    const body = {
      outcome: 'CONNECTED',
      occurredAt: iso(occurredAt),
      hardship: 'JOB_LOSS',
      note: `${customer.name} lost her job`,
    };

    // Act
    const reply = await complete(callItem, body, START + 2 * HOUR);
    const again = await complete(callItem, body, START + 3 * HOUR);

    // Assess
    expect(reply).toMatchObject({
      status: 200,
      body: { workItemId: callItem, status: 'DONE', outcome: 'CONNECTED' },
    });
    expect(again).toMatchObject({ status: 200, body: reply.body });
    const timeline = await timelineOf(caseId);
    expect(ofType(timeline, 'CONTACT_RECORDED')).toEqual([
      {
        at: iso(occurredAt),
        type: 'CONTACT_RECORDED',
        channel: 'CALL',
        detail: { outcome: 'CONNECTED', hardship: 'JOB_LOSS', workItemId: callItem },
      },
    ]);
    expect(ofType(timeline, 'WORK_ITEM_COMPLETED')).toEqual([
      {
        at: iso(START + 2 * HOUR),
        type: 'WORK_ITEM_COMPLETED',
        detail: { workItemId: callItem, queue: 'CALLS', outcome: 'CONNECTED' },
      },
    ]);
    expect(JSON.stringify(timeline)).not.toContain('lost her job');
    const counted = await adapters.customers().get(customer.id);
    expect(counted?.callDays).toEqual({ '2026-03-02': { attempts: 1, connected: 1 } });
    expect(counted?.lastConversationAt).toBe(iso(occurredAt));
    // the place the claim reserved became this counted call
    expect(counted?.callReservations).toEqual([]);
  });

  test('completed calls count towards the cap: after three connected ones the debtor’s next call task is refused', async () => {
    // Prepare: three cases of one debtor, each with a call task
    const customer = cnCustomer('cn-three');
    const tasks = [
      await caseWithCallTask(customer),
      await caseWithCallTask(customer),
      await caseWithCallTask(customer),
      await caseWithCallTask(customer),
    ];
    for (const [n, task] of tasks.slice(0, 3).entries()) {
      await claim(task.callItem, START + HOUR);
      await complete(
        task.callItem,
        { outcome: 'CONNECTED', occurredAt: iso(START + HOUR + n * MINUTE) },
        START + 2 * HOUR,
      );
    }

    // Act
    const fourth = await claim(tasks[3]!.callItem, START + 3 * HOUR);

    // Assess
    await expectRuleRefusal(fourth, tasks[3]!.callItem, 'CALL_CAP_DAILY');
  });

  test('a visit is recorded as a VISIT and is not a call', async () => {
    const customer = cnCustomer('cn-visit');
    const { caseId } = await openCaseAt({ customer, amountDue: { amount: 400_000, currency: 'CNY' } });
    await sendStageContact({ caseId, stage: 'SECOND_COLLECTION', at: iso(START) }, lambdaContext());
    const visit = `${caseId}:VISITS:SECOND_COLLECTION:0`;
    await claim(visit, START + HOUR, 'field-1');

    await complete(
      visit,
      { outcome: 'CONNECTED', occurredAt: iso(START + 2 * HOUR), hardship: 'ILLNESS' },
      START + 3 * HOUR,
    );

    const [recorded] = ofType(await timelineOf(caseId), 'CONTACT_RECORDED');
    expect(recorded).toMatchObject({
      channel: 'VISIT',
      detail: { outcome: 'CONNECTED', hardship: 'ILLNESS' },
    });
    expect((await adapters.customers().get(customer.id))?.callDays).toEqual({});
  });

  test('a letter is claimed before it is completed (409 unclaimed); completed, it records no contact', async () => {
    // Prepare
    const { caseId, letterItem } = await caseWithLetter(cnCustomer('cn-letter-done'));
    const sent = { outcome: 'SENT', occurredAt: iso(START + HOUR) };

    // Act
    const unclaimed = await complete(letterItem, sent, START + HOUR);
    const claimed = await claim(letterItem, START + HOUR, 'post-1');
    const reply = await complete(letterItem, sent, START + 2 * HOUR);

    // Assess
    expect(unclaimed).toMatchObject({ status: 409, contentType: 'application/problem+json' });
    expect(claimed.status).toBe(200);
    expect(reply).toMatchObject({
      status: 200,
      body: { status: 'DONE', outcome: 'SENT', claimedBy: 'post-1' },
    });
    expect(ofType(await timelineOf(caseId), 'CONTACT_RECORDED')).toEqual([]);
    expect(ofType(await timelineOf(caseId), 'WORK_ITEM_COMPLETED')).toHaveLength(1);
  });

  describe('a call claimed before its case closed stays completable, and is recorded and counted', () => {
    test('CN: completed as CONNECTED after the case was paid and closed; the debtor’s next call (on another case) is refused: 3 connected today', async () => {
      // Prepare: two connected calls today on one case; the call task of another case claimed, then
      // that case paid and closed
      const customer = cnCustomer('cn-closed-claim');
      const other = await caseWithCallTask(customer);
      const paid = await caseWithCallTask(customer);
      await call(other.caseId, START + MINUTE);
      await call(other.caseId, START + 2 * MINUTE);
      expect((await claim(paid.callItem, START + HOUR)).status).toBe(200);
      await payInFull(paid.caseId, START + HOUR + MINUTE);
      await closeCase({ caseId: paid.caseId, at: iso(START + HOUR + MINUTE) }, lambdaContext('close-case'));
      const afterClosing = (await adapters.workItems().get(paid.callItem))?.status;

      // Act
      const completed = await complete(
        paid.callItem,
        { outcome: 'CONNECTED', occurredAt: iso(START + HOUR + 5 * MINUTE) },
        START + HOUR + 10 * MINUTE,
      );
      const next = await claim(other.callItem, START + 2 * HOUR, 'agent-2');

      // Assess
      expect(afterClosing).toBe('CLAIMED');
      expect(completed).toMatchObject({ status: 200, body: { status: 'DONE', outcome: 'CONNECTED' } });
      expect(ofType(await timelineOf(paid.caseId), 'CONTACT_RECORDED')).toEqual([
        expect.objectContaining({
          channel: 'CALL',
          detail: expect.objectContaining({ outcome: 'CONNECTED', workItemId: paid.callItem }),
        }),
      ]);
      const counted = await adapters.customers().get(customer.id);
      expect(counted?.callDays).toEqual({ '2026-03-02': { attempts: 3, connected: 3 } });
      expect(counted?.callReservations).toEqual([]);
      await expectRuleRefusal(next, other.callItem, 'CALL_CAP_DAILY');
    });

    test('US: a conversation on a call completed after its case closed starts the 7 quiet days for the debtor’s other cases', async () => {
      // Prepare
      const customer = usCustomer('us-closed-claim');
      const other = await caseWithCallTask(customer, Date.parse('2026-03-10T14:00:00Z'), 'USD');
      const paid = await caseWithCallTask(customer, Date.parse('2026-03-10T14:00:00Z'), 'USD');
      const claimedAt = Date.parse('2026-03-10T15:00:00Z'); // 11:00 in New York
      expect((await claim(paid.callItem, claimedAt)).status).toBe(200);
      await payInFull(paid.caseId, claimedAt + MINUTE);
      await closeCase({ caseId: paid.caseId, at: iso(claimedAt + MINUTE) }, lambdaContext('close-case'));

      // Act
      const talked = claimedAt + 5 * MINUTE;
      const completed = await complete(
        paid.callItem,
        { outcome: 'CONNECTED', occurredAt: iso(talked) },
        claimedAt + 10 * MINUTE,
      );
      const threeDaysLater = await claim(other.callItem, talked + 3 * DAY, 'agent-2');

      // Assess
      expect(completed).toMatchObject({ status: 200, body: { status: 'DONE' } });
      expect((await adapters.customers().get(customer.id))?.lastConversationAt).toBe(iso(talked));
      await expectRuleRefusal(threeDaysLater, other.callItem, 'CALL_AFTER_CONVERSATION');
    });
  });

  test('two completions of one call at once count it once, and its reservation is gone', async () => {
    const customer = cnCustomer('cn-complete-twice');
    const { callItem } = await caseWithCallTask(customer);
    await claim(callItem, START + HOUR);
    const body = { outcome: 'CONNECTED', occurredAt: iso(START + HOUR + MINUTE) };

    const replies = await Promise.all([
      complete(callItem, body, START + 2 * HOUR),
      complete(callItem, body, START + 2 * HOUR),
    ]);

    expect(replies.map((reply) => reply.status)).toEqual([200, 200]);
    const counted = await adapters.customers().get(customer.id);
    expect(counted?.callDays).toEqual({ '2026-03-02': { attempts: 1, connected: 1 } });
    expect(counted?.callReservations).toEqual([]);
  });

  test('a call claimed before claims reserved places (no reservation on record) is counted once when completed', async () => {
    // Prepare: the task CLAIMED directly in the table, as claims before reservations left them
    const customer = cnCustomer('cn-unreserved');
    const { callItem } = await caseWithCallTask(customer);
    const open = await adapters.workItems().get(callItem);
    if (!open) throw new Error('no call task');
    await adapters.workItems().replace({
      ...open,
      status: 'CLAIMED',
      claimedBy: 'agent-1',
      claimedAt: iso(START),
      version: open.version + 1,
    });
    const body = { outcome: 'NO_ANSWER', occurredAt: iso(START + MINUTE) };

    // Act
    await complete(callItem, body, START + HOUR);
    await complete(callItem, body, START + 2 * HOUR);

    // Assess
    expect((await adapters.customers().get(customer.id))?.callDays).toEqual({
      '2026-03-02': { attempts: 1, connected: 0 },
    });
  });

  test('an unclaimed call task cannot be completed (409) and nothing is recorded', async () => {
    const { caseId, callItem } = await caseWithCallTask();

    const reply = await complete(callItem, { outcome: 'CONNECTED', occurredAt: iso(START) }, START + HOUR);

    expect(reply.status).toBe(409);
    expect((await workItemsOf(caseId))[0]?.status).toBe('OPEN');
    expect(ofType(await timelineOf(caseId), 'CONTACT_RECORDED')).toEqual([]);
  });

  test.each([
    ['outcome', { outcome: 'MAYBE', occurredAt: iso(START) }],
    ['occurredAt', { outcome: 'CONNECTED', occurredAt: 'now' }],
    ['hardship', { outcome: 'CONNECTED', occurredAt: iso(START), hardship: 'BORED' }],
  ])('a wrong %s is a 400 naming it', async (path, body) => {
    const { callItem } = await caseWithCallTask();
    await claim(callItem, START + HOUR);

    const reply = await complete(callItem, body, START + HOUR);

    expect(reply.status).toBe(400);
    expect(reply.body.errors.map((error: { path: string }) => error.path)).toContain(path);
    expect((await adapters.workItems().get(callItem))?.status).toBe('CLAIMED');
  });
  describe('occurredAt lies between the claim and the request (5 minutes either way), else 400 and nothing changes', () => {
    const claimedAt = START + HOUR;
    const requestAt = START + 2 * HOUR;

    test.each([
      ['more than 5 minutes before the claim', claimedAt - 5 * MINUTE - 1000],
      ['more than 5 minutes after the request', requestAt + 5 * MINUTE + 1000],
      ['days ahead (it would count on another day and free today’s place)', START + 3 * DAY],
    ])('%s: 400 naming occurredAt', async (_label, occurredAt) => {
      // Prepare: two connected calls today, and the third claimed
      const customer = cnCustomer(`cn-occurred-${occurredAt}`);
      const { caseId, callItem } = await caseWithCallTask(customer);
      await call(caseId, START + MINUTE);
      await call(caseId, START + 2 * MINUTE);
      await claim(callItem, claimedAt);
      const before = await adapters.customers().get(customer.id);

      // Act
      const reply = await complete(
        callItem,
        { outcome: 'CONNECTED', occurredAt: iso(occurredAt) },
        requestAt,
      );

      // Assess
      expect(reply).toMatchObject({ status: 400, contentType: 'application/problem+json' });
      expect(reply.body.errors.map((error: { path: string }) => error.path)).toEqual(['occurredAt']);
      const item = await adapters.workItems().get(callItem);
      expect(item).toMatchObject({ status: 'CLAIMED', outcome: null });
      expect(item?.completion).toBeUndefined();
      expect(ofType(await timelineOf(caseId), 'CONTACT_RECORDED')).toHaveLength(2);
      expect(await adapters.customers().get(customer.id)).toEqual(before);
    });

    test.each([
      ['5 minutes before the claim', claimedAt - 5 * MINUTE],
      ['5 minutes after the request', requestAt + 5 * MINUTE],
    ])('%s is accepted', async (_label, occurredAt) => {
      const { callItem } = await caseWithCallTask();
      await claim(callItem, claimedAt);

      const reply = await complete(
        callItem,
        { outcome: 'NO_ANSWER', occurredAt: iso(occurredAt) },
        requestAt,
      );

      expect(reply).toMatchObject({ status: 200, body: { status: 'DONE' } });
    });
  });

  describe('the call is counted and on the timeline before the item is DONE', () => {
    /** `repository` with `method` failing as DynamoDB can (throttled), everything else as it is. */
    function failing<T extends object>(
      repository: T,
      method: keyof T,
      when: (...args: never[]) => boolean = () => true,
    ) {
      return new Proxy(repository, {
        get(target, property) {
          const value = Reflect.get(target, property);
          if (typeof value !== 'function') return value;
          if (property !== method) return value.bind(target);
          return (...args: never[]) => {
            if (when(...args)) return Promise.reject(new Error('ProvisionedThroughputExceededException'));
            return value.apply(target, args);
          };
        },
      });
    }
    const depsWith = (overrides: Partial<Parameters<typeof completeWorkItemIn>[0]>) => ({
      workItems: adapters.workItems(),
      cases: adapters.cases(),
      customers: adapters.customers(),
      timeline: adapters.timeline(),
      ...overrides,
    });
    const talkedAt = Date.parse('2026-03-10T15:05:00Z');

    async function usCallClaimed(id: string) {
      const customer = usCustomer(id);
      const first = await caseWithCallTask(customer, Date.parse('2026-03-10T14:00:00Z'), 'USD');
      const second = await caseWithCallTask(customer, Date.parse('2026-03-10T14:00:00Z'), 'USD');
      expect((await claim(first.callItem, Date.parse('2026-03-10T15:00:00Z'))).status).toBe(200);
      return { customer, first, second };
    }

    test('the count fails: the item stays CLAIMED with nothing recorded; the retry records and counts the conversation once', async () => {
      // Prepare
      const { customer, first, second } = await usCallClaimed('us-count-fails');
      const body = { outcome: 'CONNECTED' as const, occurredAt: iso(talkedAt) };
      const deps = depsWith({ customers: failing(adapters.customers(), 'changeCalls') });

      // Act
      const failed = await completeWorkItemIn(deps, first.callItem, body, iso(talkedAt + MINUTE)).catch(
        (error: unknown) => error,
      );
      const afterFailure = await adapters.workItems().get(first.callItem);
      const timelineAfterFailure = await timelineOf(first.caseId);
      const retried = await complete(first.callItem, body, talkedAt + 10 * MINUTE);
      const nextCall = await claim(second.callItem, talkedAt + 2 * DAY, 'agent-2');

      // Assess
      expect(failed).toBeInstanceOf(Error);
      expect(afterFailure?.status).toBe('CLAIMED');
      expect(ofType(timelineAfterFailure, 'CONTACT_RECORDED')).toEqual([]);
      expect(retried).toMatchObject({ status: 200, body: { status: 'DONE', outcome: 'CONNECTED' } });
      const stored = await adapters.customers().get(customer.id);
      expect(stored?.callDays).toEqual({ '2026-03-10': { attempts: 1, connected: 1 } });
      expect(stored?.lastConversationAt).toBe(iso(talkedAt));
      expect(stored?.callReservations).toEqual([]);
      expect(ofType(await timelineOf(first.caseId), 'CONTACT_RECORDED')).toHaveLength(1);
      expect(ofType(await timelineOf(first.caseId), 'WORK_ITEM_COMPLETED')).toEqual([
        expect.objectContaining({ at: iso(talkedAt + MINUTE) }),
      ]);
      expect(nextCall.body.rule).toBe('CALL_AFTER_CONVERSATION');
    });

    test('the timeline write fails after the count: the retry counts nothing twice', async () => {
      // Prepare
      const { customer, first } = await usCallClaimed('us-entry-fails');
      const body = { outcome: 'NO_ANSWER' as const, occurredAt: iso(talkedAt) };
      const contactEntry = (_caseId: string, entries: Array<{ type: string }>) =>
        entries.some((entry) => entry.type === 'CONTACT_RECORDED');
      const deps = depsWith({ timeline: failing(adapters.timeline(), 'append', contactEntry as never) });

      // Act
      const failed = await completeWorkItemIn(deps, first.callItem, body, iso(talkedAt + MINUTE)).catch(
        (error: unknown) => error,
      );
      const afterFailure = await adapters.workItems().get(first.callItem);
      const retried = await complete(first.callItem, body, talkedAt + 10 * MINUTE);

      // Assess
      expect(failed).toBeInstanceOf(Error);
      expect(afterFailure?.status).toBe('CLAIMED');
      expect(retried).toMatchObject({ status: 200, body: { status: 'DONE' } });
      expect((await adapters.customers().get(customer.id))?.callDays).toEqual({
        '2026-03-10': { attempts: 1, connected: 0 },
      });
      expect(ofType(await timelineOf(first.caseId), 'CONTACT_RECORDED')).toHaveLength(1);
    });

    test('a completion left half-done is finished by the next request on the item, whatever it asks: a release is then a 409', async () => {
      // Prepare
      const { customer, first } = await usCallClaimed('us-finished-by-release');
      const deps = depsWith({ customers: failing(adapters.customers(), 'changeCalls') });
      await completeWorkItemIn(
        deps,
        first.callItem,
        { outcome: 'CONNECTED', occurredAt: iso(talkedAt) },
        iso(talkedAt + MINUTE),
      ).catch(() => undefined);

      // Act
      const release = await releaseCall(first.callItem, talkedAt + HOUR);
      const otherOutcome = await complete(
        first.callItem,
        { outcome: 'NO_ANSWER', occurredAt: iso(talkedAt) },
        talkedAt + HOUR,
      );

      // Assess
      expect(release.status).toBe(409);
      expect(otherOutcome.status).toBe(409);
      expect(await adapters.workItems().get(first.callItem)).toMatchObject({
        status: 'DONE',
        outcome: 'CONNECTED',
      });
      expect((await adapters.customers().get(customer.id))?.lastConversationAt).toBe(iso(talkedAt));
    });
  });
});

describe('POST /work-items/{workItemId}/release', () => {
  test('the agent gives the claim back: OPEN again, on the timeline, and its place under the caps is free for the debtor’s other call; a repeat changes nothing', async () => {
    // Prepare: two connected calls today; one call task claimed (the third), so the other is refused
    const customer = cnCustomer('cn-release');
    const first = await caseWithCallTask(customer);
    const second = await caseWithCallTask(customer);
    await call(first.caseId, START + MINUTE);
    await call(first.caseId, START + 2 * MINUTE);
    await claim(first.callItem, START + HOUR, 'agent-1');
    const whileClaimed = await claim(second.callItem, START + HOUR + MINUTE, 'agent-2');

    // Act
    const released = await releaseCall(first.callItem, START + HOUR + 2 * MINUTE, 'agent-1');
    const repeated = await releaseCall(first.callItem, START + HOUR + 3 * MINUTE, 'agent-1');
    const afterRelease = await claim(second.callItem, START + HOUR + 4 * MINUTE, 'agent-2');

    // Assess
    expect(whileClaimed.body.rule).toBe('CALL_CAP_DAILY');
    expect(released).toMatchObject({
      status: 200,
      body: { workItemId: first.callItem, status: 'OPEN', claimedBy: null },
    });
    expect(repeated).toMatchObject({ status: 200, body: released.body });
    expect(await adapters.workItems().get(first.callItem)).toMatchObject({ status: 'OPEN', claimedAt: null });
    expect(ofType(await timelineOf(first.caseId), 'WORK_ITEM_RELEASED')).toEqual([
      {
        at: iso(START + HOUR + 2 * MINUTE),
        type: 'WORK_ITEM_RELEASED',
        detail: { workItemId: first.callItem, queue: 'CALLS', agent: 'agent-1' },
      },
    ]);
    expect(afterRelease.status).toBe(200);
    const reservations = (await adapters.customers().get(customer.id))?.callReservations;
    expect(reservations?.map((reservation) => reservation.workItemId)).toEqual([second.callItem]);
  });

  test('a released call task can be claimed again, by anyone', async () => {
    const { callItem } = await caseWithCallTask();
    await claim(callItem, START + HOUR, 'agent-1');
    await releaseCall(callItem, START + HOUR + MINUTE, 'agent-1');

    const again = await claim(callItem, START + HOUR + 2 * MINUTE, 'agent-2');

    expect(again).toMatchObject({ status: 200, body: { status: 'CLAIMED', claimedBy: 'agent-2' } });
  });

  test('a claim given back after its case closed: CANCELLED, and its place freed', async () => {
    // Prepare
    const customer = cnCustomer('cn-release-closed');
    const paid = await caseWithCallTask(customer);
    await claim(paid.callItem, START + HOUR);
    await payInFull(paid.caseId, START + HOUR + MINUTE);
    await closeCase({ caseId: paid.caseId, at: iso(START + HOUR + MINUTE) }, lambdaContext('close-case'));

    // Act
    const released = await releaseCall(paid.callItem, START + 2 * HOUR);

    // Assess
    expect(released).toMatchObject({ status: 200, body: { status: 'CANCELLED', claimedBy: 'agent-1' } });
    expect((await adapters.customers().get(customer.id))?.callReservations).toEqual([]);
    expect(ofType(await timelineOf(paid.caseId), 'WORK_ITEM_CANCELLED')).toContainEqual(
      expect.objectContaining({
        detail: expect.objectContaining({ workItemId: paid.callItem, reason: 'CASE_CLOSED' }),
      }),
    );
  });

  test('a letter can be given back too', async () => {
    const { letterItem } = await caseWithLetter(cnCustomer('cn-release-letter'));
    await claim(letterItem, START + HOUR, 'post-1');

    const released = await releaseCall(letterItem, START + 2 * HOUR, 'post-1');

    expect(released).toMatchObject({ status: 200, body: { status: 'OPEN', claimedBy: null } });
  });

  test('only the agent holding the claim gives it back (409, the claim and its place stay); a done item cannot be (409)', async () => {
    // Prepare
    const customer = cnCustomer('cn-release-other');
    const held = await caseWithCallTask(customer);
    const done = await caseWithCallTask(customer);
    await claim(held.callItem, START + HOUR, 'agent-1');
    await claim(done.callItem, START + HOUR, 'agent-1');
    await complete(done.callItem, { outcome: 'NO_ANSWER', occurredAt: iso(START + HOUR) }, START + HOUR);

    // Act
    const byOther = await releaseCall(held.callItem, START + 2 * HOUR, 'agent-2');
    const ofDone = await releaseCall(done.callItem, START + 2 * HOUR, 'agent-1');

    // Assess
    expect(byOther).toMatchObject({ status: 409, contentType: 'application/problem+json' });
    expect(ofDone.status).toBe(409);
    expect(await adapters.workItems().get(held.callItem)).toMatchObject({
      status: 'CLAIMED',
      claimedBy: 'agent-1',
    });
    const reservations = (await adapters.customers().get(customer.id))?.callReservations;
    expect(reservations?.map((reservation) => reservation.workItemId)).toEqual([held.callItem]);
  });

  test('an unknown work item is a 404; a missing agent is a 400 naming it', async () => {
    const { callItem } = await caseWithCallTask();
    await claim(callItem, START + HOUR);

    const unknown = await releaseCall('case-000:CALLS:OVERDUE_NOTICE:0', START + HOUR);
    const noAgent = await post(
      releaseWorkItem,
      '/work-items/{workItemId}/release',
      { workItemId: callItem },
      {},
      START + HOUR,
    );

    expect(unknown).toMatchObject({ status: 404, contentType: 'application/problem+json' });
    expect(noAgent.status).toBe(400);
    expect(noAgent.body.errors.map((error: { path: string }) => error.path)).toEqual(['agent']);
    expect((await adapters.workItems().get(callItem))?.status).toBe('CLAIMED');
  });
});

describe('POST /cases/{caseId}/contacts', () => {
  test('records the contact once per contactId and answers the case', async () => {
    // Prepare
    const customer = cnCustomer('cn-contacts');
    const { caseId } = await openCaseAt({ customer });
    const body = {
      contactId: 'c-1',
      occurredAt: iso(START),
      channel: 'CALL',
      outcome: 'NO_ANSWER',
      note: 'voicemail',
    };

    // Act
    const reply = await logContact(caseId, body, START + MINUTE);
    await logContact(caseId, body, START + 2 * MINUTE);

    // Assess
    expect(reply).toMatchObject({ status: 200, body: { caseId, status: 'OPEN' } });
    expect(ofType(await timelineOf(caseId), 'CONTACT_RECORDED')).toEqual([
      {
        at: iso(START),
        type: 'CONTACT_RECORDED',
        channel: 'CALL',
        detail: { outcome: 'NO_ANSWER', hardship: null },
      },
    ]);
    expect((await adapters.customers().get(customer.id))?.callDays).toEqual({
      '2026-03-02': { attempts: 1, connected: 0 },
    });
  });

  test('an inbound call from the customer is recorded but is not an attempt', async () => {
    const customer = cnCustomer('cn-inbound');
    const { caseId } = await openCaseAt({ customer });

    await logContact(
      caseId,
      {
        contactId: 'in-1',
        occurredAt: iso(START),
        channel: 'INBOUND',
        outcome: 'CONNECTED',
        hardship: 'FORGOT',
      },
      START,
    );

    expect(ofType(await timelineOf(caseId), 'CONTACT_RECORDED')[0]).toMatchObject({
      channel: 'INBOUND',
      detail: { hardship: 'FORGOT' },
    });
    expect((await adapters.customers().get(customer.id))?.callDays).toEqual({});
  });

  test.each([
    ['occurredAt', { contactId: 'c-f', occurredAt: iso(START + DAY), channel: 'CALL', outcome: 'CONNECTED' }],
    ['channel', { contactId: 'c-s', occurredAt: iso(START), channel: 'SMS', outcome: 'CONNECTED' }],
    ['contactId', { contactId: 'has spaces', occurredAt: iso(START), channel: 'CALL', outcome: 'CONNECTED' }],
    ['outcome', { contactId: 'c-o', occurredAt: iso(START), channel: 'CALL' }],
  ])('a wrong %s is a 400 naming it and records nothing', async (path, body) => {
    const { caseId } = await openCaseAt();

    const reply = await logContact(caseId, body, START);

    expect(reply.status).toBe(400);
    expect(reply.body.errors.map((error: { path: string }) => error.path)).toContain(path);
    expect(ofType(await timelineOf(caseId), 'CONTACT_RECORDED')).toEqual([]);
  });

  test('an unknown case is a 404', async () => {
    const reply = await logContact(
      'case-000000000000000000000000',
      { contactId: 'c-404', occurredAt: iso(START), channel: 'CALL', outcome: 'CONNECTED' },
      START,
    );

    expect(reply).toMatchObject({ status: 404, contentType: 'application/problem+json' });
  });
});
