import { cases } from '../../adapters/accessors/cases';
import { timeline } from '../../adapters/accessors/timeline';
import { workItems } from '../../adapters/accessors/work-items';
import { openLegalReview } from '../../domain/services/tracks';
import * as z from '../../domain/zod';
import { stepTime, workflowStep } from '../../shared/step';

const input = z.object({ caseId: z.string().check(z.minLength(1)), at: stepTime });

/** "Open legal review": a LEGAL_REVIEW work item for people to decide on. */
export const handler = workflowStep(input, (step) =>
  openLegalReview({ cases: cases(), timeline: timeline(), workItems: workItems() }, step),
);
