import { cases } from '../../adapters/accessors/cases';
import { customers } from '../../adapters/accessors/customers';
import { links } from '../../adapters/accessors/links';
import { timeline } from '../../adapters/accessors/timeline';
import { workItems } from '../../adapters/accessors/work-items';
import { InvalidRequestError } from '../../domain/errors';
import { optOutByLink } from '../../domain/services/opt-outs';
import * as z from '../../domain/zod';
import { apiRoute } from '../../shared/http';
import { optedOutPage } from './opt-out-pages';

const token = z.string().check(z.minLength(1), z.maxLength(1000));
// Not strict: the token is all that matters, and a provider's one-click POST
// (`List-Unsubscribe=One-Click`, RFC 8058) must not fail on a field it adds.
const form = z.object({ token: z.optional(token) });
const query = z.object({ token: z.optional(token) });

/**
 * POST /opt-out: the opt-out of the signed link, from the confirmation page's form (the token in the
 * form) or a mail provider's one-click unsubscribe (the token in the link's query). No auth: the
 * sealed token is the authority. Idempotent by nature (a repeat answers the same and keeps the first
 * opt-out), so an Idempotency-Key is not stored: nothing is written before the token is checked.
 */
export const handler = apiRoute({
  body: form,
  bodyFormat: 'form',
  query,
  run: async ({ body, query, at }) => {
    const sealed = body.token ?? query.token;
    if (!sealed) {
      throw new InvalidRequestError('The opt-out link token is missing.', [
        { path: 'token', message: 'required, in the form or in the query' },
      ]);
    }
    const result = await optOutByLink(
      {
        customers: customers(),
        cases: cases(),
        timeline: timeline(),
        workItems: workItems(),
        links: links(),
      },
      sealed,
      at,
    );
    if (!result) {
      throw new InvalidRequestError('This is not a genuine opt-out link.', [
        { path: 'token', message: 'not a valid opt-out link' },
      ]);
    }
    return optedOutPage(result.channel);
  },
});
