import { cases } from '../../adapters/accessors/cases';
import { timeline } from '../../adapters/accessors/timeline';
import { beginCase } from '../../domain/services/ladder';
import * as z from '../../domain/zod';
import { stepTime, workflowStep } from '../../shared/step';

const input = z.object({
  caseId: z.string().check(z.minLength(1)),
  at: stepTime,
  execution: z.string().check(z.minLength(1)),
});

/** "Open case": records the workflow start; returns the facts the case events carry. */
export const handler = workflowStep(input, (step) =>
  beginCase({ cases: cases(), timeline: timeline() }, step),
);
