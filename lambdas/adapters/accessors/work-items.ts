import { ENV, requireEnv } from '../../shared/config';
import { firstUse } from '../../shared/first-use';
import { documentClient } from '../clients/dynamo';
import { DynamoWorkItemRepository } from '../dynamo-work-items';

export const workItems = firstUse(
  () => new DynamoWorkItemRepository(documentClient(), requireEnv(ENV.workItemsTable)),
);
