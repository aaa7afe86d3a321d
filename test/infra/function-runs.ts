import { mkdtempSync, readdirSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { FunctionError, LocalRuntime } from '@rental-collections/local-aws';
import { CDK_OUT, type CfnTemplate, STACK_NAME } from '../support/cdk-out';
import { HOUR, iso, START_DAY } from '../support/time';

/**
 * The synthesized app on the local runtime with `handlers: 'bundle'`: every function runs its bundle
 * in a worker thread that sees ONLY its own template variables (plus SDK endpoints and credentials),
 * as on AWS. Every invocation is recorded with its outcome, and the functions' error logs are kept,
 * so a variable a function's code needs but its template lacks shows up as a `MissingConfigError`.
 */

const ROOT = path.join(__dirname, '..', '..');
export const START = iso(START_DAY + 2 * HOUR); // 10:00 in Shanghai, inside the contact window

export interface Invocation {
  /** The function's logical id. */
  functionId: string;
  /** `ok`, an API status (`200`, `500`…), `batch-item-failures`, or the function's error. */
  outcome: string;
  error?: { type: string; message: string };
}

export interface ObservedRuntime {
  runtime: LocalRuntime;
  invocations: Invocation[];
  /**
   * The functions' log lines (JSON; errors only at this log level), e.g. `request failed` with the
   * error, each with the function's name as its logs give it (its physical name).
   */
  errorLogs: Array<{ functionId: string; line: string }>;
  stop(): Promise<void>;
}

/** Starts the runtime on `cdkOut` with bundles, recording every invocation and every error log line. */
export async function startObservedRuntime(cdkOut = CDK_OUT, seed = 5): Promise<ObservedRuntime> {
  const invocations: Invocation[] = [];
  const errorLogs: ObservedRuntime['errorLogs'] = [];
  // The workers' output is piped into this process's (Powertools logs errors to stderr): keep the
  // functions' JSON log lines, let everything else through.
  const restore = [process.stdout, process.stderr].map((stream) => {
    const write = stream.write;
    stream.write = ((chunk: unknown, ...rest: unknown[]) => {
      const text = String(chunk);
      const lines = text
        .split('\n')
        .filter((line) => line.startsWith('{') && line.includes('"function_name"'));
      for (const line of lines) {
        const functionId = /"function_name":"([^"]+)"/.exec(line)?.[1] ?? '(unknown)';
        errorLogs.push({ functionId, line });
      }
      if (lines.length > 0 && lines.join('\n').trim() === text.trim()) return true;
      return (write as (...args: unknown[]) => boolean).call(stream, chunk, ...rest);
    }) as typeof stream.write;
    return () => {
      stream.write = write;
    };
  });
  const unpatch = () => {
    for (const undo of restore) undo();
  };
  let runtime: LocalRuntime;
  try {
    runtime = await LocalRuntime.start({
      cdkOut,
      projectRoot: ROOT,
      port: 0,
      start: Date.parse(START),
      speed: 0,
      seed,
      handlers: 'bundle',
      functionLogLevel: 'ERROR',
    });
  } catch (error) {
    unpatch();
    throw error;
  }
  const host = runtime.lambdas;
  const invoke = host.invoke.bind(host);
  // Every caller (API, Step Functions tasks, SQS mappings, the bus) goes through the host's invoke.
  host.invoke = async (nameOrArn: string, payload: unknown) => {
    const functionId = host.find(nameOrArn).logicalId;
    try {
      const result = (await invoke(nameOrArn, payload)) as {
        statusCode?: number;
        batchItemFailures?: unknown[];
      } | null;
      const outcome =
        typeof result?.statusCode === 'number'
          ? String(result.statusCode)
          : (result?.batchItemFailures?.length ?? 0) > 0
            ? 'batch-item-failures'
            : 'ok';
      invocations.push({ functionId, outcome });
      return result;
    } catch (error) {
      const type = error instanceof FunctionError ? error.errorType : 'Error';
      const message = error instanceof FunctionError ? error.errorMessage : String(error);
      invocations.push({ functionId, outcome: 'error', error: { type, message } });
      throw error;
    }
  };
  return {
    runtime,
    invocations,
    errorLogs,
    async stop() {
      try {
        await runtime.stop();
      } finally {
        unpatch();
      }
    },
  };
}

