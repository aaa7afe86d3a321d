import { cases } from '../../adapters/accessors/cases';
import { timeline } from '../../adapters/accessors/timeline';
import { workflow } from '../../adapters/accessors/workflow';
import { casePath, promiseSchema } from '../../domain/requests';
import { makePromise } from '../../domain/services/customer-options';
import { apiRoute } from '../../shared/http';
import { idempotencyKeys } from '../../shared/idempotency-keys';

/** POST /cases/{caseId}/promises: a promise to pay the whole amount by a date (409 unless OPEN, 422 beyond policy). */
export const handler = apiRoute({
  idempotencyKeys,
  path: casePath,
  body: promiseSchema,
  run: async ({ body, path, at }) => ({
    status: 200,
    body: await makePromise(
      { cases: cases(), timeline: timeline(), workflow: workflow() },
      path.caseId,
      body,
      at,
    ),
  }),
});
