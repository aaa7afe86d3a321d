import { SNSClient } from '@aws-sdk/client-sns';
import { firstUse } from '../../shared/first-use';
import { SEND_ONCE } from './send-once';

/** Topic publishes (legal referrals), with the SDK's retries. Endpoint from `AWS_ENDPOINT_URL_SNS` when set. */
export const snsClient = firstUse(() => new SNSClient({}));

/** SMS to customers (see SEND_ONCE). */
export const smsClient = firstUse(() => new SNSClient(SEND_ONCE));
