import { MetricUnit } from '@aws-lambda-powertools/metrics';
import { cases } from '../../adapters/accessors/cases';
import { timeline } from '../../adapters/accessors/timeline';
import { workItems } from '../../adapters/accessors/work-items';
import { closeCase } from '../../domain/services/tracks';
import * as z from '../../domain/zod';
import { metrics } from '../../shared/powertools';
import { stepTime, workflowStep } from '../../shared/step';

const input = z.object({ caseId: z.string().check(z.minLength(1)), at: stepTime });

/** "Close case": restriction lifted, receipt, open work cancelled (the credit report is the next step). */
export const handler = workflowStep(input, async (step) => {
  const result = await closeCase({ cases: cases(), timeline: timeline(), workItems: workItems() }, step);
  if (result.detail.status === 'RESOLVED') metrics.addMetric('CaseResolved', MetricUnit.Count, 1);
  return result;
});
