import { readFileSync } from 'node:fs';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import * as path from 'node:path';
import { isProxyResult, matchRoute, proxyEvent, type Route, routesOf } from './api-gateway';
import { VirtualClock } from './clock';
import { FakeCreditBureau } from './credit-bureau';
import { createTable, localDynamoClient, startAuthorizingProxy, startDynalite } from './dynamodb';
import { type BusEvent, LocalEventBridge } from './eventbridge';
import { FunctionPermissions } from './iam';
import { Ids } from './ids';
import {
  FunctionError,
  functionsOf,
  type HandlerSource,
  LambdaHost,
  sharedEnvironment,
  UnknownFunctionError,
} from './lambda-host';
import { type LocalRoutes, type LocalRoutesTarget, localRoutes } from './local-routes';
import { LocalSecretsManager } from './secrets-manager';
import { SesEmulator, type SesFaults } from './ses';
import { counter, SnsEmulator, SnsError, type SnsFaults } from './sns';
import { LocalQueues } from './sqs';
import {
  createStepFunctionsFacade,
  StepFunctionsEngine,
  TaskFailedError,
  type TaskIntegration,
} from './stepfunctions';
import { LOCAL_REGION, SynthesizedApp } from './template';
import { tableInputFromTemplate } from './template-tables';

/**
 * The emulators' places when their ports are fixed: `emulatorPorts` + the offset. The first ones are
 * those a developer points tools at; the last two are private backends behind an emulator.
 */
export const EMULATOR_PORT_OFFSETS = {
  dynamodb: 0,
  stepFunctions: 1,
  eventBridge: 2,
  sns: 3,
  ses: 4,
  secretsManager: 5,
  creditBureau: 6,
  /** dynalite itself, behind the DynamoDB endpoint that checks each function's role. */
  dynalite: 7,
  /** aws-ses-v2-local, behind the SES endpoint that applies the SES faults. */
  sesBackend: 8,
} as const;

export type EmulatorName = keyof typeof EMULATOR_PORT_OFFSETS;

export interface LocalRuntimeOptions {
  cdkOut: string;
  projectRoot: string;
  /** API port; 0 picks a free one. */
  port: number;
  /**
   * The first of the emulators' fixed ports, taken in EMULATOR_PORT_OFFSETS order; `auto` (the
   * default) picks free ones.
   */
  emulatorPorts?: number | 'auto';
  /** The API's description, served as is at `GET /openapi.json` (not served when absent). */
  openApiDocument?: string;
  host?: string;
  /** Virtual start instant (epoch ms). */
  start: number;
  /** Virtual ms per wall ms; 0 = the clock moves only by `advance`. */
  speed: number;
  seed: number;
  /** Run the synthesized bundles (default, what deploys) or the TypeScript sources (tests). */
  handlers?: HandlerSource;
  /** Powertools log level for the functions' own logs (their logs go to this process's stdout). */
  functionLogLevel?: string;
  /**
   * Provider faults to rehearse: SMS throttling, a region without SMS; email throttling, an
   * unverified sender, the sandbox.
   */
  faults?: { sns?: SnsFaults; ses?: SesFaults };
}

export interface Endpoints {
  api: string;
  dynamodb: string;
  sns: string;
  ses: string;
  stepFunctions: string;
  eventBridge: string;
  secretsManager: string;
  creditBureau: string;
}

const problem = (response: ServerResponse, status: number, detail: string, type = '/problems/not-found') => {
  response.writeHead(status, { 'content-type': 'application/problem+json' });
  response.end(JSON.stringify({ type, title: detail, status, detail }));
};

/**
 * Runs the synthesized app on this machine: every emulator in this process, the app's functions
 * hosted unchanged (only SDK endpoints differ), the API on `port`, time on a virtual clock.
 */
export class LocalRuntime implements LocalRoutesTarget {
  private readonly closers: Array<() => Promise<void>> = [];

