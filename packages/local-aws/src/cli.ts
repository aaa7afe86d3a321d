/**
 * The runtime's command line: an app's start script hands it the arguments and what only the app
 * knows (where it lives, its API description, a step to run first such as the synth). `--help`
 * prints the options and exits 0 before anything else runs.
 */
import * as path from 'node:path';
import { parseArgs } from 'node:util';
import { seedFrom } from './ids';
import { EMULATOR_PORT_OFFSETS, LocalRuntime, type LocalRuntimeOptions } from './runtime';

export interface LocalApp {
  /** How the user runs it, for the usage line (e.g. `npm start --`). */
  command: string;
  /** The app's name, for the banner. */
  name: string;
  projectRoot: string;
  /** The synthesized app, unless `--cdk-out` names another. */
  cdkOut: string;
  /** The API's description, served at `GET /openapi.json`. */
  openApiDocument?: () => string;
  /** Runs once the options are valid, before the runtime starts (the app's synth, say). */
  beforeStart?: () => void;
  /** Lines the banner ends with: how to try the app's API. */
  hints?: (api: string, now: Date) => string[];
}

const LABELS: Record<keyof typeof EMULATOR_PORT_OFFSETS, string> = {
  dynamodb: 'DynamoDB',
  stepFunctions: 'Step Functions',
  eventBridge: 'EventBridge',
  sns: 'SNS',
  ses: 'SES',
  secretsManager: 'Secrets Manager',
  creditBureau: 'credit bureau',
  dynalite: 'dynalite (behind DynamoDB)',
  sesBackend: 'aws-ses-v2-local (behind SES)',
};

/** The emulators' first fixed port for `--port`: the nine after the API's. */
const firstEmulatorPort = (apiPort: number): number => apiPort + 1;

/** `API 3000, DynamoDB 3001, …` for an API port, wrapped for the usage text. */
function portList(apiPort: number): string {
  const entries = Object.entries(EMULATOR_PORT_OFFSETS).sort(([, a], [, b]) => a - b);
  const parts = [
    `API ${apiPort}`,
    ...entries.map(
      ([name, offset]) => `${LABELS[name as keyof typeof LABELS]} ${firstEmulatorPort(apiPort) + offset}`,
    ),
  ];
  const lines: string[] = [];
  for (const part of parts) {
    const last = lines.length - 1;
    if (last >= 0 && `${lines[last]}, ${part}`.length <= 96) lines[last] = `${lines[last]}, ${part}`;
    else lines.push(part);
  }
  return lines.map((line) => `  ${line}`).join(',\n');
}

const usage = (command: string) => `Usage: ${command} [options]

Runs the synthesized app (cdk.out) on this machine, on a virtual clock.

  --port <n>                 API port (default $PORT or 3000; 0: every port is a free one); the
                             emulators take the nine ports after it, in the order below
  --ports fixed|auto         fixed (default): the emulators' ports follow --port; auto: free ones
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

Ports with --port 3000 and --ports fixed:
${portList(3000)}
`;

type Values = ReturnType<typeof parseOptions>;

class UsageError extends Error {}

