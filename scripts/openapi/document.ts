import * as path from 'node:path';
import { z } from 'zod';
import * as requests from '../../lambdas/domain/requests';
import { MAX_BODY_BYTES, PROBLEM_TYPES, type RouteSchemas } from '../../lambdas/shared/http';
import { STAGE } from '../../lib/api';
import * as responses from './responses';
import { type Answer, type ContractRoute, type ProblemStatus, ROUTES } from './routes';

/**
 * The OpenAPI 3.1 document of the API (docs/openapi.json, `npm run openapi`): the routes of
 * ./routes.ts, each with the request schemas its handler validates with (`handler.schemas`), the
 * answers of ./responses.ts, and problem+json for every refusal.
 */

type Json = Record<string, unknown>;

const HANDLERS = path.join(__dirname, '..', '..', 'lambdas', 'handlers');
const COMPONENT = '#/components/schemas/';

/** The named schemas of the document (`components.schemas`), shared by every route that uses them. */
const named = z.registry<{ id: string; description?: string }>();
named.add(requests.moneySchema, {
  id: 'Money',
  description: 'An amount in integer minor units of an ISO 4217 currency (CNY 129900 = ¥1,299.00).',
});
named.add(requests.openCaseSchema, { id: 'OpenCaseRequest' });
named.add(requests.paymentSchema, { id: 'PaymentRequest' });
named.add(requests.returnSchema, { id: 'ReturnRequest' });
named.add(requests.promiseSchema, { id: 'PromiseRequest' });
named.add(requests.planSchema, { id: 'PlanRequest' });
named.add(requests.disputeSchema, { id: 'DisputeRequest' });
named.add(requests.disputeResolutionSchema, { id: 'DisputeRulingRequest' });
named.add(requests.contactSchema, { id: 'ContactRequest' });
named.add(requests.legalReviewSchema, { id: 'LegalReviewRequest' });
named.add(requests.legalOutcomeSchema, { id: 'LegalOutcomeRequest' });
named.add(requests.disclosureApprovalSchema, { id: 'DisclosureApprovalRequest' });
named.add(requests.claimSchema, {
  id: 'AgentRequest',
  description: 'Who claims the work item, or gives the claim back.',
});
named.add(requests.completeSchema, { id: 'CompleteRequest' });
named.add(requests.optOutSchema, { id: 'OptOutRequest' });
named.add(responses.balanceSchema, { id: 'Balance', description: 'An amount the case shows (may be 0).' });
named.add(responses.caseSchema, { id: 'Case', description: 'The case (docs/api.md "The case").' });
named.add(responses.timelineEntrySchema, { id: 'TimelineEntry' });
named.add(responses.caseWithTimelineSchema, { id: 'CaseWithTimeline' });
named.add(responses.casePageSchema, { id: 'CasePage' });
named.add(responses.workItemSchema, { id: 'WorkItem' });
named.add(responses.workItemPageSchema, { id: 'WorkItemPage' });
named.add(responses.optOutResultSchema, { id: 'OptOutResult' });
named.add(responses.problemSchema, {
  id: 'Problem',
  description: 'RFC 9457 problem details, for every refusal (the handlers’ and API Gateway’s own).',
});

const toJson = (schema: z.core.$ZodType): Json => {
  const { $schema: _dialect, ...json } = z.toJSONSchema(schema, { io: 'input', metadata: named }) as Json;
  if ('$defs' in json) throw new Error('an inline schema uses a named one: give it a name too');
  return json;
};

/** A body schema: a reference when it is named, else the schema itself. */
const schemaOf = (schema: z.core.$ZodType): Json => {
  const name = named.get(schema)?.id;
  return name ? { $ref: `${COMPONENT}${name}` } : toJson(schema);
};

function componentSchemas(): Record<string, Json> {
  const { schemas } = z.toJSONSchema(named, {
    io: 'input',
    uri: (id) => `${COMPONENT}${id}`,
  }) as { schemas: Record<string, Json> };
  return Object.fromEntries(
    Object.entries(schemas).map(([id, { $schema: _dialect, $id: _id, ...schema }]) => [id, schema]),
  );
}

