import { wire } from '../../adapters';
import { completeSchema, workItemPath } from '../../domain/requests';
import { completeWorkItem } from '../../domain/services/work-items';
import { apiRoute } from '../../shared/http';

/** POST /work-items/{workItemId}/complete: the work done, the contact and its outcome on the case. */
export const handler = apiRoute({
  path: workItemPath,
  body: completeSchema,
  run: async ({ body, path, at }) => ({
    status: 200,
    body: await completeWorkItem(
      wire('workItems', 'cases', 'customers', 'timeline'),
      path.workItemId,
      body,
      at,
    ),
  }),
});
