import { cases } from '../../adapters/accessors/cases';
import { timeline } from '../../adapters/accessors/timeline';
import { workflow } from '../../adapters/accessors/workflow';
import { casePath, disputeSchema } from '../../domain/requests';
import { openDispute } from '../../domain/services/customer-options';
import { apiRoute } from '../../shared/http';
import { idempotencyKeys } from '../../shared/idempotency-keys';

/** POST /cases/{caseId}/disputes: holds every channel until people rule. */
export const handler = apiRoute({
  idempotencyKeys,
  path: casePath,
  body: disputeSchema,
  run: async ({ body, path, at }) => ({
    status: 200,
    body: await openDispute(
      { cases: cases(), timeline: timeline(), workflow: workflow() },
      path.caseId,
      body,
      at,
    ),
  }),
});