  private constructor(
    readonly clock: VirtualClock,
    readonly endpoints: Endpoints,
    readonly engine: StepFunctionsEngine,
    readonly sns: SnsEmulator,
    readonly ses: SesEmulator,
    readonly bus: LocalEventBridge,
    readonly queues: LocalQueues,
    readonly lambdas: LambdaHost,
    readonly routes: Route[],
    readonly bureau: FakeCreditBureau,
    private readonly openApiDocument: string | undefined,
  ) {}

  static async start(options: LocalRuntimeOptions): Promise<LocalRuntime> {
    const closers: Array<() => Promise<void>> = [];
    try {
      return await LocalRuntime.boot(options, closers);
    } catch (error) {
      await Promise.allSettled(closers.map((close) => close()));
      throw error;
    }
  }

  private static async boot(
    options: LocalRuntimeOptions,
    closers: Array<() => Promise<void>>,
  ): Promise<LocalRuntime> {
    // The locked SDK supports Node 20; its notice that later releases need Node 22 is in the README.
    process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= 'true';
    const app = SynthesizedApp.load(options.cdkOut);
    const clock = new VirtualClock({
      start: options.start,
      speed: options.speed,
      onError: (label, error) =>
        console.error(`[local] ${label} failed: ${error instanceof Error ? error.message : error}`),
    });
    const ids = new Ids(options.seed);
    const host = options.host ?? '127.0.0.1';
    const portOf = (emulator: EmulatorName) =>
      typeof options.emulatorPorts === 'number' ? options.emulatorPorts + EMULATOR_PORT_OFFSETS[emulator] : 0;
    const listen = async (server: Server, port = 0): Promise<string> => {
      await new Promise<void>((resolve, reject) => {
        server.once('error', reject);
        server.listen(port, host, resolve);
      });
      closers.push(() => new Promise<void>((resolve) => server.close(() => resolve())));
      return `http://${host}:${(server.address() as AddressInfo).port}`;
    };

    const dynamo = await startDynalite(portOf('dynalite'));
    closers.push(() => dynamo.close());
    const dynamoClient = localDynamoClient(dynamo.endpoint);
    for (const [logicalId, resource] of app.ofType('AWS::DynamoDB::Table')) {
      await createTable(dynamoClient, tableInputFromTemplate(app.physicalName(logicalId), resource));
    }
    dynamoClient.destroy();

    const sequence = counter();
    const topics = new Set(app.ofType('AWS::SNS::Topic').map(([logicalId]) => app.ref(logicalId)));
    const sns = new SnsEmulator(clock, ids, () => topics, sequence, options.faults?.sns);
    const ses = new SesEmulator(clock, sequence, () => ids.uuid(), options.faults?.ses);
    await ses.start(portOf('sesBackend'));
    closers.push(() => ses.stop());

    const functions = functionsOf(app, options.projectRoot);
    const source = options.handlers ?? 'bundle';
    const runtimeEnvironment: Record<string, string> = {};
    const lambdas = new LambdaHost(functions, ids, { source, runtimeEnvironment: () => runtimeEnvironment });
    // The functions reach DynamoDB through a proxy that allows each only what its role allows.
    const permissions = new FunctionPermissions(app);
    const dynamoProxy = await startAuthorizingProxy(
      dynamo.endpoint,
      {
        callerOf: (request) => lambdas.callerOf(request),
        allows: (caller, action, resource) => permissions.allows(caller, action, resource),
        principalOf: (caller) => permissions.principalOf(caller),
      },
      portOf('dynamodb'),
    );
    closers.push(() => dynamoProxy.close());
    let bus: LocalEventBridge | undefined;
    const engine = new StepFunctionsEngine({
      scheduler: clock,
      region: LOCAL_REGION,
      accountId: '000000000000',
      random: ids.random,
      integrations: (resource) => integrations(resource),
    });
    const integrations = (resource: string): TaskIntegration | undefined => {
      if (resource === 'arn:aws:states:::lambda:invoke') return invokeLambda(lambdas, ids);
      if (resource === 'arn:aws:states:::events:putEvents') return putEvents(() => bus);
      if (resource === 'arn:aws:states:::sns:publish') return publishToSns(sns, ids);
      return undefined;
    };
    const secrets = new LocalSecretsManager(app, ids, clock);
    // The credit bureau cannot be reached from here: a local fake of its gateway takes its place, and
    // the bureau secret holds the keys the fake and the adapter share.
    const keys = FakeCreditBureau.generateKeys();
    const bureau = new FakeCreditBureau({
      appId: 'local-app',
      merchantPublicKeyPem: keys.merchant.publicKeyPem,
      bureauPrivateKeyPem: keys.bureau.privateKeyPem,
      clock,
    });
    const bureauUrl = await bureau.listen(portOf('creditBureau'), host);
    closers.push(() => bureau.close());
    for (const fn of functions) {
      if (fn.environment.CREDIT_BUREAU_ENDPOINT) fn.environment.CREDIT_BUREAU_ENDPOINT = bureauUrl;
      const secretArn = fn.environment.CREDIT_BUREAU_SECRET_ARN;
      if (secretArn) {
        secrets.put(
          secretArn,
          JSON.stringify({
            appId: 'local-app',
            privateKeyPem: keys.merchant.privateKeyPem,
            bureauPublicKeyPem: keys.bureau.publicKeyPem,
          }),
        );
      }
    }
    const queues = new LocalQueues(app, clock, ids, lambdas);
    bus = new LocalEventBridge(app, clock, ids, (target, event) =>
      deliver(target, event, { queues, lambdas, engine }),
    );

    const endpoints: Endpoints = {
      api: '',
      dynamodb: dynamoProxy.endpoint,
      sns: await listen(sns.server, portOf('sns')),
      ses: await listen(ses.server, portOf('ses')),
      stepFunctions: await listen(
        createStepFunctionsFacade(engine, { scheduler: clock }),
        portOf('stepFunctions'),
      ),
      eventBridge: await listen(bus.server, portOf('eventBridge')),
      secretsManager: await listen(secrets.server, portOf('secretsManager')),
      creditBureau: bureauUrl,
    };
    Object.assign(runtimeEnvironment, {
      AWS_REGION: LOCAL_REGION,
      AWS_DEFAULT_REGION: LOCAL_REGION,
      AWS_ACCESS_KEY_ID: 'local',
      AWS_SECRET_ACCESS_KEY: 'local',
      AWS_ENDPOINT_URL_DYNAMODB: endpoints.dynamodb,
      AWS_ENDPOINT_URL_SNS: endpoints.sns,
      AWS_ENDPOINT_URL_SESV2: endpoints.ses,
      AWS_ENDPOINT_URL_SFN: endpoints.stepFunctions,
      AWS_ENDPOINT_URL_EVENTBRIDGE: endpoints.eventBridge,
      AWS_ENDPOINT_URL_SECRETS_MANAGER: endpoints.secretsManager,
      // Metrics would be EMF lines on stdout here; CloudWatch is the only reader of them.
      POWERTOOLS_METRICS_DISABLED: 'true',
      POWERTOOLS_LOG_LEVEL: options.functionLogLevel ?? 'WARN',
      AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true',
    });
    // Bundles run in workers that see only their own variables (as on AWS); sources run in this
    // process, so they need every function's variables here.
    if (source === 'source') Object.assign(process.env, sharedEnvironment(functions), runtimeEnvironment);

    for (const [logicalId, resource] of app.ofType('AWS::StepFunctions::StateMachine')) {
      engine.registerStateMachine({
        name: app.physicalName(logicalId),
        definition: stateMachineDefinition(app, resource.Properties ?? {}),
      });
    }

    const routes = routesOf(app);
    const runtime = new LocalRuntime(
      clock,
      endpoints,
      engine,
      sns,
      ses,
      bus,
      queues,
      lambdas,
      routes,
      bureau,
      options.openApiDocument,
    );
    const local = localRoutes(runtime);
    const api = createServer((request, response) => {
      // App routes are work the clock waits for; local routes wait for the clock, so never tracked.
      const work = runtime.serve(request, response, local, ids);
      if (!request.url?.startsWith('/_local/')) void clock.track(work);
    });
    endpoints.api = await listen(api, options.port);
    // The API's public URL (in opt-out links) points at this server instead of execute-api, and the
    // functions log at the runtime's level (`--log-level`), not at the one their template sets.
    for (const fn of functions) {
      for (const [key, value] of Object.entries(fn.environment)) {
        fn.environment[key] = value.replace(
          /^https:\/\/[\w-]+\.execute-api\.[^/]+\/[^/]+\/?$/,
          `${endpoints.api}/`,
        );
      }
      if (fn.environment.POWERTOOLS_LOG_LEVEL !== undefined) {
        fn.environment.POWERTOOLS_LOG_LEVEL = runtimeEnvironment.POWERTOOLS_LOG_LEVEL as string;
      }
    }
    if (source === 'source') Object.assign(process.env, sharedEnvironment(functions));
    runtime.closers.push(...closers);
    clock.start();
    return runtime;
  }

