import { handler as agreePlan } from '../../lambdas/handlers/api/agree-plan';
import { handler as approveDisclosure } from '../../lambdas/handlers/api/approve-disclosure';
import { handler as claimWorkItem } from '../../lambdas/handlers/api/claim-work-item';
import { handler as completeWorkItem } from '../../lambdas/handlers/api/complete-work-item';
import { handler as decideLegalReview } from '../../lambdas/handlers/api/decide-legal-review';
import { handler as makePromise } from '../../lambdas/handlers/api/make-promise';
import { handler as openDispute } from '../../lambdas/handlers/api/open-dispute';
import { handler as optOut } from '../../lambdas/handlers/api/opt-out';
import { handler as recordContact } from '../../lambdas/handlers/api/record-contact';
import { handler as recordLegalOutcome } from '../../lambdas/handlers/api/record-legal-outcome';
import { handler as recordReturn } from '../../lambdas/handlers/api/record-return';
import { handler as releaseWorkItem } from '../../lambdas/handlers/api/release-work-item';
import { handler as ruleDispute } from '../../lambdas/handlers/api/rule-dispute';
import { handler as openLegalReview } from '../../lambdas/handlers/workflow/open-legal-review';
import { handler as sendStageContact } from '../../lambdas/handlers/workflow/send-stage-contact';
import { callApi, lambdaContext, START } from '../support/local-aws';
import { HOUR } from '../support/time';
import { adapters } from './adapters';
import { type Harness, startHarness } from './aws-harness';
import { DAY, iso, openCaseAt, post, readCase, workItemsOf } from './case-helpers';

/**
 * The conventions every new POST route shares (docs/api.md): malformed and oversized bodies, unknown
 * cases and work items, and the Idempotency-Key (same key and body: the first result, nothing more
 * changes; same key, another body or another case: 409, nothing changes).
 */
let aws: Harness;
beforeAll(async () => {
  aws = await startHarness({ bureau: false });
});
afterAll(() => aws.stop());

const AT = START + HOUR;
const OWED = 129_964; // 1,299.00 + one whole day of fees, at START and AT
const cny = (amount: number) => ({ amount, currency: 'CNY' });
const UNKNOWN_CASE = 'case-000000000000000000000000';

type Handler = Parameters<typeof callApi>[0];

interface Route {
  name: string;
  handler: Handler;
  resource: string;
  /** The path parameter the route is addressed by. */
  param: 'caseId' | 'workItemId' | 'customerId';
  /** A valid body for a fresh case in the route's starting state. */
  body: unknown;
}

const installments = {
  type: 'INSTALLMENTS',
  installments: [
    { dueAt: iso(START + 10 * DAY), amount: cny(60_000) },
    { dueAt: iso(START + 20 * DAY), amount: cny(OWED - 60_000) },
  ],
};

const ROUTES: Route[] = [
  {
    name: 'returns',
    handler: recordReturn,
    resource: '/cases/{caseId}/returns',
    param: 'caseId',
    body: { returnedAt: iso(START), condition: 'GOOD' },
  },
  {
    name: 'promises',
    handler: makePromise,
    resource: '/cases/{caseId}/promises',
    param: 'caseId',
    body: { promisedAt: iso(START + 5 * DAY), amount: cny(OWED) },
  },
  {
    name: 'plans',
    handler: agreePlan,
    resource: '/cases/{caseId}/plans',
    param: 'caseId',
    body: installments,
  },
  {
    name: 'disputes',
    handler: openDispute,
    resource: '/cases/{caseId}/disputes',
    param: 'caseId',
    body: { reason: 'I never rented this device.' },
  },
  {
    name: 'dispute rulings',
    handler: ruleDispute,
    resource: '/cases/{caseId}/disputes/resolution',
    param: 'caseId',
    body: { outcome: 'REJECTED' },
  },
  {
    name: 'contacts',
    handler: recordContact,
    resource: '/cases/{caseId}/contacts',
    param: 'caseId',
    body: { contactId: 'contract-1', occurredAt: iso(START), channel: 'CALL', outcome: 'CONNECTED' },
  },
  {
    name: 'legal review decisions',
    handler: decideLegalReview,
    resource: '/cases/{caseId}/legal-review',
    param: 'caseId',
    body: { decision: 'APPROVE', reviewer: 'counsel-1' },
  },
  {
    name: 'legal outcomes',
    handler: recordLegalOutcome,
    resource: '/cases/{caseId}/legal-outcome',
    param: 'caseId',
    body: { outcome: 'JUDGMENT', judgmentRef: 'ref-1' },
  },
  {
    name: 'disclosure approvals',
    handler: approveDisclosure,
    resource: '/cases/{caseId}/public-disclosure/approvals',
    param: 'caseId',
    body: { approver: 'director-1' },
  },
  {
    name: 'work item claims',
    handler: claimWorkItem,
    resource: '/work-items/{workItemId}/claim',
    param: 'workItemId',
    body: { agent: 'agent-1' },
  },
  {
    name: 'work item completions',
    handler: completeWorkItem,
    resource: '/work-items/{workItemId}/complete',
    param: 'workItemId',
    body: { outcome: 'CONNECTED', occurredAt: iso(START) },
  },
  {
    name: 'work item releases',
    handler: releaseWorkItem,
    resource: '/work-items/{workItemId}/release',
    param: 'workItemId',
    body: { agent: 'agent-1' },
  },
  {
    name: 'opt-outs',
    handler: optOut,
    resource: '/customers/{customerId}/opt-outs',
    param: 'customerId',
    body: { channel: 'SMS' },
  },
];

