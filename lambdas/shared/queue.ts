import { injectLambdaContext } from '@aws-lambda-powertools/logger/middleware';
import { MetricUnit } from '@aws-lambda-powertools/metrics';
import { logMetrics } from '@aws-lambda-powertools/metrics/middleware';
import middy from '@middy/core';
import type { SQSBatchResponse, SQSEvent } from 'aws-lambda';
import * as z from '../domain/zod';
import { logger, metrics } from './powertools';

/** An EventBridge event as an SQS target receives it in the message body. */
const busEventSchema = z.object({
  id: z.string(),
  'detail-type': z.string(),
  source: z.string(),
  time: z.iso.datetime({ offset: true }),
  detail: z.unknown(),
});
export type BusEvent = z.infer<typeof busEventSchema>;

/** An SQS message that is not an EventBridge event; retrying will not help. */
class InvalidBusEventError extends Error {
  override readonly name = 'InvalidBusEventError';
}

/**
 * The event in a message body. JSON.parse's own error quotes the text around the fault, which may be
 * a customer's phone or name, so it is replaced by one that says only what was wrong.
 */
function parseBusEvent(body: string): BusEvent {
  let json: unknown;
  try {
    json = JSON.parse(body);
  } catch {
    throw new InvalidBusEventError('message body is not valid JSON');
  }
  const parsed = busEventSchema.safeParse(json);
  if (!parsed.success) throw new InvalidBusEventError('message body is not an EventBridge event');
  return parsed.data;
}

/**
 * Consumes bus events from SQS one by one and reports the failed ones (partial batch response), so
 * SQS retries only those and moves them to the DLQ after `maxReceiveCount` attempts.
 */
export function busEventConsumer(consume: (event: BusEvent) => Promise<void>) {
  const handle = async (batch: SQSEvent): Promise<SQSBatchResponse> => {
    const failures: SQSBatchResponse['batchItemFailures'] = [];
    for (const record of batch.Records) {
      try {
        await consume(parseBusEvent(record.body));
        metrics.addMetric('BusEventConsumed', MetricUnit.Count, 1);
      } catch (error) {
        // Names and messages only: our errors never carry personal data.
        logger.error('bus event failed', {
          messageId: record.messageId,
          error: error instanceof Error ? `${error.name}: ${error.message}` : 'unknown',
        });
        metrics.addMetric('BusEventFailed', MetricUnit.Count, 1);
        failures.push({ itemIdentifier: record.messageId });
      }
    }
    return { batchItemFailures: failures };
  };
  return middy(handle)
    .use(injectLambdaContext(logger, { resetKeys: true }))
    .use(logMetrics(metrics));
}
