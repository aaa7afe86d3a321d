import { adapters } from '../../adapters';
import { paymentReceivedSchema } from '../../domain/requests';
import { applyPaymentReceived } from '../../domain/services/platform-events';
import { busEventConsumer } from '../../shared/queue';

/**
 * `Payment Received` from the platform, applied exactly like `POST /cases/{caseId}/payments`. A
 * payment whose case is not visible yet fails and is retried by the queue (then dead-lettered).
 */
export const handler = busEventConsumer(async (event) => {
  if (event['detail-type'] !== 'Payment Received') {
    throw new Error(`unexpected detail-type ${event['detail-type']}`);
  }
  await applyPaymentReceived(
    { cases: adapters.cases(), timeline: adapters.timeline(), workflow: adapters.workflow() },
    paymentReceivedSchema.parse(event.detail),
    new Date(event.time).toISOString(),
  );
});
