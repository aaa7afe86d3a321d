/// <reference path="../types/dynalite.d.ts" />
import {
  Agent,
  createServer,
  request as httpRequest,
  type IncomingMessage,
  type Server,
  type ServerResponse,
} from 'node:http';
import type { AddressInfo } from 'node:net';
import {
  type AttributeDefinition,
  CreateTableCommand,
  type CreateTableCommandInput,
  DynamoDBClient,
} from '@aws-sdk/client-dynamodb';
import dynalite from 'dynalite';
import { localArn } from './template';

/** How long a stop waits for requests dynalite is still working on. */
const DRAIN_TIMEOUT_MS = 10_000;

/**
 * dynalite in-process, in memory (a restart starts clean); tables are ACTIVE at once.
 *
 * `close()` first lets every request dynalite has begun finish: a request goes on inside dynalite
 * after its caller's socket is gone (a function's worker stopped mid-call), and dynalite closes its
 * database once no socket is left, so an index write still under way would hit a closed database and
 * throw out of the process. While closing, new requests are answered 503.
 */
export async function startDynalite(
  port = 0,
): Promise<{ server: Server; endpoint: string; close(): Promise<void> }> {
  const server = dynalite({ createTableMs: 0, deleteTableMs: 0, updateTableMs: 0 }) as Server;
  const [handle] = server.listeners('request') as Array<
    (request: IncomingMessage, response: ServerResponse) => void
  >;
  if (!handle) throw new Error('dynalite registered no request handler');
  server.removeAllListeners('request');
  let working = 0;
  let closing = false;
  server.on('request', (request: IncomingMessage, response: ServerResponse) => {
    if (closing) {
      response.writeHead(503).end();
      return;
    }
    working++;
    // dynalite ends the response when it is done, whether or not the caller is still there.
    const end = response.end.bind(response) as (...args: unknown[]) => ServerResponse;
    let done = false;
    response.end = ((...args: unknown[]) => {
      if (!done) {
        done = true;
        working--;
      }
      return end(...args);
    }) as ServerResponse['end'];
    handle(request, response);
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, '127.0.0.1', resolve);
  });
  return {
    server,
    endpoint: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    async close() {
      if (!server.listening) return;
      closing = true;
      const since = Date.now();
      while (working > 0 && Date.now() - since < DRAIN_TIMEOUT_MS)
        await new Promise((resolve) => setTimeout(resolve, 5));
      await new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      });
    },
  };
}

/** Who sent a request, and whether they may do an action on a resource (IAM, as on AWS). */
export interface DynamoAccessControl {
  /** The hosted function a request comes from; `undefined` for the runtime itself (not checked). */
  callerOf(request: IncomingMessage): string | undefined;
  allows(caller: string, action: string, resource: string): Promise<boolean>;
  /** The caller as an AccessDeniedException names it (an assumed-role ARN). */
  principalOf(caller: string): string;
}

/** A table's ARN, or one of its indexes' (`…/index/byStatus`), as IAM sees the request. */
const tableArn = (tableName: string, indexName?: unknown) =>
  localArn('dynamodb', `table/${tableName}${typeof indexName === 'string' ? `/index/${indexName}` : ''}`);

/**
 * The actions and resources a DynamoDB request needs permission for, as AWS authorizes them: the
 * operation on its table (or index), a batch operation on each of its tables, and each item of a
 * transaction as the single-item action it is (Put → PutItem, ConditionCheck → ConditionCheckItem).
 */
export function requiredPermissions(
  operation: string,
  input: Record<string, unknown>,
): Array<[string, string]> {
  const action = (name: string) => `dynamodb:${name}`;
  if (operation === 'BatchGetItem' || operation === 'BatchWriteItem') {
    return Object.keys((input.RequestItems ?? {}) as object).map((table) => [
      action(operation),
      tableArn(table),
    ]);
  }
  if (operation === 'TransactGetItems' || operation === 'TransactWriteItems') {
    const single: Record<string, string> = {
      Get: 'GetItem',
      Put: 'PutItem',
      Update: 'UpdateItem',
      Delete: 'DeleteItem',
      ConditionCheck: 'ConditionCheckItem',
    };
    return ((input.TransactItems ?? []) as Array<Record<string, { TableName?: string }>>).flatMap((item) =>
      Object.entries(item).map(([kind, detail]): [string, string] => [
        action(single[kind] ?? kind),
        tableArn(String(detail?.TableName)),
      ]),
    );
  }
  if (typeof input.TableName === 'string')
    return [[action(operation), tableArn(input.TableName, input.IndexName)]];
  return [[action(operation), '*']];
}