function parseOptions(argv: string[]) {
  try {
    return parseArgs({
      args: argv,
      options: {
        port: { type: 'string' },
        ports: { type: 'string' },
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
    throw new UsageError(error instanceof Error ? error.message : String(error));
  }
}

/** A whole number of sends per second, at least 1; undefined when the option is absent. */
function perSecond(values: Values, option: 'sns-throttle' | 'ses-throttle'): number | undefined {
  const value = values[option];
  if (value === undefined) return undefined;
  const count = Number(value);
  if (!Number.isInteger(count) || count < 1)
    throw new UsageError(`--${option} must be a whole number >= 1, got ${value}`);
  return count;
}

function faultsOf(values: Values): NonNullable<LocalRuntimeOptions['faults']> {
  const sandboxVerified = values['ses-sandbox']
    ?.split(',')
    .map((identity) => identity.trim())
    .filter(Boolean);
  if (sandboxVerified !== undefined && sandboxVerified.length === 0)
    throw new UsageError('--ses-sandbox needs at least one verified address or domain');
  const smsPerSecond = perSecond(values, 'sns-throttle');
  const emailsPerSecond = perSecond(values, 'ses-throttle');
  return {
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
}

/** The runtime's options from the command line; throws UsageError for a bad one. */
function optionsOf(values: Values, app: LocalApp): LocalRuntimeOptions {
  const port = Number(values.port ?? process.env.PORT ?? 3000);
  const ports = values.ports ?? 'fixed';
  const start = values.start === undefined ? Date.now() : Date.parse(values.start);
  const speed = Number(values.speed ?? 1);
  const handlers = values.handlers ?? 'bundle';
  if (!Number.isInteger(port) || port < 0 || port > 65535)
    throw new UsageError(`--port must be a port number, got ${values.port}`);
  if (ports !== 'fixed' && ports !== 'auto')
    throw new UsageError(`--ports must be fixed or auto, got ${ports}`);
  const emulatorPorts = ports === 'auto' || port === 0 ? 'auto' : firstEmulatorPort(port);
  const lastPort = Math.max(...Object.values(EMULATOR_PORT_OFFSETS)) + firstEmulatorPort(port);
  if (emulatorPorts !== 'auto' && lastPort > 65535)
    throw new UsageError(`--port ${port} leaves no room for the emulators' ports up to ${lastPort}`);
  if (Number.isNaN(start)) throw new UsageError(`--start must be an ISO 8601 date-time, got ${values.start}`);
  if (!Number.isFinite(speed) || speed < 0)
    throw new UsageError(`--speed must be a number >= 0, got ${values.speed}`);
  if (handlers !== 'bundle' && handlers !== 'source')
    throw new UsageError(`--handlers must be bundle or source, got ${handlers}`);
  return {
    cdkOut: path.resolve(values['cdk-out'] ?? app.cdkOut),
    projectRoot: app.projectRoot,
    port,
    emulatorPorts,
    start,
    speed,
    seed: seedFrom(values.seed ?? '1'),
    handlers,
    functionLogLevel: values['log-level'] ?? 'WARN',
    faults: faultsOf(values),
  };
}

/**
 * Parses `argv`, prints the usage for `--help` (exit 0) or a bad option (exit 2), otherwise runs
 * `beforeStart` and the runtime until SIGINT or SIGTERM, with a banner of where everything is.
 */
export async function runLocalCli(argv: string[], app: LocalApp): Promise<void> {
  let options: LocalRuntimeOptions;
  try {
    const values = parseOptions(argv);
    if (values.help) {
      console.log(usage(app.command));
      process.exit(0);
    }
    options = optionsOf(values, app);
  } catch (error) {
    if (!(error instanceof UsageError)) throw error;
    console.error(`${app.command}: ${error.message}\n\n${usage(app.command)}`);
    process.exit(2);
  }
  try {
    app.beforeStart?.();
    const openApiDocument = app.openApiDocument?.();
    const runtime = await LocalRuntime.start({
      ...options,
      ...(openApiDocument !== undefined ? { openApiDocument } : {}),
    });
    console.log(banner(runtime, options, app, openApiDocument !== undefined).join('\n'));
    const stop = async () => {
      await runtime.stop();
      process.exit(0);
    };
    process.once('SIGINT', () => void stop());
    process.once('SIGTERM', () => void stop());
  } catch (error) {
    console.error(`${app.command}: ${error instanceof Error ? error.message : String(error)}`);
    process.exit(1);
  }
}

function banner(
  runtime: LocalRuntime,
  options: LocalRuntimeOptions,
  app: LocalApp,
  openApi: boolean,
): string[] {
  const { api, ...emulators } = runtime.endpoints;
  const now = new Date(runtime.clock.now());
  const clock = options.speed === 0 ? 'frozen (moves only by advance)' : `${options.speed}x real time`;
  return [
    `${app.name} is running locally (the synthesized app, nothing deployed).`,
    `  API               ${api}   (no auth locally${openApi ? `; GET ${api}/openapi.json describes it` : ''})`,
    `  virtual clock     ${now.toISOString()}, ${clock}`,
    `  DynamoDB          ${emulators.dynamodb}   (dynalite, in memory)`,
    `  Step Functions    ${emulators.stepFunctions}   (local engine; aws stepfunctions --endpoint-url works)`,
    `  EventBridge       ${emulators.eventBridge}   (PutEvents; bus ${runtime.bus.busNames().join(', ')})`,
    `  SNS (SMS)         ${emulators.sns}`,
    `  SES (email)       ${emulators.ses}`,
    `  Secrets Manager   ${emulators.secretsManager}`,
    `  credit bureau     ${emulators.creditBureau}   (a fake Zhima gateway)`,
    `  ports             ${options.emulatorPorts === 'auto' ? 'free ones (--ports auto or --port 0)' : 'fixed, from --port (--ports auto picks free ones)'}`,
    ...faultLines(options.faults ?? {}),
    `  functions         ${runtime.lambdas.list().length} from cdk.out (${options.handlers})`,
    ...(app.hints ? ['', ...app.hints(api, now)] : []),
    'Ctrl+C stops (state is in memory).',
  ];
}

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
