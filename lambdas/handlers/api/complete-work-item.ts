import { cases } from '../../adapters/accessors/cases';
import { customers } from '../../adapters/accessors/customers';
import { timeline } from '../../adapters/accessors/timeline';
import { workItems } from '../../adapters/accessors/work-items';
import { completeSchema, workItemPath } from '../../domain/requests';
import { completeWorkItem } from '../../domain/services/work-items';
import { apiRoute } from '../../shared/http';
import { idempotencyKeys } from '../../shared/idempotency-keys';

/** POST /work-items/{workItemId}/complete: the work done, the contact and its outcome on the case. */
export const handler = apiRoute({
  idempotencyKeys,
  path: workItemPath,
  body: completeSchema,
  run: async ({ body, path, at }) => ({
    status: 200,
    body: await completeWorkItem(
      { workItems: workItems(), cases: cases(), customers: customers(), timeline: timeline() },
      path.workItemId,
      body,
      at,
    ),
  }),
});
