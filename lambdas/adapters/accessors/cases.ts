import { ENV, requireEnv } from '../../shared/config';
import { firstUse } from '../../shared/first-use';
import { documentClient } from '../clients/dynamo';
import { DynamoCaseRepository } from '../dynamo-cases';

export const cases = firstUse(() => new DynamoCaseRepository(documentClient(), requireEnv(ENV.casesTable)));
