import { links } from '../../adapters/accessors/links';
import * as z from '../../domain/zod';
import { apiRoute } from '../../shared/http';
import { confirmationPage, invalidLinkPage } from './opt-out-pages';

const query = z.object({ token: z.string().check(z.minLength(1), z.maxLength(1000)) });

/**
 * GET /opt-out?token=: the signed link in every SMS and email opens a confirmation page and changes
 * nothing (mail scanners and link previews fetch links). A link that is not genuine gets a 400 page,
 * since a person in a browser reads it; a missing token is a 400 problem like any bad request.
 */
export const handler = apiRoute({
  query,
  run: async ({ query: { token } }) => {
    const claim = await links().read(token);
    return claim ? confirmationPage(claim.channel, token) : invalidLinkPage();
  },
});
