import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import {
  type AttributeDefinition,
  CreateTableCommand,
  type CreateTableCommandInput,
  DynamoDBClient,
} from '@aws-sdk/client-dynamodb';
import dynalite from 'dynalite';
import type { TableModel } from '../lambdas/adapters/tables';

/** dynalite in-process, in memory (a restart starts clean); tables are ACTIVE at once. */
export async function startDynalite(): Promise<{ server: Server; endpoint: string }> {
  const server = dynalite({ createTableMs: 0, deleteTableMs: 0, updateTableMs: 0 }) as Server;
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return { server, endpoint: `http://127.0.0.1:${(server.address() as AddressInfo).port}` };
}

export function localDynamoClient(endpoint: string): DynamoDBClient {
  return new DynamoDBClient({
    endpoint,
    region: 'us-east-1',
    credentials: { accessKeyId: 'local', secretAccessKey: 'local' },
  });
}

/** CreateTable input for a table of `lambdas/adapters/tables.ts`. */
export function createTableInput(tableName: string, model: TableModel): CreateTableCommandInput {
  const attributes = new Map<string, AttributeDefinition>();
  const attribute = (name: string) => attributes.set(name, { AttributeName: name, AttributeType: 'S' });
  attribute(model.partitionKey);
  if (model.sortKey) attribute(model.sortKey);
  for (const index of model.indexes) {
    attribute(index.partitionKey);
    attribute(index.sortKey);
  }
  return {
    TableName: tableName,
    BillingMode: 'PAY_PER_REQUEST',
    KeySchema: [
      { AttributeName: model.partitionKey, KeyType: 'HASH' },
      ...(model.sortKey ? [{ AttributeName: model.sortKey, KeyType: 'RANGE' as const }] : []),
    ],
    AttributeDefinitions: [...attributes.values()],
    ...(model.indexes.length > 0
      ? {
          GlobalSecondaryIndexes: model.indexes.map((index) => ({
            IndexName: index.name,
            KeySchema: [
              { AttributeName: index.partitionKey, KeyType: 'HASH' as const },
              { AttributeName: index.sortKey, KeyType: 'RANGE' as const },
            ],
            Projection: { ProjectionType: 'ALL' as const },
          })),
        }
      : {}),
  };
}

export async function createTable(client: DynamoDBClient, input: CreateTableCommandInput): Promise<void> {
  await client.send(new CreateTableCommand(input));
}
