import { wire } from '../../adapters';
import { casePath, planSchema } from '../../domain/requests';
import { agreePlan } from '../../domain/services/customer-options';
import { apiRoute } from '../../shared/http';

/** POST /cases/{caseId}/plans: instalments or an extended return within policy limits. */
export const handler = apiRoute({
  path: casePath,
  body: planSchema,
  run: async ({ body, path, at }) => ({
    status: 200,
    body: await agreePlan(wire('cases', 'timeline', 'workflow'), path.caseId, body, at),
  }),
});
