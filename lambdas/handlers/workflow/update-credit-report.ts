import { bureau } from '../../adapters/accessors/bureau';
import { cases } from '../../adapters/accessors/cases';
import { timeline } from '../../adapters/accessors/timeline';
import { updateCreditReport } from '../../domain/services/tracks';
import * as z from '../../domain/zod';
import { stepTime, workflowStep } from '../../shared/step';

const input = z.object({
  caseId: z.string().check(z.minLength(1)),
  action: z.enum(['SETTLE', 'DELETE', 'FLAG', 'UNFLAG']),
  at: stepTime,
});

/** "Update the credit report to settled", "Delete the credit report", "Flag …", "Lift the dispute flag". */
export const handler = workflowStep(input, (step) =>
  updateCreditReport({ cases: cases(), timeline: timeline(), bureau: bureau() }, step),
);