  async stop(): Promise<void> {
    this.clock.stop();
    await this.lambdas.stop();
    await Promise.allSettled(this.closers.map((close) => close()));
  }

  private async serve(
    request: IncomingMessage,
    response: ServerResponse,
    local: LocalRoutes,
    ids: Ids,
  ): Promise<void> {
    const url = new URL(request.url ?? '/', 'http://localhost');
    const chunks: Buffer[] = [];
    let size = 0;
    for await (const chunk of request) {
      size += (chunk as Buffer).length;
      // API Gateway's own payload limit; the handlers enforce the contract's 64 KiB.
      if (size > 10 * 1024 * 1024)
        return problem(response, 413, 'Request Too Large', '/problems/body-too-large');
      chunks.push(chunk as Buffer);
    }
    const body = Buffer.concat(chunks).toString('utf8');
    const method = request.method ?? 'GET';
    try {
      if (url.pathname.startsWith('/_local/')) return await local.handle(method, url, body, response);
      if (method === 'GET' && url.pathname === '/openapi.json' && this.openApiDocument !== undefined) {
        response.writeHead(200, { 'content-type': 'application/json' });
        return void response.end(this.openApiDocument);
      }
      const match = matchRoute(this.routes, method, url.pathname);
      if (!match) return problem(response, 404, `No route ${method} ${url.pathname}`);
      // `headersDistinct` keeps a repeated header's values apart (`headers` joins them with ", "),
      // so the event has them as API Gateway sends them: all in multiValueHeaders, the last in headers.
      const event = proxyEvent(
        { method, path: url.pathname, query: url.searchParams, headers: request.headersDistinct, body },
        match.route,
        match.pathParameters,
        this.clock.now(),
        ids,
      );
      const result = await this.lambdas.invoke(match.route.functionArn, event);
      if (!isProxyResult(result))
        return problem(response, 502, 'Malformed Lambda proxy response', '/problems/gateway-error');
      response.writeHead(result.statusCode, { ...(result.headers as Record<string, string> | undefined) });
      response.end(result.isBase64Encoded ? Buffer.from(result.body, 'base64') : result.body);
    } catch (error) {
      // As API Gateway: the caller learns nothing of the crash; the runtime's console shows it.
      console.error(
        `[local] ${method} ${url.pathname} failed: ${error instanceof Error ? error.message : error}`,
      );
      problem(response, 502, 'Internal server error', '/problems/gateway-error');
    }
  }
}

