import { z } from 'zod';
import { wire } from '../../adapters';
import { CONTINUE_AT, continueCase } from '../../domain/services/tracks';
import { stepTime, workflowStep } from '../../shared/step';

const input = z.object({
  caseId: z.string().min(1),
  execution: z.string().min(1),
  stateMachineArn: z.string().startsWith('arn:'),
  at: stepTime,
  continueAt: z.enum(CONTINUE_AT).optional(),
});

/** "Continue the case in a new execution": before the one-year limit of a Standard execution. */
export const handler = workflowStep(input, (step) =>
  continueCase(wire('workflow', 'timeline', 'cases'), step),
);
