import { z } from 'zod';
import { adapters } from '../../adapters';
import { STAGES } from '../../domain/policy';
import { awaitResolution } from '../../domain/services/workflow-steps';
import { stepTime, workflowStep } from '../../shared/step';

const input = z.object({
  caseId: z.string().min(1),
  stage: z.enum(STAGES),
  token: z.string().min(1),
  at: stepTime,
  timeoutSeconds: z.number().int().positive(),
});

/** "Await resolution …" (a .waitForTaskToken task): stores the token where the API finds it. */
export const handler = workflowStep(input, (step) =>
  awaitResolution({ cases: adapters.cases(), workflow: adapters.workflow() }, step),
);
