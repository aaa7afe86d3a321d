import { FunctionPermissions, SynthesizedApp } from '@rental-collections/local-aws';
import { CDK_OUT } from '../support/cdk-out';
import { TemplateModel } from './template-model';

/**
 * The DynamoDB actions each function's role allows on each table, asked of an IAM policy simulator
 * over the synthesized policies (local/iam.ts), not read back from the grant code. Broad actions only
 * where a named adapter calls them; the local runtime refuses any call a role does not allow, so the
 * workflow, e2e and function-environment suites show every action a function calls is granted.
 */
const model = new TemplateModel();
const app = SynthesizedApp.load(CDK_OUT);
const permissions = new FunctionPermissions(app);
const tables = model.ofType('AWS::DynamoDB::Table').map(([logicalId]) => logicalId);

/** Actions no adapter calls unless named below; the stream actions no function calls at all. */
const BROAD_ACTIONS = [
  'dynamodb:Scan',
  'dynamodb:BatchWriteItem',
  'dynamodb:DeleteItem',
  'dynamodb:DescribeStream',
  'dynamodb:GetRecords',
  'dynamodb:GetShardIterator',
  'dynamodb:ListStreams',
];

/** What IAM authorizes an action on: the table, its stream (stream reads), or `*` (ListStreams). */
function resourceOf(action: string, tableArn: string): string {
  if (action === 'dynamodb:ListStreams') return '*';
  if (['dynamodb:DescribeStream', 'dynamodb:GetRecords', 'dynamodb:GetShardIterator'].includes(action))
    return `${tableArn}/stream/2026-03-02T00:00:00.000`;
  return tableArn;
}

/** Every `handler action table` a role allows among `actions` (tables by logical id, prefix only). */
async function allowed(actions: string[]): Promise<string[]> {
  const found: string[] = [];
  for (const fn of model.functions()) {
    const name = app.physicalName(fn.logicalId);
    for (const table of tables) {
      const tableArn = app.getAtt(table, 'Arn');
      for (const action of actions) {
        const resource = resourceOf(action, tableArn);
        if (await permissions.allows(name, action, resource))
          found.push(`${fn.handler} ${action} ${table.replace(/^Data|[0-9A-F]{8}$/g, '')}`);
      }
    }
  }
  return found.sort();
}

describe('DynamoDB grants are what the adapters call', () => {
  test('no function may Scan, BatchWriteItem, DeleteItem or read a stream, except where a named adapter does', async () => {
    // Act
    const broad = await allowed(BROAD_ACTIONS);

    // Assess
    expect(broad).toEqual(
      [
        // DynamoCaseRepository.list without a filter that picks an index: GET /cases
        'api/list-cases dynamodb:Scan Cases',
        // Powertools' DynamoDBPersistenceLayer deletes the record of a request that failed
        ...model
          .functions()
          .filter((fn) => fn.environment.IDEMPOTENCY_TABLE !== undefined)
          .map((fn) => `${fn.handler} dynamodb:DeleteItem Idempotency`),
      ].sort(),
    );
  });

  test('no function may DescribeTable or ConditionCheckItem, and only the work listing BatchGetItem', async () => {
    // Act
    const unused = await allowed(['dynamodb:DescribeTable', 'dynamodb:ConditionCheckItem']);
    const batch = await allowed(['dynamodb:BatchGetItem']);

    // Assess
    expect(unused).toEqual([]);
    // DynamoCaseRepository.getMany: the cases of a page of work items (is the work HELD?)
    expect(batch).toEqual(['api/list-work-items dynamodb:BatchGetItem Cases']);
  });

  test('a function reading a table may read it by key; one whose code writes it may write it', async () => {
    // Prepare
    const openCase = app.physicalName(model.fn('api/open-case').logicalId);
    const getCase = app.physicalName(model.fn('api/get-case').logicalId);
    const [casesId] = model.one('AWS::DynamoDB::Table', 'DataCases');

    // Act
    const decisions = await Promise.all(
      [
        [openCase, 'dynamodb:PutItem'],
        [openCase, 'dynamodb:GetItem'],
        [getCase, 'dynamodb:GetItem'],
        [getCase, 'dynamodb:PutItem'],
      ].map(([fn, action]) => permissions.allows(fn as string, action as string, app.getAtt(casesId, 'Arn'))),
    );

    // Assess
    expect(decisions).toEqual([true, true, true, false]);
  });
});
