import { cases } from '../../adapters/accessors/cases';
import { timeline } from '../../adapters/accessors/timeline';
import { workItems } from '../../adapters/accessors/work-items';
import { workflow } from '../../adapters/accessors/workflow';
import { casePath, legalReviewSchema } from '../../domain/requests';
import { decideLegalReview } from '../../domain/services/legal';
import { apiRoute } from '../../shared/http';
import { idempotencyKeys } from '../../shared/idempotency-keys';

/** POST /cases/{caseId}/legal-review: approve → LEGAL / LEGAL_ACTION; decline → soft reminders. */
export const handler = apiRoute({
  idempotencyKeys,
  path: casePath,
  body: legalReviewSchema,
  run: async ({ body, path, at }) => ({
    status: 200,
    body: await decideLegalReview(
      { cases: cases(), timeline: timeline(), workflow: workflow(), workItems: workItems() },
      path.caseId,
      body,
      at,
    ),
  }),
});
