import { wire } from '../../adapters';
import { casePath, legalOutcomeSchema } from '../../domain/requests';
import { recordLegalOutcome } from '../../domain/services/legal';
import { apiRoute } from '../../shared/http';

/** POST /cases/{caseId}/legal-outcome: judgment, settled, lost or withdrawn. */
export const handler = apiRoute({
  path: casePath,
  body: legalOutcomeSchema,
  run: async ({ body, path, at }) => ({
    status: 200,
    body: await recordLegalOutcome(wire('cases', 'timeline', 'workflow'), path.caseId, body, at),
  }),
});
