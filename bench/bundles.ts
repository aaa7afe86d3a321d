/**
 * `npm run bench:bundles` (after `npm run synth`): per function, its bundle's bytes against its
 * floor's (a bundle of only the SDK clients it calls, ./floor.ts), and the cold init of both: a fresh
 * `node` per sample that loads the bundle and makes its first call against the local emulators. Bundle
 * and floor samples alternate (each round: a floor, then the bundles it is the floor of), medians of
 * SAMPLES (default 7) each. Writes bench/bundles.json and prints the table
 * (plain lines under CI=true); `-- --table` prints the README's table from the last bundles.json.
 * The numbers go in the README; no test asserts on them.
 */
import { execFile } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { promisify } from 'node:util';
import { LocalRuntime } from '@rental-collections/local-aws';
import { buildSync } from 'esbuild';
import { BUNDLE_ALIASES, BUNDLE_MAIN_FIELDS } from '../lib/project-function';
import { CDK_OUT, synthesizedFunctions } from '../scripts/synthesized-functions';
import { clientsFor, floorEntry, type SdkClient } from './floor';

const ROOT = path.join(__dirname, '..');
const SAMPLES = Number(process.env.BENCH_SAMPLES ?? 7);
const START = Date.parse('2026-03-02T01:00:00Z');
const run = promisify(execFile);

/** Loads a bundle, times the import and the first call, prints `{ ms, outcome }` and exits. */
const SAMPLER = `
const [file, eventJson] = process.argv.slice(2);
const began = performance.now();
const { handler } = require(file);
const context = {
  functionName: 'bench', functionVersion: '$LATEST', invokedFunctionArn: 'arn:aws:lambda:us-east-1:000000000000:function:bench',
  memoryLimitInMB: '512', awsRequestId: 'bench-' + process.pid, logGroupName: '/aws/lambda/bench', logStreamName: 'bench',
  getRemainingTimeInMillis: () => 15000, callbackWaitsForEmptyEventLoop: true,
};
Promise.resolve()
  .then(() => handler(JSON.parse(eventJson), context))
  .then((result) => (typeof result === 'string' ? result : result && result.statusCode ? String(result.statusCode) : 'ok'))
  .catch((error) => error.name)
  .then((outcome) => {
    process.stdout.write(JSON.stringify({ ms: performance.now() - began, outcome }));
    process.exit(0);
  });
`;

const at = '2026-03-02T00:00:00Z';
const money = { amount: 100, currency: 'CNY' };
const openCase = {
  rentalId: 'rental-bench',
  customer: {
    id: 'customer-bench',
    name: 'Bench Customer',
    phone: '+8613800138000',
    email: 'bench@example.com',
    locale: 'zh-CN',
    timezone: 'Asia/Shanghai',
  },
  device: { sku: 'IPH15-128', name: 'iPhone 15 128GB', serial: 'SN-BENCH' },
  amountDue: { amount: 129_900, currency: 'CNY' },
  dueAt: '2026-03-01T00:00:00Z',
};

/** A valid body for each POST route, so the first call gets past validation to its first AWS call. */
const BODIES: Record<string, unknown> = {
  'open-case': openCase,
  'record-payment': { paymentId: 'pay-bench', amount: money, paidAt: at },
  'record-return': { returnedAt: at, condition: 'GOOD' },
  'make-promise': { promisedAt: '2026-03-05T00:00:00Z', amount: money },
  'agree-plan': { type: 'EXTENDED_RETURN', returnBy: '2026-03-10T00:00:00Z' },
  'open-dispute': { reason: 'bench' },
  'rule-dispute': { outcome: 'REJECTED' },
  'record-contact': { contactId: 'contact-bench', occurredAt: at, channel: 'CALL', outcome: 'NO_ANSWER' },
  'decide-legal-review': { decision: 'DECLINE', reviewer: 'bench' },
  'record-legal-outcome': { outcome: 'SETTLED' },
  'approve-disclosure': { approver: 'bench' },
  'claim-work-item': { agent: 'bench' },
  'release-work-item': { agent: 'bench' },
  'complete-work-item': { outcome: 'DONE', occurredAt: at },
  'opt-out': { channel: 'SMS' },
};

const GETS = new Set(['get-case', 'list-cases', 'list-work-items', 'opt-out-page']);
const QUERIES: Record<string, Record<string, string>> = {
  'list-work-items': { queue: 'CALLS' },
  'opt-out-page': { token: 'bench' },
};

