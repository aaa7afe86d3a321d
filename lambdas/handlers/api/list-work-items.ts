import { cases } from '../../adapters/accessors/cases';
import { workItems } from '../../adapters/accessors/work-items';
import { listWorkItemsSchema } from '../../domain/requests';
import { listWorkItems } from '../../domain/services/work-items';
import { apiRoute } from '../../shared/http';

/**
 * GET /work-items?queue=CALLS|VISITS|LEGAL_REVIEW|LETTERS&status=OPEN|HELD|CLAIMED|DONE|CANCELLED:
 * tasks for people, oldest due first; OPEN leaves out the work its case's hold stops (that is HELD).
 */
export const handler = apiRoute({
  query: listWorkItemsSchema,
  run: async ({ query }) => ({
    status: 200,
    body: await listWorkItems({ workItems: workItems(), cases: cases() }, query),
  }),
});