/** The schemas the route's handler validates with. */
function schemasOf(route: ContractRoute): RouteSchemas {
  const module = require(path.join(HANDLERS, route.handler)) as { handler?: { schemas?: RouteSchemas } };
  const schemas = module.handler?.schemas;
  if (!schemas) throw new Error(`lambdas/handlers/${route.handler} is not an apiRoute handler`);
  return schemas;
}

function queryParameters(query: z.core.$ZodType | undefined): Json[] {
  if (!query) return [];
  if (!(query instanceof z.core.$ZodObject)) throw new Error('a query schema is an object of parameters');
  return Object.entries(query._zod.def.shape).map(([name, schema]) => ({
    name,
    in: 'query',
    // Optional or defaulted parameters accept their absence.
    required: !z.safeParse(schema, undefined).success,
    schema: toJson(schema),
  }));
}

/** The route's `{name}` parameters, each with the schema its handler's path schema gives it. */
function pathParameters(route: ContractRoute, path: z.core.$ZodType | undefined): Json[] {
  const names = [...route.path.matchAll(/\{(\w+)\}/g)].map(([, name]) => name as string);
  if (names.length === 0) return [];
  if (!(path instanceof z.core.$ZodObject)) throw new Error(`${route.handler} has no path schema`);
  const shape = path._zod.def.shape;
  return names.map((name) => {
    const schema = shape[name];
    if (!schema) throw new Error(`the path schema of ${route.handler} has no ${name}`);
    return { name, in: 'path', required: true, schema: toJson(schema) };
  });
}

function requestBody(schemas: RouteSchemas): Json | undefined {
  if (!schemas.body) return undefined;
  const schema = schemaOf(schemas.body);
  const content =
    schemas.bodyFormat === 'form'
      ? { 'application/x-www-form-urlencoded': { schema }, 'multipart/form-data': { schema } }
      : { 'application/json': { schema } };
  return { required: schemas.bodyFormat !== 'form', content };
}

function answer({ description, body }: Answer): Json {
  if (!body) return { description };
  if (body === 'html') return { description, content: { 'text/html': { schema: { type: 'string' } } } };
  return { description, content: { 'application/json': { schema: schemaOf(body) } } };
}

/** A problem+json answer whose `type` and `status` are the ones of `status` (docs/api.md). */
function problemAnswer(status: number, description: string): Json {
  const [type] = PROBLEM_TYPES[status] ?? [];
  if (!type) throw new Error(`no problem type for status ${status}`);
  return {
    description: `\`${type}\`: ${description}`,
    content: {
      'application/problem+json': {
        schema: {
          allOf: [
            { $ref: `${COMPONENT}Problem` },
            { properties: { type: { const: type }, status: { const: status } } },
          ],
        },
      },
    },
  };
}

const ref = (name: string) => ({ $ref: `#/components/responses/${name}` });

function operation(route: ContractRoute): Json {
  const schemas = schemasOf(route);
  const body = requestBody(schemas);
  const idempotent = route.method === 'POST' && schemas.idempotencyKeys;
  const answers: Json = {};
  for (const [status, value] of Object.entries(route.answers)) answers[status] = answer(value);
  for (const [status, why] of Object.entries(route.problems)) {
    answers[status] = problemAnswer(Number(status as `${ProblemStatus}`), why);
  }
  if (route.htmlRefusal) {
    const refusal = answers['400'] as { content: Json };
    refusal.content['text/html'] = { schema: { type: 'string' } };
  }
  if (body) answers['413'] = ref('BodyTooLarge');
  if (route.auth === 'sigv4') {
    answers['403'] = ref('Forbidden');
    answers['429'] = ref('Throttled');
  }
  answers['500'] = ref('Internal');
  answers['503'] = ref('Busy');
  return {
    operationId: route.operationId,
    tags: [route.tag],
    summary: route.summary,
    ...(route.description ? { description: route.description } : {}),
    ...(route.auth === 'none' ? { security: [] } : {}),
    parameters: [
      ...pathParameters(route, schemas.path),
      ...queryParameters(schemas.query),
      ...(idempotent ? [{ $ref: '#/components/parameters/IdempotencyKey' }] : []),
    ],
    ...(body ? { requestBody: body } : {}),
    responses: Object.fromEntries(Object.entries(answers).sort(([a], [b]) => Number(a) - Number(b))),
  };
}

