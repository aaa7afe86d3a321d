import { readFileSync } from 'node:fs';
import * as path from 'node:path';
import type { LocalRuntime } from '@rental-collections/local-aws';
import { openCaseBody } from '../support/fixtures';
import { http, startRuntime } from './runtime-support';

/**
 * The README's own example of putting a platform event on the local bus, run as written: the bus
 * is `collections` (its name in the template, as on AWS), not the bus's logical id.
 */
const README = readFileSync(path.join(__dirname, '..', '..', 'README.md'), 'utf8');
const PLACEHOLDER = '<the POST /cases body as a JSON string>';

/** The JSON after "`POST /_local/events` with `" in the README, with the body it asks for in place. */
function readmeEventRequest(body: unknown): { Entries: Array<Record<string, unknown>> } {
  const example = /`POST \/_local\/events` with `(\{[^`]+\})`/.exec(README)?.[1];
  if (!example) throw new Error('the README has no POST /_local/events example');
  const request = JSON.parse(example.replace(/\s*\n\s*/g, '')) as { Entries: Array<Record<string, unknown>> };
  for (const entry of request.Entries) if (entry.Detail === PLACEHOLDER) entry.Detail = JSON.stringify(body);
  return request;
}

let runtime: LocalRuntime;
beforeAll(async () => {
  runtime = await startRuntime(13);
}, 60_000);
afterAll(async () => {
  await runtime?.stop();
});

test('the README’s POST /_local/events example, as written, opens the case', async () => {
  // Prepare
  const api = http(runtime);
  const body = openCaseBody();
  const request = readmeEventRequest(body);

  // Act
  const put = await api.post('/_local/events', request);
  const cases = await api.get(`/cases?rentalId=${body.rentalId}`);

  // Assess
  expect(request.Entries[0]).toMatchObject({ EventBusName: 'collections', DetailType: 'Rental Overdue' });
  expect(put.body).toEqual({ FailedEntryCount: 0, Entries: [{ EventId: expect.any(String) }] });
  expect(cases.body.items).toEqual([
    expect.objectContaining({ rentalId: body.rentalId, customerId: body.customer.id, status: 'OPEN' }),
  ]);
});
