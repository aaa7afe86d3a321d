import {
  IdempotencyAlreadyInProgressError,
  IdempotencyConfig,
  IdempotencyValidationError,
  makeIdempotent,
} from '@aws-lambda-powertools/idempotency';
import { DynamoDBPersistenceLayer } from '@aws-lambda-powertools/idempotency/dynamodb';
import type { Context } from 'aws-lambda';
import { dynamoClient } from '../adapters/clients/dynamo';
import { DomainError, type FieldError } from '../domain/errors';
import { ENV, requireEnv } from './config';
import type { IdempotencyKeys, RouteResponse } from './http';

/** docs/api.md: idempotency keys live at least 24 hours; we keep them 48. */
const IDEMPOTENCY_KEY_TTL_SECONDS = 48 * 3600;

/** A reused Idempotency-Key (another request, or the first still running): 409. */
class IdempotencyKeyConflictError extends DomainError {
  override readonly name = 'IdempotencyKeyConflictError';
  readonly kind = 'CONFLICT' as const;
  constructor(
    message: string,
    readonly errors: FieldError[] = [],
  ) {
    super(message);
  }
}

interface IdempotentCall {
  key: string;
  fingerprint: unknown;
}

let store: DynamoDBPersistenceLayer | undefined;
const config = new IdempotencyConfig({
  eventKeyJmesPath: 'key',
  payloadValidationJmesPath: 'fingerprint',
  expiresAfterSeconds: IDEMPOTENCY_KEY_TTL_SECONDS,
  throwOnNoIdempotencyKey: true,
});

/**
 * `Idempotency-Key` for the routes that write (`apiRoute({ idempotencyKeys, … })`): a replay with the
 * same request gets the stored first answer. A module of its own so that only those routes carry the
 * idempotency layer and its DynamoDB client.
 */
export const idempotencyKeys: IdempotencyKeys = {
  async once(call: IdempotentCall, context: Context, work: () => Promise<RouteResponse>) {
    store ??= new DynamoDBPersistenceLayer({
      tableName: requireEnv(ENV.idempotencyTable),
      awsSdkV3Client: dynamoClient(),
    });
    config.registerLambdaContext(context);
    const run = makeIdempotent(async (_call: IdempotentCall) => work(), { persistenceStore: store, config });
    try {
      return await run(call);
    } catch (error) {
      if (error instanceof IdempotencyValidationError) {
        throw new IdempotencyKeyConflictError(
          'This Idempotency-Key was already used with a different request.',
          [{ path: 'Idempotency-Key', message: 'use a new key for a different request' }],
        );
      }
      if (error instanceof IdempotencyAlreadyInProgressError) {
        throw new IdempotencyKeyConflictError(
          'A request with this Idempotency-Key is still in progress; retry shortly.',
        );
      }
      throw error;
    }
  },
};
