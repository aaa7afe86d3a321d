/**
 * Measures the local runtime on this machine: start-up, `POST /cases` latency, how long the virtual
 * clock takes to run a month for many waiting cases, memory, and the size of the deployed bundles.
 * Run with `npm run bench` after `npm run synth`. Numbers go in the README; no test asserts on them.
 */
import { statSync } from 'node:fs';
import * as path from 'node:path';
import { LocalRuntime } from '@rental-collections/local-aws';

const ROOT = path.join(__dirname, '..');
const CASES = Number(process.env.BENCH_CASES ?? 200);
const START = Date.parse('2026-03-02T01:00:00Z');

const percentile = (values: number[], p: number) =>
  [...values].sort((a, b) => a - b)[Math.min(values.length - 1, Math.floor((p / 100) * values.length))] ?? 0;

async function main(): Promise<void> {
  const booting = performance.now();
  const runtime = await LocalRuntime.start({
    cdkOut: path.join(ROOT, 'cdk.out'),
    projectRoot: ROOT,
    port: 0,
    start: START,
    speed: 0,
    seed: 1,
    functionLogLevel: 'ERROR',
  });
  const startup = performance.now() - booting;
  const api = runtime.endpoints.api;
  const latencies: number[] = [];
  for (let n = 0; n < CASES; n++) {
    const began = performance.now();
    const response = await fetch(`${api}/cases`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({
        rentalId: `bench-${n}`,
        customer: {
          id: `customer-${n}`,
          name: 'Bench Customer',
          phone: '+8613800138000',
          email: 'bench@example.com',
          locale: 'zh-CN',
          timezone: 'Asia/Shanghai',
        },
        device: { sku: 'IPH15-128', name: 'iPhone 15 128GB', serial: `SN${n}` },
        amountDue: { amount: 129_900, currency: 'CNY' },
        dueAt: '2026-03-01T00:00:00Z',
      }),
    });
    if (response.status !== 201) throw new Error(`POST /cases answered ${response.status}`);
    await response.arrayBuffer();
    latencies.push(performance.now() - began);
  }
  await runtime.clock.whenQuiet();
  const advancing = performance.now();
  await runtime.clock.advanceTo(START + 40 * 86_400_000);
  const advance = performance.now() - advancing;
  const messages = runtime.sns.messages.filter((message) => message.topicArn === undefined).length;
  const functionCount = runtime.lambdas.list().length;
  const rssMb = process.memoryUsage().rss / 1e6;
  await runtime.stop();

  const bundles = runtime.lambdas
    .list()
    .flatMap((fn) => (fn.bundle ? [statSync(fn.bundle.file).size / 1e6] : []));

  const rows: Array<[string, string]> = [
    [`local runtime start (${functionCount} functions, emulators)`, `${(startup / 1000).toFixed(2)} s`],
    [
      `POST /cases, ${CASES} sequential, p50 / p95`,
      `${percentile(latencies, 50).toFixed(0)} / ${percentile(latencies, 95).toFixed(0)} ms`,
    ],
    [
      `advance 40 virtual days with ${CASES} open cases`,
      `${(advance / 1000).toFixed(2)} s (${messages} SMS sent)`,
    ],
    ['resident memory after the run', `${rssMb.toFixed(0)} MB`],
    [
      'Lambda bundle (minified, SDK included), largest / total',
      `${Math.max(...bundles).toFixed(2)} / ${bundles.reduce((a, b) => a + b, 0).toFixed(1)} MB`,
    ],
  ];
  for (const [what, value] of rows) console.log(`${what.padEnd(60)} ${value}`);
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
