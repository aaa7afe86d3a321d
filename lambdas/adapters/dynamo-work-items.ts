import { ConditionalCheckFailedException } from '@aws-sdk/client-dynamodb';
import { type DynamoDBDocumentClient, GetCommand, PutCommand, QueryCommand } from '@aws-sdk/lib-dynamodb';
import { InvalidRequestError } from '../domain/errors';
import type { WorkItem, WorkItemPage, WorkItemRepository, WorkItemStatus, WorkQueue } from '../domain/ports';

const statusDue = (item: Pick<WorkItem, 'status' | 'dueAt' | 'workItemId'>) =>
  `${item.status}#${item.dueAt}#${item.workItemId}`;

const encodeToken = (key: Record<string, unknown> | undefined) =>
  key ? Buffer.from(JSON.stringify(key)).toString('base64url') : undefined;

function decodeToken(token: string | undefined, queue: WorkQueue): Record<string, unknown> | undefined {
  if (token === undefined) return undefined;
  try {
    const key = JSON.parse(Buffer.from(token, 'base64url').toString('utf8')) as Record<string, unknown>;
    const names = Object.keys(key).sort().join(',');
    if (names === 'queue,statusDue,workItemId' && key.queue === queue && typeof key.statusDue === 'string')
      return key;
  } catch {
    // falls through
  }
  throw new InvalidRequestError('Invalid nextToken.', [
    { path: 'nextToken', message: 'pass back the nextToken of the previous page unchanged' },
  ]);
}

/** Work items for people, by id, by queue and status (oldest due first) and by case. */
export class DynamoWorkItemRepository implements WorkItemRepository {
  constructor(
    private readonly client: DynamoDBDocumentClient,
    private readonly tableName: string,
  ) {}

  async create(item: WorkItem): Promise<boolean> {
    try {
      await this.client.send(
        new PutCommand({
          TableName: this.tableName,
          Item: { ...item, statusDue: statusDue(item) },
          ConditionExpression: 'attribute_not_exists(workItemId)',
        }),
      );
      return true;
    } catch (error) {
      if (error instanceof ConditionalCheckFailedException) return false;
      throw error;
    }
  }

  async get(workItemId: string): Promise<WorkItem | undefined> {
    const { Item } = await this.client.send(
      new GetCommand({ TableName: this.tableName, Key: { workItemId }, ConsistentRead: true }),
    );
    if (!Item) return undefined;
    const { statusDue: _index, ...item } = Item;
    return item as WorkItem;
  }

  async replace(next: WorkItem): Promise<boolean> {
    try {
      await this.client.send(
        new PutCommand({
          TableName: this.tableName,
          Item: { ...next, statusDue: statusDue(next) },
          ConditionExpression: '#version = :expected',
          ExpressionAttributeNames: { '#version': 'version' },
          ExpressionAttributeValues: { ':expected': next.version - 1 },
        }),
      );
      return true;
    } catch (error) {
      if (error instanceof ConditionalCheckFailedException) return false;
      throw error;
    }
  }

  async list(query: {
    queue: WorkQueue;
    status: WorkItemStatus;
    limit: number;
    nextToken?: string;
  }): Promise<WorkItemPage> {
    const page = await this.client.send(
      new QueryCommand({
        TableName: this.tableName,
        IndexName: 'byQueue',
        KeyConditionExpression: '#queue = :queue AND begins_with(statusDue, :status)',
        ExpressionAttributeNames: { '#queue': 'queue' },
        ExpressionAttributeValues: { ':queue': query.queue, ':status': `${query.status}#` },
        Limit: query.limit,
        ExclusiveStartKey: decodeToken(query.nextToken, query.queue),
      }),
    );
    const nextToken = encodeToken(page.LastEvaluatedKey);
    return {
      items: (page.Items ?? []).map(({ statusDue: _index, ...item }) => item as WorkItem),
      ...(nextToken ? { nextToken } : {}),
    };
  }

  async listByCase(caseId: string): Promise<WorkItem[]> {
    const items: WorkItem[] = [];
    let startKey: Record<string, unknown> | undefined;
    do {
      const page = await this.client.send(
        new QueryCommand({
          TableName: this.tableName,
          IndexName: 'byCase',
          KeyConditionExpression: 'caseId = :caseId',
          ExpressionAttributeValues: { ':caseId': caseId },
          ExclusiveStartKey: startKey,
        }),
      );
      for (const { statusDue: _index, ...item } of page.Items ?? []) items.push(item as WorkItem);
      startKey = page.LastEvaluatedKey;
    } while (startKey);
    return items;
  }
}
