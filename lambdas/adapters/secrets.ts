import { GetSecretValueCommand } from '@aws-sdk/client-secrets-manager';
import { MissingConfigError } from '../shared/config';
import { secretsClient } from './clients/secrets';

const cache = new Map<string, Promise<string>>();

/** A secret's string, read once per container (a failed read is tried again next time). Never logged. */
export function secretString(secretArn: string): Promise<string> {
  let pending = cache.get(secretArn);
  if (!pending) {
    pending = secretsClient()
      .send(new GetSecretValueCommand({ SecretId: secretArn }))
      .then((result) => {
        if (!result.SecretString) throw new MissingConfigError('a configured secret has no string value');
        return result.SecretString;
      });
    pending.catch(() => cache.delete(secretArn));
    cache.set(secretArn, pending);
  }
  return pending;
}
