import { InvalidRequestError } from '../domain/errors';

type StartKey = Record<string, unknown>;

/** A DynamoDB `LastEvaluatedKey` as the opaque `nextToken` of a listing. */
export const encodePageToken = (key: StartKey | undefined): string | undefined =>
  key ? Buffer.from(JSON.stringify(key)).toString('base64url') : undefined;

/**
 * The start key a `nextToken` stands for, if `isStartKey` accepts it as a key of the same listing.
 * Anything else (a tampered token, one from another query) is the caller's error (400 naming
 * `nextToken`), not DynamoDB's ValidationException (a 500).
 */
export function decodePageToken(
  token: string | undefined,
  isStartKey: (key: StartKey) => boolean,
): StartKey | undefined {
  if (token === undefined) return undefined;
  let key: unknown;
  try {
    key = JSON.parse(Buffer.from(token, 'base64url').toString('utf8'));
  } catch {
    key = undefined;
  }
  if (key !== null && typeof key === 'object' && !Array.isArray(key) && isStartKey(key as StartKey)) {
    return key as StartKey;
  }
  throw new InvalidRequestError('Invalid nextToken.', [
    { path: 'nextToken', message: 'pass back the nextToken of the previous page unchanged' },
  ]);
}
