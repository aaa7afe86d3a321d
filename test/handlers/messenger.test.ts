import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { SESv2Client } from '@aws-sdk/client-sesv2';
import { SNSClient } from '@aws-sdk/client-sns';
import {
  counter,
  Ids,
  SesEmulator,
  type SesFaults,
  SnsEmulator,
  type SnsFaults,
  VirtualClock,
} from '@rental-collections/local-aws';
import { sesClient } from '../../lambdas/adapters/clients/ses';
import { snsClient } from '../../lambdas/adapters/clients/sns';
import { classifyProviderError } from '../../lambdas/adapters/messaging-errors';
import { type MessengerConfig, SnsSesMessenger } from '../../lambdas/adapters/messenger';
import {
  MessageDeliveryError,
  MessagingConfigurationError,
  type OutgoingMessage,
} from '../../lambdas/domain/ports';
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

async function withSns(faults: SnsFaults, messengerConfig: Partial<MessengerConfig> = {}) {
  const clock = new VirtualClock({ start: Date.parse('2026-03-02T02:00:00.000Z'), speed: 0 });
  const sns = new SnsEmulator(clock, new Ids(5), () => new Set(), counter(), faults);
  const endpoint = await listen(sns.server);
  const client = new SNSClient({ endpoint, region: 'us-east-1', credentials, maxAttempts: 1 });
  stops.push(async () => {
    client.destroy();
    await close(sns.server);
  });
  return {
    clock,
    sns,
    messenger: new SnsSesMessenger(client, sesClient(), { ...config, ...messengerConfig }),
  };
}

