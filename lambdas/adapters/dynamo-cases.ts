import { ConditionalCheckFailedException } from '@aws-sdk/client-dynamodb';
import {
  BatchGetCommand,
  type DynamoDBDocumentClient,
  GetCommand,
  PutCommand,
  QueryCommand,
  type QueryCommandInput,
  ScanCommand,
} from '@aws-sdk/lib-dynamodb';
import type { CaseRecord } from '../domain/case';
import type { CasePage, CaseQuery, CaseRepository } from '../domain/ports';
import { type StoredCaseRecord, upgradeCaseRecord } from '../domain/record-upgrade';
import { decodePageToken, encodePageToken } from './page-token';
import { TABLES } from './tables';

type CaseIndex = (typeof TABLES.cases.indexes)[number];

/** Every record read is brought to the current shape: items written by earlier builds stay readable. */
const fromItem = (item: Record<string, unknown>): CaseRecord =>
  upgradeCaseRecord(item as unknown as StoredCaseRecord);
const index = (name: CaseIndex['name']): CaseIndex =>
  TABLES.cases.indexes.find((each) => each.name === name)!;

/** Where a listing reads from: an index and the partition it queries, or a scan of the table. */
interface AccessPath {
  index?: CaseIndex;
  partition?: string;
}

/** A `nextToken` must be a key of the same listing: the table's and the index's key attributes, as strings, in the queried partition. */
function decodeToken(token: string | undefined, path: AccessPath): Record<string, unknown> | undefined {
  const keyNames: string[] = [
    TABLES.cases.partitionKey,
    ...(path.index ? [path.index.partitionKey, path.index.sortKey] : []),
  ];
  return decodePageToken(
    token,
    (key) =>
      Object.keys(key).length === keyNames.length &&
      keyNames.every((name) => typeof key[name] === 'string') &&
      (path.index === undefined || key[path.index.partitionKey] === path.partition),
  );
}

export class DynamoCaseRepository implements CaseRepository {
  constructor(
    private readonly client: DynamoDBDocumentClient,
    private readonly tableName: string,
  ) {}

  async get(caseId: string): Promise<CaseRecord | undefined> {
    const { Item } = await this.client.send(
      new GetCommand({ TableName: this.tableName, Key: { caseId }, ConsistentRead: true }),
    );
    return Item ? fromItem(Item) : undefined;
  }

  /** BatchGetItem takes 100 keys a request and may leave some unprocessed (throttling): those are asked again. */
  async getMany(caseIds: readonly string[]): Promise<CaseRecord[]> {
    const found: CaseRecord[] = [];
    const unique = [...new Set(caseIds)];
    for (let start = 0; start < unique.length; start += 100) {
      let keys: Array<Record<string, unknown>> = unique
        .slice(start, start + 100)
        .map((caseId) => ({ caseId }));
      for (let attempt = 0; keys.length > 0; attempt++) {
        if (attempt === 8) throw new Error(`cases kept coming back unprocessed (${keys.length} left)`);
        if (attempt > 0) await new Promise((resolve) => setTimeout(resolve, 50 * 2 ** attempt));
        const page = await this.client.send(
          new BatchGetCommand({
            RequestItems: { [this.tableName]: { Keys: keys, ConsistentRead: true } },
          }),
        );
        found.push(...(page.Responses?.[this.tableName] ?? []).map(fromItem));
        keys = page.UnprocessedKeys?.[this.tableName]?.Keys ?? [];
      }
    }
    return found;
  }

  async create(record: CaseRecord): Promise<'created' | 'exists'> {
    try {
      await this.client.send(
        new PutCommand({
          TableName: this.tableName,
          Item: record,
          ConditionExpression: 'attribute_not_exists(caseId)',
        }),
      );
      return 'created';
    } catch (error) {
      if (error instanceof ConditionalCheckFailedException) return 'exists';
      throw error;
    }
  }

  async replace(next: CaseRecord): Promise<boolean> {
    try {
      await this.client.send(
        new PutCommand({
          TableName: this.tableName,
          Item: next,
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

  /**
   * Uses the most selective index for the filters given (rental, customer, status) and filters the
   * rest. A filtered page may hold fewer than `limit` items; follow `nextToken` until it is absent.
   */
  async list(query: CaseQuery): Promise<CasePage> {
    const filters: Array<[keyof CaseRecord, string]> = [];
    const keyed = (byIndex: CaseIndex, value: string): QueryCommandInput => ({
      TableName: this.tableName,
      IndexName: byIndex.name,
      KeyConditionExpression: '#pk = :pk',
      ExpressionAttributeNames: { '#pk': byIndex.partitionKey },
      ExpressionAttributeValues: { ':pk': value },
    });
    let path: AccessPath = {};
    if (query.rentalId) path = { index: index('byRental'), partition: query.rentalId };
    else if (query.customerId) path = { index: index('byCustomer'), partition: query.customerId };
    else if (query.status) path = { index: index('byStatus'), partition: query.status };
    const input = path.index && path.partition ? keyed(path.index, path.partition) : undefined;
    if (query.customerId && query.rentalId) filters.push(['customerId', query.customerId]);
    if (query.status && (query.rentalId || query.customerId)) filters.push(['status', query.status]);
    if (query.stage) filters.push(['stage', query.stage]);

    const names: Record<string, string> = { ...(input?.ExpressionAttributeNames ?? {}) };
    const values: Record<string, unknown> = { ...(input?.ExpressionAttributeValues ?? {}) };
    const conditions = filters.map(([field, value], index) => {
      names[`#f${index}`] = field;
      values[`:f${index}`] = value;
      return `#f${index} = :f${index}`;
    });
    const common = {
      TableName: this.tableName,
      Limit: query.limit,
      ExclusiveStartKey: decodeToken(query.nextToken, path),
      ...(conditions.length > 0 ? { FilterExpression: conditions.join(' AND ') } : {}),
      ...(Object.keys(names).length > 0 ? { ExpressionAttributeNames: names } : {}),
      ...(Object.keys(values).length > 0 ? { ExpressionAttributeValues: values } : {}),
    };
    const page = input
      ? await this.client.send(new QueryCommand({ ...input, ...common }))
      : await this.client.send(new ScanCommand(common));
    const nextToken = encodePageToken(page.LastEvaluatedKey);
    return { items: (page.Items ?? []).map(fromItem), ...(nextToken ? { nextToken } : {}) };
  }
}
