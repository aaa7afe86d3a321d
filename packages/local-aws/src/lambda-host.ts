import { AsyncLocalStorage } from 'node:async_hooks';
import * as diagnostics from 'node:diagnostics_channel';
import type { ClientRequest, IncomingMessage } from 'node:http';
import * as path from 'node:path';
import { Worker } from 'node:worker_threads';
import type { Context } from 'aws-lambda';
import type { Ids } from './ids';
import { LOCAL_ACCOUNT, LOCAL_REGION, type SynthesizedApp } from './template';

/**
 * Hosts the app's Lambda functions in this process: the same code, loaded on first use either from
 * the bundle CDK synthesized (what would be deployed) or from the TypeScript source (for tests).
 */

type Handler = (event: unknown, context: Context) => Promise<unknown>;

export interface LocalFunction {
  /** The function's physical name (`FunctionName`, or one generated as CloudFormation does). */
  name: string;
  logicalId: string;
  arn: string;
  timeoutSeconds: number;
  environment: Record<string, string>;
  /** `lambdas/handlers/….ts`, from the project function construct's metadata. */
  sourceEntry: string | undefined;
  bundle: { file: string; exportName: string } | undefined;
}

/** A function error as Lambda reports it (and as Step Functions sees it in a task failure). */
export class FunctionError extends Error {
  override readonly name = 'FunctionError';
  constructor(
    readonly errorType: string,
    readonly errorMessage: string,
    readonly trace: string[],
  ) {
    super(`${errorType}: ${errorMessage}`);
  }
}

export class UnknownFunctionError extends Error {
  override readonly name = 'UnknownFunctionError';
}

export type HandlerSource = 'bundle' | 'source';

export function functionsOf(app: SynthesizedApp, projectRoot: string): LocalFunction[] {
  return app.ofType('AWS::Lambda::Function').map(([logicalId, resource]) => {
    const properties = resource.Properties ?? {};
    const variables =
      (properties.Environment as { Variables?: Record<string, unknown> } | undefined)?.Variables ?? {};
    const assetPath = resource.Metadata?.['aws:asset:path'] as string | undefined;
    const handler = String(properties.Handler ?? 'index.handler');
    const dot = handler.lastIndexOf('.');
    const entry = resource.Metadata?.['collections:entry'] as string | undefined;
    return {
      name: app.physicalName(logicalId),
      logicalId,
      arn: app.getAtt(logicalId, 'Arn'),
      timeoutSeconds: Number(properties.Timeout ?? 3),
      environment: Object.fromEntries(
        Object.entries(variables).map(([key, value]) => [key, app.resolveString(value)]),
      ),
      sourceEntry: entry ? path.join(projectRoot, entry) : undefined,
      bundle: assetPath
        ? {
            file: path.join(app.cdkOut, assetPath, `${handler.slice(0, dot)}.js`),
            exportName: handler.slice(dot + 1),
          }
        : undefined,
    };
  });
}

/**
 * Merges every function's variables into one environment. The project's rule is
 * that a variable means the same in every function, which is what lets them share one process.
 */
export function sharedEnvironment(functions: LocalFunction[]): Record<string, string> {
  const merged: Record<string, string> = {};
  for (const fn of functions) {
    for (const [key, value] of Object.entries(fn.environment)) {
      if (key in merged && merged[key] !== value) {
        throw new Error(`environment variable ${key} differs between functions (${merged[key]} vs ${value})`);
      }
      merged[key] = value;
    }
  }
  return merged;
}

export interface LambdaHostOptions {
  /** `bundle`: each function in its own worker thread with its own environment (what deploys). */
  source: HandlerSource;
  /** What every function sees besides its own variables: SDK endpoints, credentials, region. */
  runtimeEnvironment: () => Record<string, string>;
}

interface PendingCall {
  resolve: (value: unknown) => void;
  reject: (error: Error) => void;
  timer: NodeJS.Timeout;
}

/** One execution environment of a function: a worker thread running its bundle with its own env. */
class FunctionInstance {
  private readonly worker: Worker;
  private readonly pending = new Map<number, PendingCall>();
  private nextId = 0;
  dead = false;

