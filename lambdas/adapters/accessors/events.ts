import { ENV, requireEnv } from '../../shared/config';
import { firstUse } from '../../shared/first-use';
import { eventBridgeClient } from '../clients/eventbridge';
import { EventBridgeCaseEvents } from '../eventbridge-case-events';

export const events = firstUse(
  () => new EventBridgeCaseEvents(eventBridgeClient(), requireEnv(ENV.eventBusName)),
);
