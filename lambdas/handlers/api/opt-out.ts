import { cases } from '../../adapters/accessors/cases';
import { customers } from '../../adapters/accessors/customers';
import { timeline } from '../../adapters/accessors/timeline';
import { workItems } from '../../adapters/accessors/work-items';
import { customerPath, optOutSchema } from '../../domain/requests';
import { optOut } from '../../domain/services/opt-outs';
import { apiRoute } from '../../shared/http';
import { idempotencyKeys } from '../../shared/idempotency-keys';

/** POST /customers/{customerId}/opt-outs: the channel is never used again for collection. */
export const handler = apiRoute({
  idempotencyKeys,
  path: customerPath,
  body: optOutSchema,
  run: async ({ body, path, at }) => {
    const customerId = path.customerId;
    await optOut(
      { customers: customers(), cases: cases(), timeline: timeline(), workItems: workItems() },
      customerId,
      body.channel,
      at,
    );
    return { status: 200, body: { customerId, channel: body.channel, optedOut: true } };
  },
});
