import { cases } from '../../adapters/accessors/cases';
import { customers } from '../../adapters/accessors/customers';
import { timeline } from '../../adapters/accessors/timeline';
import { workItems } from '../../adapters/accessors/work-items';
import { viewOf } from '../../domain/case';
import { casePath, contactSchema } from '../../domain/requests';
import { policyOf } from '../../domain/services/policy-of';
import { recordContact } from '../../domain/services/work-items';
import { apiRoute } from '../../shared/http';
import { idempotencyKeys } from '../../shared/idempotency-keys';

/** POST /cases/{caseId}/contacts: a call, visit or inbound contact an agent logs (once per contactId). */
export const handler = apiRoute({
  idempotencyKeys,
  path: casePath,
  body: contactSchema,
  run: async ({ body, path, at }) => {
    const record = await recordContact(
      { workItems: workItems(), cases: cases(), customers: customers(), timeline: timeline() },
      path.caseId,
      body,
      at,
    );
    return { status: 200, body: viewOf(record, at, policyOf(record)) };
  },
});
