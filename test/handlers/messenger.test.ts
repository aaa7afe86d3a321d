import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { SESv2Client } from '@aws-sdk/client-sesv2';
import { SNSClient } from '@aws-sdk/client-sns';
import { sesClient, snsClient } from '../../lambdas/adapters/clients';
import { classifyProviderError } from '../../lambdas/adapters/messaging-errors';
import { SnsSesMessenger } from '../../lambdas/adapters/messenger';
import {
  MessageDeliveryError,
  MessagingConfigurationError,
  type OutgoingMessage,
} from '../../lambdas/domain/ports';
import { VirtualClock } from '../../local/clock';
import { Ids } from '../../local/ids';
import { SesEmulator, type SesFaults } from '../../local/ses';
import { counter, SnsEmulator } from '../../local/sns';
import { type Harness, startHarness } from './aws-harness';

/**
 * The SNS/SES adapter's answer when a provider refuses a message: the recipient's problem
 * (UNDELIVERABLE, the step records a skip and goes on), our setup's (MessagingConfigurationError, the
 * step fails and ops are alerted) or a passing one (MessageDeliveryError, the workflow retries),
 * never with the address or number in the error. Against the local SNS and SES emulators, which
 * validate like the providers, and their fault options (throttling, an unverified sender, the
 * sandbox), which answer in the providers' own error shapes.
 */
let aws: Harness;
beforeAll(async () => {
  aws = await startHarness({ bureau: false });
});
afterAll(() => aws.stop());

const config = { senderEmail: 'collections@example.com', configurationSet: 'collections' };
const credentials = { accessKeyId: 'local', secretAccessKey: 'local' };
const OPT_OUT_URL = 'https://collections.example.com/v1/opt-out?token=sealed-token';
const sms = (to: string): OutgoingMessage => ({
  channel: 'SMS',
  caseId: 'case-1',
  kind: 'REMINDER',
  to,
  body: 'Please pay.',
  optOutUrl: OPT_OUT_URL,
});
const email = (to: string): OutgoingMessage => ({
  channel: 'EMAIL',
  caseId: 'case-1',
  kind: 'REMINDER',
  to,
  subject: 'Your rental is overdue',
  body: 'Please pay.',
  optOutUrl: OPT_OUT_URL,
});

const listen = async (server: Server): Promise<string> => {
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
};
const close = (server: Server) => new Promise<void>((resolve) => server.close(() => resolve()));
const stops: Array<() => Promise<void>> = [];
afterEach(async () => {
  await Promise.all(stops.splice(0).map((stop) => stop()));
});

/**
 * A messenger whose SES has these faults, on a frozen clock of its own. One attempt per send: the
 * SDK would retry a throttled send itself, and within the same virtual second it is throttled again.
 */
async function withSes(faults: SesFaults) {
  const clock = new VirtualClock({ start: Date.parse('2026-03-02T02:00:00.000Z'), speed: 0 });
  const ses = new SesEmulator(clock, counter(), undefined, faults);
  await ses.start();
  const endpoint = await listen(ses.server);
  const client = new SESv2Client({ endpoint, region: 'us-east-1', credentials, maxAttempts: 1 });
  stops.push(async () => {
    client.destroy();
    await close(ses.server);
    await ses.stop();
  });
  return { clock, ses, messenger: new SnsSesMessenger(snsClient(), client, config) };
}

async function withSns(maxSmsPerSecond: number) {
  const clock = new VirtualClock({ start: Date.parse('2026-03-02T02:00:00.000Z'), speed: 0 });
  const sns = new SnsEmulator(clock, new Ids(5), () => new Set(), counter(), { maxSmsPerSecond });
  const endpoint = await listen(sns.server);
  const client = new SNSClient({ endpoint, region: 'us-east-1', credentials, maxAttempts: 1 });
  stops.push(async () => {
    client.destroy();
    await close(sns.server);
  });
  return { clock, sns, messenger: new SnsSesMessenger(client, sesClient(), config) };
}

