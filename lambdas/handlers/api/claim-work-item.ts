import { wire } from '../../adapters';
import { claimSchema, workItemPath } from '../../domain/requests';
import { claimWorkItem } from '../../domain/services/work-items';
import { apiRoute } from '../../shared/http';

/** POST /work-items/{workItemId}/claim: the compliance gate; 409 names the rule that refuses the contact. */
export const handler = apiRoute({
  path: workItemPath,
  body: claimSchema,
  run: async ({ body, path, at }) => ({
    status: 200,
    body: await claimWorkItem(wire('workItems', 'cases', 'customers', 'timeline'), path.workItemId, body, at),
  }),
});
