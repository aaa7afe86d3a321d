import { cases } from '../../adapters/accessors/cases';
import { customers } from '../../adapters/accessors/customers';
import { timeline } from '../../adapters/accessors/timeline';
import { workflow } from '../../adapters/accessors/workflow';
import { openCaseSchema } from '../../domain/requests';
import { openCase } from '../../domain/services/open-case';
import { busEventConsumer } from '../../shared/queue';

/** `Rental Overdue` events, through the SQS queue that throttles month-start bursts: open each case once. */
export const handler = busEventConsumer(async (event) => {
  const detail = openCaseSchema.parse(event.detail);
  await openCase(
    {
      cases: cases(),
      timeline: timeline(),
      customers: customers(),
      workflow: workflow(),
    },
    detail,
    new Date(event.time).toISOString(),
  );
});
