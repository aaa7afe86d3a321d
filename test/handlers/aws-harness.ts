import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import {
  createTable,
  createTableInput,
  FakeCreditBureau,
  Ids,
  LocalEventBridge,
  LocalSecretsManager,
  localArn,
  localDynamoClient,
  SnsEmulator,
  SynthesizedApp,
} from '@rental-collections/local-aws';
import { CREDIT_BUREAU_ENV } from '../../lambdas/adapters/credit-bureau-config';
import { TABLES } from '../../lambdas/adapters/tables';
import { ENV } from '../../lambdas/shared/config';
import { type LocalAws, startLocalAws } from '../support/local-aws';

/**
 * `startLocalAws()` plus what the escalation ladder's handlers need, all real and in this process:
 * the WorkItems table in the same dynalite, the Secrets Manager emulator (the opt-out signing secret
 * and the credit bureau's keys), the fake Zhima bureau behind its gateway, an SNS emulator that also
 * knows the legal topic, and the variables that name them. Nothing mocks the SDK.
 */
export interface Harness extends LocalAws {
  secrets: LocalSecretsManager;
  /** Every event put on the bus by the handlers, in order. */
  bus: LocalEventBridge;
  bureau: FakeCreditBureau;
  /** The value of the opt-out signing secret, to seal tokens the way the adapter does. */
  signingSecret: string;
  legalTopicArn: string;
  busName: string;
  optOutBaseUrl: string;
}

export const SIGNING_SECRET = 'test-opt-out-signing-secret-0123456789abcdef';
export const BUREAU_APP_ID = '2021000000000042';
export const OPT_OUT_BASE_URL = 'https://collections.example.com/v1';
export const LEGAL_TOPIC_ARN = localArn('sns', 'LegalTopic');
export const BUS_NAME = 'collections';

const SIGNING_SECRET_ARN = localArn('secretsmanager', 'secret:SigningSecret');
const BUREAU_SECRET_ARN = localArn('secretsmanager', 'secret:CreditBureauSecret');

const listen = async (server: Server): Promise<string> => {
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
};

const closing = (server: Server) => () =>
  new Promise<void>((resolve) => (server.listening ? server.close(() => resolve()) : resolve()));

export interface HarnessOptions {
  /**
   * Start the fake credit bureau (default true). Its two RSA-2048 key pairs take about a second to
   * make, so files whose handlers never reach the bureau leave it out.
   */
  bureau?: boolean;
}

export async function startHarness(options: HarnessOptions = {}): Promise<Harness> {
  const aws = await startLocalAws();
  const stops: Array<() => Promise<void>> = [];
  try {
    // The WorkItems table, from the same model the CDK uses.
    const dynamo = localDynamoClient(process.env.AWS_ENDPOINT_URL_DYNAMODB ?? '');
    await createTable(dynamo, createTableInput('WorkItems', TABLES.workItems));
    dynamo.destroy();

    // SNS that knows the legal topic (the shared one knows no topics); the SMS tests read this one.
    const sns = new SnsEmulator(aws.clock, new Ids(11), () => new Set([LEGAL_TOPIC_ARN]));
    stops.push(closing(sns.server));

    // Secrets Manager with the two secrets of the stack, as a tiny template declares them.
    const app = new SynthesizedApp('', {
      Resources: {
        SigningSecret: { Type: 'AWS::SecretsManager::Secret', Properties: { Name: 'SigningSecret' } },
        CreditBureauSecret: {
          Type: 'AWS::SecretsManager::Secret',
          Properties: { Name: 'CreditBureauSecret' },
        },
      },
    });
    const secrets = new LocalSecretsManager(app, new Ids(13), aws.clock);
    stops.push(closing(secrets.server));

    // The bus (no rules): what API commands announce themselves, e.g. Case Refund Due.
    const bus = new LocalEventBridge(
      new SynthesizedApp('', {
        Resources: { Bus: { Type: 'AWS::Events::EventBus', Properties: { Name: BUS_NAME } } },
      }),
      aws.clock,
      new Ids(17),
      async () => {},
    );
    stops.push(closing(bus.server));

    secrets.put(SIGNING_SECRET_ARN, SIGNING_SECRET);

    // The fake bureau, with fresh keys for both sides; the adapter reads its half from the secret.
    let bureau: FakeCreditBureau | undefined;
    let bureauEndpoint = 'http://127.0.0.1:9/not-started';
    if (options.bureau ?? true) {
      const keys = FakeCreditBureau.generateKeys();
      const started = new FakeCreditBureau({
        appId: BUREAU_APP_ID,
        merchantPublicKeyPem: keys.merchant.publicKeyPem,
        bureauPrivateKeyPem: keys.bureau.privateKeyPem,
        clock: aws.clock,
      });
      bureauEndpoint = await started.listen();
      stops.push(() => started.close());
      bureau = started;
      secrets.put(
        BUREAU_SECRET_ARN,
        JSON.stringify({
          appId: BUREAU_APP_ID,
          privateKeyPem: keys.merchant.privateKeyPem,
          bureauPublicKeyPem: keys.bureau.publicKeyPem,
        }),
      );
    }

    Object.assign(process.env, {
      AWS_ENDPOINT_URL_SNS: await listen(sns.server),
      AWS_ENDPOINT_URL_SECRETS_MANAGER: await listen(secrets.server),
      AWS_ENDPOINT_URL_EVENTBRIDGE: await listen(bus.server),
      [ENV.workItemsTable]: 'WorkItems',
      [ENV.signingSecretArn]: SIGNING_SECRET_ARN,
      [ENV.optOutBaseUrl]: OPT_OUT_BASE_URL,
      [ENV.legalTopicArn]: LEGAL_TOPIC_ARN,
      [ENV.eventBusName]: BUS_NAME,
      [CREDIT_BUREAU_ENV.endpoint]: bureauEndpoint,
      [CREDIT_BUREAU_ENV.secretArn]: BUREAU_SECRET_ARN,
      [CREDIT_BUREAU_ENV.timeoutMs]: '5000',
    });
    return {
      ...aws,
      sns,
      secrets,
      bus,
      get bureau(): FakeCreditBureau {
        if (!bureau) throw new Error('this harness was started without the credit bureau');
        return bureau;
      },
      signingSecret: SIGNING_SECRET,
      legalTopicArn: LEGAL_TOPIC_ARN,
      busName: BUS_NAME,
      optOutBaseUrl: OPT_OUT_BASE_URL,
      async stop() {
        await Promise.allSettled(stops.map((stop) => stop()));
        await aws.stop();
      },
    };
  } catch (error) {
    await Promise.allSettled(stops.map((stop) => stop()));
    await aws.stop();
    throw error;
  }
}
