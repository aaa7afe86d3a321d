import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import {
  createStepFunctionsFacade,
  createTable,
  createTableInput,
  Ids,
  localDynamoClient,
  SesEmulator,
  SnsEmulator,
  StepFunctionsEngine,
  startDynalite,
  type TaskIntegration,
  VirtualClock,
} from '@rental-collections/local-aws';
import type { APIGatewayProxyEvent, APIGatewayProxyResult, Context } from 'aws-lambda';
import { TABLES } from '../../lambdas/adapters/tables';
import { ENV } from '../../lambdas/shared/config';
import { HOUR, START_DAY } from './time';

/**
 * The AWS services our handlers talk to, running for real in this process: DynamoDB (dynalite),
 * SNS (our Publish emulator), SES (aws-ses-v2-local) and Step Functions (our engine behind its
 * JSON protocol facade). Handlers reach them through the standard endpoint variables, as they do
 * under the local runtime. Nothing here mocks the SDK.
 */
export interface LocalAws {
  clock: VirtualClock;
  sns: SnsEmulator;
  ses: SesEmulator;
  engine: StepFunctionsEngine;
  stateMachineArn: string;
  /** Task tokens the test state machine handed to its "await" task, newest last. */
  tokens: string[];
  stop(): Promise<void>;
}

export const START = START_DAY + 2 * HOUR; // 10:00 in Shanghai

const listen = async (server: Server): Promise<string> => {
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
};

/** A stand-in case workflow: one callback task whose token the test can complete, as the API does. */
const AWAIT_MACHINE = {
  StartAt: 'Await resolution',
  States: {
    'Await resolution': {
      Type: 'Task',
      Resource: 'arn:aws:states:::lambda:invoke.waitForTaskToken',
      Parameters: { FunctionName: 'await', Payload: { 'caseId.$': '$.caseId', 'token.$': '$$.Task.Token' } },
      End: true,
    },
  },
};

export async function startLocalAws(): Promise<LocalAws> {
  const started: Array<() => Promise<void>> = [];
  try {
    return await start(started);
  } catch (error) {
    await Promise.allSettled(started.map((stop) => stop()));
    throw error;
  }
}

const closing = (server: Server) => () =>
  new Promise<void>((resolve) => (server.listening ? server.close(() => resolve()) : resolve()));

async function start(started: Array<() => Promise<void>>): Promise<LocalAws> {
  const clock = new VirtualClock({ start: START, speed: 0 });
  const ids = new Ids(7);
  const dynamo = await startDynalite();
  started.push(() => dynamo.close());
  const client = localDynamoClient(dynamo.endpoint);
  const tableNames = {
    cases: 'Cases',
    timeline: 'Timeline',
    customers: 'Customers',
    idempotency: 'Idempotency',
  };
  for (const [key, name] of Object.entries(tableNames)) {
    await createTable(client, createTableInput(name, TABLES[key as keyof typeof TABLES]));
  }
  const sns = new SnsEmulator(clock, ids, () => new Set());
  const ses = new SesEmulator(clock);
  started.push(closing(sns.server), closing(ses.server), () => ses.stop());
  await ses.start();
  const tokens: string[] = [];
  const awaitTask: TaskIntegration = async (_parameters, context) => {
    if (context.taskToken) tokens.push(context.taskToken);
    return {};
  };
  const engine = new StepFunctionsEngine({
    scheduler: clock,
    region: 'us-east-1',
    accountId: '000000000000',
    random: ids.random,
    integrations: (resource) => (resource === 'arn:aws:states:::lambda:invoke' ? awaitTask : undefined),
  });
  const stateMachineArn = engine.registerStateMachine({ name: 'OverdueCase', definition: AWAIT_MACHINE });
  const sfn = createStepFunctionsFacade(engine, { scheduler: clock });
  started.push(closing(sfn), async () => client.destroy());
  Object.assign(process.env, {
    AWS_REGION: 'us-east-1',
    AWS_ACCESS_KEY_ID: 'local',
    AWS_SECRET_ACCESS_KEY: 'local',
    AWS_ENDPOINT_URL_DYNAMODB: dynamo.endpoint,
    AWS_ENDPOINT_URL_SNS: await listen(sns.server),
    AWS_ENDPOINT_URL_SESV2: await listen(ses.server),
    AWS_ENDPOINT_URL_SFN: await listen(sfn),
    [ENV.casesTable]: tableNames.cases,
    [ENV.timelineTable]: tableNames.timeline,
    [ENV.customersTable]: tableNames.customers,
    [ENV.idempotencyTable]: tableNames.idempotency,
    [ENV.stateMachineArn]: stateMachineArn,
    [ENV.senderEmail]: 'collections@example.com',
    [ENV.emailConfigurationSet]: 'collections',
  });
  return {
    clock,
    sns,
    ses,
    engine,
    stateMachineArn,
    tokens,
    async stop() {
      await Promise.allSettled(started.map((stop) => stop()));
    },
  };
}

