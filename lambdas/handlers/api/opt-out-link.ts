import { z } from 'zod';
import { wire } from '../../adapters';
import { optOutByLink } from '../../domain/services/opt-outs';
import { apiRoute } from '../../shared/http';

const query = z.object({ token: z.string().min(1).max(1000) });

const page = (title: string, lines: string[]) =>
  `<!doctype html><html><head><meta charset="utf-8"><meta name="viewport" content="width=device-width"><title>${title}</title></head><body>${lines.map((line) => `<p>${line}</p>`).join('')}</body></html>`;

/**
 * GET /opt-out?token=: the signed link in every SMS and email. No auth; the page says nothing about
 * the customer or the debt, in both languages.
 */
export const handler = apiRoute({
  query,
  run: async ({ query: { token }, at }) => {
    const result = await optOutByLink(
      wire('customers', 'cases', 'timeline', 'workItems', 'links'),
      token,
      at,
    );
    if (!result) {
      return {
        status: 400,
        contentType: 'text/html; charset=utf-8',
        body: page('Link not valid', ['此链接无效。', 'This link is not valid.']),
      };
    }
    const channel = result.channel === 'SMS' ? ['短信', 'text messages'] : ['邮件', 'emails'];
    return {
      status: 200,
      contentType: 'text/html; charset=utf-8',
      body: page('Unsubscribed', [
        `您将不会再收到此类催收${channel[0]}。`,
        `You will not receive these collection ${channel[1]} any more.`,
      ]),
    };
  },
});
