import { z } from 'zod';
import { adapters } from '../../adapters';
import { closeCase } from '../../domain/services/workflow-steps';
import { workflowStep } from '../../shared/step';

const input = z.object({ caseId: z.string().min(1), at: z.iso.datetime() });

/** "Close case": the receipt and the end of the case's workflow. */
export const handler = workflowStep(input, (step) =>
  closeCase(
    {
      cases: adapters.cases(),
      timeline: adapters.timeline(),
      customers: adapters.customers(),
      messenger: adapters.messenger(),
      workflow: adapters.workflow(),
    },
    step,
  ),
);
