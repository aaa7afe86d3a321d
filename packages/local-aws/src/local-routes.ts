import type { ServerResponse } from 'node:http';
import type { VirtualClock } from './clock';
import type { FakeCreditBureau } from './credit-bureau';
import type { LocalEventBridge, PutEventsEntry } from './eventbridge';
import type { SesEmulator } from './ses';
import type { SnsEmulator } from './sns';
import type { LocalQueues } from './sqs';
import type { StepFunctionsEngine } from './stepfunctions';

/**
 * The local-only routes of docs/api.md (`/_local/…`, never deployed): the virtual clock, the outbox of
 * every SMS and email, the bus, plus queues and executions for looking inside.
 */
export interface LocalRoutes {
  handle(method: string, url: URL, body: string, response: ServerResponse): Promise<void>;
}

/** The parts of the runtime the local routes read and drive (the runtime is one). */
export interface LocalRoutesTarget {
  readonly clock: Pick<VirtualClock, 'now' | 'advanceTo' | 'whenQuiet'>;
  readonly sns: Pick<SnsEmulator, 'messages' | 'optOut'>;
  readonly ses: Pick<SesEmulator, 'sent'>;
  readonly bus: Pick<LocalEventBridge, 'putEvents' | 'events'>;
  readonly bureau: Pick<FakeCreditBureau, 'recorded'>;
  readonly queues: Pick<LocalQueues, 'depths'>;
  readonly engine: Pick<StepFunctionsEngine, 'listStateMachines' | 'listExecutions' | 'getExecutionHistory'>;
}

export interface OutboxItem {
  channel: 'SMS' | 'EMAIL';
  to: string;
  caseId: string | null;
  kind: string | null;
  subject?: string;
  body: string;
  /** An email's headers as SES received them (`List-Unsubscribe`, `X-Collections-Case`, …). */
  headers?: Array<{ name: string; value: string }>;
  at: string;
}

class BadRequest extends Error {
  constructor(
    message: string,
    readonly path: string,
  ) {
    super(message);
  }
}

const HOUR = 3_600_000;

function parseAdvance(body: string, now: number): number {
  let input: unknown;
  try {
    input = body.trim() === '' ? {} : JSON.parse(body);
  } catch {
    throw new BadRequest('not valid JSON', '(body)');
  }
  const { hours, days, to } = (input ?? {}) as { hours?: unknown; days?: unknown; to?: unknown };
  const given = [hours, days, to].filter((value) => value !== undefined);
  if (given.length !== 1) throw new BadRequest('give exactly one of hours, days or to', '(body)');
  if (to !== undefined) {
    const target = typeof to === 'string' ? Date.parse(to) : Number.NaN;
    if (Number.isNaN(target)) throw new BadRequest('an ISO 8601 date-time', 'to');
    if (target < now) throw new BadRequest(`is in the past (now is ${new Date(now).toISOString()})`, 'to');
    return target;
  }
  const [field, amount, unit] = hours !== undefined ? ['hours', hours, HOUR] : ['days', days, 24 * HOUR];
  if (typeof amount !== 'number' || !Number.isFinite(amount) || amount < 0 || amount > 3650 * 24) {
    throw new BadRequest('a non-negative number', field as string);
  }
  return now + Math.round(amount * (unit as number));
}

