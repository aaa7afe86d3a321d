import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { Scheduler } from './clock';
import { checkPattern, matchesPattern } from './event-patterns';
import type { Ids } from './ids';
import {
  LOCAL_ACCOUNT,
  LOCAL_REGION,
  localArn,
  type SynthesizedApp,
  UnsupportedTemplateError,
} from './template';

/** A whole PutEvents request is invalid (AWS: ValidationException), not just an entry. */
export class PutEventsValidationError extends Error {
  override readonly name = 'ValidationException';
}

/** An event as EventBridge delivers it to targets. */
export interface BusEvent {
  version: '0';
  id: string;
  'detail-type': string;
  source: string;
  account: string;
  time: string;
  region: string;
  resources: string[];
  detail: Record<string, unknown>;
}

/** One entry of `PutEvents` (the SDK's shape). */
export interface PutEventsEntry {
  Source?: string;
  DetailType?: string;
  Detail?: string;
  EventBusName?: string;
  /** Epoch seconds (as the SDK sends it) or an ISO 8601 string. */
  Time?: string | number;
  Resources?: string[];
}

export type PutEventsResultEntry = { EventId: string } | { ErrorCode: string; ErrorMessage: string };

export interface RecordedEvent {
  bus: string;
  event: BusEvent;
  /** Names of the rules that matched (their physical names, as on AWS). */
  matchedRules: string[];
}

/** Where matched events go: a queue, a function or a state machine, by ARN. */
export type EventTarget = (targetArn: string, event: BusEvent) => Promise<void>;

interface LocalRule {
  name: string;
  bus: string;
  pattern: Record<string, unknown>;
  targets: string[];
}

/** AWS event times have whole seconds: `2026-03-02T02:00:00Z`. */
const eventTime = (epochMs: number) => new Date(epochMs).toISOString().replace(/\.\d{3}Z$/, 'Z');

/**
 * The app's event buses: `PutEvents` (programmatic and over the AWS JSON 1.1 protocol) matched
 * against the template's rules, each match delivered to the rule's targets. Every event is kept, in
 * order, for `GET /_local/events`.
 */
export class LocalEventBridge {
  readonly events: RecordedEvent[] = [];
  readonly server: Server;
  private readonly buses = new Set<string>(['default']);
  private readonly rules: LocalRule[] = [];

  constructor(
    app: SynthesizedApp,
    private readonly clock: Scheduler,
    private readonly ids: Ids,
    private readonly deliver: EventTarget,
  ) {
    for (const [logicalId] of app.ofType('AWS::Events::EventBus'))
      this.buses.add(app.physicalName(logicalId));
    for (const [logicalId, resource] of app.ofType('AWS::Events::Rule')) {
      const properties = resource.Properties ?? {};
      if (properties.State === 'DISABLED') continue;
      const pattern = properties.EventPattern as Record<string, unknown>;
      checkPattern(pattern, `rule ${logicalId}`);
      const targets = (properties.Targets as Array<Record<string, unknown>>).map((target) => {
        for (const field of ['Input', 'InputPath', 'InputTransformer']) {
          if (field in target)
            throw new UnsupportedTemplateError(`rule ${logicalId}: target ${field} is not supported locally`);
        }
        return app.resolveString(target.Arn);
      });
      const bus = properties.EventBusName
        ? this.busName(app.resolveString(properties.EventBusName))
        : 'default';
      this.rules.push({ name: app.physicalName(logicalId), bus, pattern, targets });
    }
    this.server = createServer((request, response) => {
      void this.clock.track(this.serve(request, response));
    });
  }

  /** The app's buses (not `default`). */
  busNames(): string[] {
    return [...this.buses].filter((bus) => bus !== 'default');
  }

