import { wire } from '../../adapters';
import { customerPath, optOutSchema } from '../../domain/requests';
import { optOut } from '../../domain/services/opt-outs';
import { apiRoute } from '../../shared/http';

/** POST /customers/{customerId}/opt-outs: the channel is never used again for collection. */
export const handler = apiRoute({
  path: customerPath,
  body: optOutSchema,
  run: async ({ body, path, at }) => {
    const customerId = path.customerId;
    await optOut(wire('customers', 'cases', 'timeline', 'workItems'), customerId, body.channel, at);
    return { status: 200, body: { customerId, channel: body.channel, optedOut: true } };
  },
});
