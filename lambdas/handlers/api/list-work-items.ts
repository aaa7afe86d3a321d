import { wire } from '../../adapters';
import { listWorkItemsSchema } from '../../domain/requests';
import { listWorkItems } from '../../domain/services/work-items';
import { apiRoute } from '../../shared/http';

/** GET /work-items?queue=CALLS|VISITS|LEGAL_REVIEW|LETTERS&status=OPEN: tasks for people, oldest due first. */
export const handler = apiRoute({
  query: listWorkItemsSchema,
  run: async ({ query }) => ({ status: 200, body: await listWorkItems(wire('workItems'), query) }),
});
