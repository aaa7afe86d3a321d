import { z } from 'zod';
import { wire } from '../../adapters';
import { openLegalReview } from '../../domain/services/tracks';
import { stepTime, workflowStep } from '../../shared/step';

const input = z.object({ caseId: z.string().min(1), at: stepTime });

/** "Open legal review": a LEGAL_REVIEW work item for people to decide on. */
export const handler = workflowStep(input, (step) =>
  openLegalReview(wire('cases', 'timeline', 'workItems'), step),
);
