import { execFile } from 'node:child_process';
import { readFileSync } from 'node:fs';
import * as path from 'node:path';
import { promisify } from 'node:util';
import type { LocalRuntime } from '@rental-collections/local-aws';
import {
  caseSchema,
  caseWithTimelineSchema,
  problemSchema,
  workItemPageSchema,
  workItemSchema,
} from '../../scripts/openapi/responses';
import { openCaseBody } from '../support/fixtures';
import { http, startRuntime } from './runtime-support';

/**
 * The README's worked example, its shell blocks run as written (bash, curl, node) against a local
 * runtime started as the README says (`--start 2026-03-02T01:00:00Z --speed 0`): the ids it captures
 * in shell variables are the right ones, every request succeeds, and the answers have the shapes the
 * OpenAPI document gives them.
 */
const README = readFileSync(path.join(__dirname, '..', '..', 'README.md'), 'utf8');
const README_START = '2026-03-02T01:00:00Z';
const run = promisify(execFile);

/** The fenced `sh` blocks of the "A worked example" section, in order. */
function workedExample(): string {
  const section = README.split(/^## /m).find((part) => part.startsWith('A worked example'));
  if (!section) throw new Error('the README has no "A worked example" section');
  if (!section.includes(`--start ${README_START} --speed 0`)) throw new Error('the example starts elsewhere');
  return [...section.matchAll(/^```sh\n([\s\S]*?)^```/gm)].map(([, block]) => block).join('\n');
}

let runtime: LocalRuntime;
beforeAll(async () => {
  runtime = await startRuntime(21, README_START);
}, 60_000);
afterAll(async () => {
  await runtime?.stop();
});

test('the README’s worked example runs as written and captures the ids it uses', async () => {
  // Prepare: the README's API line points at this runtime; every curl fails on an HTTP error.
  const script = workedExample().replace(/^API=.*$/m, `API=${runtime.endpoints.api}`);
  const strict = 'set -euo pipefail\ncurl() { command curl --fail-with-body "$@"; }\n';
  const report =
    '\nprintf "\\n%s=%s" CASE_ID "$CASE_ID" WORK_ITEM_ID "$WORK_ITEM_ID" UNPAID_ID "$UNPAID_ID"\n';
  const api = http(runtime);

  // Act
  const { stdout } = await run('bash', ['-c', strict + script + report], { maxBuffer: 64 * 1024 * 1024 });
  const ids = Object.fromEntries(
    stdout
      .split('\n')
      .filter((line) => /^(CASE_ID|WORK_ITEM_ID|UNPAID_ID)=/.test(line))
      .map((line) => line.split('=') as [string, string]),
  );
  const paid = await api.get(`/cases/${ids.CASE_ID}`);
  const unpaid = await api.get(`/cases/${ids.UNPAID_ID}`);
  const workItems = await api.get('/work-items?queue=CALLS&status=DONE');

  // Assess
  expect(ids.CASE_ID).toMatch(/^case-[0-9a-f]{24}$/);
  expect(ids.WORK_ITEM_ID).toBe(`${ids.CASE_ID}:CALLS:FIRST_COLLECTION:0`);
  expect(ids.UNPAID_ID).toMatch(/^case-[0-9a-f]{24}$/);
  expect(caseWithTimelineSchema.parse(paid.body)).toMatchObject({
    rentalId: 'rental-1001',
    status: 'RESOLVED',
    resolution: 'PAID',
    outstanding: { amount: 0, currency: 'CNY' },
  });
  expect(caseWithTimelineSchema.parse(unpaid.body)).toMatchObject({
    rentalId: 'rental-1002',
    stage: 'SOFT_REMINDERS',
    creditReport: { status: 'REPORTED' },
    accountRestricted: true,
    legal: { decision: 'DECLINE' },
  });
  expect(workItemPageSchema.parse(workItems.body).items).toEqual([
    expect.objectContaining({ workItemId: ids.WORK_ITEM_ID, status: 'DONE', outcome: 'CONNECTED' }),
  ]);
}, 300_000);

test('the OpenAPI schemas fit a new case, its claimed call and a refusal, as the runtime answers them', async () => {
  // Prepare
  const api = http(runtime);
  const opened = await api.post('/cases', {
    ...openCaseBody({ rentalId: 'rental-1003' }),
    dueAt: README_START,
  });
  await api.post('/_local/clock/advance', { hours: 1 }); // its workflow sends the notice, creates the call
  const calls = await api.get('/work-items?queue=CALLS&status=OPEN');
  const call = workItemPageSchema.parse(calls.body).items.find((item) => item.caseId === opened.body.caseId);

  // Act
  const claim = await api.post(`/work-items/${call?.workItemId}/claim`, { agent: 'agent-9' });
  const refusal = await api.post('/cases', { rentalId: 'rental-1004' });

  // Assess
  expect(opened.status).toBe(201);
  expect(caseSchema.parse(opened.body)).toMatchObject({ status: 'OPEN', stage: 'OVERDUE_NOTICE' });
  expect(claim.status).toBe(200);
  expect(workItemSchema.parse(claim.body)).toMatchObject({ status: 'CLAIMED', callBy: expect.any(String) });
  expect(refusal.type).toBe('application/problem+json');
  expect(problemSchema.parse(refusal.body)).toMatchObject({ type: '/problems/invalid-request', status: 400 });
});
