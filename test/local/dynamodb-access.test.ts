import * as path from 'node:path';
import { DynamoDBClient, PutItemCommand, QueryCommand, ScanCommand } from '@aws-sdk/client-dynamodb';
import { accessKeyOf, LocalRuntime, requiredPermissions } from '@rental-collections/local-aws';
import { mutatedCdkOut } from '../infra/function-runs';
import { TemplateModel } from '../infra/template-model';
import type { CfnTemplate } from '../support/cdk-out';
import { openCaseBody } from '../support/fixtures';
import { http, START } from './runtime-support';

/**
 * The local DynamoDB authorizes every call of a hosted function against that function's role in the
 * template, as DynamoDB does on AWS: a call the role does not allow is an AccessDeniedException. So
 * the suites that run the functions on the local runtime fail when a function calls what it lacks.
 */
const arn = (resource: string) => `arn:aws:dynamodb:us-east-1:000000000000:table/${resource}`;

describe('requiredPermissions: what a DynamoDB request needs, as AWS authorizes it', () => {
  test.each<[string, string, Record<string, unknown>, Array<[string, string]>]>([
    [
      'a single-item action, on its table',
      'GetItem',
      { TableName: 'Cases' },
      [['dynamodb:GetItem', arn('Cases')]],
    ],
    [
      'a query of an index, on the index',
      'Query',
      { TableName: 'Cases', IndexName: 'byStatus' },
      [['dynamodb:Query', arn('Cases/index/byStatus')]],
    ],
    ['a scan of the table', 'Scan', { TableName: 'Cases' }, [['dynamodb:Scan', arn('Cases')]]],
    [
      'a batch write, as BatchWriteItem on each of its tables',
      'BatchWriteItem',
      { RequestItems: { Cases: [], Timeline: [] } },
      [
        ['dynamodb:BatchWriteItem', arn('Cases')],
        ['dynamodb:BatchWriteItem', arn('Timeline')],
      ],
    ],
    [
      'a transaction, as the single-item action of each item',
      'TransactWriteItems',
      {
        TransactItems: [
          { Put: { TableName: 'Timeline' } },
          { Update: { TableName: 'Cases' } },
          { ConditionCheck: { TableName: 'Customers' } },
        ],
      },
      [
        ['dynamodb:PutItem', arn('Timeline')],
        ['dynamodb:UpdateItem', arn('Cases')],
        ['dynamodb:ConditionCheckItem', arn('Customers')],
      ],
    ],
    ['an account-level action, on *', 'ListTables', {}, [['dynamodb:ListTables', '*']]],
  ])('%s', (_name, operation, input, expected) => {
    expect(requiredPermissions(operation, input)).toEqual(expected);
  });
});

describe('a function may call only what its role allows', () => {
  // The app as synthesized if `bindTable('cases', cases, 'read', 'scan')` had lost its 'scan'.
  const model = new TemplateModel();
  const listCases = model.fn('api/list-cases');
  const mutated = mutatedCdkOut((template: CfnTemplate) => {
    for (const policy of Object.values(template.Resources)) {
      if (policy.Type !== 'AWS::IAM::Policy') continue;
      if (!JSON.stringify(policy.Properties.Roles).includes(listCases.roleId)) continue;
      const document = policy.Properties.PolicyDocument as {
        Statement: Array<{ Action: string | string[] }>;
      };
      for (const statement of document.Statement) {
        const actions = [statement.Action].flat().filter((action) => action !== 'dynamodb:Scan');
        statement.Action = actions;
      }
    }
  });
  let runtime: LocalRuntime;

  beforeAll(async () => {
    runtime = await LocalRuntime.start({
      cdkOut: mutated.cdkOut,
      projectRoot: path.join(__dirname, '..', '..'),
      port: 0,
      start: Date.parse(START),
      speed: 0,
      seed: 11,
      handlers: 'source',
      functionLogLevel: 'CRITICAL',
    });
  }, 60_000);

  afterAll(async () => {
    await runtime?.stop();
    mutated.remove();
  });

  /** A DynamoDB client signing as the hosted function `handler` does in its worker (bundle mode). */
  const clientOf = (handler: string) =>
    new DynamoDBClient({
      endpoint: runtime.endpoints.dynamodb,
      region: 'us-east-1',
      credentials: {
        accessKeyId: accessKeyOf(runtime.lambdas.find(model.fn(handler).logicalId)),
        secretAccessKey: 'local',
      },
      maxAttempts: 1,
    });
  /** A variable of the function running `handler` (table names are physical names). */
  const variable = (handler: string, name: string) =>
    runtime.lambdas.find(model.fn(handler).logicalId).environment[name] as string;

  test('a handler in this process (source mode) whose role lacks Scan fails where it scans, and only there', async () => {
    // Prepare
    const api = http(runtime);
    const opened = await api.post('/cases', openCaseBody());

    // Act
    const unfiltered = await api.get('/cases');
    const byStatus = await api.get('/cases?status=OPEN');

    // Assess: opening and a listing through an index work; the scan is refused, so the route fails
    expect(opened.status).toBe(201);
    expect(byStatus.status).toBe(200);
    expect(unfiltered.status).toBe(500);
  });

  test('a caller signing with a function’s access key (bundle mode) may do what its role allows', async () => {
    // Prepare
    const client = clientOf('api/list-work-items');

    // Act
    const reply = await client.send(
      new QueryCommand({
        TableName: variable('api/list-work-items', 'WORK_ITEMS_TABLE'),
        IndexName: 'byQueue',
        KeyConditionExpression: '#q = :q',
        ExpressionAttributeNames: { '#q': 'queue' },
        ExpressionAttributeValues: { ':q': { S: 'CALLS' } },
      }),
    );
    client.destroy();

    // Assess
    expect(reply.$metadata.httpStatusCode).toBe(200);
  });

  test.each([
    ['api/get-case', 'PutItem'],
    ['api/list-cases', 'Scan'],
  ])(
    '%s may not %s the cases table: AccessDeniedException naming the role, action and table',
    async (handler, operation) => {
      // Prepare
      const client = clientOf(handler);
      const cases = variable(handler, 'CASES_TABLE');
      const command =
        operation === 'Scan'
          ? new ScanCommand({ TableName: cases })
          : new PutItemCommand({ TableName: cases, Item: { caseId: { S: 'case-x' } } });

      // Act
      const call = client.send(command as PutItemCommand);

      // Assess
      await expect(call).rejects.toMatchObject({
        name: 'AccessDeniedException',
        message: expect.stringMatching(
          new RegExp(
            `assumed-role/.+ is not authorized to perform: dynamodb:${operation} on resource: .+:table/${cases}`,
          ),
        ),
      });
      client.destroy();
    },
  );

  test('the runtime and tests, signing as no function, are not checked', async () => {
    // Prepare
    const client = new DynamoDBClient({
      endpoint: runtime.endpoints.dynamodb,
      region: 'us-east-1',
      credentials: { accessKeyId: 'local', secretAccessKey: 'local' },
    });

    // Act
    const reply = await client.send(
      new ScanCommand({ TableName: variable('api/list-cases', 'CASES_TABLE'), Limit: 1 }),
    );
    client.destroy();

    // Assess
    expect(reply.$metadata.httpStatusCode).toBe(200);
  });
});
