import { ENV, requireEnv } from '../../shared/config';
import { firstUse } from '../../shared/first-use';
import { documentClient } from '../clients/dynamo';
import { DynamoCustomerRepository } from '../dynamo-customers';

export const customers = firstUse(
  () => new DynamoCustomerRepository(documentClient(), requireEnv(ENV.customersTable)),
);
