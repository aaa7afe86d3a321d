import * as path from 'node:path';
import { LocalRuntime } from '@rental-collections/local-aws';
import type { OpenCaseRequest } from '../../lambdas/domain/requests';
import { CDK_OUT } from '../support/cdk-out';

/**
 * A whole local runtime in this process, as `npm start` runs it but on the TypeScript handlers
 * (through ts-jest), a frozen virtual clock and free ports. It sets `process.env` for the hosted
 * functions, so each test file that starts one runs it alone, and stops it in `afterAll`.
 */
export const START = '2026-03-02T02:00:00.000Z'; // 10:00 in Shanghai, inside the contact window

export function startRuntime(seed = 7, start = START): Promise<LocalRuntime> {
  return LocalRuntime.start({
    cdkOut: CDK_OUT,
    projectRoot: path.join(__dirname, '..', '..'),
    port: 0,
    start: Date.parse(start),
    speed: 0,
    seed,
    handlers: 'source',
    functionLogLevel: 'ERROR',
  });
}

export interface Reply {
  status: number;
  type: string | null;
  // biome-ignore lint/suspicious/noExplicitAny: JSON replies are read field by field in assertions
  body: any;
}

/** JSON over HTTP to the runtime's API port (the app's routes and `/_local/…`). */
export function http(runtime: LocalRuntime) {
  const call = async (method: string, route: string, body?: unknown): Promise<Reply> => {
    const response = await fetch(`${runtime.endpoints.api}${route}`, {
      method,
      headers: body === undefined ? {} : { 'content-type': 'application/json' },
      body: body === undefined ? undefined : typeof body === 'string' ? body : JSON.stringify(body),
    });
    const text = await response.text();
    return {
      status: response.status,
      type: response.headers.get('content-type'),
      body: text === '' ? null : JSON.parse(text),
    };
  };
  return {
    get: (route: string) => call('GET', route),
    post: (route: string, body?: unknown) => call('POST', route, body),
  };
}

/** A `PutEvents` entry for the app's bus: `Rental Overdue` from the platform, detail = a POST /cases body. */
export function rentalOverdue(runtime: LocalRuntime, detail: OpenCaseRequest) {
  return {
    Source: 'rental.platform',
    DetailType: 'Rental Overdue',
    Detail: JSON.stringify(detail),
    EventBusName: runtime.bus.busNames()[0],
  };
}