/** A function's logical id from the name its logs carry (its physical name). */
function logicalIdOf(observed: ObservedRuntime, functionName: string): string {
  try {
    return observed.runtime.lambdas.find(functionName).logicalId;
  } catch {
    return functionName;
  }
}

/**
 * Every sign of a missing variable: a function error of type `MissingConfigError` (workflow steps),
 * or a logged one (API routes answer 500 and queue consumers report batch failures, logging why).
 */
export function missingConfiguration(
  observed: ObservedRuntime,
): Array<{ functionId: string; detail: string }> {
  const thrown = observed.invocations
    .filter((invocation) => invocation.error?.type === 'MissingConfigError')
    .map((invocation) => ({ functionId: invocation.functionId, detail: invocation.error?.message ?? '' }));
  const logged = observed.errorLogs
    .filter((log) => log.line.includes('MissingConfigError'))
    .map((log) => ({
      functionId: logicalIdOf(observed, log.functionId),
      detail: /MissingConfigError: ([^"]*)/.exec(log.line)?.[1] ?? log.line,
    }));
  const unique = new Map<string, { functionId: string; detail: string }>();
  for (const finding of [...thrown, ...logged])
    unique.set(`${finding.functionId} ${finding.detail}`, finding);
  return [...unique.values()];
}

/**
 * A copy of cdk.out whose template `mutate` changed (the bundles and assets are linked, not copied),
 * to show that the guard notices a missing variable. `remove()` deletes it.
 */
export function mutatedCdkOut(mutate: (template: CfnTemplate) => void): { cdkOut: string; remove(): void } {
  const cdkOut = mkdtempSync(path.join(tmpdir(), 'cdk-out-mutated-'));
  const templateFile = `${STACK_NAME}.template.json`;
  for (const entry of readdirSync(CDK_OUT)) {
    if (entry === templateFile) continue;
    symlinkSync(path.join(CDK_OUT, entry), path.join(cdkOut, entry));
  }
  const template = JSON.parse(readFileSync(path.join(CDK_OUT, templateFile), 'utf8')) as CfnTemplate;
  mutate(template);
  writeFileSync(path.join(cdkOut, templateFile), JSON.stringify(template));
  return { cdkOut, remove: () => rmSync(cdkOut, { recursive: true, force: true }) };
}

/** JSON over HTTP to the runtime's API; every POST carries an `Idempotency-Key`, as callers may send. */
export function client(runtime: LocalRuntime) {
  let keys = 0;
  const call = async (method: 'GET' | 'POST', route: string, body?: unknown) => {
    const response = await fetch(`${runtime.endpoints.api}${route}`, {
      method,
      headers: {
        'content-type': 'application/json',
        ...(method === 'POST' ? { 'idempotency-key': `key-${++keys}` } : {}),
      },
      ...(body === undefined ? {} : { body: JSON.stringify(body) }),
    });
    const text = await response.text();
    let parsed: unknown = text;
    try {
      parsed = text === '' ? null : JSON.parse(text);
    } catch {
      // An HTML page (GET /opt-out) stays text.
    }
    // biome-ignore lint/suspicious/noExplicitAny: JSON replies are read field by field
    return { status: response.status, body: parsed as any };
  };
  return {
    get: (route: string) => call('GET', route),
    post: (route: string, body?: unknown) => call('POST', route, body),
    now: async () => (await call('GET', '/_local/clock')).body.now as string,
    advance: (days: number) => call('POST', '/_local/clock/advance', { days }),
  };
}
