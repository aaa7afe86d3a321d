import { z } from 'zod';
import { adapters } from '../../adapters';
import { writeOffCase } from '../../domain/services/workflow-steps';
import { stepTime, workflowStep } from '../../shared/step';

const input = z.object({ caseId: z.string().min(1), at: stepTime });

/** "Write off the debt": the end of the soft reminders. */
export const handler = workflowStep(input, (step) =>
  writeOffCase({ cases: adapters.cases(), timeline: adapters.timeline() }, step),
);