/** The EMF documents Powertools writes to stdout while `act` runs (metrics are on for just that). */
async function emfDuring(act: () => Promise<unknown>): Promise<Array<Record<string, unknown>>> {
  const lines: string[] = [];
  const write = jest.spyOn(process.stdout, 'write').mockImplementation((chunk: unknown) => {
    lines.push(String(chunk));
    return true;
  });
  const before = process.env.POWERTOOLS_METRICS_DISABLED;
  process.env.POWERTOOLS_METRICS_DISABLED = 'false';
  try {
    await act();
  } finally {
    if (before === undefined) delete process.env.POWERTOOLS_METRICS_DISABLED;
    else process.env.POWERTOOLS_METRICS_DISABLED = before;
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

  test('the sandbox with a domain identity (example.org): every address at that domain is verified, other domains are not', async () => {
    // Prepare
    const { ses, messenger } = await withSes({ sandboxVerified: ['verified.example'] });

    // Act
    const outcomes = await settled([
      messenger.send(email('ops@verified.example')),
      messenger.send(email('Wei@Verified.Example')),
      messenger.send(email('ops@notverified.example')),
      messenger.send(email('verified.example@example.com')),
    ]);

    // Assess
    expect(outcomes.slice(0, 2)).toEqual([
      expect.objectContaining({ status: 'SENT' }),
      expect.objectContaining({ status: 'SENT' }),
    ]);
    expect(outcomes[2]).toBeInstanceOf(MessagingConfigurationError);
    expect(outcomes[3]).toBeInstanceOf(MessagingConfigurationError);
    expect((await ses.sent()).map((message) => message.destination.to)).toEqual([
      ['ops@verified.example'],
      ['Wei@Verified.Example'],
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

describe('SNS refusals that are our setup’s, not the customer’s (intake only lets E.164 numbers in)', () => {
  test.each([
    ['an empty message (our template)', {}, {}, ''],
    ['a message over the SMS limit (our template)', {}, {}, 'x'.repeat(1601)],
    ['a SenderID SNS does not accept (our setting)', {}, { smsSenderId: 'Collections Co' }, 'Please pay.'],
    ['a region that cannot send SMS (our deployment)', { smsUnavailable: true }, {}, 'Please pay.'],
  ] as const)(
    '%s is a MessagingConfigurationError without the number, counted for the alarm',
    async (_label, faults, settings, body) => {
      // Prepare
      const { sns, messenger } = await withSns(faults, settings);
      let failure: unknown;

      // Act
      const emf = await emfDuring(async () => {
        failure = await messenger.send({ ...sms('+8613800138000'), body }).catch((error: unknown) => error);
      });

      // Assess
      expect(failure).toBeInstanceOf(MessagingConfigurationError);
      expect((failure as Error).message).toBe(
        'SMS is not set up correctly at the provider (InvalidParameterException)',
      );
      expect(String(failure)).not.toContain('8613800138000');
      expect(sns.messages).toEqual([]);
      const counted = emf.filter((document) => document.MessagingMisconfigured === 1 && document.channel);
      expect(counted.map(({ channel, error }) => ({ channel, error }))).toEqual([
        { channel: 'SMS', error: 'InvalidParameterException' },
      ]);
    },
  );

  test('a malformed number is still the customer’s: UNDELIVERABLE, as SNS says the number is incorrectly formatted', async () => {
    const { messenger } = await withSns({});

    const result = await messenger.send(sms('+86 138'));

    expect(result).toEqual({ status: 'UNDELIVERABLE', reason: 'InvalidParameterException' });
  });
});

describe('the emulators’ send windows count only the messages they accept', () => {
  test('SES at 1 email a second: an email SES refuses as malformed leaves the second’s room to the next', async () => {
    // Prepare
    const { ses, messenger } = await withSes({ maxSendsPerSecond: 1 });
    const { subject: _none, ...withoutSubject } = email('wei@example.com');

    // Act
    const refused = await messenger.send(withoutSubject).catch((error: unknown) => error);
    const next = await messenger.send(email('wei@example.com'));

    // Assess
    expect(refused).toBeInstanceOf(Error); // the emulator's 400 (no subject), whatever its name
    expect(next).toMatchObject({ status: 'SENT' });
    expect(await ses.sent()).toHaveLength(1);
  });

  test('SNS at 1 SMS a second: an SMS SNS refuses as invalid leaves the second’s room to the next', async () => {
    const { sns, messenger } = await withSns({ maxSmsPerSecond: 1 });

    const refused = await messenger
      .send({ ...sms('+8613800138000'), body: '' })
      .catch((error: unknown) => error);
    const next = await messenger.send(sms('+8613800138000'));

    expect(refused).toBeInstanceOf(MessagingConfigurationError);
    expect(next).toMatchObject({ status: 'SENT' });
    expect(sns.messages).toHaveLength(1);
  });
});

test('emfDuring leaves POWERTOOLS_METRICS_DISABLED as it found it', async () => {
  const before = process.env.POWERTOOLS_METRICS_DISABLED;
  const seen: Array<string | undefined> = [];
  try {
    for (const value of [undefined, 'false', 'true']) {
      if (value === undefined) delete process.env.POWERTOOLS_METRICS_DISABLED;
      else process.env.POWERTOOLS_METRICS_DISABLED = value;
      await emfDuring(async () => {});
      seen.push(process.env.POWERTOOLS_METRICS_DISABLED);
    }
  } finally {
    if (before === undefined) delete process.env.POWERTOOLS_METRICS_DISABLED;
    else process.env.POWERTOOLS_METRICS_DISABLED = before;
  }
  expect(seen).toEqual([undefined, 'false', 'true']);
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
    const { sns, messenger } = await withSns({ maxSmsPerSecond: 2 });
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
    ['EMAIL', 'LimitExceededException', 'CONFIGURATION'],
    ['EMAIL', 'TooManyRequestsException', 'TRANSIENT'],
    ['EMAIL', 'ThrottlingException', 'TRANSIENT'],
    ['EMAIL', 'Throttling', 'TRANSIENT'],
  ] as const)('%s %s is %s', (channel, name, kind) => {
    expect(classifyProviderError(channel, providerError(name))).toBe(kind);
  });

  test.each([
    [
      'InvalidParameterException',
      'Invalid parameter: PhoneNumber Reason: input incorrectly formatted',
      'RECIPIENT',
    ],
    [
      'InvalidParameterException',
      'Invalid parameter: PhoneNumber Reason: +12 does not meet the E164 format',
      'RECIPIENT',
    ],
    [
      'InvalidParameterValueException',
      'Invalid parameter: PhoneNumber Reason: not a valid phone number',
      'RECIPIENT',
    ],
    ['InvalidParameterException', 'Invalid parameter: Empty message', 'CONFIGURATION'],
    ['InvalidParameterException', 'Invalid parameter: Message too long', 'CONFIGURATION'],
    [
      'InvalidParameterException',
      'Invalid parameter: MessageAttributes Reason: AWS.SNS.SMS.SenderID must be 1-11 letters, digits or hyphens',
      'CONFIGURATION',
    ],
    [
      'InvalidParameterValueException',
      "The message attribute 'AWS.SNS.SMS.SMSType' must contain non-empty message attribute value",
      'CONFIGURATION',
    ],
    [
      'InvalidParameterException',
      'Invalid parameter: PhoneNumber Reason: +8613800138000 is not valid to publish to',
      'CONFIGURATION',
    ],
    ['InvalidParameterException', 'Invalid parameter: TopicArn', 'CONFIGURATION'],
    ['InvalidParameterException', 'refused', 'CONFIGURATION'],
  ] as const)('SMS %s "%s" is %s', (name, message, kind) => {
    expect(classifyProviderError('SMS', providerError(name, message), '+8613800138000')).toBe(kind);
  });

  test.each([
    ['LimitExceededException', 'Daily message quota exceeded.', 'CONFIGURATION'],
    ['TooManyRequestsException', 'Daily message quota exceeded.', 'CONFIGURATION'],
    ['ThrottlingException', 'Throttling failure: Daily message quota exceeded.', 'CONFIGURATION'],
    ['TooManyRequestsException', 'Maximum sending rate exceeded.', 'TRANSIENT'],
    ['LimitExceededException', 'Maximum sending rate exceeded.', 'TRANSIENT'],
    ['Throttling', 'Throttling failure: Maximum sending rate exceeded.', 'TRANSIENT'],
  ] as const)(
    'SES %s "%s" is %s: the daily quota needs an account change, the rate passes',
    (name, message, kind) => {
      expect(classifyProviderError('EMAIL', providerError(name, message), 'wei@example.com')).toBe(kind);
    },
  );

  test.each([
    ['Illegal address', 'wei@example.com', 'CONFIGURATION'],
    ['Invalid domain name in address', 'wei@example.com', 'CONFIGURATION'],
    ['Invalid header value', 'wei@example.com', 'CONFIGURATION'],
    [
      'Local address contains control or whitespace: collections@example.com',
      'wei@example.com',
      'CONFIGURATION',
    ],
    // our sender's address ends in the recipient's, but it is not the recipient's
    ['Illegal address: collections@example.com', 's@example.com', 'CONFIGURATION'],
    ['Illegal address: Wei@Example.com', 'wei@example.com', 'RECIPIENT'],
    ['Domain of <wei@example.com> does not exist', 'wei@example.com', 'RECIPIENT'],
  ] as const)(
    'SES BadRequestException "%s" (to %s) is %s: only one naming the recipient is the customer’s',
    (message, recipient, kind) => {
      expect(classifyProviderError('EMAIL', providerError('BadRequestException', message), recipient)).toBe(
        kind,
      );
    },
  );
});
