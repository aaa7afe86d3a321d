import { z } from 'zod';
import { cases } from '../../adapters/accessors/cases';
import { workflow } from '../../adapters/accessors/workflow';
import { AWAITING } from '../../domain/case';
import { awaitResolution } from '../../domain/services/ladder';
import { stepTime, workflowStep } from '../../shared/step';

const input = z.object({
  caseId: z.string().min(1),
  awaiting: z.enum(AWAITING),
  token: z.string().min(1),
  at: stepTime,
  timeoutSeconds: z.number().int().positive(),
});

/** Every "Await …" (a .waitForTaskToken task): stores the token where the API finds it. */
export const handler = workflowStep(input, (step) =>
  awaitResolution({ cases: cases(), workflow: workflow() }, step),
);
