import { wire } from '../../adapters';
import { openLegalReview } from '../../domain/services/tracks';
import * as z from '../../domain/zod';
import { stepTime, workflowStep } from '../../shared/step';

const input = z.object({ caseId: z.string().check(z.minLength(1)), at: stepTime });

/** "Open legal review": a LEGAL_REVIEW work item for people to decide on. */
export const handler = workflowStep(input, (step) =>
  openLegalReview(wire('cases', 'timeline', 'workItems'), step),
);
