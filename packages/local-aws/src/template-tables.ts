import type { CreateTableCommandInput } from '@aws-sdk/client-dynamodb';
import type { CfnResource } from './template';

/**
 * CreateTable input from an `AWS::DynamoDB::Table` of the template: keys, attributes and GSIs as
 * deployed (dynalite ignores encryption, PITR and TTL, which only matter on AWS), named `tableName`
 * (the table's physical name).
 */
export function tableInputFromTemplate(tableName: string, resource: CfnResource): CreateTableCommandInput {
  const properties = (resource.Properties ?? {}) as Record<string, unknown>;
  const indexes = (properties.GlobalSecondaryIndexes ?? []) as NonNullable<
    CreateTableCommandInput['GlobalSecondaryIndexes']
  >;
  return {
    TableName: tableName,
    BillingMode: 'PAY_PER_REQUEST',
    KeySchema: properties.KeySchema as CreateTableCommandInput['KeySchema'],
    AttributeDefinitions: properties.AttributeDefinitions as CreateTableCommandInput['AttributeDefinitions'],
    ...(indexes.length > 0
      ? {
          GlobalSecondaryIndexes: indexes.map((index) => ({
            IndexName: index.IndexName,
            KeySchema: index.KeySchema,
            Projection: index.Projection ?? { ProjectionType: 'ALL' },
          })),
        }
      : {}),
  };
}