/** The representative first call of each kind: an API request, a workflow step's input, an SQS batch. */
function firstEvent(handler: string): unknown {
  const [kind, name = ''] = handler.split('/');
  if (kind === 'api') {
    const form = name === 'opt-out-link';
    return {
      httpMethod: GETS.has(name) ? 'GET' : 'POST',
      resource: '/bench',
      path: '/bench',
      headers: { 'content-type': form ? 'application/x-www-form-urlencoded' : 'application/json' },
      queryStringParameters: QUERIES[name] ?? null,
      pathParameters: {
        caseId: 'case-bench',
        workItemId: 'case-bench:CALLS:FIRST_COLLECTION:0',
        customerId: 'customer-bench',
      },
      body: form ? 'token=bench' : GETS.has(name) ? null : JSON.stringify(BODIES[name] ?? {}),
      isBase64Encoded: false,
      requestContext: { requestTimeEpoch: START },
    };
  }
  if (kind === 'workflow') {
    // Every step's fields at once: steps ignore the ones they do not take.
    return {
      caseId: 'case-bench',
      at: '2026-03-02T01:00:00.000Z',
      execution: 'case-bench',
      stateMachineArn: 'arn:aws:states:us-east-1:000000000000:stateMachine:bench',
      awaiting: 'PROMISE',
      token: 'bench',
      timeoutSeconds: 60,
      stage: 'OVERDUE_NOTICE',
      action: 'SETTLE',
      message: 'RECEIPT',
      arrangement: 'PROMISE',
    };
  }
  const detailType = name === 'start-cases' ? 'Rental Overdue' : 'Payment Received';
  const detail =
    name === 'start-cases'
      ? openCase
      : { rentalId: 'rental-none', paymentId: 'pay-bench', amount: money, paidAt: at };
  const body = { id: 'bench', 'detail-type': detailType, source: 'rental.platform', time: at, detail };
  return { Records: [{ messageId: 'bench', body: JSON.stringify(body) }] };
}

interface Sample {
  ms: number;
  outcome: string;
}

const median = (values: number[]) => {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)] ?? Number.NaN;
};

const round = (value: number, digits = 1) => Math.round(value * 10 ** digits) / 10 ** digits;

async function main(): Promise<void> {
  const began = performance.now();
  const work = mkdtempSync(path.join(tmpdir(), 'bench-bundles-'));
  const runtime = await LocalRuntime.start({
    cdkOut: CDK_OUT,
    projectRoot: ROOT,
    port: 0,
    start: START,
    speed: 0,
    seed: 1,
    functionLogLevel: 'ERROR',
  });
  try {
    const sampler = path.join(work, 'sampler.cjs');
    writeFileSync(sampler, SAMPLER);
    const hosted = new Map(runtime.lambdas.list().map((fn) => [fn.logicalId, fn]));
    const floors = new Map<
      string,
      { file: string; bytes: number; env: Record<string, string>; samples: Sample[] }
    >();
    const floorOf = (clients: SdkClient[], env: Record<string, string>) => {
      const key = clients.join('+') || 'none';
      const existing = floors.get(key);
      if (existing) return existing;
      const file = path.join(work, `floor-${key}.js`);
      buildSync({
        stdin: { contents: floorEntry(clients), resolveDir: ROOT, loader: 'ts' },
        bundle: true,
        minify: true,
        platform: 'node',
        target: 'node22',
        format: 'cjs',
        outfile: file,
        logLevel: 'error',
        alias: BUNDLE_ALIASES,
        mainFields: BUNDLE_MAIN_FIELDS,
      });
      const built = { file, bytes: statSync(file).size, env, samples: [] as Sample[] };
      floors.set(key, built);
      return built;
    };
    const functions = synthesizedFunctions().map((fn) => {
      const local = hosted.get(fn.logicalId);
      if (!local) throw new Error(`${fn.logicalId} is not hosted by the local runtime`);
      const clients = clientsFor(fn.actions);
      const bundle = path.join(fn.assetDir, 'index.js');
      // What the function's worker gets in the runtime; PATH for the sampler's node.
      const env = {
        ...runtime.lambdas.environmentOf(local),
        PATH: process.env.PATH ?? '',
        POWERTOOLS_LOG_LEVEL: 'ERROR',
      };
      return {
        ...fn,
        clients,
        bundle,
        bundleBytes: statSync(bundle).size,
        floor: floorOf(clients, env),
        event: JSON.stringify(firstEvent(fn.handler)),
        env,
        samples: [] as Sample[],
      };
    });
    const sample = async (file: string, event: string, env: Record<string, string>): Promise<Sample> => {
      const { stdout } = await run(process.execPath, [sampler, file, event], { env, timeout: 30_000 });
      return JSON.parse(stdout) as Sample;
    };
    // Functions with the same clients share one floor (the same bundle): each round samples every
    // floor once, just before the bundles it is the floor of, so the two are measured side by side.
    for (let n = 0; n < SAMPLES; n++) {
      for (const floor of floors.values()) {
        floor.samples.push(await sample(floor.file, '{}', floor.env));
        for (const fn of functions.filter((candidate) => candidate.floor === floor)) {
          fn.samples.push(await sample(fn.bundle, fn.event, fn.env));
        }
      }
    }
    const rows = functions.map((fn) => {
      const coldInitMs = median(fn.samples.map((s) => s.ms));
      const floorColdInitMs = median(fn.floor.samples.map((s) => s.ms));
      return {
        logicalId: fn.logicalId,
        handler: fn.handler,
        clients: fn.clients,
        bundleBytes: fn.bundleBytes,
        floorBytes: fn.floor.bytes,
        coldInitMs: round(coldInitMs),
        floorColdInitMs: round(floorColdInitMs),
        ratio: round(coldInitMs / floorColdInitMs, 2),
        /** What the first calls answered (a status or an error name): each reached its emulator. */
        firstCall: fn.samples[0]?.outcome ?? '',
        floorFirstCall: fn.floor.samples[0]?.outcome ?? '',
      };
    });
    const largest = rows.reduce((a, b) => (b.bundleBytes > a.bundleBytes ? b : a));
    const report = {
      node: process.version,
      samples: SAMPLES,
      totals: {
        functions: rows.length,
        bundleBytes: rows.reduce((sum, row) => sum + row.bundleBytes, 0),
        largest: { handler: largest.handler, bytes: largest.bundleBytes },
        maxRatio: Math.max(...rows.map((row) => row.ratio)),
        seconds: round((performance.now() - began) / 1000, 0),
      },
      functions: rows,
    };
    writeFileSync(path.join(__dirname, 'bundles.json'), `${JSON.stringify(report, null, 2)}\n`);
    process.stdout.write(`${process.env.CI === 'true' ? plainLines(report) : markdownTable(report)}\n`);
  } finally {
    await runtime.stop();
    rmSync(work, { recursive: true, force: true });
  }
}

