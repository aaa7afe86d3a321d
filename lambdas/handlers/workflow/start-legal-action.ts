import { z } from 'zod';
import { wire } from '../../adapters';
import { startLegalAction } from '../../domain/services/tracks';
import { stepTime, workflowStep } from '../../shared/step';

const input = z.object({ caseId: z.string().min(1), at: stepTime });

/** "Start legal action": the demand letter, and the referral with its evidence bundle. */
export const handler = workflowStep(input, (step) =>
  startLegalAction(wire('cases', 'timeline', 'customers', 'referrals'), step),
);