const send = (
  route: Route,
  id: string,
  extra: { body?: unknown; rawBody?: string; headers?: Record<string, string> } = {},
) =>
  callApi(route.handler, {
    method: 'POST',
    resource: route.resource,
    pathParameters: { [route.param]: id },
    at: AT,
    ...('rawBody' in extra ? { rawBody: extra.rawBody } : { body: extra.body ?? route.body }),
    ...(extra.headers ? { headers: extra.headers } : {}),
  });

describe('every new POST route', () => {
  test.each(ROUTES.map((route) => [route.name, route] as const))(
    '%s: a body that is not JSON is a 400 naming (body)',
    async (_name, route) => {
      const reply = await send(route, 'anything', { rawBody: '{"not json' });

      expect(reply).toMatchObject({
        status: 400,
        contentType: 'application/problem+json',
        body: {
          type: '/problems/invalid-request',
          status: 400,
          errors: [{ path: '(body)', message: 'not valid JSON' }],
        },
      });
    },
  );

  test.each(ROUTES.map((route) => [route.name, route] as const))(
    '%s: a body over 64 KiB is a 413',
    async (_name, route) => {
      const reply = await send(route, 'anything', {
        rawBody: JSON.stringify({ padding: 'x'.repeat(65 * 1024) }),
      });

      expect(reply).toMatchObject({ status: 413, contentType: 'application/problem+json' });
    },
  );

  test.each(ROUTES.map((route) => [route.name, route] as const))(
    '%s: an unknown field is a 400 naming it',
    async (_name, route) => {
      const reply = await send(route, 'anything', {
        body: { ...(route.body as Record<string, unknown>), colour: 'red' },
      });

      expect(reply.status).toBe(400);
      expect(reply.body.errors).toContainEqual({ path: 'colour', message: 'unknown field' });
    },
  );

  test.each(ROUTES.map((route) => [route.name, route] as const))(
    '%s: a malformed path parameter is a 400 naming it, as a body field would be',
    async (_name, route) => {
      const reply = await send(route, 'not an id!');

      expect(reply).toMatchObject({ status: 400, contentType: 'application/problem+json' });
      expect(reply.body.errors).toEqual([{ path: route.param, message: 'letters, digits and . _ : - only' }]);
    },
  );

  test.each(
    ROUTES.filter((route) => route.param !== 'customerId').map((route) => [route.name, route] as const),
  )('%s: an unknown case or work item is a 404', async (_name, route) => {
    const id = route.param === 'caseId' ? UNKNOWN_CASE : `${UNKNOWN_CASE}:CALLS:OVERDUE_NOTICE:0`;

    const reply = await send(route, id);

    expect(reply).toMatchObject({
      status: 404,
      contentType: 'application/problem+json',
      body: { type: '/problems/not-found', status: 404 },
    });
    expect(reply.body.detail).toContain(route.param === 'caseId' ? UNKNOWN_CASE : id);
  });
});

/** Each route's starting state on a fresh case, its id, another valid body, and what to compare. */
interface Keyed {
  route: string;
  prepare: () => Promise<{ caseId: string; customerId: string; id: string }>;
  other: unknown;
}

const freshCase = async () => {
  const { caseId, request } = await openCaseAt();
  return { caseId, customerId: request.customer.id, id: caseId };
};
const withCallTask = async () => {
  const opened = await freshCase();
  await sendStageContact({ caseId: opened.caseId, stage: 'OVERDUE_NOTICE', at: iso(START) }, lambdaContext());
  return { ...opened, id: `${opened.caseId}:CALLS:OVERDUE_NOTICE:0` };
};
const underReview = async () => {
  const opened = await freshCase();
  await openLegalReview({ caseId: opened.caseId, at: iso(START) }, lambdaContext());
  return opened;
};