type Report = {
  totals: {
    functions: number;
    bundleBytes: number;
    largest: { handler: string; bytes: number };
    maxRatio: number;
    seconds: number;
  };
  functions: Array<{
    logicalId: string;
    handler: string;
    clients: string[];
    bundleBytes: number;
    floorBytes: number;
    coldInitMs: number;
    floorColdInitMs: number;
    ratio: number;
  }>;
};

const kb = (bytes: number) => `${Math.round(bytes / 1000).toLocaleString('en-US')} kB`;
const mb = (bytes: number) => `${(bytes / 1e6).toFixed(1)} MB`;

function plainLines({ totals, functions }: Report): string {
  return [
    ...functions.map(
      (fn) =>
        `${fn.handler} ${fn.logicalId} bundle=${fn.bundleBytes} floor=${fn.floorBytes} init=${fn.coldInitMs}ms floorInit=${fn.floorColdInitMs}ms ratio=${fn.ratio}`,
    ),
    `total bundles=${totals.functions} bytes=${totals.bundleBytes} largest=${totals.largest.handler} ${totals.largest.bytes} maxRatio=${totals.maxRatio} seconds=${totals.seconds}`,
  ].join('\n');
}

/** The README's table ("Bundle size and cold init"). */
export function markdownTable({ totals, functions }: Report): string {
  return [
    '| function (logical id) | SDK clients | bundle | floor | cold init | floor | ratio |',
    '|---|---|---:|---:|---:|---:|---:|',
    ...functions.map(
      (fn) =>
        `| \`${fn.handler}\` (${fn.logicalId}) | ${fn.clients.join(', ') || 'none'} | ${kb(fn.bundleBytes)} | ${kb(fn.floorBytes)} | ${Math.round(fn.coldInitMs)} ms | ${Math.round(fn.floorColdInitMs)} ms | ${fn.ratio.toFixed(2)} |`,
    ),
    `| **all ${totals.functions}** | | **${mb(totals.bundleBytes)}** | | | | max **${totals.maxRatio.toFixed(2)}** |`,
    '',
    `Largest bundle: \`${totals.largest.handler}\`, ${kb(totals.largest.bytes)}.`,
  ].join('\n');
}

if (require.main === module && process.argv.includes('--table')) {
  // The README's table from the last run's bench/bundles.json, without measuring again.
  const report = JSON.parse(readFileSync(path.join(__dirname, 'bundles.json'), 'utf8')) as Report;
  process.stdout.write(`${markdownTable(report)}\n`);
} else if (require.main === module) {
  main().catch((error) => {
    console.error(error);
    process.exit(1);
  });
}
