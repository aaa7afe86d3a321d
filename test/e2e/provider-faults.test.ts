import { spawnSync } from 'node:child_process';
import * as path from 'node:path';
import { openCaseBody } from '../support/fixtures';
import { http, type RuntimeProcess, startRuntimeProcess } from '../support/runtime-process';
import { iso, START } from '../support/time';

/**
 * `npm start`'s provider faults, as an operator rehearses them: `--help` lists them, and with
 * `--ses-unverified-sender` an overdue notice's email is refused by SES as our setup's problem. The
 * SMS still goes; the email step fails with MessagingConfigurationError (never a skip that says the
 * customer cannot be reached), and no address appears in the execution history.
 */
const ROOT = path.join(__dirname, '..', '..');
jest.setTimeout(60_000);

test('npm start -- --help lists every option, the provider faults included, and exits 0', () => {
  // Act
  const run = spawnSync(
    process.execPath,
    [require.resolve('tsx/cli'), path.join(ROOT, 'scripts', 'start-local.ts'), '--help'],
    {
      cwd: ROOT,
      encoding: 'utf8',
      timeout: 30_000,
    },
  );

  // Assess
  expect(run.status).toBe(0);
  for (const option of [
    '--port',
    '--start',
    '--speed',
    '--seed',
    '--handlers',
    '--log-level',
    '--sns-throttle',
    '--sns-sms-unavailable',
    '--ses-throttle',
    '--ses-unverified-sender',
    '--ses-sandbox',
  ]) {
    expect(run.stdout).toContain(option);
  }
});

test('an unknown option is named, with the usage, and exits 2', () => {
  const run = spawnSync(
    process.execPath,
    [require.resolve('tsx/cli'), path.join(ROOT, 'scripts', 'start-local.ts'), '--bogus'],
    {
      cwd: ROOT,
      encoding: 'utf8',
      timeout: 30_000,
    },
  );

  expect(run.status).toBe(2);
  expect(run.stderr).toContain("Unknown option '--bogus'");
  expect(run.stderr).toContain('--ses-unverified-sender');
});

describe('with --ses-unverified-sender', () => {
  let runtime: RuntimeProcess;
  let api: ReturnType<typeof http>;
  const request = openCaseBody({
    rentalId: 'rental-unverified-sender',
    customer: { ...openCaseBody().customer, id: 'customer-unverified-sender', email: 'refused@example.com' },
  });

  beforeAll(async () => {
    runtime = await startRuntimeProcess({
      start: iso(START),
      seed: '5',
      options: ['--ses-unverified-sender'],
    });
    api = http(runtime.api);
  }, 120_000);

  afterAll(async () => {
    await runtime?.stop();
  });

  test('the notice’s SMS goes, its email fails the step as MessagingConfigurationError, and nothing blames the customer', async () => {
    // Act: open the case, then let the step's retries run out
    const { caseId } = (await api.post('/cases', request)).body;
    await api.post('/_local/clock/advance', { hours: 2 });

    // Assess
    const outbox = (await api.get(`/_local/outbox?caseId=${caseId}`)).body.items;
    expect(outbox.map((item: { channel: string }) => item.channel)).toEqual(['SMS']);
    const timeline = (await api.get(`/cases/${caseId}`)).body.timeline as Array<{ type: string }>;
    expect(timeline.filter((entry) => entry.type === 'CONTACT_SKIPPED')).toEqual([]);
    const [execution] = (await api.get(`/_local/executions?caseId=${caseId}`)).body.items;
    const failures = (execution.history as Array<Record<string, { error?: string; cause?: string }>>)
      .map((event) => event.taskFailedEventDetails)
      .filter((details) => details !== undefined);
    expect(failures.length).toBeGreaterThan(0);
    for (const failure of failures) expect(failure.error).toBe('MessagingConfigurationError');
    expect(JSON.stringify(execution.history)).not.toContain(request.customer.email);
  });
});