let requestCount = 0;

export function lambdaContext(name = 'test'): Context {
  return {
    callbackWaitsForEmptyEventLoop: false,
    functionName: name,
    functionVersion: '$LATEST',
    invokedFunctionArn: `arn:aws:lambda:us-east-1:000000000000:function:${name}`,
    memoryLimitInMB: '512',
    awsRequestId: `request-${++requestCount}`,
    logGroupName: `/aws/lambda/${name}`,
    logStreamName: 'local',
    getRemainingTimeInMillis: () => 15_000,
    done: () => undefined,
    fail: () => undefined,
    succeed: () => undefined,
  };
}

export interface ApiCall {
  method: 'GET' | 'POST';
  resource: string;
  pathParameters?: Record<string, string>;
  query?: Record<string, string>;
  headers?: Record<string, string>;
  body?: unknown;
  /** Raw body text, to send something that is not JSON. */
  rawBody?: string;
  at: number;
}

export function apiEvent(call: ApiCall): APIGatewayProxyEvent {
  const path = call.resource.replace(
    /\{(\w+)\}/g,
    (_whole, name: string) => call.pathParameters?.[name] ?? '',
  );
  return {
    resource: call.resource,
    path,
    httpMethod: call.method,
    headers: { 'content-type': 'application/json', ...(call.headers ?? {}) },
    multiValueHeaders: {},
    queryStringParameters: call.query ?? null,
    multiValueQueryStringParameters: null,
    pathParameters: call.pathParameters ?? null,
    stageVariables: null,
    body: call.rawBody ?? (call.body === undefined ? null : JSON.stringify(call.body)),
    isBase64Encoded: false,
    requestContext: {
      accountId: '000000000000',
      apiId: 'local',
      authorizer: undefined,
      protocol: 'HTTP/1.1',
      httpMethod: call.method,
      identity: {} as APIGatewayProxyEvent['requestContext']['identity'],
      path: `/v1${path}`,
      stage: 'v1',
      requestId: `req-${++requestCount}`,
      requestTimeEpoch: call.at,
      resourceId: 'local',
      resourcePath: call.resource,
    },
  };
}

type ApiHandler = (event: APIGatewayProxyEvent, context: Context) => Promise<APIGatewayProxyResult>;

export interface ApiReply {
  status: number;
  contentType: string | undefined;
  // biome-ignore lint/suspicious/noExplicitAny: response bodies are asserted field by field in tests
  body: any;
}

export async function callApi(handler: ApiHandler, call: ApiCall): Promise<ApiReply> {
  const result = await handler(apiEvent(call), lambdaContext());
  return {
    status: result.statusCode,
    contentType: result.headers?.['content-type'] as string | undefined,
    body: result.body ? JSON.parse(result.body) : undefined,
  };
}
