import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { EventBridgeClient } from '@aws-sdk/client-eventbridge';
import { SESv2Client } from '@aws-sdk/client-sesv2';
import { SFNClient } from '@aws-sdk/client-sfn';
import { SNSClient } from '@aws-sdk/client-sns';
import { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { tracer } from '../shared/powertools';

/**
 * SDK clients, one each, created on first use and reused across invocations. Endpoints come from the
 * standard `AWS_ENDPOINT_URL_<SERVICE>` variables, which is all the local runtime changes.
 */
let dynamo: DynamoDBClient | undefined;
let documents: DynamoDBDocumentClient | undefined;
let stepFunctions: SFNClient | undefined;
let sns: SNSClient | undefined;
let sms: SNSClient | undefined;
let ses: SESv2Client | undefined;
let eventBridge: EventBridgeClient | undefined;

export function dynamoClient(): DynamoDBClient {
  dynamo ??= tracer.captureAWSv3Client(new DynamoDBClient({}));
  return dynamo;
}

export function documentClient(): DynamoDBDocumentClient {
  documents ??= DynamoDBDocumentClient.from(dynamoClient(), {
    marshallOptions: { removeUndefinedValues: true, convertClassInstanceToMap: false },
  });
  return documents;
}

export function stepFunctionsClient(): SFNClient {
  stepFunctions ??= tracer.captureAWSv3Client(new SFNClient({}));
  return stepFunctions;
}

/**
 * Messages are sent once per attempt: a throttled or failed send fails the step at once and the
 * workflow retries it (jittered, for about an hour, visible in the execution history) instead of the
 * function sleeping through the SDK's own retries, billed and all at the same moment as every other
 * case woken by the same 08:00.
 */
const SEND_ONCE = { maxAttempts: 1 };

export function snsClient(): SNSClient {
  sns ??= tracer.captureAWSv3Client(new SNSClient({}));
  return sns;
}

/** SMS to customers (see SEND_ONCE); topic publishes keep the SDK's retries. */
export function smsClient(): SNSClient {
  sms ??= tracer.captureAWSv3Client(new SNSClient(SEND_ONCE));
  return sms;
}

export function sesClient(): SESv2Client {
  ses ??= tracer.captureAWSv3Client(new SESv2Client(SEND_ONCE));
  return ses;
}

export function eventBridgeClient(): EventBridgeClient {
  eventBridge ??= tracer.captureAWSv3Client(new EventBridgeClient({}));
  return eventBridge;
}