  constructor(
    private readonly fn: LocalFunction,
    file: string,
    exportName: string,
    environment: Record<string, string>,
  ) {
    this.worker = new Worker(path.join(__dirname, 'lambda-worker.cjs'), {
      workerData: { file, exportName },
      env: environment,
    });
    this.worker.unref();
    this.worker.on('message', (reply: WorkerReply) => {
      const call = this.pending.get(reply.id);
      if (!call) return;
      this.pending.delete(reply.id);
      clearTimeout(call.timer);
      if (reply.ok) call.resolve(reply.result);
      else call.reject(new FunctionError(reply.errorType, reply.errorMessage, reply.trace));
    });
    this.worker.on('error', (error) => this.fail(new FunctionError('Runtime.ExitError', error.message, [])));
    this.worker.on('exit', () =>
      this.fail(new FunctionError('Runtime.ExitError', 'the function exited', [])),
    );
  }

  invoke(event: unknown, awsRequestId: string): Promise<unknown> {
    const id = this.nextId++;
    const timeoutMs = this.fn.timeoutSeconds * 1000;
    return new Promise((resolve, reject) => {
      // Real time: a Lambda timeout is about the code's own run time, not business time.
      const timer = setTimeout(() => {
        this.fail(
          new FunctionError(
            'Sandbox.Timedout',
            `Task timed out after ${this.fn.timeoutSeconds.toFixed(2)} seconds`,
            [],
          ),
        );
      }, timeoutMs);
      this.pending.set(id, { resolve, reject, timer });
      this.worker.postMessage({
        id,
        event,
        context: { functionName: this.fn.name, invokedFunctionArn: this.fn.arn, awsRequestId, timeoutMs },
      });
    });
  }

  async terminate(): Promise<void> {
    this.dead = true;
    await this.worker.terminate();
  }

  private fail(error: FunctionError): void {
    this.dead = true;
    for (const call of this.pending.values()) {
      clearTimeout(call.timer);
      call.reject(error);
    }
    this.pending.clear();
    void this.worker.terminate();
  }
}

type WorkerReply =
  | { id: number; ok: true; result: unknown }
  | { id: number; ok: false; errorType: string; errorMessage: string; trace: string[] };

/** The access key a function's SDK signs with in its worker: it tells the emulators who is calling. */
export const accessKeyOf = (fn: LocalFunction) => `LOCAL-${fn.name}`;

export class LambdaHost {
  private readonly functions = new Map<string, LocalFunction>();
  private readonly byAccessKey = new Map<string, LocalFunction>();
  private readonly loaded = new Map<string, Handler>();
  private readonly workers = new Map<string, FunctionInstance>();
  private readonly queues = new Map<string, Promise<void>>();
  /** Source mode: the function whose invocation is running, along its async calls. */
  private readonly running = new AsyncLocalStorage<string>();
  /** Source mode: the function that sent the latest request from each local port. */
  private readonly callersByPort = new Map<number, string>();
  private readonly noteCaller = (message: unknown) => {
    const caller = this.running.getStore();
    const port = (message as { request: ClientRequest }).request.socket?.localPort;
    if (caller !== undefined && port !== undefined) this.callersByPort.set(port, caller);
  };

  constructor(
    functions: LocalFunction[],
    private readonly ids: Ids,
    private readonly options: LambdaHostOptions,
  ) {
    for (const fn of functions) {
      this.functions.set(fn.name, fn);
      this.functions.set(fn.logicalId, fn);
      this.functions.set(fn.arn, fn);
      this.byAccessKey.set(accessKeyOf(fn), fn);
    }
    if (options.source === 'source') diagnostics.subscribe('http.client.request.start', this.noteCaller);
  }

  /**
   * The hosted function an HTTP request to an emulator comes from, as AWS knows the caller from its
   * credentials: in bundle mode, by the access key its worker signs with; in source mode, where all
   * functions share this process and its SDK clients, by the connection its request was sent on.
   * `undefined` for anything else (the runtime itself, a test).
   */
  callerOf(request: IncomingMessage): string | undefined {
    const accessKey = /Credential=([^/,\s]+)\//.exec(String(request.headers.authorization ?? ''))?.[1];
    const byKey = accessKey ? this.byAccessKey.get(accessKey) : undefined;
    if (byKey) return byKey.name;
    const port = request.socket.remotePort;
    return port === undefined ? undefined : this.callersByPort.get(port);
  }

