import { openCaseBody } from '../support/fixtures';
import { http, type RuntimeProcess, startRuntimeProcess } from '../support/runtime-process';
import { iso, START } from '../support/time';

/**
 * The signed opt-out links as a customer and their mail provider meet them, over HTTP against
 * `npm start`'s runtime: the links are taken from what left the system (the outbox), they open on
 * this runtime, opening one shows a page and changes nothing (mail scanners and link previews fetch
 * links), the page's form opts out, and so does an RFC 8058 one-click POST to the email's
 * `List-Unsubscribe` header. Later messages on an opted-out channel are skipped.
 */
jest.setTimeout(60_000);

let runtime: RuntimeProcess;
let api: ReturnType<typeof http>;
let caseId: string;
const request = openCaseBody({
  rentalId: 'rental-opt-out-links',
  customer: { ...openCaseBody().customer, id: 'customer-opt-out-links', email: 'links@example.com' },
});

interface OutboxItem {
  channel: 'SMS' | 'EMAIL';
  kind: string;
  body: string;
  headers?: Array<{ name: string; value: string }>;
}
interface TimelineEntry {
  type: string;
  channel?: string;
  detail: Record<string, unknown>;
}

const outbox = async (): Promise<OutboxItem[]> =>
  (await api.get(`/_local/outbox?caseId=${caseId}`)).body.items;
const timeline = async (): Promise<TimelineEntry[]> => (await api.get(`/cases/${caseId}`)).body.timeline;
const optOuts = async () =>
  (await timeline()).filter((entry) => entry.type === 'OPTED_OUT').map((entry) => entry.channel);
const skipped = async () =>
  (await timeline())
    .filter((entry) => entry.type === 'CONTACT_SKIPPED')
    .map((entry) => [entry.channel, entry.detail.reason]);

beforeAll(async () => {
  runtime = await startRuntimeProcess({ start: iso(START), seed: '8' });
  api = http(runtime.api);
  caseId = (await api.post('/cases', request)).body.caseId;
}, 120_000);

afterAll(async () => {
  await runtime?.stop();
});

test('the SMS link opens a page on this runtime and opts nobody out; the page’s form does; the next SMS is skipped', async () => {
  // Prepare
  const sms = (await outbox()).find((item) => item.channel === 'SMS');
  const link = /http:\/\/[\d.:]+\/opt-out\?token=[\w-]+/.exec(sms?.body ?? '')?.[0] ?? '';

  // Act
  const page = await fetch(link);
  const html = await page.text();
  const optOutsAfterOpening = await optOuts();
  const token = /<input type="hidden" name="token" value="([\w-]+)">/.exec(html)?.[1] ?? '';
  const submitted = await fetch(link, {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded' },
    body: new URLSearchParams({ token }).toString(),
  });
  const submittedHtml = await submitted.text();
  await api.post('/_local/clock/advance', { days: 3 });

  // Assess
  expect(link.startsWith(`${runtime.api}/opt-out?token=`)).toBe(true);
  expect(page.status).toBe(200);
  expect(page.headers.get('content-type')).toBe('text/html; charset=utf-8');
  expect(html).toContain('<form method="post">');
  expect(html).toContain('text messages');
  expect(optOutsAfterOpening).toEqual([]);
  expect(submitted.status).toBe(200);
  expect(submittedHtml).toContain('You will not receive these collection text messages any more.');
  expect(await optOuts()).toEqual(['SMS']);
  // Day 3 is the first collection reminder, by SMS only: skipped, and nothing new went out
  expect((await outbox()).map((item) => [item.channel, item.kind])).toEqual([
    ['SMS', 'OVERDUE_NOTICE'],
    ['EMAIL', 'OVERDUE_NOTICE'],
  ]);
  expect(await skipped()).toEqual([['SMS', 'OPTED_OUT']]);
});

test('the email’s List-Unsubscribe header: a one-click POST opts out of email; day 10’s email is skipped', async () => {
  // Prepare
  const email = (await outbox()).find((item) => item.channel === 'EMAIL');
  const header = (name: string) => email?.headers?.find((candidate) => candidate.name === name)?.value;
  const unsubscribe = /^<(.+)>$/.exec(header('List-Unsubscribe') ?? '')?.[1] ?? '';

  // Act
  const clicked = await fetch(unsubscribe, {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded' },
    body: 'List-Unsubscribe=One-Click',
  });
  await api.post('/_local/clock/advance', { days: 7 });

  // Assess
  expect(header('List-Unsubscribe-Post')).toBe('List-Unsubscribe=One-Click');
  expect(unsubscribe.startsWith(`${runtime.api}/opt-out?token=`)).toBe(true);
  expect(email?.body).toContain(unsubscribe);
  expect(clicked.status).toBe(200);
  expect(await optOuts()).toEqual(['SMS', 'EMAIL']);
  expect(await outbox()).toHaveLength(2);
  expect(await skipped()).toEqual([
    ['SMS', 'OPTED_OUT'],
    ['EMAIL', 'OPTED_OUT'],
    ['SMS', 'OPTED_OUT'],
  ]);
});
