import { GetSecretValueCommand } from '@aws-sdk/client-secrets-manager';
import { CreditBureauRefusedError } from '../domain/ports';
import { MissingConfigError, optionalEnv, requireEnv } from '../shared/config';
import { secretsClient } from './clients/secrets';
import { ZhimaCreditBureau } from './zhima-credit-bureau';

/** The credit bureau's environment variables (to join `ENV` in shared/config.ts). */
export const CREDIT_BUREAU_ENV = {
  endpoint: 'CREDIT_BUREAU_ENDPOINT',
  secretArn: 'CREDIT_BUREAU_SECRET_ARN',
  /** Optional; below the function's 15 s timeout so a slow bureau is a retryable error, not a crash. */
  timeoutMs: 'CREDIT_BUREAU_TIMEOUT_MS',
} as const;

const DEFAULT_TIMEOUT_MS = 8_000;

/** The secret's JSON. Key material: never logged, never in an error message. */
interface CreditBureauSecret {
  appId: string;
  privateKeyPem: string;
  bureauPublicKeyPem: string;
}

const SECRET_FIELDS = ['appId', 'privateKeyPem', 'bureauPublicKeyPem'] as const;

function parseSecret(text: string | undefined): CreditBureauSecret {
  let value: unknown;
  try {
    value = JSON.parse(text ?? '');
  } catch {
    throw new MissingConfigError('the credit bureau secret is not JSON');
  }
  const record = (value ?? {}) as Record<string, unknown>;
  const missing = SECRET_FIELDS.filter((field) => typeof record[field] !== 'string' || record[field] === '');
  if (missing.length > 0) {
    throw new MissingConfigError(`the credit bureau secret lacks ${missing.join(', ')}`);
  }
  return record as unknown as CreditBureauSecret;
}

function timeoutFromEnvironment(): number {
  const text = optionalEnv(CREDIT_BUREAU_ENV.timeoutMs);
  if (text === undefined) return DEFAULT_TIMEOUT_MS;
  const value = Number(text);
  if (!Number.isInteger(value) || value <= 0) {
    throw new MissingConfigError(`${CREDIT_BUREAU_ENV.timeoutMs} is not a positive whole number of ms`);
  }
  return value;
}

let pending: Promise<ZhimaCreditBureau> | undefined;

async function load(): Promise<ZhimaCreditBureau> {
  const endpoint = requireEnv(CREDIT_BUREAU_ENV.endpoint);
  const secretArn = requireEnv(CREDIT_BUREAU_ENV.secretArn);
  const timeoutMs = timeoutFromEnvironment();
  const result = await secretsClient().send(new GetSecretValueCommand({ SecretId: secretArn }));
  return new ZhimaCreditBureau({ endpoint, timeoutMs, ...parseSecret(result.SecretString) });
}

/**
 * The Zhima adapter configured from `CREDIT_BUREAU_ENDPOINT` and the Secrets Manager secret named by
 * `CREDIT_BUREAU_SECRET_ARN`, read once per container; a failed read is retried on the next call.
 */
export function creditBureauFromEnvironment(): Promise<ZhimaCreditBureau> {
  pending ??= load().catch((error: unknown) => {
    pending = undefined;
    // Credentials not filled in yet is a refusal (ops must act), not an outage to retry.
    if (error instanceof MissingConfigError) throw new CreditBureauNotConfiguredError(error.message);
    throw error;
  });
  return pending;
}

/** The bureau's endpoint or credentials are missing or malformed (docs/deploy.md). */
export class CreditBureauNotConfiguredError extends CreditBureauRefusedError {
  override readonly name = 'CreditBureauNotConfiguredError';
}
