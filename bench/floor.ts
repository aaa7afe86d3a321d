/**
 * A function's *floor* (`npm run bench:bundles`): the smallest bundle that could do its job, only the
 * AWS SDK clients it calls, derived from the actions its role is allowed in the synthesized template.
 */

export type SdkClient = 'DynamoDB' | 'SFN' | 'SNS' | 'SESv2' | 'EventBridge' | 'SecretsManager';

/**
 * The client that calls each service prefix of an IAM action, or `null` for services that act on the
 * function's behalf and are never called by its code: KMS (DynamoDB encrypts with the key), CloudWatch
 * Logs (the Lambda runtime writes them), X-Ray (the runtime sends the traces), SQS (the event source
 * mapping polls the queue and deletes what the function consumed).
 */
const CLIENT_OF_SERVICE: Record<string, SdkClient | null> = {
  dynamodb: 'DynamoDB',
  states: 'SFN',
  sns: 'SNS',
  ses: 'SESv2',
  events: 'EventBridge',
  secretsmanager: 'SecretsManager',
  kms: null,
  logs: null,
  xray: null,
  sqs: null,
};

/** Order of the clients in a floor, and the one whose call is the floor's first call. */
export const CLIENT_ORDER: readonly SdkClient[] = [
  'DynamoDB',
  'SFN',
  'SecretsManager',
  'SNS',
  'SESv2',
  'EventBridge',
];

/** The SDK clients a role's actions need; an action of a service not listed here is an error to fix. */
export function clientsFor(actions: readonly string[]): SdkClient[] {
  const clients = new Set<SdkClient>();
  for (const action of actions) {
    const service = action.split(':')[0] ?? '';
    const client = CLIENT_OF_SERVICE[service];
    if (client === undefined)
      throw new Error(`no SDK client known for ${action}: add its service to the floor`);
    if (client) clients.add(client);
  }
  return CLIENT_ORDER.filter((client) => clients.has(client));
}

/** What a floor bundle imports and constructs for each client, and the call it makes first. */
const CLIENT_SOURCE: Record<SdkClient, { module: string; construct: string; firstCall: string }> = {
  DynamoDB: {
    module: "import { DynamoDBClient, GetItemCommand } from '@aws-sdk/client-dynamodb';",
    construct: 'const dynamodb = new DynamoDBClient({});',
    firstCall:
      "dynamodb.send(new GetItemCommand({ TableName: firstTable(), Key: { pk: { S: 'bench' }, sk: { S: 'bench' } } }))",
  },
  SFN: {
    module: "import { SFNClient, SendTaskSuccessCommand } from '@aws-sdk/client-sfn';",
    construct: 'const sfn = new SFNClient({});',
    firstCall: "sfn.send(new SendTaskSuccessCommand({ taskToken: 'bench', output: '{}' }))",
  },
  SecretsManager: {
    module: "import { SecretsManagerClient, GetSecretValueCommand } from '@aws-sdk/client-secrets-manager';",
    construct: 'const secrets = new SecretsManagerClient({});',
    firstCall: "secrets.send(new GetSecretValueCommand({ SecretId: 'bench' }))",
  },
  SNS: {
    module: "import { SNSClient, CheckIfPhoneNumberIsOptedOutCommand } from '@aws-sdk/client-sns';",
    construct: 'const sns = new SNSClient({});',
    firstCall: "sns.send(new CheckIfPhoneNumberIsOptedOutCommand({ phoneNumber: '+8613800138000' }))",
  },
  SESv2: {
    module: "import { SESv2Client, GetAccountCommand } from '@aws-sdk/client-sesv2';",
    construct: 'const ses = new SESv2Client({});',
    firstCall: 'ses.send(new GetAccountCommand({}))',
  },
  EventBridge: {
    module: "import { EventBridgeClient, PutEventsCommand } from '@aws-sdk/client-eventbridge';",
    construct: 'const events = new EventBridgeClient({});',
    firstCall:
      "events.send(new PutEventsCommand({ Entries: [{ Source: 'bench', DetailType: 'Bench', Detail: '{}' }] }))",
  },
};

/**
 * The entry of a floor bundle: each client constructed once at load, and a `handler` whose call is the
 * first client's first call (an error answer from the emulator still counts: the request was made).
 */
export function floorEntry(clients: readonly SdkClient[]): string {
  const [first] = clients;
  return [
    ...clients.map((client) => CLIENT_SOURCE[client].module),
    ...clients.map((client) => CLIENT_SOURCE[client].construct),
    "const firstTable = () => Object.entries(process.env).find(([key]) => key.endsWith('_TABLE'))?.[1] ?? 'none';",
    'export const handler = async () => {',
    first
      ? `  try { await ${CLIENT_SOURCE[first].firstCall}; return 'ok'; } catch (error) { return error.name; }`
      : "  return 'no client';",
    '};',
    '',
  ].join('\n');
}
