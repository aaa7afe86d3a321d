import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { firstUse } from '../../shared/first-use';

/** The endpoint comes from `AWS_ENDPOINT_URL_DYNAMODB` when set, which is all the local runtime changes. */
export const dynamoClient = firstUse(() => new DynamoDBClient({}));

export const documentClient = firstUse(() =>
  DynamoDBDocumentClient.from(dynamoClient(), {
    marshallOptions: { removeUndefinedValues: true, convertClassInstanceToMap: false },
  }),
);
