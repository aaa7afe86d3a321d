import { MetricUnit } from '@aws-lambda-powertools/metrics';
import { z } from 'zod';
import { adapters } from '../../adapters';
import { closeCase } from '../../domain/services/workflow-steps';
import { metrics } from '../../shared/powertools';
import { stepTime, workflowStep } from '../../shared/step';

const input = z.object({ caseId: z.string().min(1), at: stepTime });

/** "Close case": the receipt and the end of the case's workflow. */
export const handler = workflowStep(input, async (step) => {
  const detail = await closeCase(
    {
      cases: adapters.cases(),
      timeline: adapters.timeline(),
      customers: adapters.customers(),
      messenger: adapters.messenger(),
      workflow: adapters.workflow(),
    },
    step,
  );
  if (detail.status === 'RESOLVED') metrics.addMetric('CaseResolved', MetricUnit.Count, 1);
  return detail;
});