export function localRoutes(runtime: LocalRoutesTarget): LocalRoutes {
  const send = (response: ServerResponse, status: number, body: unknown, type = 'application/json') => {
    response.writeHead(status, { 'content-type': type });
    response.end(JSON.stringify(body));
  };
  const outbox = async (url: URL): Promise<OutboxItem[]> => {
    const sms = runtime.sns.messages
      .filter((message) => message.phoneNumber !== undefined)
      .map((message) => ({
        seq: message.seq,
        item: {
          channel: 'SMS' as const,
          to: message.phoneNumber ?? '',
          caseId: message.attributes['collections.caseId'] ?? null,
          kind: message.attributes['collections.kind'] ?? null,
          body: message.message,
          at: message.at,
        },
      }));
    const header = (headers: Array<{ name: string; value: string }> | undefined, name: string) =>
      headers?.find((candidate) => candidate.name.toLowerCase() === name.toLowerCase())?.value ?? null;
    const emails = (await runtime.ses.sent()).map((email) => ({
      seq: email.seq,
      item: {
        channel: 'EMAIL' as const,
        to: email.destination.to[0] ?? '',
        caseId: header(email.headers, 'X-Collections-Case'),
        kind: header(email.headers, 'X-Collections-Kind'),
        subject: email.subject,
        body: email.body.text ?? email.body.html ?? '',
        headers: email.headers ?? [],
        at: email.at,
      },
    }));
    const channel = url.searchParams.get('channel');
    const to = url.searchParams.get('to');
    const caseId = url.searchParams.get('caseId');
    return [...sms, ...emails]
      .sort((a, b) => a.seq - b.seq)
      .map(({ item }) => item)
      .filter(
        (item) =>
          (!channel || item.channel === channel) &&
          (!to || item.to === to) &&
          (!caseId || item.caseId === caseId),
      );
  };

  return {
    async handle(method, url, body, response) {
      const route = `${method} ${url.pathname.replace(/\/+$/, '')}`;
      try {
        switch (route) {
          case 'GET /_local/clock':
            return send(response, 200, { now: new Date(runtime.clock.now()).toISOString() });
          case 'POST /_local/clock/advance': {
            const target = parseAdvance(body, runtime.clock.now());
            const now = await runtime.clock.advanceTo(target);
            return send(response, 200, { now: new Date(now).toISOString() });
          }
          case 'GET /_local/outbox':
            await runtime.clock.whenQuiet();
            return send(response, 200, { items: await outbox(url) });
          case 'POST /_local/events': {
            let input: { Entries?: PutEventsEntry[] };
            try {
              input = JSON.parse(body) as { Entries?: PutEventsEntry[] };
            } catch {
              throw new BadRequest('not valid JSON', '(body)');
            }
            if (!Array.isArray(input?.Entries))
              throw new BadRequest('an array of PutEvents entries', 'Entries');
            if (input.Entries.length < 1 || input.Entries.length > 10) {
              throw new BadRequest('1 to 10 PutEvents entries, as on AWS', 'Entries');
            }
            const result = runtime.bus.putEvents(input.Entries);
            await runtime.clock.whenQuiet();
            return send(response, 200, result);
          }
          case 'GET /_local/events':
            await runtime.clock.whenQuiet();
            return send(response, 200, {
              items: runtime.bus.events.map(({ bus, event, matchedRules }) => ({
                bus,
                ...event,
                matchedRules,
              })),
            });
          case 'GET /_local/credit-bureau':
            await runtime.clock.whenQuiet();
            return send(response, 200, runtime.bureau.recorded());
          case 'GET /_local/topics': {
            await runtime.clock.whenQuiet();
            const topic = url.searchParams.get('topic');
            const items = runtime.sns.messages
              .filter((message) => message.topicArn !== undefined)
              .filter(
                (message) => !topic || (message.topicArn ?? '').toLowerCase().includes(topic.toLowerCase()),
              )
              .map(({ topicArn, subject, message, at }) => ({
                topicArn,
                subject: subject ?? null,
                message,
                at,
              }));
            return send(response, 200, { items });
          }
          case 'POST /_local/sms/stop': {
            let phoneNumber: unknown;
            try {
              phoneNumber = (JSON.parse(body) as { phoneNumber?: unknown }).phoneNumber;
            } catch {
              throw new BadRequest('not valid JSON', '(body)');
            }
            if (typeof phoneNumber !== 'string' || !/^\+[1-9]\d{6,14}$/.test(phoneNumber)) {
              throw new BadRequest('an E.164 phone number', 'phoneNumber');
            }
            // What the carrier does when the customer replies STOP: the number joins SNS's opt-out list.
            runtime.sns.optOut(phoneNumber);
            return send(response, 200, { phoneNumber, optedOut: true });
          }
          case 'GET /_local/queues':
            return send(response, 200, { items: runtime.queues.depths() });
          case 'GET /_local/executions': {
            await runtime.clock.whenQuiet();
            const name = url.searchParams.get('caseId');
            const items = runtime.engine
              .listStateMachines()
              .stateMachines.flatMap(
                (machine) =>
                  runtime.engine.listExecutions({
                    stateMachineArn: machine.stateMachineArn,
                    maxResults: 1000,
                  }).executions,
              )
              .filter(
                (execution) => !name || execution.name === name || execution.name.startsWith(`${name}-`),
              )
              .map((execution) => ({
                ...execution,
                history: name
                  ? runtime.engine.getExecutionHistory({
                      executionArn: execution.executionArn,
                      maxResults: 1000,
                    }).events
                  : undefined,
              }));
            return send(response, 200, { items });
          }
          default:
            return send(
              response,
              404,
              {
                type: '/problems/not-found',
                title: 'Not found',
                status: 404,
                detail: `No local route ${route}`,
              },
              'application/problem+json',
            );
        }
      } catch (error) {
        if (!(error instanceof BadRequest)) throw error;
        return send(
          response,
          400,
          {
            type: '/problems/invalid-request',
            title: 'The request is invalid',
            status: 400,
            detail: error.message,
            errors: [{ path: error.path, message: error.message }],
          },
          'application/problem+json',
        );
      }
    },
  };
}
