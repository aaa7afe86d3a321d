import { adapters } from '../../adapters';
import { casePath } from '../../domain/requests';
import { getCase } from '../../domain/services/read-cases';
import { apiRoute } from '../../shared/http';

/** GET /cases/{caseId}: the case with its timeline. */
export const handler = apiRoute({
  path: casePath,
  run: async ({ path, at }) => ({
    status: 200,
    body: await getCase({ cases: adapters.cases(), timeline: adapters.timeline() }, path.caseId, at),
  }),
});
