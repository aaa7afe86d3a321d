import { cases } from '../../adapters/accessors/cases';
import { timeline } from '../../adapters/accessors/timeline';
import { casePath } from '../../domain/requests';
import { getCase } from '../../domain/services/read-cases';
import { apiRoute } from '../../shared/http';

/** GET /cases/{caseId}: the case with its timeline. */
export const handler = apiRoute({
  path: casePath,
  run: async ({ path, at }) => ({
    status: 200,
    body: await getCase({ cases: cases(), timeline: timeline() }, path.caseId, at),
  }),
});
