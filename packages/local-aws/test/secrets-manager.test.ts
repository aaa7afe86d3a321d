import type { AddressInfo } from 'node:net';
import {
  DescribeSecretCommand,
  GetSecretValueCommand,
  ResourceNotFoundException,
  SecretsManagerClient,
} from '@aws-sdk/client-secrets-manager';
import { VirtualClock } from '../src/clock';
import { Ids } from '../src/ids';
import { LocalSecretsManager } from '../src/secrets-manager';
import { localArn, SynthesizedApp } from '../src/template';

/**
 * The Secrets Manager emulator spoken to with the AWS SDK (AWS JSON 1.1), as the functions' adapters
 * read their secrets: a value given in the template, one generated from the seed, one the runtime
 * sets, and the errors the SDK turns into its exception classes.
 */
const START = Date.parse('2026-03-02T02:00:00.000Z');
const app = new SynthesizedApp('/nowhere', {
  Resources: {
    GivenSecret: {
      Type: 'AWS::SecretsManager::Secret',
      Properties: { Name: 'GivenSecret', SecretString: '{"user":"local"}' },
    },
    LinkKey: {
      Type: 'AWS::SecretsManager::Secret',
      Properties: { Name: 'LinkKey', GenerateSecretString: {} },
    },
    BureauCredentials: { Type: 'AWS::SecretsManager::Secret', Properties: { Name: 'BureauCredentials' } },
  },
});
const arnOf = (logicalId: string) => localArn('secretsmanager', `secret:${logicalId}`);

interface Running {
  emulator: LocalSecretsManager;
  client: SecretsManagerClient;
  endpoint: string;
  stop(): Promise<void>;
}

async function start(seed: number): Promise<Running> {
  const clock = new VirtualClock({ start: START, speed: 0 });
  const emulator = new LocalSecretsManager(app, new Ids(seed), clock);
  await new Promise<void>((resolve) => emulator.server.listen(0, '127.0.0.1', resolve));
  const endpoint = `http://127.0.0.1:${(emulator.server.address() as AddressInfo).port}`;
  const client = new SecretsManagerClient({
    endpoint,
    region: 'us-east-1',
    credentials: { accessKeyId: 'local', secretAccessKey: 'local' },
    maxAttempts: 1,
  });
  return {
    emulator,
    client,
    endpoint,
    stop: async () => {
      client.destroy();
      await new Promise<void>((resolve) => emulator.server.close(() => resolve()));
    },
  };
}

let running: Running;
beforeAll(async () => {
  running = await start(7);
});
afterAll(() => running?.stop());

describe('GetSecretValue', () => {
  test('a secret whose SecretString the template gives returns it, with the shape AWS answers', async () => {
    // Act
    const result = await running.client.send(new GetSecretValueCommand({ SecretId: arnOf('GivenSecret') }));

    // Assess
    expect(result).toMatchObject({
      ARN: arnOf('GivenSecret'),
      Name: 'GivenSecret',
      SecretString: '{"user":"local"}',
      VersionId: expect.any(String),
      VersionStages: ['AWSCURRENT'],
      CreatedDate: new Date(START),
    });
  });

  test('a generated secret is 64 hex characters from the seed: the same seed gives the same value', async () => {
    // Prepare
    const again = await start(7);
    const other = await start(8);

    try {
      // Act
      const read = (client: SecretsManagerClient) =>
        client.send(new GetSecretValueCommand({ SecretId: arnOf('LinkKey') })).then((r) => r.SecretString);
      const [first, same, different] = await Promise.all([
        read(running.client),
        read(again.client),
        read(other.client),
      ]);

      // Assess
      expect(first).toMatch(/^[0-9a-f]{64}$/);
      expect(same).toBe(first);
      expect(different).not.toBe(first);
    } finally {
      await Promise.all([again.stop(), other.stop()]);
    }
  });

  test('put sets the value the runtime chose (the credit bureau’s keys)', async () => {
    // Prepare
    const value = JSON.stringify({ appId: 'local-app', privateKeyPem: 'p', bureauPublicKeyPem: 'b' });

    // Act
    running.emulator.put(arnOf('BureauCredentials'), value);
    const result = await running.client.send(
      new GetSecretValueCommand({ SecretId: arnOf('BureauCredentials') }),
    );

    // Assess
    expect(result.SecretString).toBe(value);
  });

  test('put refuses a secret the template does not have', () => {
    // Act
    const put = () => running.emulator.put(arnOf('Nope'), 'x');

    // Assess
    expect(put).toThrow(/no secret .*Nope/);
  });

  test('an unknown secret is the SDK’s ResourceNotFoundException', async () => {
    // Act
    const read = running.client.send(new GetSecretValueCommand({ SecretId: arnOf('Unknown') }));

    // Assess
    await expect(read).rejects.toBeInstanceOf(ResourceNotFoundException);
    await expect(read).rejects.toMatchObject({
      name: 'ResourceNotFoundException',
      message: "Secrets Manager can't find the specified secret.",
      $metadata: { httpStatusCode: 400 },
    });
  });
});

describe('what the emulator does not do', () => {
  test('another operation is refused by name (UnknownOperationException)', async () => {
    // Act
    const describe = running.client.send(new DescribeSecretCommand({ SecretId: arnOf('GivenSecret') }));

    // Assess
    await expect(describe).rejects.toMatchObject({
      name: 'UnknownOperationException',
      message: expect.stringContaining('secretsmanager.DescribeSecret'),
    });
  });

  test('a body that is not JSON is an InvalidRequestException', async () => {
    // Act
    const response = await fetch(running.endpoint, {
      method: 'POST',
      headers: {
        'x-amz-target': 'secretsmanager.GetSecretValue',
        'content-type': 'application/x-amz-json-1.1',
      },
      body: '{not json',
    });

    // Assess
    expect(response.status).toBe(400);
    expect(await response.json()).toMatchObject({ __type: 'InvalidRequestException' });
  });
});