function paths(): Record<string, Json> {
  const byPath: Record<string, Json> = {};
  for (const route of ROUTES) {
    byPath[route.path] = { ...byPath[route.path], [route.method.toLowerCase()]: operation(route) };
  }
  return byPath;
}

export function buildOpenApi(): Json {
  return {
    openapi: '3.1.0',
    info: {
      title: 'rental-collections',
      version: STAGE,
      summary: 'Collections of overdue rentals: cases, payments, arrangements, work for people, opt-outs.',
      description:
        'The HTTP contract of docs/api.md, generated from the zod schemas the handlers validate with (`npm run openapi`). Events on the `collections` bus are described in docs/api.md.',
      license: { name: 'Apache-2.0', identifier: 'Apache-2.0' },
    },
    servers: [
      {
        url: `https://{restApiId}.execute-api.{region}.amazonaws.com/${STAGE}`,
        description:
          'The deployed stack (the `ApiUrl` output); every route but the opt-out link is SigV4-signed.',
        variables: {
          restApiId: { default: 'restApiId', description: 'The id of the REST API' },
          region: { default: 'us-east-1', description: 'The region the stack is deployed in' },
        },
      },
      { url: 'http://127.0.0.1:3000', description: '`npm start`: the local runtime, no auth' },
    ],
    security: [{ sigv4: [] }],
    tags: [
      {
        name: 'Cases',
        description: 'A case per overdue rental, and what the customer and people do about it.',
      },
      { name: 'Work items', description: 'Calls, visits, letters and legal reviews for people.' },
      { name: 'Opt-outs', description: 'A customer stops a channel; the signed link in every message.' },
    ],
    paths: paths(),
    components: {
      securitySchemes: {
        sigv4: {
          type: 'apiKey',
          name: 'Authorization',
          in: 'header',
          description:
            'IAM authorisation: sign each request with AWS Signature Version 4, service `execute-api`.',
          'x-amazon-apigateway-authtype': 'awsSigv4',
        },
      },
      parameters: {
        IdempotencyKey: {
          name: 'Idempotency-Key',
          in: 'header',
          required: false,
          description:
            'Same key and body: the first answer again, nothing more changes. Same key, another body: 409. Kept at least 24 hours.',
          schema: { type: 'string', minLength: 1 },
        },
      },
      responses: {
        BodyTooLarge: problemAnswer(413, `A body over ${MAX_BODY_BYTES / 1024} KiB.`),
        Forbidden: {
          description:
            'API Gateway refused the request before it reached the handler: `/problems/missing-authentication` (no signature, or an unknown route), `/problems/invalid-signature`, `/problems/expired-token`, `/problems/access-denied`.',
          content: { 'application/problem+json': { schema: { $ref: `${COMPONENT}Problem` } } },
        },
        Throttled: {
          description:
            'API Gateway throttled the request (`/problems/throttled`, `/problems/quota-exceeded`): retry later.',
          content: { 'application/problem+json': { schema: { $ref: `${COMPONENT}Problem` } } },
        },
        Internal: problemAnswer(500, 'Our fault; the request can be retried (writes are idempotent).'),
        Busy: problemAnswer(503, 'The case kept changing under the request: retry it.'),
      },
      schemas: componentSchemas(),
    },
  };
}

/** The document as written to docs/openapi.json. */
export const openApiText = (): string => `${JSON.stringify(buildOpenApi(), null, 2)}\n`;
