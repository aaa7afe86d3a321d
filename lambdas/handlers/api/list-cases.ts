import { cases } from '../../adapters/accessors/cases';
import { listCasesSchema } from '../../domain/requests';
import { listCases } from '../../domain/services/read-cases';
import { apiRoute } from '../../shared/http';

/** GET /cases?status=&stage=&customerId=&rentalId=&limit=&nextToken= */
export const handler = apiRoute({
  query: listCasesSchema,
  run: async ({ query, at }) => ({
    status: 200,
    body: await listCases({ cases: cases() }, query, at),
  }),
});