/** The ASL with its `${…}` substitutions applied, from the file asset CDK wrote (or an inline string). */
function stateMachineDefinition(app: SynthesizedApp, properties: Record<string, unknown>): string {
  const location = properties.DefinitionS3Location as { Key?: unknown } | undefined;
  const raw = location
    ? readFileSync(path.join(app.cdkOut, `asset.${app.resolveString(location.Key)}`), 'utf8')
    : app.resolveString(properties.DefinitionString);
  const substitutions = (properties.DefinitionSubstitutions ?? {}) as Record<string, unknown>;
  return raw.replace(/\$\{(\w+)\}/g, (whole, name: string) =>
    name in substitutions ? app.resolveString(substitutions[name]) : whole,
  );
}

/** `arn:aws:states:::lambda:invoke`: the result shape Step Functions gives (`Payload`, `StatusCode`, …). */
function invokeLambda(lambdas: LambdaHost, ids: Ids): TaskIntegration {
  return async (parameters) => {
    const { FunctionName, Payload } = parameters as { FunctionName: string; Payload?: unknown };
    try {
      const result = await lambdas.invoke(FunctionName, Payload);
      const requestId = ids.uuid();
      return {
        ExecutedVersion: '$LATEST',
        Payload: result,
        SdkHttpMetadata: { HttpStatusCode: 200 },
        SdkResponseMetadata: { RequestId: requestId },
        StatusCode: 200,
      };
    } catch (error) {
      if (error instanceof FunctionError) {
        const cause = { errorType: error.errorType, errorMessage: error.errorMessage, trace: error.trace };
        throw new TaskFailedError(error.errorType, JSON.stringify(cause));
      }
      if (error instanceof UnknownFunctionError)
        throw new TaskFailedError('Lambda.ResourceNotFoundException', error.message);
      throw new TaskFailedError(
        'Lambda.ServiceException',
        error instanceof Error ? error.message : String(error),
      );
    }
  };
}

