import { MetricUnit } from '@aws-lambda-powertools/metrics';
import { cases } from '../../adapters/accessors/cases';
import { customers } from '../../adapters/accessors/customers';
import { links } from '../../adapters/accessors/links';
import { messenger } from '../../adapters/accessors/messenger';
import { timeline } from '../../adapters/accessors/timeline';
import { CASE_MESSAGES, sendCaseMessage } from '../../domain/services/case-messages';
import * as z from '../../domain/zod';
import { metrics } from '../../shared/powertools';
import { stepTime, workflowStep } from '../../shared/step';

const input = z.object({
  caseId: z.string().check(z.minLength(1)),
  message: z.enum(CASE_MESSAGES),
  at: stepTime,
});

/** "Send receipt", "Send demand letter": within the customer's contact window, once each. */
export const handler = workflowStep(input, async (step) => {
  const result = await sendCaseMessage(
    { cases: cases(), timeline: timeline(), customers: customers(), messenger: messenger(), links: links() },
    step,
  );
  if (result.outcome === 'DEFERRED') metrics.addMetric('ContactDeferred', MetricUnit.Count, 1);
  return result;
});
