import { cases } from '../../adapters/accessors/cases';
import { customers } from '../../adapters/accessors/customers';
import { timeline } from '../../adapters/accessors/timeline';
import { workItems } from '../../adapters/accessors/work-items';
import { claimSchema, workItemPath } from '../../domain/requests';
import { claimWorkItem } from '../../domain/services/work-items';
import { apiRoute } from '../../shared/http';
import { idempotencyKeys } from '../../shared/idempotency-keys';

/** POST /work-items/{workItemId}/claim: the compliance gate; 409 names the rule that refuses the contact. */
export const handler = apiRoute({
  idempotencyKeys,
  path: workItemPath,
  body: claimSchema,
  run: async ({ body, path, at }) => ({
    status: 200,
    body: await claimWorkItem(
      { workItems: workItems(), cases: cases(), customers: customers(), timeline: timeline() },
      path.workItemId,
      body,
      at,
    ),
  }),
});
