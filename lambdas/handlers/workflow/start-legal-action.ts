import { cases } from '../../adapters/accessors/cases';
import { customers } from '../../adapters/accessors/customers';
import { referrals } from '../../adapters/accessors/referrals';
import { timeline } from '../../adapters/accessors/timeline';
import { startLegalAction } from '../../domain/services/tracks';
import * as z from '../../domain/zod';
import { stepTime, workflowStep } from '../../shared/step';

const input = z.object({ caseId: z.string().check(z.minLength(1)), at: stepTime });

/** "Start legal action": the demand letter, and the referral with its evidence bundle. */
export const handler = workflowStep(input, (step) =>
  startLegalAction(
    { cases: cases(), timeline: timeline(), customers: customers(), referrals: referrals() },
    step,
  ),
);
