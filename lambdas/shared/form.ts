import { InvalidRequestError } from '../domain/errors';

/**
 * An HTML form's body as field → value (the first value of a repeated field): URL-encoded, as
 * browsers post forms, or `multipart/form-data`, which RFC 8058 lets mail providers use for a
 * one-click unsubscribe. Without a content type the body is read as URL-encoded. File parts are
 * ignored.
 */
export function parseForm(body: string, contentType: string | undefined): Record<string, string> {
  const fields: Record<string, string> = {};
  const add = (name: string, value: string) => {
    if (!Object.hasOwn(fields, name)) fields[name] = value;
  };
  if (/^multipart\/form-data\b/i.test(contentType ?? '')) {
    for (const [name, value] of multipartFields(body, contentType ?? '')) add(name, value);
  } else {
    for (const [name, value] of new URLSearchParams(body)) add(name, value);
  }
  return fields;
}

function multipartFields(body: string, contentType: string): Array<[string, string]> {
  const boundary = /boundary=(?:"([^"]+)"|([^;\s]+))/i.exec(contentType);
  const delimiter = boundary?.[1] ?? boundary?.[2];
  if (!delimiter) {
    throw new InvalidRequestError('A multipart body needs a boundary.', [
      { path: '(body)', message: 'multipart/form-data without a boundary' },
    ]);
  }
  const fields: Array<[string, string]> = [];
  // Parts sit between `--boundary` lines; the last delimiter is `--boundary--`. Lines end in CRLF
  // as RFC 7578 asks, but some senders use a bare LF: both are read.
  for (const part of body.split(`--${delimiter}`).slice(1)) {
    if (part.startsWith('--')) break;
    const blankLine = /\r?\n\r?\n/.exec(part);
    if (!blankLine) continue;
    const headers = part.slice(0, blankLine.index);
    const disposition = /content-disposition:\s*form-data\s*;([^\r\n]*)/i.exec(headers)?.[1] ?? '';
    const name = /\bname="([^"]*)"/i.exec(disposition)?.[1];
    if (name === undefined || /\bfilename=/i.test(disposition)) continue;
    fields.push([name, part.slice(blankLine.index + blankLine[0].length).replace(/\r?\n$/, '')]);
  }
  return fields;
}
