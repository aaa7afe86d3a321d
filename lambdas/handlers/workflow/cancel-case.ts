import { cases } from '../../adapters/accessors/cases';
import { timeline } from '../../adapters/accessors/timeline';
import { workItems } from '../../adapters/accessors/work-items';
import { cancelCase } from '../../domain/services/tracks';
import * as z from '../../domain/zod';
import { stepTime, workflowStep } from '../../shared/step';

const input = z.object({ caseId: z.string().check(z.minLength(1)), at: stepTime });

/** "Cancel case" after an upheld dispute: restriction lifted, open work cancelled. */
export const handler = workflowStep(input, (step) =>
  cancelCase({ cases: cases(), timeline: timeline(), workItems: workItems() }, step),
);
