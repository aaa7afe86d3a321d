import { wire } from '../../adapters';
import { casePath, promiseSchema } from '../../domain/requests';
import { makePromise } from '../../domain/services/customer-options';
import { apiRoute } from '../../shared/http';

/** POST /cases/{caseId}/promises: a promise to pay the whole amount by a date (409 unless OPEN, 422 beyond policy). */
export const handler = apiRoute({
  path: casePath,
  body: promiseSchema,
  run: async ({ body, path, at }) => ({
    status: 200,
    body: await makePromise(wire('cases', 'timeline', 'workflow'), path.caseId, body, at),
  }),
});
