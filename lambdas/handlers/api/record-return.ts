import { cases } from '../../adapters/accessors/cases';
import { timeline } from '../../adapters/accessors/timeline';
import { workflow } from '../../adapters/accessors/workflow';
import { casePath, returnSchema } from '../../domain/requests';
import { recordReturn } from '../../domain/services/customer-options';
import { apiRoute } from '../../shared/http';
import { idempotencyKeys } from '../../shared/idempotency-keys';

/** POST /cases/{caseId}/returns: the device is back: RESOLVED / RETURNED at once. */
export const handler = apiRoute({
  idempotencyKeys,
  path: casePath,
  body: returnSchema,
  run: async ({ body, path, at }) => ({
    status: 200,
    body: await recordReturn(
      { cases: cases(), timeline: timeline(), workflow: workflow() },
      path.caseId,
      body,
      at,
    ),
  }),
});
