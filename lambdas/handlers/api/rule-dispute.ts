import { cases } from '../../adapters/accessors/cases';
import { timeline } from '../../adapters/accessors/timeline';
import { workflow } from '../../adapters/accessors/workflow';
import { casePath, disputeResolutionSchema } from '../../domain/requests';
import { ruleDispute } from '../../domain/services/customer-options';
import { apiRoute } from '../../shared/http';
import { idempotencyKeys } from '../../shared/idempotency-keys';

/** POST /cases/{caseId}/disputes/resolution: upheld → CANCELLED; rejected → the ladder resumes. */
export const handler = apiRoute({
  idempotencyKeys,
  path: casePath,
  body: disputeResolutionSchema,
  run: async ({ body, path, at }) => ({
    status: 200,
    body: await ruleDispute(
      { cases: cases(), timeline: timeline(), workflow: workflow() },
      path.caseId,
      body,
      at,
    ),
  }),
});
