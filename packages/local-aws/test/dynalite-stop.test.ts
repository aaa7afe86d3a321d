import { request } from 'node:http';
import { DynamoDBClient, GetItemCommand } from '@aws-sdk/client-dynamodb';
import { createTable, startDynalite } from '../src/dynamodb';

/**
 * Stopping the local DynamoDB while writes are under way (a function's worker stopped mid-call, the
 * caller's socket gone) finishes those writes before the database closes: dynalite would otherwise
 * write an index entry into a closed database and throw out of the process.
 */
const WRITES = 40;

/** A PutItem sent on its own socket, which is destroyed as soon as the request is written. */
function putAndHangUp(endpoint: string, id: number): Promise<void> {
  const body = JSON.stringify({
    TableName: 'Things',
    Item: { id: { S: `thing-${id}` }, owner: { S: `owner-${id % 3}` }, at: { S: String(id) } },
  });
  return new Promise((resolve) => {
    const sent = request(`${endpoint}/`, {
      method: 'POST',
      headers: {
        'content-type': 'application/x-amz-json-1.0',
        'x-amz-target': 'DynamoDB_20120810.PutItem',
        authorization:
          'AWS4-HMAC-SHA256 Credential=local/20260101/us-east-1/dynamodb/aws4_request, SignedHeaders=host, Signature=0',
        'x-amz-date': '20260101T000000Z',
      },
    });
    sent.on('error', () => resolve());
    sent.end(body, () => {
      sent.destroy();
      resolve();
    });
  });
}

test('a stop while writes to a table with an index are under way lets them finish, and nothing throws', async () => {
  // Prepare
  const dynamo = await startDynalite();
  const client = new DynamoDBClient({
    endpoint: dynamo.endpoint,
    region: 'us-east-1',
    credentials: { accessKeyId: 'local', secretAccessKey: 'local' },
  });
  await createTable(client, {
    TableName: 'Things',
    BillingMode: 'PAY_PER_REQUEST',
    AttributeDefinitions: [
      { AttributeName: 'id', AttributeType: 'S' },
      { AttributeName: 'owner', AttributeType: 'S' },
      { AttributeName: 'at', AttributeType: 'S' },
    ],
    KeySchema: [{ AttributeName: 'id', KeyType: 'HASH' }],
    GlobalSecondaryIndexes: [
      {
        IndexName: 'byOwner',
        KeySchema: [
          { AttributeName: 'owner', KeyType: 'HASH' },
          { AttributeName: 'at', KeyType: 'RANGE' },
        ],
        Projection: { ProjectionType: 'ALL' },
      },
    ],
  });
  const read = await client.send(new GetItemCommand({ TableName: 'Things', Key: { id: { S: 'none' } } }));
  expect(read.Item).toBeUndefined();
  client.destroy();
  const uncaught: unknown[] = [];
  const onUncaught = (error: unknown) => uncaught.push(error);
  process.on('uncaughtException', onUncaught);

  try {
    // Act: the writes go out, their callers hang up, and the database is stopped at once
    await Promise.all(Array.from({ length: WRITES }, (_, id) => putAndHangUp(dynamo.endpoint, id)));
    await dynamo.close();
    await new Promise((resolve) => setTimeout(resolve, 200));

    // Assess
    expect(dynamo.server.listening).toBe(false);
    expect(uncaught).toEqual([]);
  } finally {
    process.off('uncaughtException', onUncaught);
  }
});
