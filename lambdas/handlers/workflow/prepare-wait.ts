import { z } from 'zod';
import { cases } from '../../adapters/accessors/cases';
import { prepareWait } from '../../domain/services/ladder';
import { stepTime, workflowStep } from '../../shared/step';

const input = z.object({
  caseId: z.string().min(1),
  awaiting: z.enum(['PROMISE', 'PLAN', 'DISPUTE', 'LEGAL_REVIEW', 'LEGAL_OUTCOME']),
  at: stepTime,
  executionStartedAt: stepTime.optional(),
});

/** "Prepare the wait for …": how long a pause or a legal wait lasts before the workflow looks again. */
export const handler = workflowStep(input, (step) => prepareWait({ cases: cases() }, step));