/** The EMF documents Powertools writes to stdout while `act` runs (metrics are on for just that). */
async function emfDuring(act: () => Promise<unknown>): Promise<Array<Record<string, unknown>>> {
  const lines: string[] = [];
  const write = jest.spyOn(process.stdout, 'write').mockImplementation((chunk: unknown) => {
    lines.push(String(chunk));
    return true;
  });
  process.env.POWERTOOLS_METRICS_DISABLED = 'false';
  try {
    await act();
  } finally {
    process.env.POWERTOOLS_METRICS_DISABLED = 'true';
    write.mockRestore();
  }
  return lines
    .flatMap((line) => line.split('\n'))
    .filter((line) => line.includes('"_aws"'))
    .map((line) => JSON.parse(line) as Record<string, unknown>);
}

const settled = async (sends: Array<Promise<unknown>>) =>
  (await Promise.allSettled(sends)).map((outcome) =>
    outcome.status === 'fulfilled' ? outcome.value : outcome.reason,
  );

test('a number SNS rejects as invalid is UNDELIVERABLE, named by the provider error only', async () => {
  const messenger = new SnsSesMessenger(snsClient(), sesClient(), config);

  const result = await messenger.send(sms('+12'));

  expect(result).toEqual({ status: 'UNDELIVERABLE', reason: 'InvalidParameterException' });
});

test('a valid number is SENT', async () => {
  const messenger = new SnsSesMessenger(snsClient(), sesClient(), config);

  const result = await messenger.send(sms('+8613800138000'));

  expect(result).toMatchObject({ status: 'SENT', messageId: expect.any(String) });
});

test('SNS unreachable is a MessageDeliveryError (retried) whose text holds no phone number', async () => {
  const unreachable = new SNSClient({ endpoint: 'http://127.0.0.1:9', maxAttempts: 1 });
  const messenger = new SnsSesMessenger(unreachable, sesClient(), config);

  const failure = await messenger.send(sms('+8613800138000')).catch((error: unknown) => error);

  expect(failure).toBeInstanceOf(MessageDeliveryError);
  expect(String((failure as Error).message)).not.toContain('8613800138000');
  expect((failure as Error).message).toMatch(/^SMS could not be sent now \(\w+\)$/);
});

test('an email offers its opt-out link as List-Unsubscribe with RFC 8058 one-click', async () => {
  // Prepare
  const messenger = new SnsSesMessenger(snsClient(), sesClient(), config);

  // Act
  const result = await messenger.send(email('wei@example.com'));

  // Assess
  const sent = (await aws.ses.sent()).find(
    (message) => result.status === 'SENT' && message.messageId === result.messageId,
  );
  expect(sent?.headers).toEqual(
    expect.arrayContaining([
      { name: 'List-Unsubscribe', value: `<${OPT_OUT_URL}>` },
      { name: 'List-Unsubscribe-Post', value: 'List-Unsubscribe=One-Click' },
    ]),
  );
});

describe('SES refusals that are our setup’s, not the customer’s', () => {
  test('an unverified sender (MessageRejected) is a MessagingConfigurationError without the address, counted for the alarm', async () => {
    // Prepare
    const { ses, messenger } = await withSes({ unverifiedSender: true });
    let failure: unknown;

    // Act
    const emf = await emfDuring(async () => {
      failure = await messenger.send(email('wei@example.com')).catch((error: unknown) => error);
    });

    // Assess
    expect(failure).toBeInstanceOf(MessagingConfigurationError);
    expect(failure).toMatchObject({
      name: 'MessagingConfigurationError',
      message: 'EMAIL is not set up correctly at the provider (MessageRejected)',
    });
    expect(String(failure)).not.toMatch(/example\.com/);
    expect(await ses.sent()).toEqual([]);
    const counted = emf.filter((document) => document.MessagingMisconfigured === 1);
    expect(counted.map(({ channel, error, service }) => ({ channel, error, service }))).toEqual([
      { channel: undefined, error: undefined, service: 'collections' },
      { channel: 'EMAIL', error: 'MessageRejected', service: 'collections' },
    ]);
  });

  test('the sandbox: a recipient that is not verified is refused the same way; a verified one gets the email', async () => {
    // Prepare
    const { ses, messenger } = await withSes({ sandboxVerified: ['@verified.example'] });

    // Act
    const outcomes = await settled([
      messenger.send(email('wei@example.com')),
      messenger.send(email('ops@verified.example')),
    ]);

    // Assess
    expect(outcomes[0]).toBeInstanceOf(MessagingConfigurationError);
    expect(outcomes[1]).toMatchObject({ status: 'SENT' });
    expect((await ses.sent()).map((message) => message.destination.to)).toEqual([['ops@verified.example']]);
  });
});

