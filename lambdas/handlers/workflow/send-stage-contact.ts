import { MetricUnit } from '@aws-lambda-powertools/metrics';
import { z } from 'zod';
import { adapters } from '../../adapters';
import { CONTACT_STAGES, sendStageContact } from '../../domain/services/workflow-steps';
import { metrics } from '../../shared/powertools';
import { stepTime, workflowStep } from '../../shared/step';

const input = z.object({ caseId: z.string().min(1), stage: z.enum(CONTACT_STAGES), at: stepTime });

/** "Send overdue notice", "Send soft reminder", …: the stage's contact, within the compliance rules. */
export const handler = workflowStep(input, async (step) => {
  const outcome = await sendStageContact(
    {
      cases: adapters.cases(),
      timeline: adapters.timeline(),
      customers: adapters.customers(),
      messenger: adapters.messenger(),
      workflow: adapters.workflow(),
    },
    step,
  );
  if (outcome.outcome === 'DEFERRED') metrics.addMetric('ContactDeferred', MetricUnit.Count, 1);
  return outcome;
});
