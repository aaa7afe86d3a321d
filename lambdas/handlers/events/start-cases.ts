import { adapters } from '../../adapters';
import { openCaseSchema } from '../../domain/requests';
import { openCase } from '../../domain/services/open-case';
import { busEventConsumer } from '../../shared/queue';

/** `Rental Overdue` events, through the SQS queue that throttles month-start bursts: open each case once. */
export const handler = busEventConsumer(async (event) => {
  const detail = openCaseSchema.parse(event.detail);
  await openCase(
    {
      cases: adapters.cases(),
      timeline: adapters.timeline(),
      customers: adapters.customers(),
      workflow: adapters.workflow(),
    },
    detail,
    new Date(event.time).toISOString(),
  );
});
