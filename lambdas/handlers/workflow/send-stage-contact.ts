import { MetricUnit } from '@aws-lambda-powertools/metrics';
import { cases } from '../../adapters/accessors/cases';
import { customers } from '../../adapters/accessors/customers';
import { links } from '../../adapters/accessors/links';
import { messenger } from '../../adapters/accessors/messenger';
import { timeline } from '../../adapters/accessors/timeline';
import { workItems } from '../../adapters/accessors/work-items';
import { CONTACT_STAGES, sendStageContact } from '../../domain/services/ladder';
import * as z from '../../domain/zod';
import { metrics } from '../../shared/powertools';
import { stepTime, workflowStep } from '../../shared/step';

const input = z.object({
  caseId: z.string().check(z.minLength(1)),
  stage: z.enum(CONTACT_STAGES),
  at: stepTime,
  executionStartedAt: z.optional(stepTime),
});

/** "Send overdue notice", "Send first collection reminder", …: the stage's contact, within the rules. */
export const handler = workflowStep(input, async (step) => {
  const result = await sendStageContact(
    {
      cases: cases(),
      timeline: timeline(),
      customers: customers(),
      messenger: messenger(),
      links: links(),
      workItems: workItems(),
    },
    step,
  );
  if (result.outcome === 'DEFERRED') metrics.addMetric('ContactDeferred', MetricUnit.Count, 1);
  return result;
});
