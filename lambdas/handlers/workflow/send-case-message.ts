import { MetricUnit } from '@aws-lambda-powertools/metrics';
import { wire } from '../../adapters';
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
  const result = await sendCaseMessage(wire('cases', 'timeline', 'customers', 'messenger', 'links'), step);
  if (result.outcome === 'DEFERRED') metrics.addMetric('ContactDeferred', MetricUnit.Count, 1);
  return result;
});
