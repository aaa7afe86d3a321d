import { ConditionalCheckFailedException } from '@aws-sdk/client-dynamodb';
import { type DynamoDBDocumentClient, GetCommand, PutCommand, QueryCommand } from '@aws-sdk/lib-dynamodb';
import type { WorkItem, WorkItemPage, WorkItemRepository, WorkItemStatus, WorkQueue } from '../domain/ports';
import { decodePageToken, encodePageToken } from './page-token';

const statusDue = (item: Pick<WorkItem, 'status' | 'dueAt' | 'workItemId'>) =>
  `${item.status}#${item.dueAt}#${item.workItemId}`;

const decodeToken = (token: string | undefined, queue: WorkQueue) =>
  decodePageToken(
    token,
    (key) =>
      Object.keys(key).sort().join(',') === 'queue,statusDue,workItemId' &&
      key.queue === queue &&
      typeof key.statusDue === 'string',
  );

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
    const nextToken = encodePageToken(page.LastEvaluatedKey);
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
