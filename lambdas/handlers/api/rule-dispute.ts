import { wire } from '../../adapters';
import { casePath, disputeResolutionSchema } from '../../domain/requests';
import { ruleDispute } from '../../domain/services/customer-options';
import { apiRoute } from '../../shared/http';

/** POST /cases/{caseId}/disputes/resolution: upheld → CANCELLED; rejected → the ladder resumes. */
export const handler = apiRoute({
  path: casePath,
  body: disputeResolutionSchema,
  run: async ({ body, path, at }) => ({
    status: 200,
    body: await ruleDispute(wire('cases', 'timeline', 'workflow'), path.caseId, body, at),
  }),
});
