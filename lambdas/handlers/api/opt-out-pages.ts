import type { RouteResponse } from '../../shared/http';

/**
 * The pages of the signed opt-out link, in both languages. They name the channel only: nothing
 * about the customer, the case or the debt. No referrer leaves them (the URL holds the token).
 */
type Channel = 'SMS' | 'EMAIL';

const CHANNEL_NAMES: Record<Channel, { zh: string; en: string }> = {
  SMS: { zh: '短信', en: 'text messages' },
  EMAIL: { zh: '邮件', en: 'emails' },
};

const escapeHtml = (text: string) =>
  text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');

function page(status: number, title: string, body: string): RouteResponse {
  return {
    status,
    contentType: 'text/html; charset=utf-8',
    body: `<!doctype html><html><head><meta charset="utf-8"><meta name="viewport" content="width=device-width"><meta name="robots" content="noindex"><meta name="referrer" content="no-referrer"><title>${title}</title></head><body>${body}</body></html>`,
  };
}

const paragraphs = (lines: string[]) => lines.map((line) => `<p>${line}</p>`).join('');

/**
 * What `GET /opt-out?token=` shows: a question and a button. Only the form's POST (to this same
 * URL) opts out, so a mail scanner or link preview that fetches the link changes nothing.
 */
export function confirmationPage(channel: Channel, token: string): RouteResponse {
  const name = CHANNEL_NAMES[channel];
  return page(
    200,
    'Unsubscribe',
    `${paragraphs([
      `要停止接收此类催收${name.zh}吗？`,
      `Stop receiving these collection ${name.en}?`,
    ])}<form method="post"><input type="hidden" name="token" value="${escapeHtml(token)}"><button type="submit">确认退订 · Unsubscribe</button></form>`,
  );
}

export function optedOutPage(channel: Channel): RouteResponse {
  const name = CHANNEL_NAMES[channel];
  return page(
    200,
    'Unsubscribed',
    paragraphs([
      `您将不会再收到此类催收${name.zh}。`,
      `You will not receive these collection ${name.en} any more.`,
    ]),
  );
}

export function invalidLinkPage(): RouteResponse {
  return page(400, 'Link not valid', paragraphs(['此链接无效。', 'This link is not valid.']));
}
