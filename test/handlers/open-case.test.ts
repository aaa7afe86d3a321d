import { readFileSync } from 'node:fs';
import * as path from 'node:path';
import { openCase as openCaseIn } from '../../lambdas/domain/services/open-case';
import { handler as getCase } from '../../lambdas/handlers/api/get-case';
import { handler as openCase } from '../../lambdas/handlers/api/open-case';
import { openCaseBody } from '../support/fixtures';
import { callApi, type LocalAws, START, startLocalAws } from '../support/local-aws';
import { adapters } from './adapters';

let aws: LocalAws;
beforeAll(async () => {
  aws = await startLocalAws();
});
afterAll(() => aws.stop());

const open = (body: unknown, headers?: Record<string, string>) =>
  callApi(openCase, { method: 'POST', resource: '/cases', body, at: START, ...(headers ? { headers } : {}) });

const executionsOf = (caseId: string) =>
  aws.engine
    .listExecutions({ stateMachineArn: aws.stateMachineArn })
    .executions.filter((e) => e.name === caseId);

describe('POST /cases', () => {
  test('opens a case: 201, OPEN at OVERDUE_NOTICE, fees as of the request, one execution named by the case', async () => {
    // Prepare
    const body = openCaseBody({ dueAt: '2026-02-27T00:00:00Z' });

    // Act
    const reply = await open(body);

    // Assess
    expect(reply.status).toBe(201);
    expect(reply.body).toMatchObject({
      rentalId: body.rentalId,
      customerId: body.customer.id,
      status: 'OPEN',
      stage: 'OVERDUE_NOTICE',
      resolution: null,
      amountDue: { amount: 129_900, currency: 'CNY' },
      fees: { amount: 194, currency: 'CNY' }, // 3 whole days x 0.05 % of 1,299.00
      outstanding: { amount: 130_094, currency: 'CNY' },
      creditReport: { status: 'NONE' },
      accountRestricted: false,
      openedAt: new Date(START).toISOString(),
    });
    expect(executionsOf(reply.body.caseId)).toHaveLength(1);
  });

  test('the same rental and dueAt gives the same case (200) and starts nothing new', async () => {
    const body = openCaseBody();
    const first = await open(body);

    const again = await open({ ...body, dueAt: '2026-03-01T08:00:00+08:00' });

    expect(again.status).toBe(200);
    expect(again.body.caseId).toBe(first.body.caseId);
    expect(executionsOf(first.body.caseId)).toHaveLength(1);
  });

  test('the case and its timeline hold no personal data; the customer is referred to by id', async () => {
    const body = openCaseBody();
    const { body: created } = await open(body);

    const { body: read } = await callApi(getCase, {
      method: 'GET',
      resource: '/cases/{caseId}',
      pathParameters: { caseId: created.caseId },
      at: START,
    });

    const text = JSON.stringify(read);
    expect(text).not.toContain(body.customer.phone);
    expect(text).not.toContain(body.customer.email);
    expect(text).not.toContain(body.customer.name);
    expect(read.timeline[0]).toMatchObject({ type: 'CASE_OPENED', detail: { customerId: body.customer.id } });
  });

  test.each([
    [
      'a bad phone number',
      'customer.phone',
      { customer: { ...openCaseBody().customer, phone: '13800138000' } },
    ],
    ['a negative amount', 'amountDue.amount', { amountDue: { amount: -5, currency: 'CNY' } }],
    ['a fractional amount', 'amountDue.amount', { amountDue: { amount: 12.5, currency: 'CNY' } }],
    ['an unknown currency', 'amountDue.currency', { amountDue: { amount: 100, currency: 'XXY' } }],
    [
      'an unknown time zone',
      'customer.timezone',
      { customer: { ...openCaseBody().customer, timezone: 'Mars/Olympus' } },
    ],
    ['a date that is not ISO 8601', 'dueAt', { dueAt: '01/03/2026' }],
    ['an unknown field', 'colour', { colour: 'red' }],
    [
      'a currency without policy thresholds',
      'amountDue.currency',
      { amountDue: { amount: 100, currency: 'EUR' } },
    ],
    ['an unknown policy', 'policyId', { policyId: 'strict' }],
    ['a due date after the request', 'dueAt', { dueAt: '2026-03-09T00:00:00Z' }],
  ])('%s is a 400 problem naming %s, and nothing is created', async (_label, path, change) => {
    const body = { ...openCaseBody(), ...change };

    const reply = await open(body);

    expect(reply.status).toBe(400);
    expect(reply.contentType).toBe('application/problem+json');
    expect(reply.body).toMatchObject({ type: '/problems/invalid-request', status: 400 });
    expect(reply.body.errors.map((error: { path: string }) => error.path)).toContain(path);
    const retry = await open(openCaseBody({ rentalId: body.rentalId, dueAt: '2026-03-01T00:00:00Z' }));
    expect(retry.status).toBe(201);
  });

  test('a currency the policy has no thresholds for answers what docs/api.md and docs/openapi.json say: 400', async () => {
    // Prepare
    const docs = path.join(__dirname, '..', '..', 'docs');
    const openApi = JSON.parse(readFileSync(path.join(docs, 'openapi.json'), 'utf8'));
    const documented = openApi.paths['/cases'].post.responses;
    const problemRows = readFileSync(path.join(docs, 'api.md'), 'utf8')
      .split('\n')
      .map((line) => line.trim())
      .filter((line) => /^\| (400|422) \|/.test(line));

    // Act
    const reply = await open({ ...openCaseBody(), amountDue: { amount: 100, currency: 'EUR' } });

    // Assess
    expect(reply).toMatchObject({
      status: 400,
      contentType: 'application/problem+json',
      body: { type: '/problems/invalid-request', errors: [{ path: 'amountDue.currency' }] },
    });
    expect(documented['400'].description).toMatch(/currency the policy has no thresholds for/);
    expect(documented['422']).toBeUndefined();
    expect(problemRows.find((row) => row.startsWith('| 400'))).toMatch(/no thresholds for/);
    expect(problemRows.find((row) => row.startsWith('| 422'))).not.toMatch(/currenc/);
  });

  test('a body that is not JSON is a 400 problem', async () => {
    const reply = await callApi(openCase, {
      method: 'POST',
      resource: '/cases',
      rawBody: '{"rentalId":',
      at: START,
    });

    expect(reply).toMatchObject({
      status: 400,
      body: { errors: [{ path: '(body)', message: 'not valid JSON' }] },
    });
  });

  test('a body over 64 KiB is a 413 problem', async () => {
    const reply = await open({ ...openCaseBody(), padding: 'x'.repeat(65 * 1024) });

    expect(reply).toMatchObject({ status: 413, body: { type: '/problems/body-too-large', status: 413 } });
  });

  describe('the customer’s country (their compliance profile) is kept unless a request states another', () => {
    const usCustomer = (id: string) => ({
      ...openCaseBody().customer,
      id,
      phone: '+12125550199',
      locale: 'en-US',
      timezone: 'America/New_York',
      country: 'US',
    });
    const profileOf = async (caseId: string) => (await adapters.cases().get(caseId))?.profile;

    test('a later case without country keeps a US debtor, and that case, on the US rules', async () => {
      // Prepare
      const customer = usCustomer('us-no-country-later');
      const first = await open(openCaseBody({ customer, amountDue: { amount: 50_000, currency: 'USD' } }));
      const { country: _unstated, ...withoutCountry } = customer;

      // Act
      const later = await open(
        openCaseBody({ customer: withoutCountry, amountDue: { amount: 20_000, currency: 'USD' } }),
      );

      // Assess
      expect([first.status, later.status]).toEqual([201, 201]);
      expect((await adapters.customers().get(customer.id))?.country).toBe('US');
      expect(await profileOf(first.body.caseId)).toBe('US');
      expect(await profileOf(later.body.caseId)).toBe('US');
    });

    test('a case without country racing the customer’s first case (with US) leaves the customer, and both cases, on the US rules', async () => {
      // Prepare: the request without country is held just before it writes the customer, until the
      // customer's first case, with US, is open
      const customer = usCustomer('us-country-race');
      const { country: _unstated, ...withoutCountry } = customer;
      let writeReached!: () => void;
      const reached = new Promise<void>((resolve) => {
        writeReached = resolve;
      });
      let resume!: () => void;
      const resumed = new Promise<void>((resolve) => {
        resume = resolve;
      });
      const heldBeforeWrite = new Proxy(adapters.customers(), {
        get(target, property) {
          const value = Reflect.get(target, property);
          if (typeof value !== 'function') return value;
          if (property !== 'put') return value.bind(target);
          return async (...args: unknown[]) => {
            writeReached();
            await resumed;
            return value.apply(target, args);
          };
        },
      });
      const deps = {
        cases: adapters.cases(),
        timeline: adapters.timeline(),
        customers: heldBeforeWrite,
        workflow: adapters.workflow(),
      };

      // Act
      const later = openCaseIn(
        deps,
        openCaseBody({ customer: withoutCountry, amountDue: { amount: 20_000, currency: 'USD' } }),
        new Date(START).toISOString(),
      );
      await reached;
      const first = await open(openCaseBody({ customer, amountDue: { amount: 50_000, currency: 'USD' } }));
      resume();
      const second = await later;

      // Assess
      expect(first.status).toBe(201);
      expect((await adapters.customers().get(customer.id))?.country).toBe('US');
      expect(await profileOf(first.body.caseId)).toBe('US');
      expect(await profileOf(second.view.caseId)).toBe('US');
    });

    test('a request that states another country changes it; a new customer without one is CN', async () => {
      const customer = usCustomer('us-moved');
      await open(openCaseBody({ customer, amountDue: { amount: 50_000, currency: 'USD' } }));
      const { country: _unstated, ...newcomer } = usCustomer('no-country-at-all');

      const moved = await open(openCaseBody({ customer: { ...customer, country: 'CN' } }));
      const fresh = await open(openCaseBody({ customer: newcomer }));

      expect((await adapters.customers().get(customer.id))?.country).toBe('CN');
      expect(await profileOf(moved.body.caseId)).toBe('CN');
      expect((await adapters.customers().get(newcomer.id))?.country).toBe('CN');
      expect(await profileOf(fresh.body.caseId)).toBe('CN');
    });
  });

  describe('Idempotency-Key', () => {
    test('the same key and body return the first result', async () => {
      const body = openCaseBody();
      const first = await open(body, { 'Idempotency-Key': 'key-1' });

      const replay = await open(body, { 'idempotency-key': 'key-1' });

      expect(first.status).toBe(201);
      expect(replay).toEqual(first);
    });

    test('the same key with another body is a 409 problem and changes nothing', async () => {
      await open(openCaseBody(), { 'Idempotency-Key': 'key-2' });
      const other = openCaseBody();

      const reply = await open(other, { 'Idempotency-Key': 'key-2' });

      expect(reply).toMatchObject({ status: 409, body: { errors: [{ path: 'Idempotency-Key' }] } });
      expect((await open(other)).status).toBe(201);
    });
  });
});
