import { cases } from '../../adapters/accessors/cases';
import { prepareWait } from '../../domain/services/ladder';
import * as z from '../../domain/zod';
import { stepTime, workflowStep } from '../../shared/step';

const input = z.object({
  caseId: z.string().check(z.minLength(1)),
  awaiting: z.enum(['PROMISE', 'PLAN', 'DISPUTE', 'LEGAL_REVIEW', 'LEGAL_OUTCOME']),
  at: stepTime,
  executionStartedAt: z.optional(stepTime),
});

/** "Prepare the wait for …": how long a pause or a legal wait lasts before the workflow looks again. */
export const handler = workflowStep(input, (step) => prepareWait({ cases: cases() }, step));
