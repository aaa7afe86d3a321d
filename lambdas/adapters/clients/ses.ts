import { SESv2Client } from '@aws-sdk/client-sesv2';
import { firstUse } from '../../shared/first-use';
import { SEND_ONCE } from './send-once';

/** Email to customers (see SEND_ONCE). Endpoint from `AWS_ENDPOINT_URL_SESV2` when set. */
export const sesClient = firstUse(() => new SESv2Client(SEND_ONCE));
