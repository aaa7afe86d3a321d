import { readFileSync } from 'node:fs';
import * as path from 'node:path';
import { buildOpenApi, openApiText } from '../../scripts/openapi/document';
import { PROBLEM_TYPE_NAMES } from '../../scripts/openapi/responses';
import { ROUTES } from '../../scripts/openapi/routes';
import { TemplateModel } from './template-model';

/**
 * docs/openapi.json is generated (`npm run openapi`) and describes the synthesized API exactly:
 * every method of the template is in it, with the template's auth and handler, and nothing else.
 * docs/api.md's route table lists the same routes.
 */
const ROOT = path.join(__dirname, '..', '..');
const template = new TemplateModel();
// biome-ignore lint/suspicious/noExplicitAny: the document is read as plain JSON
const document = buildOpenApi() as any;
const HTTP_METHODS = ['get', 'put', 'post', 'delete', 'patch', 'head', 'options'];

const sorted = (routes: Iterable<string>) => [...new Set(routes)].sort();
const templateRoutes = () => sorted(template.apiMethods().map((method) => method.route));

function documentedOperations(): Array<{ route: string; operation: Record<string, unknown> }> {
  return Object.entries(document.paths as Record<string, Record<string, Record<string, unknown>>>).flatMap(
    ([route, methods]) =>
      Object.entries(methods)
        .filter(([method]) => HTTP_METHODS.includes(method))
        .map(([method, operation]) => ({ route: `${method.toUpperCase()} ${route}`, operation })),
  );
}

/** `METHOD /path` of every row of docs/api.md's "Routes" table (query strings dropped). */
function apiMdRoutes(): string[] {
  const text = readFileSync(path.join(ROOT, 'docs', 'api.md'), 'utf8');
  const section = text.split(/^## /m).find((part) => part.startsWith('Routes'));
  if (!section) throw new Error('docs/api.md has no "Routes" section');
  return [...section.matchAll(/^\| `(GET|POST) ([^`?]+)(?:\?[^`]*)?`/gm)].map(([, method, route]) => {
    return `${method} ${route}`;
  });
}

function refsIn(value: unknown): string[] {
  if (value === null || typeof value !== 'object') return [];
  if (Array.isArray(value)) return value.flatMap(refsIn);
  return Object.entries(value).flatMap(([key, inner]) =>
    key === '$ref' && typeof inner === 'string' ? [inner] : refsIn(inner),
  );
}

const resolve = (pointer: string): unknown =>
  pointer
    .replace(/^#\//, '')
    .split('/')
    .reduce<unknown>((at, part) => (at as Record<string, unknown> | undefined)?.[part], document);

test('docs/openapi.json is the generated document (run `npm run openapi` after changing a route or schema)', () => {
  const committed = readFileSync(path.join(ROOT, 'docs', 'openapi.json'), 'utf8');

  expect(committed).toBe(openApiText());
});

test('every route of the synthesized API is documented, and every documented route exists', () => {
  const documented = sorted(documentedOperations().map(({ route }) => route));

  expect(documented).toEqual(templateRoutes());
  expect(templateRoutes()).toHaveLength(ROUTES.length);
});

test('docs/api.md lists exactly the routes of the synthesized API', () => {
  expect(sorted(apiMdRoutes())).toEqual(templateRoutes());
});

test('each documented route has the auth and the handler the template gives it', () => {
  const methods = template.apiMethods();
  const functions = template.functions();

  for (const route of ROUTES) {
    const method = methods.find((candidate) => candidate.route === `${route.method} ${route.path}`);
    const fn = functions.find((candidate) => candidate.logicalId === method?.functionId);
    const operation = document.paths[route.path][route.method.toLowerCase()];

    expect({ route: method?.route, handler: fn?.handler }).toEqual({
      route: `${route.method} ${route.path}`,
      handler: route.handler,
    });
    expect({ route: method?.route, auth: method?.authorization }).toEqual({
      route: method?.route,
      auth: route.auth === 'sigv4' ? 'AWS_IAM' : 'NONE',
    });
    expect(operation.security).toEqual(route.auth === 'sigv4' ? undefined : []);
  }
  expect(document.security).toEqual([{ sigv4: [] }]);
  expect(document.components.securitySchemes.sigv4).toMatchObject({
    type: 'apiKey',
    in: 'header',
    name: 'Authorization',
  });
});

test('every operation declares its path parameters, request body and problem+json refusals', () => {
  for (const { route, operation } of documentedOperations()) {
    const [, routePath] = route.split(' ') as [string, string];
    const parameters = (operation.parameters as Array<{ in?: string; name?: string }>).filter(
      (parameter) => parameter.in === 'path',
    );
    const responses = operation.responses as Record<string, { content?: Record<string, unknown> }>;

    expect({ route, path: parameters.map((parameter) => parameter.name) }).toEqual({
      route,
      path: [...routePath.matchAll(/\{(\w+)\}/g)].map(([, name]) => name),
    });
    expect({ route, hasBody: 'requestBody' in operation }).toEqual({
      route,
      hasBody: route.startsWith('POST'),
    });
    expect(Object.keys(responses)).toEqual(expect.arrayContaining(['500']));
    for (const [status, response] of Object.entries(responses)) {
      if (Number(status) >= 400 && response.content) {
        expect({ route, status, problem: 'application/problem+json' in response.content }).toEqual({
          route,
          status,
          problem: true,
        });
      }
    }
  }
});

test('every $ref in the document resolves', () => {
  const unresolved = refsIn(document).filter((pointer) => resolve(pointer) === undefined);

  expect(unresolved).toEqual([]);
});

test("the problem types are the handlers' and every Gateway Response of the template", () => {
  const gatewayTypes = template.ofType('AWS::ApiGateway::GatewayResponse').map(([, resource]) => {
    const body = (resource.Properties.ResponseTemplates as Record<string, string>)['application/json'];
    return /"type":"([^"]+)"/.exec(body ?? '')?.[1];
  });

  expect(document.components.schemas.Problem.properties.type.enum).toEqual(PROBLEM_TYPE_NAMES);
  expect(PROBLEM_TYPE_NAMES).toEqual(expect.arrayContaining(gatewayTypes));
});
