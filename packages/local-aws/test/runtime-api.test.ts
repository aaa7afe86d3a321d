// biome-ignore-all lint/suspicious/noTemplateCurlyInString: CloudFormation's own ${…} syntax is part of the template
import { writeFileSync } from 'node:fs';
import { request } from 'node:http';
import * as path from 'node:path';
import type { APIGatewayProxyEvent } from 'aws-lambda';
import { LocalRuntime } from '../src/runtime';
import { script, scriptedFunctions } from '../src/scripted-functions';

/**
 * The runtime's API port on a hand-written `cdk.out` whose one route invokes a scripted function:
 * what reaches the function (the proxy event) and what goes back (its proxy result), over HTTP.
 */
const START = Date.parse('2026-03-02T02:00:00.000Z');
const functions = scriptedFunctions('Echo');
let runtime: LocalRuntime;

beforeAll(async () => {
  writeFileSync(
    path.join(functions.cdkOut, 'manifest.json'),
    JSON.stringify({
      artifacts: {
        App: { type: 'aws:cloudformation:stack', properties: { templateFile: 'App.template.json' } },
      },
    }),
  );
  writeFileSync(
    path.join(functions.cdkOut, 'App.template.json'),
    JSON.stringify({
      Resources: {
        ...functions.resources,
        Api: { Type: 'AWS::ApiGateway::RestApi' },
        Items: {
          Type: 'AWS::ApiGateway::Resource',
          Properties: { ParentId: { 'Fn::GetAtt': ['Api', 'RootResourceId'] }, PathPart: 'items' },
        },
        Item: {
          Type: 'AWS::ApiGateway::Resource',
          Properties: { ParentId: { Ref: 'Items' }, PathPart: '{itemId}' },
        },
        ItemPost: {
          Type: 'AWS::ApiGateway::Method',
          Properties: {
            HttpMethod: 'POST',
            ResourceId: { Ref: 'Item' },
            Integration: {
              Type: 'AWS_PROXY',
              Uri: {
                'Fn::Sub':
                  'arn:aws:apigateway:${AWS::Region}:lambda:path/2015-03-31/functions/${Echo.Arn}/invocations',
              },
            },
          },
        },
      },
    }),
  );
  runtime = await LocalRuntime.start({
    cdkOut: functions.cdkOut,
    projectRoot: functions.cdkOut,
    port: 0,
    start: START,
    speed: 0,
    seed: 1,
    handlers: 'source',
  });
}, 60_000);

afterAll(async () => {
  await runtime?.stop();
  functions.remove();
});

interface Sent {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  body: string;
}

/** An HTTP request with repeated headers (fetch would fold them into one line). */
function send(
  method: string,
  route: string,
  headers: Record<string, string | string[]>,
  body = '',
): Promise<Sent> {
  return new Promise((resolve, reject) => {
    const outgoing = request(`${runtime.endpoints.api}${route}`, { method, headers }, (response) => {
      const chunks: Buffer[] = [];
      response.on('data', (chunk: Buffer) => chunks.push(chunk));
      response.on('end', () =>
        resolve({
          status: response.statusCode ?? 0,
          headers: response.headers,
          body: Buffer.concat(chunks).toString(),
        }),
      );
    });
    outgoing.on('error', reject);
    outgoing.end(body);
  });
}

describe('the API port', () => {
  test('a route invokes its function with the proxy event and answers with its result', async () => {
    // Prepare
    let received: APIGatewayProxyEvent | undefined;
    script('Echo', (event) => {
      received = event as APIGatewayProxyEvent;
      return {
        statusCode: 201,
        headers: { 'content-type': 'application/json', 'x-echo': 'yes' },
        body: '{"ok":true}',
      };
    });

    // Act
    const reply = await send(
      'POST',
      '/items/item%201?tag=a&tag=b&to=%2B86',
      { 'content-type': 'application/json', 'x-trace': ['first', 'second'] },
      '{"name":"phone"}',
    );

    // Assess
    expect(reply).toMatchObject({ status: 201, headers: { 'x-echo': 'yes' }, body: '{"ok":true}' });
    expect(received).toMatchObject({
      resource: '/items/{itemId}',
      path: '/items/item%201',
      httpMethod: 'POST',
      pathParameters: { itemId: 'item 1' },
      queryStringParameters: { tag: 'b', to: '+86' },
      multiValueQueryStringParameters: { tag: ['a', 'b'], to: ['+86'] },
      body: '{"name":"phone"}',
      requestContext: { requestTimeEpoch: START, resourcePath: '/items/{itemId}' },
    });
    expect(received?.headers['x-trace']).toBe('second');
    expect(received?.multiValueHeaders['x-trace']).toEqual(['first', 'second']);
  });

  test('a function result that is not a proxy result is a 502 problem', async () => {
    // Prepare
    script('Echo', () => ({ body: 'no status code' }));

    // Act
    const reply = await send('POST', '/items/1', {});

    // Assess
    expect(reply.status).toBe(502);
    expect(reply.headers['content-type']).toBe('application/problem+json');
    expect(JSON.parse(reply.body)).toMatchObject({ status: 502, type: '/problems/gateway-error' });
  });

  test('a function that throws is a 502 problem', async () => {
    // Prepare
    script('Echo', () => {
      throw new TypeError('boom');
    });

    // Act
    const reply = await send('POST', '/items/1', {});

    // Assess
    expect(reply.status).toBe(502);
    expect(JSON.parse(reply.body)).toMatchObject({ status: 502, type: '/problems/gateway-error' });
  });

  test('a path or method with no route is a 404 problem', async () => {
    // Act
    const replies = await Promise.all([send('GET', '/items/1', {}), send('POST', '/elsewhere', {})]);

    // Assess
    expect(replies.map((reply) => [reply.status, reply.headers['content-type']])).toEqual([
      [404, 'application/problem+json'],
      [404, 'application/problem+json'],
    ]);
  });
});