  list(): LocalFunction[] {
    return [...new Set(this.functions.values())];
  }

  find(nameOrArn: string): LocalFunction {
    // Step Functions and event-source mappings pass ARNs, possibly with a version or alias suffix.
    const bare = nameOrArn.replace(/^(arn:aws:lambda:[^:]+:[^:]+:function:[^:]+):.*$/, '$1');
    const fn = this.functions.get(bare);
    if (!fn) throw new UnknownFunctionError(`Function not found: ${nameOrArn}`);
    return fn;
  }

  /**
   * Invokes a function with a JSON payload and returns its JSON result, as Lambda would: the event
   * and result go through JSON, and a thrown error becomes a `FunctionError`. One instance per
   * function runs one event at a time, as a Lambda execution environment does.
   */
  async invoke(nameOrArn: string, payload: unknown): Promise<unknown> {
    const fn = this.find(nameOrArn);
    const previous = this.queues.get(fn.name) ?? Promise.resolve();
    const run = previous.then(() => this.run(fn, JSON.parse(JSON.stringify(payload ?? null))));
    this.queues.set(
      fn.name,
      run.then(
        () => undefined,
        () => undefined,
      ),
    );
    return run;
  }

  async stop(): Promise<void> {
    if (this.options.source === 'source')
      diagnostics.unsubscribe('http.client.request.start', this.noteCaller);
    await Promise.allSettled([...this.workers.values()].map((instance) => instance.terminate()));
    this.workers.clear();
  }

  private async run(fn: LocalFunction, event: unknown): Promise<unknown> {
    if (this.options.source === 'bundle') return this.instance(fn).invoke(event, this.ids.uuid());
    const handler = this.load(fn);
    const deadline = Date.now() + fn.timeoutSeconds * 1000;
    try {
      const result = await this.running.run(fn.name, () => handler(event, this.context(fn, deadline)));
      return result === undefined ? null : JSON.parse(JSON.stringify(result));
    } catch (error) {
      if (error instanceof Error) {
        throw new FunctionError(error.name, error.message, (error.stack ?? '').split('\n').slice(1, 6));
      }
      throw new FunctionError('Error', String(error), []);
    }
  }

  /** The environment a function's worker runs with: the runtime's, its own, and its access key. */
  environmentOf(fn: LocalFunction): Record<string, string> {
    return { ...this.options.runtimeEnvironment(), ...fn.environment, AWS_ACCESS_KEY_ID: accessKeyOf(fn) };
  }

  private instance(fn: LocalFunction): FunctionInstance {
    const existing = this.workers.get(fn.name);
    if (existing && !existing.dead) return existing;
    if (!fn.bundle) throw new UnknownFunctionError(`function ${fn.name} has no bundle in cdk.out`);
    const created = new FunctionInstance(fn, fn.bundle.file, fn.bundle.exportName, this.environmentOf(fn));
    this.workers.set(fn.name, created);
    return created;
  }

  /**
   * Source mode (tests): handlers load into this process through the test runner's TypeScript
   * support, so they share one environment; bundle mode is the faithful one.
   */
  private load(fn: LocalFunction): Handler {
    const cached = this.loaded.get(fn.name);
    if (cached) return cached;
    if (!fn.sourceEntry) throw new UnknownFunctionError(`function ${fn.name} has no source entry to load`);
    const module = require(fn.sourceEntry) as Record<string, unknown>;
    const handler = module.handler;
    if (typeof handler !== 'function') throw new UnknownFunctionError(`${fn.sourceEntry} exports no handler`);
    this.loaded.set(fn.name, handler as Handler);
    return handler as Handler;
  }

  private context(fn: LocalFunction, deadline: number): Context {
    return {
      callbackWaitsForEmptyEventLoop: true,
      functionName: fn.name,
      functionVersion: '$LATEST',
      invokedFunctionArn: fn.arn,
      memoryLimitInMB: '512',
      awsRequestId: this.ids.uuid(),
      logGroupName: `/aws/lambda/${fn.name}`,
      logStreamName: `local/${LOCAL_REGION}/${LOCAL_ACCOUNT}`,
      getRemainingTimeInMillis: () => Math.max(0, deadline - Date.now()),
      done: () => undefined,
      fail: () => undefined,
      succeed: () => undefined,
    };
  }
}
