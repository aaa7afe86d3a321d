/**
 * Keys and indexes of every table, as plain data: the CDK data construct (lib/data.ts) creates the tables from it
 * and the handler tests create the same tables in dynalite, so the two cannot drift.
 */
export interface TableModel {
  partitionKey: string;
  sortKey?: string;
  indexes: ReadonlyArray<{ name: string; partitionKey: string; sortKey: string }>;
  /** TTL attribute (epoch seconds), if items expire. */
  timeToLive?: string;
}

export const TABLES = {
  cases: {
    partitionKey: 'caseId',
    indexes: [
      { name: 'byStatus', partitionKey: 'status', sortKey: 'nextActionAt' },
      { name: 'byCustomer', partitionKey: 'customerId', sortKey: 'openedAt' },
      { name: 'byRental', partitionKey: 'rentalId', sortKey: 'openedAt' },
    ],
  },
  timeline: { partitionKey: 'caseId', sortKey: 'sk', indexes: [] },
  customers: { partitionKey: 'customerId', indexes: [] },
  workItems: {
    partitionKey: 'workItemId',
    indexes: [
      // `statusDue` = `<status>#<dueAt>#<workItemId>`: a queue's open items, oldest due first.
      { name: 'byQueue', partitionKey: 'queue', sortKey: 'statusDue' },
      { name: 'byCase', partitionKey: 'caseId', sortKey: 'createdAt' },
    ],
  },
  idempotency: { partitionKey: 'id', indexes: [], timeToLive: 'expiration' },
} as const satisfies Record<string, TableModel>;

export type TableName = keyof typeof TABLES;
