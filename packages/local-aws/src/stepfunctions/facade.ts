/**
 * The Step Functions API over HTTP, in the AWS JSON 1.0 protocol, so `@aws-sdk/client-sfn` (with its
 * endpoint pointed here) works unchanged: `POST /` with `X-Amz-Target: AWSStepFunctions.<Operation>`,
 * JSON in and out, dates as epoch seconds, errors as `{"__type", "message"}` with status 400.
 */
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { Scheduler } from '../clock';
import type { StepFunctionsEngine } from './engine';
import { StepFunctionsApiError } from './errors';
import type { ExecutionStatus } from './execution';

export interface FacadeOptions {
  scheduler: Scheduler;
}

type Body = Record<string, unknown>;
type Operation = (engine: StepFunctionsEngine, body: Body) => unknown;

const CONTENT_TYPE = 'application/x-amz-json-1.0';
const TARGET_PREFIX = 'AWSStepFunctions.';

const optionalString = (value: unknown): string | undefined =>
  typeof value === 'string' ? value : undefined;
const optionalNumber = (value: unknown): number | undefined =>
  typeof value === 'number' ? value : undefined;
const required = (body: Body, key: string): string => {
  const value = body[key];
  if (typeof value !== 'string')
    throw new FacadeError('ValidationException', `Value at '${key}' must be a string`);
  return value;
};

class FacadeError extends Error {
  constructor(
    readonly code: string,
    message: string,
    readonly status = 400,
  ) {
    super(message);
    this.name = 'FacadeError';
  }
}

const OPERATIONS: Record<string, Operation> = {
  StartExecution: (engine, body) =>
    engine.startExecution({
      stateMachineArn: required(body, 'stateMachineArn'),
      ...defined('name', optionalString(body.name)),
      ...defined('input', optionalString(body.input)),
    }),
  DescribeExecution: (engine, body) =>
    engine.describeExecution({ executionArn: required(body, 'executionArn') }),
  StopExecution: (engine, body) =>
    engine.stopExecution({
      executionArn: required(body, 'executionArn'),
      ...defined('error', optionalString(body.error)),
      ...defined('cause', optionalString(body.cause)),
    }),
  ListExecutions: (engine, body) =>
    engine.listExecutions({
      stateMachineArn: required(body, 'stateMachineArn'),
      ...defined('statusFilter', optionalString(body.statusFilter) as ExecutionStatus | undefined),
      ...defined('maxResults', optionalNumber(body.maxResults)),
      ...defined('nextToken', optionalString(body.nextToken)),
    }),
  GetExecutionHistory: (engine, body) =>
    engine.getExecutionHistory({
      executionArn: required(body, 'executionArn'),
      ...defined('maxResults', optionalNumber(body.maxResults)),
      ...defined('nextToken', optionalString(body.nextToken)),
      ...defined('reverseOrder', typeof body.reverseOrder === 'boolean' ? body.reverseOrder : undefined),
      ...defined(
        'includeExecutionData',
        typeof body.includeExecutionData === 'boolean' ? body.includeExecutionData : undefined,
      ),
    }),
  SendTaskSuccess: (engine, body) =>
    engine.sendTaskSuccess({ taskToken: required(body, 'taskToken'), output: required(body, 'output') }),
  SendTaskFailure: (engine, body) =>
    engine.sendTaskFailure({
      taskToken: required(body, 'taskToken'),
      ...defined('error', optionalString(body.error)),
      ...defined('cause', optionalString(body.cause)),
    }),
  SendTaskHeartbeat: (engine, body) => engine.sendTaskHeartbeat({ taskToken: required(body, 'taskToken') }),
  DescribeStateMachine: (engine, body) =>
    engine.describeStateMachine({ stateMachineArn: required(body, 'stateMachineArn') }),
  ListStateMachines: (engine, body) =>
    engine.listStateMachines({
      ...defined('maxResults', optionalNumber(body.maxResults)),
      ...defined('nextToken', optionalString(body.nextToken)),
    }),
};

/** Returns an http.Server (not listening) serving the Step Functions API of `engine`. */
export function createStepFunctionsFacade(engine: StepFunctionsEngine, options: FacadeOptions): Server {
  let requests = 0;
  return createServer((request, response) => {
    const requestId = `local-sfn-${++requests}`;
    void options.scheduler.track(handle(engine, request, response, requestId));
  });
}

async function handle(
  engine: StepFunctionsEngine,
  request: IncomingMessage,
  response: ServerResponse,
  requestId: string,
): Promise<void> {
  try {
    const text = await readBody(request);
    const target = request.headers['x-amz-target'];
    const operationName =
      typeof target === 'string' && target.startsWith(TARGET_PREFIX)
        ? target.slice(TARGET_PREFIX.length)
        : undefined;
    const operation = operationName === undefined ? undefined : OPERATIONS[operationName];
    if (request.method !== 'POST' || !operation) {
      throw new FacadeError('UnknownOperationException', `Unknown operation: ${String(target)}`);
    }
    let body: unknown;
    try {
      body = text.length === 0 ? {} : JSON.parse(text);
    } catch {
      throw new FacadeError('SerializationException', 'The request body is not valid JSON');
    }
    if (typeof body !== 'object' || body === null || Array.isArray(body)) {
      throw new FacadeError('SerializationException', 'The request body must be a JSON object');
    }
    send(response, 200, requestId, toWire(operation(engine, body as Body)));
  } catch (error) {
    if (error instanceof StepFunctionsApiError) {
      send(response, 400, requestId, { __type: error.code, message: error.message });
    } else if (error instanceof FacadeError) {
      send(response, error.status, requestId, { __type: error.code, message: error.message });
    } else {
      send(response, 500, requestId, { __type: 'InternalFailure', message: String(error) });
    }
  }
}

function readBody(request: IncomingMessage): Promise<string> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    request.on('data', (chunk: Buffer) => chunks.push(chunk));
    request.on('end', () => resolve(Buffer.concat(chunks).toString('utf8')));
    request.on('error', reject);
  });
}

function send(response: ServerResponse, status: number, requestId: string, payload: unknown): void {
  const body = JSON.stringify(payload);
  response.writeHead(status, {
    'Content-Type': CONTENT_TYPE,
    'Content-Length': Buffer.byteLength(body),
    'x-amzn-RequestId': requestId,
  });
  response.end(body);
}

/** Dates become epoch seconds with a millisecond fraction, as the service sends them. */
function toWire(value: unknown): unknown {
  // Not `instanceof Date`: a Date from another realm (a vm context, a worker) must convert too.
  if (Object.prototype.toString.call(value) === '[object Date]') return (value as Date).getTime() / 1000;
  if (Array.isArray(value)) return value.map(toWire);
  if (typeof value === 'object' && value !== null) {
    return Object.fromEntries(Object.entries(value).map(([key, item]) => [key, toWire(item)]));
  }
  return value;
}

function defined<K extends string, V>(key: K, value: V | undefined): { [P in K]?: V } {
  return (value === undefined ? {} : { [key]: value }) as { [P in K]?: V };
}
