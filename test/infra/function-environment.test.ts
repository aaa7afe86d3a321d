import type { OpenCaseRequest } from '../../lambdas/domain/requests';
import { ENV } from '../../lambdas/shared/config';
import type { CfnTemplate } from '../support/cdk-out';
import { DAY } from '../support/time';
import {
  client,
  missingConfiguration,
  mutatedCdkOut,
  type ObservedRuntime,
  startObservedRuntime,
} from './function-runs';
import { TemplateModel } from './template-model';

/**
 * The bug class found in review: a function whose code needs a variable its template does not give
 * it (locally every function used to share one environment, so nothing showed). Here each function
 * runs its synthesized bundle in a worker that sees only its own template variables, as on AWS, and
 * a year of cases drives every function through the paths that use its adapters: messages with
 * opt-out links, the credit bureau (report, settle, flag, delete), work items, the legal topic,
 * continuation in a new execution, idempotent POSTs. Any MissingConfigError fails the test.
 */
jest.setTimeout(180_000);

// biome-ignore lint/suspicious/noExplicitAny: JSON replies are read field by field
type Json = Record<string, any>;
const model = new TemplateModel();

function openCase(name: string, amount: number, phone: string): OpenCaseRequest {
  return {
    rentalId: `rental-${name}`,
    customer: {
      id: `customer-${name}`,
      name: '张伟',
      phone,
      email: `${name}@example.com`,
      locale: 'zh-CN',
      timezone: 'Asia/Shanghai',
      country: 'CN',
    },
    device: { sku: 'IPH15-128', name: 'iPhone 15 128GB', serial: 'F2LXK0000001' },
    amountDue: { amount, currency: 'CNY' },
    dueAt: '2026-03-01T00:00:00Z',
  };
}

const platformEvent = (observed: ObservedRuntime, detailType: string, detail: unknown) => ({
  Source: 'rental.platform',
  DetailType: detailType,
  Detail: JSON.stringify(detail),
  EventBusName: observed.runtime.bus.busNames()[0],
});

