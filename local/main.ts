/**
 * `npm start`: runs the synthesized app locally (see README). Options:
 *   --port <n>        API port (default $PORT or 3000)
 *   --start <ISO>     virtual start instant (default: now)
 *   --speed <n>       virtual seconds per real second (default 1; 0 = only `advance` moves time)
 *   --seed <n|text>   fixes every random choice (default 1)
 *   --cdk-out <dir>   the synthesized app (default ./cdk.out)
 *   --handlers bundle|source   run the synthesized bundles (default) or the TypeScript sources
 *   --log-level <level>        the functions' Powertools log level (default WARN)
 */
import * as path from 'node:path';
import { parseArgs } from 'node:util';
import { seedFrom } from './ids';
import { LocalRuntime } from './runtime';

const { values } = parseArgs({
  options: {
    port: { type: 'string' },
    start: { type: 'string' },
    speed: { type: 'string' },
    seed: { type: 'string' },
    'cdk-out': { type: 'string' },
    handlers: { type: 'string' },
    'log-level': { type: 'string' },
  },
});

function fail(message: string): never {
  console.error(`npm start: ${message}`);
  process.exit(2);
}

const projectRoot = path.join(__dirname, '..');
const port = Number(values.port ?? process.env.PORT ?? 3000);
const start = values.start === undefined ? Date.now() : Date.parse(values.start);
const speed = Number(values.speed ?? 1);
const handlers = (values.handlers ?? 'bundle') as 'bundle' | 'source';
if (!Number.isInteger(port) || port < 0 || port > 65535)
  fail(`--port must be a port number, got ${values.port}`);
if (Number.isNaN(start)) fail(`--start must be an ISO 8601 date-time, got ${values.start}`);
if (!Number.isFinite(speed) || speed < 0) fail(`--speed must be a number >= 0, got ${values.speed}`);
if (handlers !== 'bundle' && handlers !== 'source')
  fail(`--handlers must be bundle or source, got ${handlers}`);

async function main(): Promise<void> {
  const runtime = await LocalRuntime.start({
    cdkOut: path.resolve(values['cdk-out'] ?? path.join(projectRoot, 'cdk.out')),
    projectRoot,
    port,
    start,
    speed,
    seed: seedFrom(values.seed ?? '1'),
    handlers,
    functionLogLevel: values['log-level'] ?? 'WARN',
  });
  const { api } = runtime.endpoints;
  const now = new Date(runtime.clock.now());
  const dueAt = new Date(now.getTime() - 86_400_000).toISOString().replace(/\.\d{3}Z$/, 'Z');
  const lines = [
    'rental-collections is running locally (the synthesized app, nothing deployed).',
    `  API               ${api}   (API.md routes, no auth locally)`,
    `  virtual clock     ${now.toISOString()}, ${speed === 0 ? 'frozen (moves only by advance)' : `${speed}x real time`}`,
    `  DynamoDB          ${runtime.endpoints.dynamodb}   (dynalite, in memory)`,
    `  Step Functions    ${runtime.endpoints.stepFunctions}   (local engine; aws stepfunctions --endpoint-url works)`,
    `  EventBridge       ${runtime.endpoints.eventBridge}   (PutEvents; bus ${runtime.bus.busNames().join(', ')})`,
    `  SNS (SMS)         ${runtime.endpoints.sns}`,
    `  SES (email)       ${runtime.endpoints.ses}`,
    `  functions         ${runtime.lambdas.list().length} from cdk.out (${handlers})`,
    '',
    'Open a first case:',
    `  curl -s -X POST ${api}/cases -H 'content-type: application/json' -d '${JSON.stringify({
      rentalId: 'rental-1001',
      customer: {
        id: 'customer-42',
        name: 'Wei Zhang',
        phone: '+8613800138000',
        email: 'wei@example.com',
        locale: 'en',
        timezone: 'Asia/Shanghai',
      },
      device: { sku: 'IPH15-128', name: 'iPhone 15 128GB', serial: 'F2LXK0000001' },
      amountDue: { amount: 129900, currency: 'CNY' },
      dueAt,
    })}'`,
    'Then: GET /_local/outbox, POST /_local/clock/advance {"days":3}, GET /cases/{caseId}. Ctrl+C stops (state is in memory).',
  ];
  console.log(lines.join('\n'));
  const stop = async () => {
    await runtime.stop();
    process.exit(0);
  };
  process.once('SIGINT', () => void stop());
  process.once('SIGTERM', () => void stop());
}

main().catch((error: unknown) => {
  console.error(`npm start: ${error instanceof Error ? error.message : String(error)}`);
  process.exit(1);
});
