import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import * as path from 'node:path';
import { type RuntimeProcess, startRuntimeProcess } from '../support/runtime-process';

/**
 * The app's start script (scripts/start-local.ts) around the local runtime: `npm start -- --help`
 * answers at once, before the synth, and the running app serves docs/openapi.json.
 */
const ROOT = path.join(__dirname, '..', '..');
jest.setTimeout(90_000);

test('npm start -- --help prints the options, the fixed ports among them, and exits 0 without a synth', () => {
  // Act: what `npm start -- --help` runs (the script's --synth, then the user's options).
  const run = spawnSync(
    process.execPath,
    [require.resolve('tsx/cli'), path.join(ROOT, 'scripts', 'start-local.ts'), '--synth', '--help'],
    { cwd: ROOT, encoding: 'utf8', timeout: 30_000 },
  );

  // Assess
  expect(run.status).toBe(0);
  expect(run.stdout).toContain('Usage: npm start -- [options]');
  expect(run.stdout).toContain('--ports fixed|auto');
  expect(run.stdout).toMatch(/API 3000, DynamoDB 3001, Step Functions 3002/);
  expect(run.stdout).not.toContain('cdk synth');
});

describe('the running app', () => {
  let runtime: RuntimeProcess;
  beforeAll(async () => {
    runtime = await startRuntimeProcess({ start: '2026-03-02T02:00:00Z' });
  });
  afterAll(() => runtime?.stop());

  test('GET /openapi.json is docs/openapi.json as the repository has it', async () => {
    const response = await fetch(`${runtime.api}/openapi.json`);

    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toBe('application/json');
    expect(await response.text()).toBe(readFileSync(path.join(ROOT, 'docs', 'openapi.json'), 'utf8'));
  });
});
