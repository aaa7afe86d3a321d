import { injectLambdaContext } from '@aws-lambda-powertools/logger/middleware';
import { MetricUnit } from '@aws-lambda-powertools/metrics';
import { logMetrics } from '@aws-lambda-powertools/metrics/middleware';
import middy from '@middy/core';
import type { APIGatewayProxyEvent, APIGatewayProxyResult, Context } from 'aws-lambda';
import { ConcurrentUpdateError, DomainError, type FieldError, InvalidRequestError } from '../domain/errors';
import { fieldErrors } from '../domain/field-errors';
import type * as z from '../domain/zod';
import { parseForm } from './form';
import { logger, metrics } from './powertools';

/** docs/api.md: a body over 64 KiB is refused with 413 before it is parsed. */
export const MAX_BODY_BYTES = 64 * 1024;

export interface RouteRequest<Body, Query, Path> {
  body: Body;
  query: Query;
  path: Path;
  /** Business time: when API Gateway received the request (the virtual clock, locally). */
  at: string;
}

export interface RouteResponse {
  status: number;
  body: unknown;
  /** Default JSON; `text/html` sends `body` (a string) as it is. */
  contentType?: 'application/json' | 'text/html; charset=utf-8';
}

export interface RouteSpec<
  BodySchema extends z.ZodMiniType,
  QuerySchema extends z.ZodMiniType,
  PathSchema extends z.ZodMiniType,
> {
  /** Schema of the body; absent for routes without one. */
  body?: BodySchema;
  /** `json` (default), or `form` for an HTML form's fields (URL-encoded or multipart; empty is `{}`). */
  bodyFormat?: 'json' | 'form';
  /**
   * Given (`idempotencyKeys` of ./idempotency-keys.ts), a POST honours `Idempotency-Key`: every route
   * that writes passes it, but for one without auth that is idempotent by nature, where an anonymous
   * caller then writes nothing (no Idempotency-Key record) before the route's own checks. A route
   * without it does not carry the idempotency layer.
   */
  idempotencyKeys?: IdempotencyKeys;
  query?: QuerySchema;
  /** Schema of the path parameters (`casePath`, `workItemPath`, …); required for a route with any. */
  path?: PathSchema;
  run(
    request: RouteRequest<z.infer<BodySchema>, z.infer<QuerySchema>, z.infer<PathSchema>>,
  ): Promise<RouteResponse>;
}

/** The problem `type` and `title` of each status a handler answers with (docs/api.md, docs/openapi.json). */
export const PROBLEM_TYPES: Record<number, [type: string, title: string]> = {
  400: ['/problems/invalid-request', 'The request is invalid'],
  404: ['/problems/not-found', 'Not found'],
  409: ['/problems/conflict', 'Not allowed in the current state'],
  413: ['/problems/body-too-large', 'The request body is too large'],
  422: ['/problems/policy-limit', 'Outside the limits of the collections policy'],
  500: ['/problems/internal', 'Internal error'],
  503: ['/problems/busy', 'Busy, try again'],
};

export function problem(
  status: number,
  detail: string,
  errors?: FieldError[],
  extensions: Record<string, string> = {},
): APIGatewayProxyResult {
  const [type, title] = PROBLEM_TYPES[status] ?? ['about:blank', 'Error'];
  return {
    statusCode: status,
    headers: { 'content-type': 'application/problem+json' },
    body: JSON.stringify({
      type,
      title,
      status,
      detail,
      ...(errors && errors.length > 0 ? { errors } : {}),
      ...extensions,
    }),
  };
}

const json = ({ status, body, contentType }: RouteResponse): APIGatewayProxyResult =>
  contentType === 'text/html; charset=utf-8'
    ? {
        statusCode: status,
        headers: { 'content-type': contentType, 'cache-control': 'no-store' },
        body: String(body),
      }
    : { statusCode: status, headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) };

const DOMAIN_STATUS: Record<DomainError['kind'], number> = {
  INVALID: 400,
  NOT_FOUND: 404,
  CONFLICT: 409,
  POLICY_LIMIT: 422,
};

function toProblem(error: unknown): APIGatewayProxyResult {
  if (error instanceof DomainError) {
    const errors = 'errors' in error ? (error.errors as FieldError[]) : undefined;
    // A compliance refusal names its rule (and when to try again), so agents' tools can act on it.
    const extensions: Record<string, string> = {};
    if ('rule' in error && typeof error.rule === 'string') extensions.rule = error.rule;
    if ('retryAt' in error && typeof error.retryAt === 'string') extensions.retryAt = error.retryAt;
    return problem(DOMAIN_STATUS[error.kind], error.message, errors, extensions);
  }
  if (error instanceof ConcurrentUpdateError) return problem(503, 'The case is busy; retry the request.');
  // Unknown errors are logged by name and message only (ours never carry personal data) and never
  // returned to the caller.
  logger.error('request failed', {
    error: error instanceof Error ? `${error.name}: ${error.message}` : 'unknown',
  });
  return problem(500, 'The request could not be completed.');
}

