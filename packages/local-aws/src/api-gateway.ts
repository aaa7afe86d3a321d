import type { APIGatewayProxyEvent, APIGatewayProxyResult } from 'aws-lambda';
import type { Ids } from './ids';
import type { SynthesizedApp } from './template';

/**
 * The REST API rebuilt from the template's resources and methods: each route invokes its function
 * with the API Gateway proxy event (v1), `requestTimeEpoch` taken from the virtual clock. Locally
 * there is no IAM auth (docs/api.md).
 */
export interface Route {
  method: string;
  /** Resource path template, e.g. `/cases/{caseId}/payments`. */
  resource: string;
  functionArn: string;
  segments: string[];
}

export interface HttpRequest {
  method: string;
  path: string;
  query: URLSearchParams;
  headers: Record<string, string | string[] | undefined>;
  body: string;
}

export function routesOf(app: SynthesizedApp): Route[] {
  const parents = new Map<string, { parent: string; part: string }>();
  for (const [logicalId, resource] of app.ofType('AWS::ApiGateway::Resource')) {
    const properties = resource.Properties ?? {};
    parents.set(logicalId, {
      parent: app.resolveString(properties.ParentId),
      part: String(properties.PathPart),
    });
  }
  const pathOf = (resourceId: string): string => {
    const node = parents.get(resourceId);
    return node ? `${pathOf(node.parent)}/${node.part}` : '';
  };
  return app.ofType('AWS::ApiGateway::Method').flatMap(([, resource]) => {
    const properties = resource.Properties ?? {};
    const integration = properties.Integration as { Type?: string; Uri?: unknown } | undefined;
    if (integration?.Type !== 'AWS_PROXY') return [];
    const uri = app.resolveString(integration.Uri);
    const functionArn = /functions\/(arn:aws:lambda:[^/]+)\/invocations/.exec(uri)?.[1];
    if (!functionArn) return [];
    const path = pathOf(app.resolveString(properties.ResourceId)) || '/';
    return [
      {
        method: String(properties.HttpMethod),
        resource: path,
        functionArn,
        segments: path.split('/').filter(Boolean),
      },
    ];
  });
}

/** The route for a request and its path parameters; static segments win over `{parameters}`. */
export function matchRoute(
  routes: Route[],
  method: string,
  path: string,
): { route: Route; pathParameters: Record<string, string> } | undefined {
  const parts = path.split('/').filter(Boolean);
  const candidates = routes
    .filter((route) => route.method === method && route.segments.length === parts.length)
    .map((route) => {
      const pathParameters: Record<string, string> = {};
      let score = 0;
      for (const [index, segment] of route.segments.entries()) {
        const part = parts[index] ?? '';
        const parameter = /^\{(\w+)\}$/.exec(segment)?.[1];
        if (parameter) pathParameters[parameter] = decodeURIComponent(part);
        else if (segment === part) score++;
        else return undefined;
      }
      return { route, pathParameters, score };
    })
    .filter((candidate) => candidate !== undefined)
    .sort((a, b) => b.score - a.score);
  const best = candidates[0];
  return best ? { route: best.route, pathParameters: best.pathParameters } : undefined;
}

export function proxyEvent(
  request: HttpRequest,
  route: Route,
  pathParameters: Record<string, string>,
  requestTimeEpoch: number,
  ids: Ids,
): APIGatewayProxyEvent {
  const headers: Record<string, string> = {};
  const multiValueHeaders: Record<string, string[]> = {};
  for (const [name, value] of Object.entries(request.headers)) {
    if (value === undefined) continue;
    const values = Array.isArray(value) ? value : [value];
    headers[name] = values.at(-1) ?? '';
    multiValueHeaders[name] = values;
  }
  const query: Record<string, string> = {};
  const multiQuery: Record<string, string[]> = {};
  for (const [key, value] of request.query) {
    query[key] = value;
    multiQuery[key] = [...(multiQuery[key] ?? []), value];
  }
  const hasQuery = Object.keys(query).length > 0;
  return {
    resource: route.resource,
    path: request.path,
    httpMethod: request.method,
    headers,
    multiValueHeaders,
    queryStringParameters: hasQuery ? query : null,
    multiValueQueryStringParameters: hasQuery ? multiQuery : null,
    pathParameters: Object.keys(pathParameters).length > 0 ? pathParameters : null,
    stageVariables: null,
    body: request.body === '' ? null : request.body,
    isBase64Encoded: false,
    requestContext: {
      accountId: '000000000000',
      apiId: 'local',
      authorizer: undefined,
      protocol: 'HTTP/1.1',
      httpMethod: request.method,
      identity: { sourceIp: '127.0.0.1' } as APIGatewayProxyEvent['requestContext']['identity'],
      path: `/v1${request.path}`,
      stage: 'v1',
      requestId: ids.uuid(),
      requestTimeEpoch,
      resourceId: route.resource,
      resourcePath: route.resource,
    },
  };
}

export function isProxyResult(value: unknown): value is APIGatewayProxyResult {
  return (
    value !== null &&
    typeof value === 'object' &&
    typeof (value as { statusCode?: unknown }).statusCode === 'number'
  );
}
