import { cases } from '../../adapters/accessors/cases';
import { customers } from '../../adapters/accessors/customers';
import { timeline } from '../../adapters/accessors/timeline';
import { workItems } from '../../adapters/accessors/work-items';
import { releaseSchema, workItemPath } from '../../domain/requests';
import { releaseWorkItem } from '../../domain/services/work-items';
import { apiRoute } from '../../shared/http';
import { idempotencyKeys } from '../../shared/idempotency-keys';

/** POST /work-items/{workItemId}/release: the agent gives the claim back (OPEN again, its call's place freed). */
export const handler = apiRoute({
  idempotencyKeys,
  path: workItemPath,
  body: releaseSchema,
  run: async ({ body, path, at }) => ({
    status: 200,
    body: await releaseWorkItem(
      { workItems: workItems(), cases: cases(), customers: customers(), timeline: timeline() },
      path.workItemId,
      body,
      at,
    ),
  }),
});
