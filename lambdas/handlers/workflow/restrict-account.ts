import { cases } from '../../adapters/accessors/cases';
import { timeline } from '../../adapters/accessors/timeline';
import { restrictAccount } from '../../domain/services/tracks';
import * as z from '../../domain/zod';
import { stepTime, workflowStep } from '../../shared/step';

const input = z.object({ caseId: z.string().check(z.minLength(1)), at: stepTime });

/** "Restrict account": recorded on the case; the workflow announces Account Restriction Requested. */
export const handler = workflowStep(input, (step) =>
  restrictAccount({ cases: cases(), timeline: timeline() }, step),
);