describe('every function has every variable its code needs', () => {
  let observed: ObservedRuntime;
  /** Each case's end state, and each API reply's status, by step. */
  const statuses: Record<string, number> = {};
  const ends: Record<string, unknown> = {};

  beforeAll(async () => {
    observed = await startObservedRuntime();
  }, 60_000);

  afterAll(async () => {
    await observed?.stop();
  });

  test('a year of cases runs every function of the template, each with only its own environment', async () => {
    // Prepare
    const api = client(observed.runtime);
    const step = async (name: string, reply: Promise<{ status: number; body: unknown }>) => {
      const { status, body } = await reply;
      statuses[name] = status;
      return body as Json;
    };
    const cases: Record<string, string> = {};
    const opened = async (name: string, amount: number, phone: string) => {
      cases[name] = (await step(`open ${name}`, api.post('/cases', openCase(name, amount, phone)))).caseId;
    };

    // Act: day 0, six cases by API (legal amount, disputes, a promise, a plan, a payment) and one by event
    await opened('legal', 600_000, '+8613800000001');
    await opened('rejected', 200_000, '+8613800000002');
    await opened('upheld', 200_000, '+8613800000003');
    await opened('promise', 200_000, '+8613800000004');
    await opened('plan', 200_000, '+8613800000005');
    await opened('paid', 200_000, '+8613800000007');
    await step(
      'Rental Overdue',
      api.post('/_local/events', {
        Entries: [platformEvent(observed, 'Rental Overdue', openCase('event', 300_000, '+8613800000006'))],
      }),
    );
    cases.event = (await step('list by rental', api.get('/cases?rentalId=rental-event'))).items[0].caseId;
    const day0 = await api.now();
    const outstanding = async (name: string) => (await api.get(`/cases/${cases[name]}`)).body.outstanding;
    await step(
      'promise',
      api.post(`/cases/${cases.promise}/promises`, {
        promisedAt: new Date(Date.parse(day0) + 5 * DAY).toISOString(),
        amount: await outstanding('promise'),
      }),
    );
    await step(
      'plan',
      api.post(`/cases/${cases.plan}/plans`, {
        type: 'EXTENDED_RETURN',
        returnBy: new Date(Date.parse(day0) + 10 * DAY).toISOString(),
      }),
    );
    await step(
      'contact',
      api.post(`/cases/${cases.legal}/contacts`, {
        contactId: 'contact-1',
        occurredAt: day0,
        channel: 'INBOUND',
        outcome: 'CONNECTED',
      }),
    );
    const calls = await step('work items', api.get('/work-items?queue=CALLS&status=OPEN&limit=100'));
    const call = calls.items.find((item: { caseId: string }) => item.caseId === cases.legal);
    await step('claim', api.post(`/work-items/${call.workItemId}/claim`, { agent: 'agent-1' }));
    await step('release', api.post(`/work-items/${call.workItemId}/release`, { agent: 'agent-1' }));
    await step('claim again', api.post(`/work-items/${call.workItemId}/claim`, { agent: 'agent-1' }));
    await step(
      'complete',
      api.post(`/work-items/${call.workItemId}/complete`, { outcome: 'NO_ANSWER', occurredAt: day0 }),
    );
    await step('list cases', api.get('/cases?status=OPEN'));
    await step('opt out of calls', api.post('/customers/customer-upheld/opt-outs', { channel: 'CALL' }));
    const sms = await step('outbox', api.get(`/_local/outbox?caseId=${cases.promise}&channel=SMS`));
    const link = /\/opt-out\?token=[\w-]+/.exec(sms.items[0]?.body ?? '')?.[0] ?? '/opt-out?token=missing';
    await step('opt-out page', api.get(link));
    await step('opt-out link', api.post(link));
    await step(
      'disclosure',
      api.post(`/cases/${cases.legal}/public-disclosure/approvals`, { approver: 'a' }),
    );
    // Day 3: a return ends the plan's case, a full payment another (both close with a receipt)
    await api.advance(3);
    await step(
      'return',
      api.post(`/cases/${cases.plan}/returns`, { returnedAt: await api.now(), condition: 'GOOD' }),
    );
    await step(
      'payment',
      api.post(`/cases/${cases.paid}/payments`, {
        paymentId: 'payment-1',
        amount: await outstanding('paid'),
        paidAt: await api.now(),
      }),
    );
    // Day 32: credit reports filed, the legal case awaits its review
    await api.advance(29);
    const day32 = await api.now();
    await step(
      'Payment Received',
      api.post('/_local/events', {
        Entries: [
          platformEvent(observed, 'Payment Received', {
            rentalId: 'rental-event',
            paymentId: 'payment-2',
            amount: await outstanding('event'),
            paidAt: day32,
          }),
        ],
      }),
    );
    await step('dispute (rejected)', api.post(`/cases/${cases.rejected}/disputes`, { reason: 'not mine' }));
    await step(
      'rule (rejected)',
      api.post(`/cases/${cases.rejected}/disputes/resolution`, { outcome: 'REJECTED' }),
    );
    await step('dispute (upheld)', api.post(`/cases/${cases.upheld}/disputes`, { reason: 'returned it' }));
    await step(
      'rule (upheld)',
      api.post(`/cases/${cases.upheld}/disputes/resolution`, { outcome: 'UPHELD' }),
    );
    await step(
      'legal review',
      api.post(`/cases/${cases.legal}/legal-review`, { decision: 'APPROVE', reviewer: 'r' }),
    );
    // A step the ASL reaches only when a case changes under a contact: its payload as the ASL builds it
    const checked = await observed.runtime.lambdas.invoke(model.fn('workflow/check-case').logicalId, {
      caseId: cases.legal,
      awaiting: 'LADDER',
    });
    // Day 310: the legal case continued in a new execution before the one-year limit; then it is lost
    await api.advance(278);
    await step('legal outcome', api.post(`/cases/${cases.legal}/legal-outcome`, { outcome: 'LOST' }));
    await api.advance(1);
    for (const [name, caseId] of Object.entries(cases)) {
      const { status, resolution, creditReport } = (await api.get(`/cases/${caseId}`)).body;
      ends[name] = { status, resolution, creditReport: creditReport.status };
    }

    // Assess: the scenario went where it should…
    expect(Object.entries(statuses).filter(([, status]) => status >= 300)).toEqual([['disclosure', 422]]);
    expect(checked).toEqual({ kind: expect.any(String) });
    expect(ends).toEqual({
      legal: { status: 'WRITTEN_OFF', resolution: 'LEGAL_LOST', creditReport: 'REPORTED' },
      rejected: { status: 'WRITTEN_OFF', resolution: 'WRITTEN_OFF', creditReport: 'REPORTED' },
      upheld: { status: 'CANCELLED', resolution: 'DISPUTE_UPHELD', creditReport: 'DELETED' },
      promise: { status: 'WRITTEN_OFF', resolution: 'WRITTEN_OFF', creditReport: 'REPORTED' },
      plan: { status: 'RESOLVED', resolution: 'RETURNED', creditReport: 'NONE' },
      paid: { status: 'RESOLVED', resolution: 'PAID', creditReport: 'NONE' },
      event: { status: 'RESOLVED', resolution: 'PAID', creditReport: 'SETTLED' },
    });
    const executions = observed.runtime.engine.listStateMachines().stateMachines.flatMap(
      (machine) =>
        observed.runtime.engine.listExecutions({
          stateMachineArn: machine.stateMachineArn,
          maxResults: 100,
        }).executions,
    );
    expect(executions.map((execution) => execution.name)).toContain(`${cases.legal}-2`);
    expect(executions.filter((execution) => execution.status !== 'SUCCEEDED')).toEqual([]);
    // …and every function of the template ran, none of them failing
    const ran = new Set(observed.invocations.map((invocation) => invocation.functionId));
    expect(
      model
        .functions()
        .filter((fn) => !ran.has(fn.logicalId))
        .map((fn) => fn.handler),
    ).toEqual([]);
    expect(
      observed.invocations.filter((invocation) =>
        /^(error|batch-item-failures|5\d\d)$/.test(invocation.outcome),
      ),
    ).toEqual([]);
  });

  test('no function lacked a variable: no MissingConfigError thrown or logged', () => {
    // Act
    const findings = missingConfiguration(observed);

    // Assess
    expect(observed.invocations.length).toBeGreaterThan(100);
    expect(findings).toEqual([]);
  });
});

