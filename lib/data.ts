import { RemovalPolicy } from 'aws-cdk-lib';
import * as dynamodb from 'aws-cdk-lib/aws-dynamodb';
import * as kms from 'aws-cdk-lib/aws-kms';
import { Construct } from 'constructs';
import { TABLES, type TableModel, type TableName } from '../lambdas/adapters/tables';

/**
 * The tables: on-demand, point-in-time recovery, encrypted with one customer-managed
 * key, deletion protection. Names are left to CloudFormation; functions get them through env vars.
 */
export class CollectionsData extends Construct {
  readonly key: kms.Key;
  readonly tables: Record<TableName, dynamodb.Table>;

  constructor(scope: Construct, id: string) {
    super(scope, id);
    this.key = new kms.Key(this, 'DataKey', {
      description: 'Encrypts the collections tables (cases, timeline, customers, work items, idempotency).',
      enableKeyRotation: true,
      removalPolicy: RemovalPolicy.RETAIN,
    });
    // Table (not TableV2): TableV2 cannot render a customer-managed key in an environment-agnostic stack.
    const table = (name: string, model: TableModel) => {
      const created = new dynamodb.Table(this, name, {
        partitionKey: { name: model.partitionKey, type: dynamodb.AttributeType.STRING },
        ...(model.sortKey ? { sortKey: { name: model.sortKey, type: dynamodb.AttributeType.STRING } } : {}),
        billingMode: dynamodb.BillingMode.PAY_PER_REQUEST,
        encryption: dynamodb.TableEncryption.CUSTOMER_MANAGED,
        encryptionKey: this.key,
        pointInTimeRecoverySpecification: { pointInTimeRecoveryEnabled: true },
        deletionProtection: true,
        removalPolicy: RemovalPolicy.RETAIN,
        ...(model.timeToLive ? { timeToLiveAttribute: model.timeToLive } : {}),
      });
      for (const index of model.indexes) {
        created.addGlobalSecondaryIndex({
          indexName: index.name,
          partitionKey: { name: index.partitionKey, type: dynamodb.AttributeType.STRING },
          sortKey: { name: index.sortKey, type: dynamodb.AttributeType.STRING },
        });
      }
      return created;
    };
    this.tables = {
      cases: table('Cases', TABLES.cases),
      timeline: table('Timeline', TABLES.timeline),
      customers: table('Customers', TABLES.customers),
      workItems: table('WorkItems', TABLES.workItems),
      idempotency: table('Idempotency', TABLES.idempotency),
    };
  }
}
