import { cases } from '../../adapters/accessors/cases';
import { timeline } from '../../adapters/accessors/timeline';
import { workflow } from '../../adapters/accessors/workflow';
import { CONTINUE_AT, continueCase } from '../../domain/services/tracks';
import * as z from '../../domain/zod';
import { stepTime, workflowStep } from '../../shared/step';

const input = z.object({
  caseId: z.string().check(z.minLength(1)),
  execution: z.string().check(z.minLength(1)),
  stateMachineArn: z.string().check(z.startsWith('arn:')),
  at: stepTime,
  continueAt: z.optional(z.enum(CONTINUE_AT)),
});

/** "Continue the case in a new execution": before the one-year limit of a Standard execution. */
export const handler = workflowStep(input, (step) =>
  continueCase({ workflow: workflow(), timeline: timeline(), cases: cases() }, step),
);
