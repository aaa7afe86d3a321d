import { wire } from '../../adapters';
import { casePath, legalReviewSchema } from '../../domain/requests';
import { decideLegalReview } from '../../domain/services/legal';
import { apiRoute } from '../../shared/http';

/** POST /cases/{caseId}/legal-review: approve → LEGAL / LEGAL_ACTION; decline → soft reminders. */
export const handler = apiRoute({
  path: casePath,
  body: legalReviewSchema,
  run: async ({ body, path, at }) => ({
    status: 200,
    body: await decideLegalReview(wire('cases', 'timeline', 'workflow', 'workItems'), path.caseId, body, at),
  }),
});
