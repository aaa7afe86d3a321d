import type { LocalRuntime } from '@rental-collections/local-aws';
import { SynthesizedApp } from '@rental-collections/local-aws';
import { ENV } from '../../lambdas/shared/config';
import { CDK_OUT, synthesizedTemplate } from '../support/cdk-out';
import { openCaseBody } from '../support/fixtures';
import { http, START, startRuntime } from './runtime-support';

/**
 * The local routes of issue 3 on the synthesized app, following one case above the legal threshold
 * for 46 days: opt-out links that reach this runtime (page, then form), a STOP reply, the credit report the workflow
 * files with the fake bureau, and the ops reminder the state machine publishes to the ops topic.
 */
let runtime: LocalRuntime;
let api: ReturnType<typeof http>;
let caseId: string;
const request = openCaseBody({
  rentalId: 'rental-local-routes',
  amountDue: { amount: 600_000, currency: 'CNY' }, // above the legal threshold: a legal review follows the report
  customer: { ...openCaseBody().customer, id: 'customer-local-routes', phone: '+8613700137000' },
});

interface TimelineEntry {
  type: string;
  channel?: string;
  detail: Record<string, unknown>;
}
const timeline = async (): Promise<TimelineEntry[]> => (await api.get(`/cases/${caseId}`)).body.timeline;

beforeAll(async () => {
  runtime = await startRuntime(21);
  api = http(runtime);
  caseId = (await api.post('/cases', request)).body.caseId;
}, 60_000);

afterAll(async () => {
  await runtime?.stop();
});

jest.setTimeout(60_000);

test('opt-out links in the messages point at this runtime’s API: opening one shows a page, its form opts the customer out', async () => {
  // Prepare
  const outbox = (await api.get(`/_local/outbox?caseId=${caseId}`)).body.items as Array<{
    channel: string;
    body: string;
  }>;
  const links = outbox.map((item) => /https?:\/\/[\w.:-]+\/opt-out\?token=[\w-]+/.exec(item.body)?.[0]);
  const emailLink = links[outbox.findIndex((item) => item.channel === 'EMAIL')] ?? '';

  // Act
  const page = await fetch(emailLink);
  const html = await page.text();
  const optOutsAfterOpening = (await timeline()).filter((entry) => entry.type === 'OPTED_OUT');
  const token = /name="token" value="([\w-]+)"/.exec(html)?.[1] ?? '';
  const posted = await fetch(emailLink, {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded' },
    body: new URLSearchParams({ token }).toString(),
  });

  // Assess
  expect(links).toHaveLength(2);
  for (const link of links) expect(link?.startsWith(`${runtime.endpoints.api}/opt-out?token=`)).toBe(true);
  for (const fn of runtime.lambdas.list().filter((candidate) => candidate.environment[ENV.optOutBaseUrl])) {
    expect(fn.environment[ENV.optOutBaseUrl]).toBe(`${runtime.endpoints.api}/`);
  }
  expect(page.status).toBe(200);
  expect(page.headers.get('content-type')).toMatch(/^text\/html/);
  expect(optOutsAfterOpening).toEqual([]);
  expect(posted.status).toBe(200);
  expect(await timeline()).toContainEqual(expect.objectContaining({ type: 'OPTED_OUT', channel: 'EMAIL' }));
});

test('after POST /_local/sms/stop the next SMS is not delivered, and the case notes the STOP reply', async () => {
  // Act
  const stopped = await api.post('/_local/sms/stop', { phoneNumber: request.customer.phone });
  await api.post('/_local/clock/advance', { days: 3 });

  // Assess
  expect(stopped.body).toEqual({ phoneNumber: request.customer.phone, optedOut: true });
  const sms = (await api.get(`/_local/outbox?caseId=${caseId}&channel=SMS`)).body.items;
  expect(sms.map((item: { kind: string }) => item.kind)).toEqual(['OVERDUE_NOTICE']);
  expect(await timeline()).toContainEqual(
    expect.objectContaining({
      type: 'CONTACT_SKIPPED',
      channel: 'SMS',
      detail: expect.objectContaining({ stage: 'FIRST_COLLECTION', reason: 'STOP_REPLY' }),
    }),
  );
});

test('GET /_local/credit-bureau lists the report the workflow filed with the fake bureau, without personal data', async () => {
  // Prepare
  const before = (await api.get('/_local/credit-bureau')).body;

  // Act: to day 32, past the credit report pre-notice
  await api.post('/_local/clock/advance', {
    to: new Date(Date.parse(START) + 32 * 86_400_000).toISOString(),
  });
  const after = (await api.get('/_local/credit-bureau')).body;

  // Assess
  expect(before).toEqual({ items: [] });
  expect(after.items).toEqual([
    expect.objectContaining({
      method: 'zhima.credit.rental.overdue.report',
      bizContent: expect.objectContaining({ out_order_no: caseId }),
      result: expect.objectContaining({ code: '10000', reference: expect.any(String) }),
    }),
  ]);
  const filed = (await timeline()).find((entry) => entry.type === 'CREDIT_REPORT_FILED');
  expect(filed?.detail.reference).toBe(after.items[0].result.reference);
  expect(JSON.stringify(after)).not.toContain(request.customer.name);
  expect(JSON.stringify(after)).not.toContain(request.customer.phone);
});

test('GET /_local/topics shows the ops reminder the state machine published (sns:publish) on the ops topic', async () => {
  // Prepare: the legal review opened with the report; ops are reminded after 14 days without a decision
  const [opsTopicId] =
    Object.entries(synthesizedTemplate().Resources).find(
      ([id, resource]) => resource.Type === 'AWS::SNS::Topic' && id.startsWith('NotificationsOpsAlerts'),
    ) ?? [];

  // Act
  await api.post('/_local/clock/advance', { days: 14 });
  const ops = (await api.get('/_local/topics?topic=OpsAlerts')).body;
  const legal = (await api.get('/_local/topics?topic=LegalReferrals')).body;

  // Assess
  expect(ops.items).toEqual([
    {
      topicArn: SynthesizedApp.load(CDK_OUT).ref(opsTopicId ?? '(no ops topic)'),
      subject: 'Legal review pending',
      message: `Case ${caseId} waits for a legal review decision: approve or decline it (POST legal-review on the case).`,
      at: expect.any(String),
    },
  ]);
  expect(legal).toEqual({ items: [] });
});