  /** Accepts entries like `PutEvents`; matching targets run as tracked work (settle with the clock). */
  putEvents(entries: PutEventsEntry[]): { FailedEntryCount: number; Entries: PutEventsResultEntry[] } {
    if (entries.length === 0 || entries.length > 10) {
      throw new PutEventsValidationError('PutEvents takes 1 to 10 entries.');
    }
    const results = entries.map((entry) => this.putOne(entry));
    return { FailedEntryCount: results.filter((result) => 'ErrorCode' in result).length, Entries: results };
  }

  private putOne(entry: PutEventsEntry): PutEventsResultEntry {
    if (!entry.Source || !entry.DetailType || entry.Detail === undefined) {
      return {
        ErrorCode: 'InvalidArgument',
        ErrorMessage: 'Parameters Source, DetailType and Detail are required.',
      };
    }
    let detail: unknown;
    try {
      detail = JSON.parse(entry.Detail);
    } catch {
      return { ErrorCode: 'MalformedDetail', ErrorMessage: 'Detail is malformed.' };
    }
    if (detail === null || typeof detail !== 'object' || Array.isArray(detail)) {
      return { ErrorCode: 'MalformedDetail', ErrorMessage: 'Detail must be a JSON object.' };
    }
    const bus = this.busName(entry.EventBusName ?? 'default');
    if (!this.buses.has(bus)) {
      return {
        ErrorCode: 'NotFoundException',
        ErrorMessage: `Event bus ${entry.EventBusName} does not exist.`,
      };
    }
    // On the wire (AWS JSON 1.1) a timestamp is a number of epoch seconds; an ISO string also works.
    const time =
      entry.Time === undefined
        ? this.clock.now()
        : typeof entry.Time === 'number'
          ? entry.Time * 1000
          : Date.parse(entry.Time);
    const event: BusEvent = {
      version: '0',
      id: this.ids.uuid(),
      'detail-type': entry.DetailType,
      source: entry.Source,
      account: LOCAL_ACCOUNT,
      time: eventTime(Number.isNaN(time) ? this.clock.now() : time),
      region: LOCAL_REGION,
      resources: entry.Resources ?? [],
      detail: detail as Record<string, unknown>,
    };
    const matched = this.rules.filter(
      (rule) => rule.bus === bus && matchesPattern(rule.pattern, event as unknown as Record<string, unknown>),
    );
    this.events.push({ bus, event, matchedRules: matched.map((rule) => rule.name) });
    for (const rule of matched) {
      for (const target of rule.targets) void this.clock.track(this.deliver(target, event));
    }
    return { EventId: event.id };
  }

  /** A bus given by name or ARN, as its local name. */
  private busName(nameOrArn: string): string {
    return nameOrArn.startsWith('arn:') ? (nameOrArn.split('/').at(-1) ?? nameOrArn) : nameOrArn;
  }

  private async serve(request: IncomingMessage, response: import('node:http').ServerResponse): Promise<void> {
    const chunks: Buffer[] = [];
    for await (const chunk of request) chunks.push(chunk as Buffer);
    const target = String(request.headers['x-amz-target'] ?? '');
    const reply = (status: number, body: unknown) => {
      response.writeHead(status, { 'content-type': 'application/x-amz-json-1.1' });
      response.end(JSON.stringify(body));
    };
    if (target !== 'AWSEvents.PutEvents') {
      reply(400, {
        __type: 'UnknownOperationException',
        message: `The local bus implements PutEvents only (${target})`,
      });
      return;
    }
    let input: { Entries?: PutEventsEntry[] };
    try {
      input = JSON.parse(Buffer.concat(chunks).toString('utf8')) as { Entries?: PutEventsEntry[] };
    } catch {
      reply(400, { __type: 'ValidationException', message: 'The request body is not valid JSON.' });
      return;
    }
    try {
      reply(200, this.putEvents(input.Entries ?? []));
    } catch (error) {
      if (!(error instanceof PutEventsValidationError)) throw error;
      reply(400, { __type: 'ValidationException', message: error.message });
    }
  }
}

export const busArn = (name: string) => localArn('events', `event-bus/${name}`);
