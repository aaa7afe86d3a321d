import { cases } from '../../adapters/accessors/cases';
import { timeline } from '../../adapters/accessors/timeline';
import { workflow } from '../../adapters/accessors/workflow';
import { casePath, legalOutcomeSchema } from '../../domain/requests';
import { recordLegalOutcome } from '../../domain/services/legal';
import { apiRoute } from '../../shared/http';
import { idempotencyKeys } from '../../shared/idempotency-keys';

/** POST /cases/{caseId}/legal-outcome: judgment, settled, lost or withdrawn. */
export const handler = apiRoute({
  idempotencyKeys,
  path: casePath,
  body: legalOutcomeSchema,
  run: async ({ body, path, at }) => ({
    status: 200,
    body: await recordLegalOutcome(
      { cases: cases(), timeline: timeline(), workflow: workflow() },
      path.caseId,
      body,
      at,
    ),
  }),
});
