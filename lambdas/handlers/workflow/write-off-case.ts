import { cases } from '../../adapters/accessors/cases';
import { timeline } from '../../adapters/accessors/timeline';
import { workItems } from '../../adapters/accessors/work-items';
import { writeOffCase } from '../../domain/services/tracks';
import * as z from '../../domain/zod';
import { stepTime, workflowStep } from '../../shared/step';

const input = z.object({ caseId: z.string().check(z.minLength(1)), at: stepTime });

/** "Write off the debt": the end of the soft reminders, or of a lost or withdrawn legal case. */
export const handler = workflowStep(input, (step) =>
  writeOffCase({ cases: cases(), timeline: timeline(), workItems: workItems() }, step),
);
