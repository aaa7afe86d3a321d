import { z } from 'zod';
import { adapters } from '../../adapters';
import { CONTACT_STAGES, sendStageContact } from '../../domain/services/workflow-steps';
import { workflowStep } from '../../shared/step';

const input = z.object({ caseId: z.string().min(1), stage: z.enum(CONTACT_STAGES), at: z.iso.datetime() });

/** "Send overdue notice", "Send soft reminder", …: the stage's contact, within the compliance rules. */
export const handler = workflowStep(input, (step) =>
  sendStageContact(
    {
      cases: adapters.cases(),
      timeline: adapters.timeline(),
      customers: adapters.customers(),
      messenger: adapters.messenger(),
      workflow: adapters.workflow(),
    },
    step,
  ),
);
