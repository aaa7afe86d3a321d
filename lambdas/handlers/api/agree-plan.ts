import { cases } from '../../adapters/accessors/cases';
import { timeline } from '../../adapters/accessors/timeline';
import { workflow } from '../../adapters/accessors/workflow';
import { casePath, planSchema } from '../../domain/requests';
import { agreePlan } from '../../domain/services/customer-options';
import { apiRoute } from '../../shared/http';
import { idempotencyKeys } from '../../shared/idempotency-keys';

/** POST /cases/{caseId}/plans: instalments or an extended return within policy limits. */
export const handler = apiRoute({
  idempotencyKeys,
  path: casePath,
  body: planSchema,
  run: async ({ body, path, at }) => ({
    status: 200,
    body: await agreePlan(
      { cases: cases(), timeline: timeline(), workflow: workflow() },
      path.caseId,
      body,
      at,
    ),
  }),
});
