import { matchRoute, proxyEvent, type Route, routesOf } from '../src/api-gateway';
import { Ids } from '../src/ids';
import { type CfnResource, SynthesizedApp } from '../src/template';

/** An AWS_PROXY method as CDK writes it: the integration URI joined from pseudo parameters and an ARN. */
const method = (httpMethod: string, resourceId: unknown, functionId: string): CfnResource => ({
  Type: 'AWS::ApiGateway::Method',
  Properties: {
    HttpMethod: httpMethod,
    ResourceId: resourceId,
    RestApiId: { Ref: 'Api' },
    Integration: {
      Type: 'AWS_PROXY',
      IntegrationHttpMethod: 'POST',
      Uri: {
        'Fn::Join': [
          '',
          [
            'arn:',
            { Ref: 'AWS::Partition' },
            ':apigateway:',
            { Ref: 'AWS::Region' },
            ':lambda:path/2015-03-31/functions/',
            { 'Fn::GetAtt': [functionId, 'Arn'] },
            '/invocations',
          ],
        ],
      },
    },
  },
});

const resource = (parent: unknown, part: string): CfnResource => ({
  Type: 'AWS::ApiGateway::Resource',
  Properties: { ParentId: parent, PathPart: part, RestApiId: { Ref: 'Api' } },
});

const root = { 'Fn::GetAtt': ['Api', 'RootResourceId'] };

const app = new SynthesizedApp('/nowhere', {
  Resources: {
    Api: { Type: 'AWS::ApiGateway::RestApi' },
    Health: { Type: 'AWS::Lambda::Function' },
    ListCases: { Type: 'AWS::Lambda::Function' },
    GetCase: { Type: 'AWS::Lambda::Function' },
    SearchCases: { Type: 'AWS::Lambda::Function' },
    RecordPayment: { Type: 'AWS::Lambda::Function' },
    // Children listed before their parents: the path is rebuilt from ParentId, not from order.
    Payments: resource({ Ref: 'Case' }, 'payments'),
    Case: resource({ Ref: 'Cases' }, '{caseId}'),
    Search: resource({ Ref: 'Cases' }, 'search'),
    Cases: resource(root, 'cases'),
    RootGet: method('GET', root, 'Health'),
    CasesGet: method('GET', { Ref: 'Cases' }, 'ListCases'),
    CaseGet: method('GET', { Ref: 'Case' }, 'GetCase'),
    SearchGet: method('GET', { Ref: 'Search' }, 'SearchCases'),
    PaymentsPost: method('POST', { Ref: 'Payments' }, 'RecordPayment'),
    CasesOptions: {
      Type: 'AWS::ApiGateway::Method',
      Properties: { HttpMethod: 'OPTIONS', ResourceId: { Ref: 'Cases' }, Integration: { Type: 'MOCK' } },
    },
  },
});

const fn = (name: string) => app.getAtt(name, 'Arn');

describe('routesOf', () => {
  test('rebuilds each proxy route: its path from the resource parents, its function from the URI', () => {
    // Act
    const routes = routesOf(app);

    // Assess
    expect(routes.map(({ method: verb, resource: path, functionArn }) => [verb, path, functionArn])).toEqual([
      ['GET', '/', fn('Health')],
      ['GET', '/cases', fn('ListCases')],
      ['GET', '/cases/{caseId}', fn('GetCase')],
      ['GET', '/cases/search', fn('SearchCases')],
      ['POST', '/cases/{caseId}/payments', fn('RecordPayment')],
    ]);
    expect(routes.find((route) => route.resource === '/cases/{caseId}/payments')?.segments).toEqual([
      'cases',
      '{caseId}',
      'payments',
    ]);
  });
});

