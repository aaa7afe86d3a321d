import { ENV, requireEnv } from '../../shared/config';
import { firstUse } from '../../shared/first-use';
import { documentClient } from '../clients/dynamo';
import { DynamoTimelineRepository } from '../dynamo-timeline';

export const timeline = firstUse(
  () => new DynamoTimelineRepository(documentClient(), requireEnv(ENV.timelineTable)),
);
