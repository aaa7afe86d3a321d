/** `npm start`: runs the synthesized app locally (see README). `--help` lists the options. */
import * as path from 'node:path';
import { parseArgs } from 'node:util';
import { seedFrom } from './ids';
import { LocalRuntime, type LocalRuntimeOptions } from './runtime';

const USAGE = `Usage: npm start -- [options]   (npm run start:synthesized -- [options] skips the synth)

Runs the synthesized app (cdk.out) on this machine, on a virtual clock.

  --port <n>                 API port (default $PORT or 3000; 0 picks a free one)
  --start <ISO>              the virtual clock's start instant (default: now)
  --speed <n>                virtual seconds per real second (default 1; 0 = only advance moves time)
  --seed <n|text>            fixes every random id (default 1)
  --cdk-out <dir>            the synthesized app (default ./cdk.out)
  --handlers bundle|source   run the synthesized bundles (default) or the TypeScript sources
  --log-level <level>        the functions' Powertools log level (default WARN)

Provider faults, to rehearse what SNS and SES do to a busy or misconfigured account:
  --sns-throttle <n>         accept at most n SMS per virtual second; the rest get SNS's
                             Throttled (HTTP 429, ThrottledException): the workflow retries
  --sns-sms-unavailable      the region cannot send SMS: every SMS is InvalidParameter ("... is not
                             valid to publish to"): MessagingConfigurationError
  --ses-throttle <n>         accept at most n emails per virtual second; the rest get SES's
                             TooManyRequestsException (HTTP 429): the workflow retries
  --ses-unverified-sender    the sender is not a verified identity: every email is MessageRejected
                             ("Email address is not verified"): MessagingConfigurationError
  --ses-sandbox <list>       the SES sandbox: only these identities (comma-separated addresses or
                             domains, e.g. ops@example.com,example.org) are verified recipients;
                             email to anyone else is MessageRejected
  -h, --help                 this help
`;

function fail(message: string): never {
  console.error(`npm start: ${message}\n\n${USAGE}`);
  process.exit(2);
}

function parseOptions() {
  try {
    return parseArgs({
      options: {
        port: { type: 'string' },
        start: { type: 'string' },
        speed: { type: 'string' },
        seed: { type: 'string' },
        'cdk-out': { type: 'string' },
        handlers: { type: 'string' },
        'log-level': { type: 'string' },
        'sns-throttle': { type: 'string' },
        'sns-sms-unavailable': { type: 'boolean' },
        'ses-throttle': { type: 'string' },
        'ses-unverified-sender': { type: 'boolean' },
        'ses-sandbox': { type: 'string' },
        help: { type: 'boolean', short: 'h' },
      },
    }).values;
  } catch (error) {
    // parseArgs names the unknown option or the missing value.
    return fail(error instanceof Error ? error.message : String(error));
  }
}

const values = parseOptions();
if (values.help) {
  console.log(USAGE);
  process.exit(0);
}

/** A whole number of sends per second, at least 1; undefined when the option is absent. */
function perSecond(option: string): number | undefined {
  const value = values[option as keyof typeof values];
  if (value === undefined) return undefined;
  const count = Number(value);
  if (!Number.isInteger(count) || count < 1) fail(`--${option} must be a whole number >= 1, got ${value}`);
  return count;
}

const projectRoot = path.join(__dirname, '..', '..', '..');
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
const sandboxVerified = values['ses-sandbox']
  ?.split(',')
  .map((identity) => identity.trim())
  .filter(Boolean);
if (sandboxVerified !== undefined && sandboxVerified.length === 0)
  fail('--ses-sandbox needs at least one verified address or domain');
const smsPerSecond = perSecond('sns-throttle');
const emailsPerSecond = perSecond('ses-throttle');
const faults: NonNullable<LocalRuntimeOptions['faults']> = {
  sns: {
    ...(smsPerSecond ? { maxSmsPerSecond: smsPerSecond } : {}),
    ...(values['sns-sms-unavailable'] ? { smsUnavailable: true } : {}),
  },
  ses: {
    ...(emailsPerSecond ? { maxSendsPerSecond: emailsPerSecond } : {}),
    ...(values['ses-unverified-sender'] ? { unverifiedSender: true } : {}),
    ...(sandboxVerified ? { sandboxVerified } : {}),
  },
};

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
    faults,
  });
  const { api } = runtime.endpoints;
  const now = new Date(runtime.clock.now());
  const dueAt = new Date(now.getTime() - 86_400_000).toISOString().replace(/\.\d{3}Z$/, 'Z');
  const lines = [
    'rental-collections is running locally (the synthesized app, nothing deployed).',
    `  API               ${api}   (docs/api.md routes, no auth locally)`,
    `  virtual clock     ${now.toISOString()}, ${speed === 0 ? 'frozen (moves only by advance)' : `${speed}x real time`}`,
    `  DynamoDB          ${runtime.endpoints.dynamodb}   (dynalite, in memory)`,
    `  Step Functions    ${runtime.endpoints.stepFunctions}   (local engine; aws stepfunctions --endpoint-url works)`,
    `  EventBridge       ${runtime.endpoints.eventBridge}   (PutEvents; bus ${runtime.bus.busNames().join(', ')})`,
    `  SNS (SMS)         ${runtime.endpoints.sns}`,
    `  SES (email)       ${runtime.endpoints.ses}`,
    ...faultLines(faults),
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

/** The banner's lines for the faults in force, so nobody mistakes them for a bug. */
function faultLines({ sns, ses }: NonNullable<LocalRuntimeOptions['faults']>): string[] {
  const lines: string[] = [];
  if (sns?.maxSmsPerSecond)
    lines.push(`  fault             SNS accepts ${sns.maxSmsPerSecond} SMS per virtual second`);
  if (sns?.smsUnavailable) lines.push('  fault             SNS: this region cannot send SMS');
  if (ses?.maxSendsPerSecond)
    lines.push(`  fault             SES accepts ${ses.maxSendsPerSecond} emails per virtual second`);
  if (ses?.unverifiedSender) lines.push('  fault             SES: the sender is not verified');
  if (ses?.sandboxVerified)
    lines.push(`  fault             SES sandbox: verified ${ses.sandboxVerified.join(', ')}`);
  return lines;
}
