import { adapters } from '../../adapters';
import { paymentReceivedSchema } from '../../domain/requests';
import { applyPaymentReceived } from '../../domain/services/platform-events';
import { logger } from '../../shared/powertools';
import { busEventConsumer } from '../../shared/queue';

/** `Payment Received` from the platform, applied exactly like `POST /cases/{caseId}/payments`. */
export const handler = busEventConsumer(async (event) => {
  if (event['detail-type'] !== 'Payment Received')
    throw new Error(`unexpected detail-type ${event['detail-type']}`);
  const detail = paymentReceivedSchema.parse(event.detail);
  const outcome = await applyPaymentReceived(
    { cases: adapters.cases(), timeline: adapters.timeline(), workflow: adapters.workflow() },
    detail,
    new Date(event.time).toISOString(),
  );
  if (outcome === 'no-open-case')
    logger.info('payment for a rental without an open case', { rentalId: detail.rentalId });
});
