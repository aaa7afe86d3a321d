import { bureau } from '../../adapters/accessors/bureau';
import { cases } from '../../adapters/accessors/cases';
import { customers } from '../../adapters/accessors/customers';
import { timeline } from '../../adapters/accessors/timeline';
import { reportToBureau } from '../../domain/services/tracks';
import * as z from '../../domain/zod';
import { stepTime, workflowStep } from '../../shared/step';

const input = z.object({ caseId: z.string().check(z.minLength(1)), at: stepTime });

/** "Report to credit bureau": the overdue debt filed, once; says whether legal review is due. */
export const handler = workflowStep(input, (step) =>
  reportToBureau({ cases: cases(), timeline: timeline(), customers: customers(), bureau: bureau() }, step),
);
