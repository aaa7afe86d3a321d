import { ConditionalCheckFailedException } from '@aws-sdk/client-dynamodb';
import { type DynamoDBDocumentClient, GetCommand, PutCommand, QueryCommand } from '@aws-sdk/lib-dynamodb';
import type { TimelineRepository } from '../domain/ports';
import { rankOf, type TimelineEntry } from '../domain/timeline';

/**
 * Timeline items: `caseId` + `sk` = `<at>#<type order>#<eventId>`, so a case's entries read back in
 * time order, and facts of one instant in causal order.
 */
const sortKey = (entry: Pick<TimelineEntry, 'at' | 'type' | 'eventId'>): string =>
  `${entry.at}#${String(rankOf(entry)).padStart(2, '0')}#${entry.eventId}`;

export class DynamoTimelineRepository implements TimelineRepository {
  constructor(
    private readonly client: DynamoDBDocumentClient,
    private readonly tableName: string,
  ) {}

  async append(caseId: string, entries: readonly TimelineEntry[]): Promise<void> {
    for (const entry of entries) await this.appendNew(caseId, entry);
  }

  async appendNew(caseId: string, entry: TimelineEntry): Promise<boolean> {
    try {
      await this.client.send(
        new PutCommand({
          TableName: this.tableName,
          Item: { caseId, sk: sortKey(entry), ...entry },
          ConditionExpression: 'attribute_not_exists(sk)',
        }),
      );
      return true;
    } catch (error) {
      if (error instanceof ConditionalCheckFailedException) return false;
      throw error;
    }
  }

  async has(caseId: string, entry: Pick<TimelineEntry, 'at' | 'type' | 'eventId'>): Promise<boolean> {
    const { Item } = await this.client.send(
      new GetCommand({
        TableName: this.tableName,
        Key: { caseId, sk: sortKey(entry) },
        ConsistentRead: true,
        ProjectionExpression: 'sk',
      }),
    );
    return Item !== undefined;
  }

  async list(caseId: string): Promise<TimelineEntry[]> {
    const entries: TimelineEntry[] = [];
    let startKey: Record<string, unknown> | undefined;
    do {
      const page = await this.client.send(
        new QueryCommand({
          TableName: this.tableName,
          KeyConditionExpression: 'caseId = :caseId',
          ExpressionAttributeValues: { ':caseId': caseId },
          ConsistentRead: true,
          ExclusiveStartKey: startKey,
        }),
      );
      for (const item of page.Items ?? []) {
        const { eventId, at, type, channel, detail } = item as TimelineEntry;
        entries.push({ eventId, at, type, ...(channel ? { channel } : {}), detail });
      }
      startKey = page.LastEvaluatedKey;
    } while (startKey);
    return entries;
  }
}