describe('throttling is retried (MessageDeliveryError), never a skip', () => {
  test('SES at 2 emails a second: of 5 sends in one virtual second 2 go, 3 are TooManyRequestsException; the next second sends', async () => {
    // Prepare
    const { clock, ses, messenger } = await withSes({ maxSendsPerSecond: 2 });
    const five = ['a', 'b', 'c', 'd', 'e'].map((name) => email(`${name}@example.com`));

    // Act
    const outcomes = await settled(five.map((message) => messenger.send(message)));
    await clock.advanceTo(clock.now() + 1000);
    const nextSecond = await messenger.send(email('f@example.com'));

    // Assess
    expect(outcomes.filter((outcome) => (outcome as { status?: string }).status === 'SENT')).toHaveLength(2);
    const throttled = outcomes.filter((outcome) => outcome instanceof MessageDeliveryError);
    expect(throttled).toHaveLength(3);
    for (const error of throttled) expect(error).toMatchObject({ providerError: 'TooManyRequestsException' });
    expect(nextSecond).toMatchObject({ status: 'SENT' });
    expect(await ses.sent()).toHaveLength(3);
  });

  test('SNS at 2 SMS a second: of 5 sends in one virtual second 2 go, 3 are ThrottledException', async () => {
    // Prepare
    const { sns, messenger } = await withSns(2);
    const five = [1, 2, 3, 4, 5].map((n) => sms(`+861380013800${n}`));

    // Act
    const outcomes = await settled(five.map((message) => messenger.send(message)));

    // Assess
    expect(outcomes.filter((outcome) => (outcome as { status?: string }).status === 'SENT')).toHaveLength(2);
    const throttled = outcomes.filter((outcome) => outcome instanceof MessageDeliveryError);
    expect(throttled).toHaveLength(3);
    for (const error of throttled) expect(error).toMatchObject({ providerError: 'ThrottledException' });
    expect(sns.messages).toHaveLength(2);
  });
});

describe('which provider errors are whose problem', () => {
  const providerError = (name: string, message = 'refused') => Object.assign(new Error(message), { name });

  test.each([
    ['SMS', 'InvalidParameterException', 'RECIPIENT'],
    ['SMS', 'InvalidParameterValueException', 'RECIPIENT'],
    ['SMS', 'AuthorizationErrorException', 'CONFIGURATION'],
    ['SMS', 'KMSAccessDeniedException', 'CONFIGURATION'],
    ['SMS', 'KMSDisabledException', 'CONFIGURATION'],
    ['SMS', 'NotFoundException', 'CONFIGURATION'],
    ['SMS', 'ThrottledException', 'TRANSIENT'],
    ['SMS', 'KMSThrottlingException', 'TRANSIENT'],
    ['SMS', 'InternalErrorException', 'TRANSIENT'],
    ['EMAIL', 'MessageRejected', 'CONFIGURATION'],
    ['EMAIL', 'MailFromDomainNotVerifiedException', 'CONFIGURATION'],
    ['EMAIL', 'AccountSuspendedException', 'CONFIGURATION'],
    ['EMAIL', 'SendingPausedException', 'CONFIGURATION'],
    ['EMAIL', 'NotFoundException', 'CONFIGURATION'],
    ['EMAIL', 'TooManyRequestsException', 'TRANSIENT'],
    ['EMAIL', 'LimitExceededException', 'TRANSIENT'],
    ['EMAIL', 'ThrottlingException', 'TRANSIENT'],
    ['EMAIL', 'Throttling', 'TRANSIENT'],
  ] as const)('%s %s is %s', (channel, name, kind) => {
    expect(classifyProviderError(channel, providerError(name))).toBe(kind);
  });

  test('SES BadRequestException is the recipient when it is about the address, else our request', () => {
    expect(classifyProviderError('EMAIL', providerError('BadRequestException', 'Illegal address'))).toBe(
      'RECIPIENT',
    );
    expect(classifyProviderError('EMAIL', providerError('BadRequestException', 'Invalid header value'))).toBe(
      'CONFIGURATION',
    );
  });
});
