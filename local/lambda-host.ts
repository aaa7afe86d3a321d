import * as path from 'node:path';
import type { Context } from 'aws-lambda';
import type { Ids } from './ids';
import { LOCAL_ACCOUNT, LOCAL_REGION, localArn, type SynthesizedApp } from './template';

/**
 * Hosts the app's Lambda functions in this process: the same code, loaded on first use either from
 * the bundle CDK synthesized (what would be deployed) or from the TypeScript source (for tests).
 */

type Handler = (event: unknown, context: Context) => Promise<unknown>;

export interface LocalFunction {
  /** The function's logical id, also its local name. */
  name: string;
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
      name: logicalId,
      arn: localArn('lambda', `function:${logicalId}`),
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
 * Merges every function's variables into one environment. The project's rule (ARCHITECTURE.md) is
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

export class LambdaHost {
  private readonly functions = new Map<string, LocalFunction>();
  private readonly loaded = new Map<string, Handler>();
  private readonly instances = new Map<string, Promise<void>>();

  constructor(
    functions: LocalFunction[],
    private readonly ids: Ids,
    private readonly source: HandlerSource,
  ) {
    for (const fn of functions) {
      this.functions.set(fn.name, fn);
      this.functions.set(fn.arn, fn);
    }
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
   * and result go through JSON, and a thrown error becomes a `FunctionError`.
   */
  async invoke(nameOrArn: string, payload: unknown): Promise<unknown> {
    const fn = this.find(nameOrArn);
    // One instance per function, one event at a time, as in Lambda: module-level state (Powertools
    // logger keys and stored metrics) is never shared by two invocations at once.
    const previous = this.instances.get(fn.name) ?? Promise.resolve();
    const run = previous.then(() => this.run(fn, payload));
    this.instances.set(
      fn.name,
      run.then(
        () => undefined,
        () => undefined,
      ),
    );
    return run;
  }

  private async run(fn: LocalFunction, payload: unknown): Promise<unknown> {
    const handler = this.load(fn);
    const event: unknown = JSON.parse(JSON.stringify(payload ?? null));
    const deadline = Date.now() + fn.timeoutSeconds * 1000;
    try {
      const result = await handler(event, this.context(fn, deadline));
      return result === undefined ? null : JSON.parse(JSON.stringify(result));
    } catch (error) {
      if (error instanceof Error) {
        throw new FunctionError(error.name, error.message, (error.stack ?? '').split('\n').slice(1, 6));
      }
      throw new FunctionError('Error', String(error), []);
    }
  }

  private load(fn: LocalFunction): Handler {
    const cached = this.loaded.get(fn.name);
    if (cached) return cached;
    const file = this.source === 'source' ? fn.sourceEntry : fn.bundle?.file;
    const exportName = this.source === 'source' ? 'handler' : (fn.bundle?.exportName ?? 'handler');
    if (!file) throw new UnknownFunctionError(`function ${fn.name} has no ${this.source} to load`);
    const module = require(file) as Record<string, unknown>;
    const handler = module[exportName];
    if (typeof handler !== 'function') throw new UnknownFunctionError(`${file} exports no ${exportName}`);
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
      // Real time: a Lambda timeout is about the code's own run time, not business time.
      getRemainingTimeInMillis: () => Math.max(0, deadline - Date.now()),
      done: () => undefined,
      fail: () => undefined,
      succeed: () => undefined,
    };
  }
}