const KEYED: Keyed[] = [
  { route: 'returns', prepare: freshCase, other: { returnedAt: iso(START), condition: 'DAMAGED' } },
  { route: 'promises', prepare: freshCase, other: { promisedAt: iso(START + 6 * DAY), amount: cny(OWED) } },
  { route: 'plans', prepare: freshCase, other: { type: 'EXTENDED_RETURN', returnBy: iso(START + 9 * DAY) } },
  { route: 'disputes', prepare: freshCase, other: { reason: 'Another reason.' } },
  {
    route: 'dispute rulings',
    prepare: async () => {
      const opened = await freshCase();
      await post(openDispute, '/cases/{caseId}/disputes', { caseId: opened.caseId }, { reason: 'no' }, START);
      return opened;
    },
    other: { outcome: 'UPHELD' },
  },
  {
    route: 'contacts',
    prepare: freshCase,
    other: { contactId: 'contract-2', occurredAt: iso(START), channel: 'CALL', outcome: 'NO_ANSWER' },
  },
  {
    route: 'legal review decisions',
    prepare: underReview,
    other: { decision: 'DECLINE', reviewer: 'counsel-2' },
  },
  {
    route: 'legal outcomes',
    prepare: async () => {
      const opened = await underReview();
      await post(
        decideLegalReview,
        '/cases/{caseId}/legal-review',
        { caseId: opened.caseId },
        { decision: 'APPROVE', reviewer: 'counsel-1' },
        START,
      );
      return opened;
    },
    other: { outcome: 'LOST' },
  },
  { route: 'work item claims', prepare: withCallTask, other: { agent: 'agent-2' } },
  {
    route: 'work item completions',
    prepare: async () => {
      const opened = await withCallTask();
      await post(
        claimWorkItem,
        '/work-items/{workItemId}/claim',
        { workItemId: opened.id },
        { agent: 'a' },
        START,
      );
      return opened;
    },
    other: { outcome: 'NO_ANSWER', occurredAt: iso(START) },
  },
  {
    route: 'work item releases',
    prepare: async () => {
      const opened = await withCallTask();
      await post(
        claimWorkItem,
        '/work-items/{workItemId}/claim',
        { workItemId: opened.id },
        { agent: 'agent-1' },
        START,
      );
      return opened;
    },
    other: { agent: 'agent-2' },
  },
  {
    route: 'opt-outs',
    prepare: async () => {
      const opened = await freshCase();
      return { ...opened, id: opened.customerId };
    },
    other: { channel: 'EMAIL' },
  },
];

/** Everything a POST could change: the case and its timeline, its work items, the customer's opt-outs. */
async function stateOf(caseId: string, customerId: string) {
  const customer = await adapters.customers().get(customerId);
  return {
    case: (await readCase(caseId, AT)).body,
    workItems: await workItemsOf(caseId),
    optOuts: customer?.optOuts,
    callDays: customer?.callDays,
  };
}

let keys = 0;

describe('Idempotency-Key', () => {
  test.each(KEYED.map((keyed) => [keyed.route, keyed] as const))(
    '%s: the same key and body return the first result and change nothing more',
    async (name, keyed) => {
      // Prepare
      const route = ROUTES.find((candidate) => candidate.name === name)!;
      const { caseId, customerId, id } = await keyed.prepare();
      const headers = { 'Idempotency-Key': `key-${++keys}` };
      const first = await send(route, id, { headers });
      const after = await stateOf(caseId, customerId);

      // Act
      const replay = await send(route, id, { headers });

      // Assess
      expect(first.status).toBe(200);
      expect(replay).toEqual(first);
      expect(await stateOf(caseId, customerId)).toEqual(after);
    },
  );

  test.each(KEYED.map((keyed) => [keyed.route, keyed] as const))(
    '%s: the same key with another body is a 409 and changes nothing',
    async (name, keyed) => {
      // Prepare
      const route = ROUTES.find((candidate) => candidate.name === name)!;
      const { caseId, customerId, id } = await keyed.prepare();
      const headers = { 'idempotency-key': `key-${++keys}` };
      await send(route, id, { headers });
      const after = await stateOf(caseId, customerId);

      // Act
      const reply = await send(route, id, { headers, body: keyed.other });

      // Assess
      expect(reply).toMatchObject({ status: 409, contentType: 'application/problem+json' });
      expect(reply.body.errors).toEqual([
        { path: 'Idempotency-Key', message: 'use a new key for a different request' },
      ]);
      expect(await stateOf(caseId, customerId)).toEqual(after);
    },
  );

  test('the same key and body for another case is a 409, and that case is untouched', async () => {
    // Prepare
    const route = ROUTES.find((candidate) => candidate.name === 'disputes')!;
    const first = await freshCase();
    const second = await freshCase();
    const headers = { 'Idempotency-Key': `key-${++keys}` };
    await send(route, first.caseId, { headers });
    const before = await stateOf(second.caseId, second.customerId);

    // Act
    const reply = await send(route, second.caseId, { headers });

    // Assess
    expect(reply.status).toBe(409);
    expect(await stateOf(second.caseId, second.customerId)).toEqual(before);
  });

  test('a refused request stores nothing under its key: after the cause is fixed, the same key works', async () => {
    // Prepare: a ruling on a case without a dispute is refused (409)
    const route = ROUTES.find((candidate) => candidate.name === 'dispute rulings')!;
    const { caseId } = await freshCase();
    const headers = { 'Idempotency-Key': `key-${++keys}` };
    const refused = await send(route, caseId, { headers });
    await post(openDispute, '/cases/{caseId}/disputes', { caseId }, { reason: 'no' }, AT);

    // Act
    const accepted = await send(route, caseId, { headers });

    // Assess
    expect(refused.status).toBe(409);
    expect(accepted).toMatchObject({
      status: 200,
      body: { status: 'OPEN', dispute: { outcome: 'REJECTED' } },
    });
  });
});