describe('the guard notices a missing variable', () => {
  test('SendCaseMessage without CUSTOMERS_TABLE and GetCase without TIMELINE_TABLE are both reported', async () => {
    // Prepare: the app as synthesized if `bindTable('customers', …)` were dropped from SendCaseMessage
    // and `bindTable('timeline', …)` from GetCase
    const closeCase = model.fn('workflow/send-case-message');
    const getCase = model.fn('api/get-case');
    const mutated = mutatedCdkOut((template: CfnTemplate) => {
      const variablesOf = (logicalId: string) =>
        (template.Resources[logicalId]?.Properties.Environment as { Variables: Record<string, unknown> })
          ?.Variables ?? {};
      delete variablesOf(closeCase.logicalId)[ENV.customersTable];
      delete variablesOf(getCase.logicalId)[ENV.timelineTable];
    });
    const observed = await startObservedRuntime(mutated.cdkOut);
    try {
      const api = client(observed.runtime);
      const { caseId, outstanding } = (
        await api.post('/cases', openCase('mutated', 200_000, '+8613800000009'))
      ).body;

      // Act: a full payment closes the case (then a step sends the receipt); the case is read by the API
      const paid = await api.post(`/cases/${caseId}/payments`, {
        paymentId: 'payment-mutated',
        amount: outstanding,
        paidAt: await api.now(),
      });
      await api.advance(1);
      const read = await api.get(`/cases/${caseId}`);

      // Assess: the step failed (thrown), the route answered 500 (logged)
      expect([paid.status, read.status]).toEqual([200, 500]);
      expect(missingConfiguration(observed)).toEqual([
        { functionId: closeCase.logicalId, detail: `environment variable ${ENV.customersTable} is not set` },
        { functionId: getCase.logicalId, detail: `environment variable ${ENV.timelineTable} is not set` },
      ]);
    } finally {
      await observed.stop();
      mutated.remove();
    }
  });
});

describe('the guard notices a missing grant', () => {
  test('ListCases whose role lost dynamodb:Scan is refused with AccessDeniedException, where it scans only', async () => {
    // Prepare: the app as synthesized if `bindTable('cases', cases, 'read', 'scan')` had lost its 'scan'
    const listCases = model.fn('api/list-cases');
    const mutated = mutatedCdkOut((template: CfnTemplate) => {
      for (const resource of Object.values(template.Resources)) {
        if (resource.Type !== 'AWS::IAM::Policy') continue;
        if (!JSON.stringify(resource.Properties.Roles).includes(listCases.roleId)) continue;
        const document = resource.Properties.PolicyDocument as { Statement: Array<{ Action: unknown }> };
        for (const statement of document.Statement) {
          statement.Action = [statement.Action].flat().filter((action) => action !== 'dynamodb:Scan');
        }
      }
    });
    const observed = await startObservedRuntime(mutated.cdkOut);
    try {
      const api = client(observed.runtime);

      // Act: its own worker, signing as itself, lists through an index, then scans
      const byStatus = await api.get('/cases?status=OPEN');
      const all = await api.get('/cases');

      // Assess
      expect([byStatus.status, all.status]).toEqual([200, 500]);
      const denied = observed.errorLogs.filter((log) => log.line.includes('AccessDeniedException'));
      expect(denied.map((log) => observed.runtime.lambdas.find(log.functionId).logicalId)).toEqual([
        listCases.logicalId,
      ]);
      expect(denied[0]?.line).toContain('is not authorized to perform: dynamodb:Scan');
    } finally {
      await observed.stop();
      mutated.remove();
    }
  });
});