/**
 * A thin proxy in front of dynalite that authorizes every request of a hosted function against its
 * role, as DynamoDB does on AWS, and answers what is not allowed with AccessDeniedException.
 */
export async function startAuthorizingProxy(
  dynaliteEndpoint: string,
  access: DynamoAccessControl,
  port = 0,
): Promise<{ endpoint: string; close(): Promise<void> }> {
  const target = new URL(dynaliteEndpoint);
  const upstreamAgent = new Agent({ keepAlive: true });
  const server = createServer((request, response) => {
    // The caller is known from the connection now, before the body arrives (see LambdaHost.callerOf).
    const caller = access.callerOf(request);
    void forward(request, response, caller).catch((error: unknown) => {
      if (!response.headersSent) response.writeHead(500, { 'content-type': 'application/x-amz-json-1.0' });
      response.end(
        JSON.stringify({
          __type: 'com.amazonaws.dynamodb.v20120810#InternalServerError',
          message: String(error),
        }),
      );
    });
  });
  const forward = async (request: IncomingMessage, response: ServerResponse, caller: string | undefined) => {
    const chunks: Buffer[] = [];
    for await (const chunk of request) chunks.push(chunk as Buffer);
    const body = Buffer.concat(chunks);
    if (caller !== undefined) {
      const operation =
        String(request.headers['x-amz-target'] ?? '')
          .split('.')
          .at(-1) ?? '';
      let input: Record<string, unknown> = {};
      try {
        input = JSON.parse(body.toString('utf8') || '{}') as Record<string, unknown>;
      } catch {
        // dynalite answers a malformed body with its own error.
      }
      for (const [action, resource] of requiredPermissions(operation, input)) {
        if (await access.allows(caller, action, resource)) continue;
        response.writeHead(400, { 'content-type': 'application/x-amz-json-1.0' });
        response.end(
          JSON.stringify({
            __type: 'com.amazon.coral.service#AccessDeniedException',
            Message: `User: ${access.principalOf(caller)} is not authorized to perform: ${action} on resource: ${resource} because no identity-based policy allows the ${action} action`,
          }),
        );
        return;
      }
    }
    await new Promise<void>((resolve, reject) => {
      const upstream = httpRequest(
        {
          host: target.hostname,
          port: target.port,
          method: request.method,
          path: request.url,
          headers: request.headers,
          agent: upstreamAgent,
        },
        (reply) => {
          response.writeHead(reply.statusCode ?? 500, reply.headers);
          reply.pipe(response);
          reply.once('end', resolve);
        },
      );
      upstream.once('error', reject);
      upstream.end(body);
    });
  };
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, '127.0.0.1', resolve);
  });
  return {
    endpoint: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    // At once: the functions' SDK clients keep their connections alive, which would hold it open.
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
        upstreamAgent.destroy();
      }),
  };
}

export function localDynamoClient(endpoint: string): DynamoDBClient {
  return new DynamoDBClient({
    endpoint,
    region: 'us-east-1',
    credentials: { accessKeyId: 'local', secretAccessKey: 'local' },
  });
}

/** A table's keys and global secondary indexes, all string attributes, as an app models its tables. */
export interface TableKeys {
  partitionKey: string;
  sortKey?: string;
  indexes: ReadonlyArray<{ name: string; partitionKey: string; sortKey: string }>;
}

/** CreateTable input (on demand, every index projecting all attributes) for a table of these keys. */
export function createTableInput(tableName: string, model: TableKeys): CreateTableCommandInput {
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