function parseBody(event: APIGatewayProxyEvent, format: 'json' | 'form'): unknown {
  const raw = event.body ?? '';
  const text = event.isBase64Encoded ? Buffer.from(raw, 'base64').toString('utf8') : raw;
  if (format === 'form') return parseForm(text, header(event, 'content-type'));
  if (text.trim() === '')
    throw new InvalidRequestError('A JSON body is required.', [{ path: '(body)', message: 'required' }]);
  try {
    return JSON.parse(text);
  } catch {
    throw new InvalidRequestError('The body is not valid JSON.', [
      { path: '(body)', message: 'not valid JSON' },
    ]);
  }
}

function validate<S extends z.ZodMiniType>(schema: S, value: unknown, what: string): z.infer<S> {
  const result = schema.safeParse(value);
  if (!result.success)
    throw new InvalidRequestError(`The ${what} has invalid fields.`, fieldErrors(result.error, what));
  return result.data;
}

function header(event: APIGatewayProxyEvent, name: string): string | undefined {
  const wanted = name.toLowerCase();
  for (const [key, value] of Object.entries(event.headers ?? {})) {
    if (key.toLowerCase() === wanted && value) return value;
  }
  return undefined;
}

/** Runs a route's work once per Idempotency-Key (lambdas/shared/idempotency-keys.ts). */
export interface IdempotencyKeys {
  once(
    call: { key: string; fingerprint: unknown },
    context: Context,
    work: () => Promise<RouteResponse>,
  ): Promise<RouteResponse>;
}

/** What a route validates its request with, for the OpenAPI document (scripts/openapi/) to read. */
export interface RouteSchemas {
  body?: z.ZodMiniType;
  bodyFormat: 'json' | 'form';
  query?: z.ZodMiniType;
  path?: z.ZodMiniType;
  idempotencyKeys: boolean;
}

/**
 * An API Gateway (REST, proxy) route: size check, JSON parsing and zod validation first, then the
 * route's one domain call; every failure becomes problem+json. POSTs given `idempotencyKeys` honour `Idempotency-Key`. The
 * handler carries its schemas (`handler.schemas`), so the OpenAPI document shows what it validates.
 */
export function apiRoute<
  BodySchema extends z.ZodMiniType,
  QuerySchema extends z.ZodMiniType,
  PathSchema extends z.ZodMiniType,
>(spec: RouteSpec<BodySchema, QuerySchema, PathSchema>) {
  const handle = async (event: APIGatewayProxyEvent, context: Context): Promise<APIGatewayProxyResult> => {
    metrics.addMetric('ApiRequest', MetricUnit.Count, 1);
    try {
      const raw = event.body ?? '';
      if (Buffer.byteLength(raw, event.isBase64Encoded ? 'base64' : 'utf8') > MAX_BODY_BYTES) {
        return problem(413, `The body must be at most ${MAX_BODY_BYTES} bytes.`);
      }
      const request = {
        body: spec.body
          ? validate(spec.body, parseBody(event, spec.bodyFormat ?? 'json'), 'body')
          : undefined,
        query: spec.query ? validate(spec.query, event.queryStringParameters ?? {}, 'query') : undefined,
        path: spec.path ? validate(spec.path, event.pathParameters ?? {}, 'path') : {},
        at: new Date(event.requestContext.requestTimeEpoch).toISOString(),
      } as RouteRequest<z.infer<BodySchema>, z.infer<QuerySchema>, z.infer<PathSchema>>;
      const key =
        event.httpMethod === 'POST' && spec.idempotencyKeys ? header(event, 'Idempotency-Key') : undefined;
      const response =
        key && spec.idempotencyKeys
          ? await spec.idempotencyKeys.once(
              {
                key: `${event.httpMethod} ${event.resource} ${key}`,
                fingerprint: { path: request.path, body: request.body ?? null },
              },
              context,
              () => spec.run(request),
            )
          : await spec.run(request);
      return json(response);
    } catch (error) {
      const response = toProblem(error);
      metrics.addMetric('RequestRejected', MetricUnit.Count, 1);
      return response;
    }
  };
  const schemas: RouteSchemas = {
    ...(spec.body ? { body: spec.body } : {}),
    bodyFormat: spec.bodyFormat ?? 'json',
    ...(spec.query ? { query: spec.query } : {}),
    ...(spec.path ? { path: spec.path } : {}),
    idempotencyKeys: spec.idempotencyKeys !== undefined,
  };
  const handler = middy(handle)
    .use(injectLambdaContext(logger, { resetKeys: true }))
    .use(logMetrics(metrics));
  return Object.assign(handler, { schemas });
}
