import { EventBridgeClient } from '@aws-sdk/client-eventbridge';
import { firstUse } from '../../shared/first-use';

/** Endpoint from `AWS_ENDPOINT_URL_EVENTBRIDGE` when set (the local runtime). */
export const eventBridgeClient = firstUse(() => new EventBridgeClient({}));
