import { cases } from '../../adapters/accessors/cases';
import { customers } from '../../adapters/accessors/customers';
import { events } from '../../adapters/accessors/events';
import { timeline } from '../../adapters/accessors/timeline';
import { workflow } from '../../adapters/accessors/workflow';
import { casePath, disclosureApprovalSchema } from '../../domain/requests';
import { approveDisclosure } from '../../domain/services/legal';
import { apiRoute } from '../../shared/http';
import { idempotencyKeys } from '../../shared/idempotency-keys';

/** POST /cases/{caseId}/public-disclosure/approvals: one of the two approvals a public disclosure needs (with a judgment, if the policy allows it). */
export const handler = apiRoute({
  idempotencyKeys,
  path: casePath,
  body: disclosureApprovalSchema,
  run: async ({ body, path, at }) => ({
    status: 200,
    body: await approveDisclosure(
      {
        cases: cases(),
        timeline: timeline(),
        workflow: workflow(),
        customers: customers(),
        events: events(),
      },
      path.caseId,
      body,
      at,
    ),
  }),
});