/** `arn:aws:states:::sns:publish` to a topic (ops alerts): the result shape Step Functions gives. */
function publishToSns(sns: SnsEmulator, ids: Ids): TaskIntegration {
  return async (parameters) => {
    const { TopicArn, Message, Subject } = parameters as {
      TopicArn?: string;
      Message?: unknown;
      Subject?: string;
    };
    try {
      const messageId = sns.publishMessage({
        message: typeof Message === 'string' ? Message : JSON.stringify(Message),
        ...(TopicArn ? { topicArn: TopicArn } : {}),
        ...(Subject ? { subject: Subject } : {}),
      });
      return {
        MessageId: messageId,
        SdkHttpMetadata: { HttpStatusCode: 200 },
        SdkResponseMetadata: { RequestId: ids.uuid() },
      };
    } catch (error) {
      if (error instanceof SnsError) throw new TaskFailedError(`SNS.${error.code}Exception`, error.message);
      throw error;
    }
  };
}

/** `arn:aws:states:::events:putEvents`: `Detail` may be an object; failed entries fail the task. */
function putEvents(bus: () => LocalEventBridge | undefined): TaskIntegration {
  return async (parameters) => {
    const { Entries } = parameters as { Entries: Array<Record<string, unknown>> };
    const entries = Entries.map((entry) => ({
      ...entry,
      Detail: typeof entry.Detail === 'string' ? entry.Detail : JSON.stringify(entry.Detail),
    }));
    const target = bus();
    if (!target) throw new TaskFailedError('EventBridge.InternalException', 'the local bus is not ready');
    const result = target.putEvents(entries);
    if (result.FailedEntryCount > 0)
      throw new TaskFailedError('EventBridge.FailedEntry', JSON.stringify(result));
    return result;
  };
}

async function deliver(
  target: string,
  event: BusEvent,
  parts: { queues: LocalQueues; lambdas: LambdaHost; engine: StepFunctionsEngine },
): Promise<void> {
  if (parts.queues.has(target)) {
    parts.queues.send(target, JSON.stringify(event));
  } else if (target.startsWith('arn:aws:lambda:')) {
    await parts.lambdas.invoke(target, event);
  } else if (target.startsWith('arn:aws:states:')) {
    parts.engine.startExecution({ stateMachineArn: target, input: JSON.stringify(event) });
  } else {
    throw new Error(`the local bus cannot deliver to ${target}`);
  }
}
