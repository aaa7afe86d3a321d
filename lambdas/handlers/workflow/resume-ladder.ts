import { cases } from '../../adapters/accessors/cases';
import { timeline } from '../../adapters/accessors/timeline';
import { resumeLadder } from '../../domain/services/ladder';
import * as z from '../../domain/zod';
import { stepTime, workflowStep } from '../../shared/step';

const input = z.object({
  caseId: z.string().check(z.minLength(1)),
  at: stepTime,
  executionStartedAt: z.optional(stepTime),
});

/** "Resume the ladder": back to the stage the case stood at, with what was left of its wait. */
export const handler = workflowStep(input, (step) =>
  resumeLadder({ cases: cases(), timeline: timeline() }, step),
);
