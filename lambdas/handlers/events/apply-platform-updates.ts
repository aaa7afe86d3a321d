import { cases } from '../../adapters/accessors/cases';
import { events } from '../../adapters/accessors/events';
import { timeline } from '../../adapters/accessors/timeline';
import { workflow } from '../../adapters/accessors/workflow';
import { deviceReturnedSchema, paymentReceivedSchema } from '../../domain/requests';
import { applyDeviceReturned, applyPaymentReceived } from '../../domain/services/platform-events';
import { busEventConsumer } from '../../shared/queue';

/**
 * `Payment Received` and `Device Returned` from the platform, applied exactly like the API's
 * payments and returns. An event whose case is not visible yet fails and is retried by the queue.
 */
export const handler = busEventConsumer(async (event) => {
  const deps = {
    cases: cases(),
    timeline: timeline(),
    workflow: workflow(),
    events: events(),
  };
  const at = new Date(event.time).toISOString();
  switch (event['detail-type']) {
    case 'Payment Received':
      await applyPaymentReceived(deps, paymentReceivedSchema.parse(event.detail), at);
      return;
    case 'Device Returned':
      await applyDeviceReturned(deps, deviceReturnedSchema.parse(event.detail), at);
      return;
    default:
      throw new Error(`unexpected detail-type ${event['detail-type']}`);
  }
});
