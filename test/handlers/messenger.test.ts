import { SNSClient } from '@aws-sdk/client-sns';
import { sesClient, snsClient } from '../../lambdas/adapters/clients';
import { SnsSesMessenger } from '../../lambdas/adapters/messenger';
import { MessageDeliveryError } from '../../lambdas/domain/ports';
import { type Harness, startHarness } from './aws-harness';

/**
 * The SNS/SES adapter's answer when a provider refuses a message: for good (UNDELIVERABLE, the step
 * records a skip and goes on) or for now (MessageDeliveryError, the workflow retries), never with the
 * address or number in the error. Against the local SNS emulator, which validates like SNS does.
 */
let aws: Harness;
beforeAll(async () => {
  aws = await startHarness({ bureau: false });
});
afterAll(() => aws.stop());

const config = { senderEmail: 'collections@example.com', configurationSet: 'collections' };
const sms = (to: string) => ({
  channel: 'SMS' as const,
  caseId: 'case-1',
  kind: 'REMINDER' as const,
  to,
  body: 'Please pay.',
});

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
