import { cases } from '../../adapters/accessors/cases';
import { timeline } from '../../adapters/accessors/timeline';
import { checkArrangement } from '../../domain/services/ladder';
import * as z from '../../domain/zod';
import { stepTime, workflowStep } from '../../shared/step';

const input = z.object({
  caseId: z.string().check(z.minLength(1)),
  arrangement: z.enum(['PROMISE', 'PLAN']),
  at: stepTime,
});

/** "Was the promise kept?", "Was the instalment paid?": kept, broken, or the case's news. */
export const handler = workflowStep(input, (step) =>
  checkArrangement({ cases: cases(), timeline: timeline() }, step),
);
