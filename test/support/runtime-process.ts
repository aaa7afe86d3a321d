import { type ChildProcess, spawn } from 'node:child_process';
import * as path from 'node:path';

/**
 * `npm start`'s program in a child process, exactly as a user runs it (the synthesized bundles from
 * cdk.out), on a free port with a fixed start, a frozen clock and a seed. Tests talk to it over HTTP.
 */
export interface RuntimeProcess {
  api: string;
  output(): string;
  stop(): Promise<void>;
}

const ROOT = path.join(__dirname, '..', '..');

export async function startRuntimeProcess(args: {
  start: string;
  seed?: string;
  speed?: number;
  /** More `npm start` options, e.g. the provider faults (`--ses-unverified-sender`). */
  options?: string[];
}): Promise<RuntimeProcess> {
  const child: ChildProcess = spawn(
    process.execPath,
    [
      require.resolve('tsx/cli'),
      path.join(ROOT, 'scripts', 'start-local.ts'),
      '--port',
      '0',
      '--start',
      args.start,
      '--speed',
      String(args.speed ?? 0),
      '--seed',
      args.seed ?? '1',
      ...(args.options ?? []),
    ],
    { cwd: ROOT, env: { ...process.env, CI: 'true' }, stdio: ['ignore', 'pipe', 'pipe'] },
  );
  let output = '';
  child.stdout?.on('data', (chunk: Buffer) => {
    output += chunk.toString();
  });
  child.stderr?.on('data', (chunk: Buffer) => {
    output += chunk.toString();
  });
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  const api = await new Promise<string>((resolve, reject) => {
    const timer = setTimeout(
      () => reject(new Error(`the local runtime did not start within 90 s:\n${output}`)),
      90_000,
    );
    const poll = setInterval(() => {
      const match = /API\s+(http:\/\/[\d.]+:\d+)/.exec(output);
      if (match?.[1]) {
        clearInterval(poll);
        clearTimeout(timer);
        resolve(match[1]);
      }
    }, 50);
    child.once('exit', (code) => {
      clearInterval(poll);
      clearTimeout(timer);
      reject(new Error(`the local runtime exited (${code}) before it started:\n${output}`));
    });
  });
  return {
    api,
    output: () => output,
    async stop() {
      child.kill('SIGTERM');
      await exited;
    },
  };
}

export interface HttpReply {
  status: number;
  contentType: string | null;
  // biome-ignore lint/suspicious/noExplicitAny: response bodies are asserted field by field in tests
  body: any;
}

export function http(api: string) {
  const call = async (
    method: string,
    route: string,
    body?: unknown,
    headers: Record<string, string> = {},
  ) => {
    const response = await fetch(`${api}${route}`, {
      method,
      headers: { 'content-type': 'application/json', ...headers },
      ...(body === undefined ? {} : { body: typeof body === 'string' ? body : JSON.stringify(body) }),
    });
    const text = await response.text();
    return {
      status: response.status,
      contentType: response.headers.get('content-type'),
      body: text ? JSON.parse(text) : undefined,
    } as HttpReply;
  };
  return {
    get: (route: string) => call('GET', route),
    post: (route: string, body?: unknown, headers?: Record<string, string>) =>
      call('POST', route, body, headers),
  };
}