describe('matchRoute', () => {
  const routes = routesOf(app);
  const match = (verb: string, path: string) => {
    const found = matchRoute(routes, verb, path);
    return found && { resource: found.route.resource, pathParameters: found.pathParameters };
  };

  test.each<
    [string, string, string, { resource: string; pathParameters: Record<string, string> } | undefined]
  >([
    ['the root', 'GET', '/', { resource: '/', pathParameters: {} }],
    ['a static path', 'GET', '/cases', { resource: '/cases', pathParameters: {} }],
    [
      'a parameter',
      'GET',
      '/cases/case-1',
      { resource: '/cases/{caseId}', pathParameters: { caseId: 'case-1' } },
    ],
    [
      'a static segment before a parameter',
      'GET',
      '/cases/search',
      { resource: '/cases/search', pathParameters: {} },
    ],
    [
      'a parameter, decoded',
      'GET',
      '/cases/a%20b%2Fc%2B',
      { resource: '/cases/{caseId}', pathParameters: { caseId: 'a b/c+' } },
    ],
    [
      'a parameter in the middle',
      'POST',
      '/cases/case-1/payments',
      { resource: '/cases/{caseId}/payments', pathParameters: { caseId: 'case-1' } },
    ],
    ['a method the path does not have', 'DELETE', '/cases/case-1', undefined],
    ['a path with more segments', 'GET', '/cases/case-1/unknown', undefined],
    ['a path that is not there', 'GET', '/customers', undefined],
  ])('%s', (_name, verb, path, expected) => {
    expect(match(verb, path)).toEqual(expected);
  });
});

describe('proxyEvent', () => {
  const route = routesOf(app).find((candidate) => candidate.resource === '/cases/{caseId}/payments') as Route;
  const requestTimeEpoch = Date.parse('2026-03-02T02:00:00Z');

  test('builds the REST API (v1) proxy event, with multi-value headers and query', () => {
    // Prepare
    const request = {
      method: 'POST',
      path: '/cases/case-1/payments',
      query: new URLSearchParams('channel=SMS&to=%2B8613800138000&tag=a&tag=b'),
      headers: {
        'content-type': 'application/json',
        'x-forwarded-for': ['10.0.0.1', '10.0.0.2'],
        absent: undefined,
      },
      body: '{"paymentId":"p-1"}',
    };

    // Act
    const event = proxyEvent(request, route, { caseId: 'case-1' }, requestTimeEpoch, new Ids(5));

    // Assess
    expect(event).toEqual({
      resource: '/cases/{caseId}/payments',
      path: '/cases/case-1/payments',
      httpMethod: 'POST',
      headers: { 'content-type': 'application/json', 'x-forwarded-for': '10.0.0.2' },
      multiValueHeaders: {
        'content-type': ['application/json'],
        'x-forwarded-for': ['10.0.0.1', '10.0.0.2'],
      },
      queryStringParameters: { channel: 'SMS', to: '+8613800138000', tag: 'b' },
      multiValueQueryStringParameters: { channel: ['SMS'], to: ['+8613800138000'], tag: ['a', 'b'] },
      pathParameters: { caseId: 'case-1' },
      stageVariables: null,
      body: '{"paymentId":"p-1"}',
      isBase64Encoded: false,
      requestContext: expect.objectContaining({
        accountId: '000000000000',
        httpMethod: 'POST',
        path: '/v1/cases/case-1/payments',
        stage: 'v1',
        requestId: expect.stringMatching(/^[0-9a-f-]{36}$/),
        requestTimeEpoch,
        resourcePath: '/cases/{caseId}/payments',
      }),
    });
  });

  test('no query, no path parameters and no body are null, as API Gateway sends them', () => {
    // Prepare
    const list = routesOf(app).find((candidate) => candidate.resource === '/cases') as Route;
    const request = { method: 'GET', path: '/cases', query: new URLSearchParams(), headers: {}, body: '' };

    // Act
    const event = proxyEvent(request, list, {}, requestTimeEpoch, new Ids(5));

    // Assess
    expect(event).toMatchObject({
      queryStringParameters: null,
      multiValueQueryStringParameters: null,
      pathParameters: null,
      body: null,
    });
  });
});
