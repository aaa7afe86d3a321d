import { cases } from '../../adapters/accessors/cases';
import { workflow } from '../../adapters/accessors/workflow';
import { AWAITING } from '../../domain/case';
import { awaitResolution } from '../../domain/services/ladder';
import * as z from '../../domain/zod';
import { stepTime, workflowStep } from '../../shared/step';

const input = z.object({
  caseId: z.string().check(z.minLength(1)),
  awaiting: z.enum(AWAITING),
  token: z.string().check(z.minLength(1)),
  at: stepTime,
  timeoutSeconds: z.int().check(z.positive()),
});

/** Every "Await …" (a .waitForTaskToken task): stores the token where the API finds it. */
export const handler = workflowStep(input, (step) =>
  awaitResolution({ cases: cases(), workflow: workflow() }, step),
);
