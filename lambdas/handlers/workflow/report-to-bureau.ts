import { wire } from '../../adapters';
import { reportToBureau } from '../../domain/services/tracks';
import * as z from '../../domain/zod';
import { stepTime, workflowStep } from '../../shared/step';

const input = z.object({ caseId: z.string().check(z.minLength(1)), at: stepTime });

/** "Report to credit bureau": the overdue debt filed, once; says whether legal review is due. */
export const handler = workflowStep(input, (step) =>
  reportToBureau(wire('cases', 'timeline', 'customers', 'bureau'), step),
);
