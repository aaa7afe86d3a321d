import { SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import { firstUse } from '../../shared/first-use';

/** Endpoint from `AWS_ENDPOINT_URL_SECRETS_MANAGER` when set (the local runtime). */
export const secretsClient = firstUse(() => new SecretsManagerClient({}));
