import type { IncomingMessage, ServerResponse } from 'node:http';
import * as path from 'node:path';
import { LocalRuntime, type LocalRuntimeOptions } from '@rental-collections/local-aws';
import { responseNodeOf } from '../../lambdas/adapters/zhima-credit-bureau';
import type { OpenCaseRequest } from '../../lambdas/domain/requests';
import type { ContactStage } from '../../lambdas/domain/services/ladder';
import { STAGE_STATES, STATE } from '../../statemachines/overdue-case';
import { threshold } from '../support/policy';
import { DAY, HOUR, iso, MINUTE, START } from '../support/time';

type RuntimeFaults = NonNullable<LocalRuntimeOptions['faults']>;

import type { HistoryEvent } from '@rental-collections/local-aws';

/**
 * The workflow's paths end to end on the local runtime: the synthesized state machine
 * (`statemachines/overdue-case.asl.json` through `cdk.out`) on the local engine, the real Lambda
 * handlers from `lambdas/handlers` (TypeScript, in this process), dynalite, the SNS/SES emulators and
 * the fake credit bureau, all on one frozen virtual clock that only the tests move.
 *
 * One runtime per test file (it sets `process.env` for the hosted functions); every test opens its own
 * case for its own customer (own ids, phone and email: opt-outs and STOP replies stay per test) and
 * starts at a fresh local time of day after everything the previous test did, so tests do not depend
 * on each other's timing. Everything is read back as short lines with times relative to the test's
 * start (`3d 00:00`), so a failing assertion shows the whole path side by side.
 */
export { DAY, HOUR, iso, MINUTE, SECOND, START } from '../support/time';

/** Asia/Shanghai has no daylight saving: local time is UTC+8 all year. */
const SHANGHAI = 8 * HOUR;
const ROOT = path.join(__dirname, '..', '..');

// biome-ignore lint/suspicious/noExplicitAny: JSON replies are read field by field in assertions
type Json = any;

export interface Reply {
  status: number;
  body: Json;
}

/** Thresholds of `policies/default.json` (minor units of CNY). */
export const LEGAL_THRESHOLD = threshold('legalReview');
export const FIELD_VISIT_THRESHOLD = threshold('fieldVisit');

// ---- State names of the ASL, in the order a path enters them ----------------------------------------

export const CONTINUING = STATE.isContinuing;
export const OPENING = [CONTINUING, STATE.openCase, STATE.announceCaseOpened];
/** A contact stage that goes out on time and waits for the customer. */
const onTime = (stage: ContactStage): string[] => {
  const { send, afterSend, await: wait } = STAGE_STATES[stage];
  return [send, afterSend, wait];
};
export const NOTICE = onTime('OVERDUE_NOTICE');
export const FIRST_COLLECTION = onTime('FIRST_COLLECTION');
export const SECOND_COLLECTION = onTime('SECOND_COLLECTION');
export const PRE_NOTICE = onTime('CREDIT_PRE_NOTICE');
export const REPORT_AND_RESTRICT = [
  STATE.reportToBureau,
  STATE.wasReportFiled,
  STATE.announceReportFiled,
  STATE.restrictAccount,
  STATE.wasAccountRestricted,
  STATE.announceRestrictionRequested,
  STATE.isAboveLegalThreshold,
];
export const SOFT_REMINDER = onTime('SOFT_REMINDERS');
export const LEGAL_REVIEW = [
  STATE.openLegalReview,
  STATE.didLegalReviewOpen,
  STATE.prepareReviewWait,
  STATE.isTimeToContinueReview,
  STATE.awaitReviewDecision,
];
export const LEGAL_ACTION = [
  STATE.sendDemandLetter,
  STATE.isDemandLetterDeferred,
  STATE.startLegalAction,
  STATE.didLegalActionStart,
  STATE.announceLegalActionOpened,
  STATE.prepareOutcomeWait,
  STATE.isTimeToContinueOutcomeWait,
  STATE.awaitLegalOutcome,
];
/** The receipt, in the customer's contact window, once the platform is told (before the bureau). */
export const RECEIPT = [STATE.sendReceipt, STATE.isReceiptDeferred];
/**
 * Close case after a payment or return when no credit report was filed and no restriction requested.
 * The platform hears of the end first; the credit bureau (which may be slow) is updated after.
 */
export const CLOSE = [
  STATE.closeCase,
  STATE.wasRestrictionLifted,
  STATE.announceCaseResolved,
  ...RECEIPT,
  STATE.settleReport,
  STATE.wasReportSettled,
  STATE.caseResolved,
];
/**
 * Close case after the report: the restriction lifted and the case announced first, then the report
 * settled at the bureau and announced.
 */
export const CLOSE_AFTER_REPORT = [
  STATE.closeCase,
  STATE.wasRestrictionLifted,
  STATE.announceRestrictionLifted,
  STATE.announceCaseResolved,
  ...RECEIPT,
  STATE.settleReport,
  STATE.wasReportSettled,
  STATE.announceReportSettled,
  STATE.caseResolved,
];
export const WHAT_HAPPENED = STATE.whatHappened;

/** `names`, each entered at `at` (a `3d 00:00` offset): lines as `Scenario.states()` gives them. */
export const enter = (at: string, ...names: string[]): string[] => names.map((name) => `${at} ${name}`);

/** The order of every test's ladder until the first collection reminder's wait, all on time. */
export const toFirstCollection = (): string[] => [
  ...enter('0d 00:00', ...OPENING, ...NOTICE),
  ...enter('3d 00:00', ...FIRST_COLLECTION),
];

/** Late fee of docs/policy.md: 0.05 % of `amountDue` a whole day overdue, rounded down (cases are due at -1d). */
export const feeAfter = (amountDue: number, daysSinceOpening: number): number =>
  Math.floor((amountDue * 5 * (daysSinceOpening + 1)) / 10_000);

/** `Scenario.timeline()` of an unpaid case below both thresholds for its first 31 days, all on time. */
export const unpaidTimelineTo31Days = (amountDue: number): string[] => [
  '0d 00:00 CASE_OPENED',
  '0d 00:00 WORKFLOW_STARTED',
  '0d 00:00 MESSAGE_SENT SMS stage=OVERDUE_NOTICE kind=OVERDUE_NOTICE',
  '0d 00:00 MESSAGE_SENT EMAIL stage=OVERDUE_NOTICE kind=OVERDUE_NOTICE',
  '3d 00:00 STAGE_ENTERED stage=FIRST_COLLECTION from=OVERDUE_NOTICE',
  '3d 00:00 MESSAGE_SENT SMS stage=FIRST_COLLECTION kind=REMINDER',
  '10d 00:00 STAGE_ENTERED stage=SECOND_COLLECTION from=FIRST_COLLECTION',
  '10d 00:00 MESSAGE_SENT EMAIL stage=SECOND_COLLECTION kind=SECOND_REMINDER',
  '10d 00:00 MESSAGE_SENT SMS stage=SECOND_COLLECTION kind=SECOND_REMINDER',
  '24d 00:00 STAGE_ENTERED stage=CREDIT_PRE_NOTICE from=SECOND_COLLECTION',
  '24d 00:00 MESSAGE_SENT SMS stage=CREDIT_PRE_NOTICE kind=CREDIT_PRE_NOTICE',
  '24d 00:00 MESSAGE_SENT EMAIL stage=CREDIT_PRE_NOTICE kind=CREDIT_PRE_NOTICE',
  // Same instant: ordered by TYPE_ORDER rank (lambdas/domain/timeline.ts), cause before effect: the
  // report and the restriction, then the soft reminder stage they lead to.
  `31d 00:00 CREDIT_REPORT_FILED amount=${amountDue + feeAfter(amountDue, 31)}`,
  '31d 00:00 ACCOUNT_RESTRICTED',
  '31d 00:00 STAGE_ENTERED stage=SOFT_REMINDERS from=CREDIT_REPORTED',
  '31d 00:00 MESSAGE_SENT SMS stage=SOFT_REMINDERS kind=SOFT_REMINDER',
];

/** `Scenario.outbox()` of an unpaid case below both thresholds up to its first soft reminder (day 31). */
export const OUTBOX_TO_REPORT = [
  '0d 00:00 SMS OVERDUE_NOTICE',
  '0d 00:00 EMAIL OVERDUE_NOTICE',
  '3d 00:00 SMS REMINDER',
  '10d 00:00 EMAIL SECOND_REMINDER',
  '10d 00:00 SMS SECOND_REMINDER',
  '24d 00:00 SMS CREDIT_PRE_NOTICE',
  '24d 00:00 EMAIL CREDIT_PRE_NOTICE',
  '31d 00:00 SMS SOFT_REMINDER',
];

/** The receipt a closed case sends: a payment receipt, or a return receipt for a returned device. */
export const receiptKind = (resolution: 'PAID' | 'RETURNED'): string =>
  resolution === 'RETURNED' ? 'RETURN_RECEIPT' : 'RECEIPT';

/** What a payment or return of the whole case adds at `at`: the fact, the resolution, receipts, the close. */
export const closingTimeline = (at: string, fact: string, resolution: 'PAID' | 'RETURNED'): string[] => [
  `${at} ${fact}`,
  `${at} CASE_RESOLVED resolution=${resolution}`,
  `${at} MESSAGE_SENT SMS stage=CLOSE kind=${receiptKind(resolution)}`,
  `${at} MESSAGE_SENT EMAIL stage=CLOSE kind=${receiptKind(resolution)}`,
  `${at} CASE_CLOSED resolution=${resolution} status=RESOLVED`,
];

/** Timeline detail keys shown in `Scenario.timeline()` lines (ids, references, texts are left out). */
const SHOWN_DETAIL = [
  'stage',
  'from',
  'kind',
  'reason',
  'until',
  'condition',
  'queue',
  'type',
  'installments',
  'amount',
  'paid',
  'outcome',
  'decision',
  'resolution',
  'status',
  'resumesAt',
  'remainingSeconds',
  'channel',
  'late',
  'brokenAt',
];
const TIMES = new Set(['until', 'brokenAt']);

let counter = 0;

/**
 * What the credit bureau's gateway does while it is broken: DOWN answers HTTP 503 (an outage: the
 * adapter throws CreditBureauUnavailableError, which the workflow retries); REFUSE answers Alipay's
 * business error 40004 (the adapter throws CreditBureauRejectedError: a refusal, never retried).
 */
export type BureauFault = 'DOWN' | 'REFUSE';

/** One call the broken gateway answered instead of the fake: `40d 00:00 zhima.credit.rental.overdue.settle`. */
export interface FaultedCall {
  at: number;
  method: string;
  outOrderNo: string | null;
}

/** A broken bureau: the calls it answered with its fault, and how to mend it. */
export interface BrokenBureau {
  calls: FaultedCall[];
  mend(): void;
}

/** One runtime for a test file, and the scenarios its tests run on it. */
/** One runtime for the calling test file, started before its tests and stopped after them. */
export function usePathsRuntime(options: { faults?: RuntimeFaults } = {}): () => PathsRuntime {
  let world: PathsRuntime | undefined;
  beforeAll(async () => {
    world = await PathsRuntime.start(options);
  }, 60_000);
  afterAll(async () => {
    await world?.stop();
  });
  return () => {
    if (!world) throw new Error('the paths runtime has not started');
    return world;
  };
}

export class PathsRuntime {
  private constructor(readonly runtime: LocalRuntime) {}

  static async start(options: { faults?: RuntimeFaults } = {}): Promise<PathsRuntime> {
    const runtime = await LocalRuntime.start({
      cdkOut: path.join(ROOT, 'cdk.out'),
      projectRoot: ROOT,
      port: 0,
      start: START,
      speed: 0,
      seed: 1,
      handlers: 'source',
      functionLogLevel: 'ERROR',
      ...(options.faults ? { faults: options.faults } : {}),
    });
    return new PathsRuntime(runtime);
  }

  async stop(): Promise<void> {
    await this.runtime.stop();
  }

  /**
   * Breaks the fake credit bureau until `mend()`: every call to its gateway gets `fault` instead of
   * the fake's answer (the fake neither sees nor records it; the calls are listed on the result).
   * The fake has no switch for this, so its HTTP server's request handler is swapped out.
   */
  breakBureau(fault: BureauFault): BrokenBureau {
    const { server } = this.runtime.bureau;
    const { clock } = this.runtime;
    const healthy = server.listeners('request') as Array<
      (request: IncomingMessage, response: ServerResponse) => void
    >;
    const calls: FaultedCall[] = [];
    const answer = async (request: IncomingMessage, response: ServerResponse): Promise<void> => {
      const chunks: Buffer[] = [];
      for await (const chunk of request) chunks.push(chunk as Buffer);
      const form = new URLSearchParams(Buffer.concat(chunks).toString('utf8'));
      const method = form.get('method') ?? '';
      let outOrderNo: string | null = null;
      try {
        outOrderNo =
          (JSON.parse(form.get('biz_content') ?? '{}') as { out_order_no?: string }).out_order_no ?? null;
      } catch {
        // not JSON: recorded without an order number
      }
      calls.push({ at: clock.now(), method, outOrderNo });
      if (fault === 'DOWN') {
        response.writeHead(503, { 'content-type': 'text/plain' });
        response.end('service unavailable');
        return;
      }
      // An unsigned business error: the adapter verifies a failure's signature only when it has one.
      const refusal = {
        code: '40004',
        msg: 'Business Failed',
        sub_code: 'RISK_CONTROL_REJECTED',
        sub_msg: 'refused',
      };
      response.writeHead(200, { 'content-type': 'application/json;charset=utf-8' });
      response.end(JSON.stringify({ [responseNodeOf(method)]: refusal }));
    };
    const broken = (request: IncomingMessage, response: ServerResponse): void => {
      void clock.track(answer(request, response));
    };
    server.removeAllListeners('request');
    server.on('request', broken);
    return {
      calls,
      mend: () => {
        server.removeListener('request', broken);
        for (const listener of healthy) server.on('request', listener);
      },
    };
  }

  /** The fake bureau's report for a case (status, dispute flag, history), or undefined if none was filed. */
  bureauReport(caseId: string) {
    return this.runtime.bureau.report(caseId);
  }

  now(): number {
    return this.runtime.clock.now();
  }

  /** Runs everything that falls due up to `epochMs`, in time order, and returns once all is quiet. */
  async advanceTo(epochMs: number): Promise<void> {
    await this.runtime.clock.advanceTo(epochMs);
    await this.runtime.clock.whenQuiet();
  }

  async settle(): Promise<void> {
    await this.runtime.clock.whenQuiet();
  }

  async request(method: 'GET' | 'POST', route: string, body?: unknown): Promise<Reply> {
    const response = await fetch(`${this.runtime.endpoints.api}${route}`, {
      method,
      headers: body === undefined ? {} : { 'content-type': 'application/json' },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    const text = await response.text();
    await this.settle();
    return { status: response.status, body: text === '' ? null : JSON.parse(text) };
  }

  get(route: string): Promise<Reply> {
    return this.request('GET', route);
  }

  post(route: string, body?: unknown): Promise<Reply> {
    return this.request('POST', route, body);
  }

  /**
   * A new scenario that starts at the next `localTime` in Shanghai strictly after now (so after
   * anything an earlier test left running): the clock is moved there first.
   */
  async scenario(name: string, localTime = '09:00'): Promise<Scenario> {
    const [first] = await this.scenarios([name], localTime);
    if (!first) throw new Error('no scenario');
    return first;
  }

  /** What went to the ops topic (alerts), in order: `subject` lines. */
  async opsAlerts(): Promise<string[]> {
    const items: Array<{ topicArn: string; subject: string | null }> = (
      await this.get('/_local/topics?topic=ops')
    ).body.items;
    return items.map((item) => item.subject ?? '');
  }

  /** Several scenarios that start at the same instant (each its own case and customer). */
  async scenarios(names: string[], localTime = '09:00'): Promise<Scenario[]> {
    const [hours, minutes] = localTime.split(':').map(Number);
    const now = this.now();
    const localMidnight = Math.floor((now + SHANGHAI) / DAY) * DAY - SHANGHAI;
    let t0 = localMidnight + (hours ?? 0) * HOUR + (minutes ?? 0) * MINUTE;
    while (t0 <= now) t0 += DAY;
    await this.advanceTo(t0);
    return names.map((name) => {
      counter += 1;
      return new Scenario(this, name, t0, counter);
    });
  }
}

/** One path: one case of one customer, with times read relative to `t0`. */
export class Scenario {
  readonly rentalId: string;
  readonly customer: OpenCaseRequest['customer'];
  private opened: string | undefined;

  constructor(
    readonly world: PathsRuntime,
    readonly name: string,
    readonly t0: number,
    sequence: number,
  ) {
    this.rentalId = `rental-paths-${name}`;
    this.customer = {
      id: `customer-paths-${name}`,
      name: '张伟',
      phone: `+86139${String(sequence).padStart(8, '0')}`,
      email: `${name}@example.com`,
      locale: 'zh-CN',
      timezone: 'Asia/Shanghai',
      country: 'CN',
    };
  }

  private openedWith: OpenCaseRequest | undefined;

  get caseId(): string {
    if (this.opened === undefined) throw new Error(`scenario ${this.name}: no case opened yet`);
    return this.opened;
  }

  /** `t0` plus days, hours and minutes. */
  at(days: number, hours = 0, minutes = 0): number {
    return this.t0 + days * DAY + hours * HOUR + minutes * MINUTE;
  }

  /** `3d 00:00` (or `3d 00:00:01` when seconds matter): the time since `t0`. */
  offset(epochMs: number): string {
    const ms = epochMs - this.t0;
    const sign = ms < 0 ? '-' : '';
    const abs = Math.abs(ms);
    const clock = new Date(abs % DAY).toISOString().slice(11, 19);
    return `${sign}${Math.floor(abs / DAY)}d ${clock.endsWith(':00') ? clock.slice(0, 5) : clock}`;
  }

  /**
   * POST /cases: overdue since a day before `t0` (so the write-off, 180 days after `dueAt`, falls on
   * day 179), for `amount` minor units of CNY. Answers 201 or throws.
   */
  async open(amount = 129_900): Promise<string> {
    const body: OpenCaseRequest = {
      rentalId: this.rentalId,
      customer: this.customer,
      device: { sku: 'IPH15-128', name: 'iPhone 15 128GB', serial: `SN-${this.name}` },
      amountDue: { amount, currency: 'CNY' },
      dueAt: iso(this.t0 - DAY),
    };
    const reply = await this.world.post('/cases', body);
    if (reply.status !== 201)
      throw new Error(`POST /cases answered ${reply.status}: ${JSON.stringify(reply.body)}`);
    this.opened = reply.body.caseId as string;
    this.openedWith = body;
    return this.opened;
  }

  /** The same `POST /cases` again (a replayed opening: the platform retried, or its event came twice). */
  async reopen(): Promise<Reply> {
    if (!this.openedWith) throw new Error(`scenario ${this.name}: no case opened yet`);
    return this.world.post('/cases', this.openedWith);
  }

  async advanceTo(epochMs: number): Promise<void> {
    await this.world.advanceTo(epochMs);
  }

  post(route: string, body?: unknown): Promise<Reply> {
    return this.world.post(route.replace('{caseId}', this.caseId), body);
  }

  /** GET /cases/{caseId}: the case as the API shows it, timeline included. */
  async view(): Promise<Json> {
    const reply = await this.world.get(`/cases/${this.caseId}`);
    if (reply.status !== 200) throw new Error(`GET /cases answered ${reply.status}`);
    return reply.body;
  }

  /** The whole outstanding amount now, as the API states it. */
  async outstanding(): Promise<{ amount: number; currency: string }> {
    return (await this.view()).outstanding;
  }

  /** POST /cases/{caseId}/payments of `amount` (default: all that is outstanding), paid now. */
  async pay(paymentId: string, amount?: number): Promise<Reply> {
    const money = amount === undefined ? await this.outstanding() : { amount, currency: 'CNY' };
    return this.post(`/cases/${this.caseId}/payments`, {
      paymentId: `${this.name}-${paymentId}`,
      amount: money,
      paidAt: iso(this.world.now()),
    });
  }

  // ---- The execution history --------------------------------------------------------------------

  private executions(): Array<{ executionArn: string; name: string }> {
    const engine = this.world.runtime.engine;
    return engine
      .listStateMachines()
      .stateMachines.flatMap(
        (machine) =>
          engine.listExecutions({ stateMachineArn: machine.stateMachineArn, maxResults: 1000 }).executions,
      )
      .filter((execution) => execution.name === this.caseId || execution.name.startsWith(`${this.caseId}-`));
  }

  private executionArn(name: string): string {
    const execution = this.executions().find((candidate) => candidate.name === name);
    if (execution === undefined) throw new Error(`case ${this.caseId}: no execution named ${name}`);
    return execution.executionArn;
  }

  /** Every event of one of the case's executions (default: the first, named by the case id), all pages. */
  async history(executionName = this.caseId): Promise<HistoryEvent[]> {
    await this.world.settle();
    const events: HistoryEvent[] = [];
    let nextToken: string | undefined;
    do {
      const page = this.world.runtime.engine.getExecutionHistory({
        executionArn: this.executionArn(executionName),
        maxResults: 1000,
        ...(nextToken === undefined ? {} : { nextToken }),
      });
      events.push(...page.events);
      nextToken = page.nextToken;
    } while (nextToken !== undefined);
    return events;
  }

  /** The states entered, in order: `3d 00:00 Send first collection reminder`. */
  async states(executionName = this.caseId): Promise<string[]> {
    return (await this.history(executionName)).flatMap((event) => {
      const name = event.stateEnteredEventDetails?.name;
      return name === undefined ? [] : [`${this.offset(event.timestamp.getTime())} ${name}`];
    });
  }

  /** Every history event as `offset type state` (Task*, Wait* … events belong to the state last entered). */
  async trace(executionName = this.caseId): Promise<string[]> {
    let state = '';
    return (await this.history(executionName)).map((event) => {
      const name = event.stateEnteredEventDetails?.name;
      if (name !== undefined) state = name;
      const owner = event.type.startsWith('Execution') ? '' : ` ${state}`;
      return `${this.offset(event.timestamp.getTime())} ${event.type}${owner}`;
    });
  }

  /** The first execution's status and when it stopped (an offset), and how many executions the case has. */
  async execution(): Promise<{ status: string; stopped: string | null; count: number }> {
    const [first] = await this.executionsByName();
    if (first === undefined) throw new Error(`case ${this.caseId} has no execution`);
    return { status: first.status, stopped: first.stopped, count: this.executions().length };
  }

  /** Every execution of the case (`<caseId>`, `<caseId>-2`, …) with its status, by name. */
  async executionsByName(): Promise<Array<{ name: string; status: string; stopped: string | null }>> {
    await this.world.settle();
    return this.executions()
      .map((execution) => {
        const description = this.world.runtime.engine.describeExecution({
          executionArn: execution.executionArn,
        });
        return {
          name: description.name,
          status: description.status,
          stopped: description.stopDate ? this.offset(description.stopDate.getTime()) : null,
        };
      })
      .sort((a, b) => a.name.length - b.name.length || a.name.localeCompare(b.name));
  }

  // ---- The case timeline ---------------------------------------------------------------------------

  /**
   * The timeline of GET /cases/{caseId} as lines: `offset TYPE [CHANNEL] key=value …` with the
   * detail keys a reader checks (ids, references and message ids left out). Work items are left out
   * unless asked for (the second collection alone creates eight).
   */
  async timeline(options: { workItems?: boolean } = {}): Promise<string[]> {
    const entries: Array<{ at: string; type: string; channel?: string; detail: Record<string, unknown> }> = (
      await this.view()
    ).timeline;
    return entries
      .filter((entry) => options.workItems || !entry.type.startsWith('WORK_ITEM_'))
      .map((entry) => {
        const details = SHOWN_DETAIL.filter((key) => key in entry.detail).map((key) => {
          const value = entry.detail[key];
          return `${key}=${TIMES.has(key) && typeof value === 'string' ? this.offset(Date.parse(value)) : value}`;
        });
        return [this.offset(Date.parse(entry.at)), entry.type, entry.channel, ...details]
          .filter((part) => part !== undefined)
          .join(' ');
      });
  }

  /** Work items created for the case, from its timeline: `10d 00:00 CALLS due 12d 00:00`. */
  async workItemsCreated(): Promise<string[]> {
    const entries: Array<{ at: string; type: string; detail: Record<string, string> }> = (await this.view())
      .timeline;
    return entries
      .filter((entry) => entry.type === 'WORK_ITEM_CREATED')
      .map(
        (entry) =>
          `${this.offset(Date.parse(entry.at))} ${entry.detail.queue} due ${this.offset(Date.parse(entry.detail.dueAt ?? ''))}`,
      );
  }

  /** The customer's personal data found anywhere in the case's timeline (there should be none). */
  async personalDataInTimeline(): Promise<string[]> {
    const text = JSON.stringify((await this.view()).timeline);
    return [this.customer.name, this.customer.phone, this.customer.email].filter((value) =>
      text.includes(value),
    );
  }

  // ---- What went out ----------------------------------------------------------------------------

  /** Every SMS and email of the case, in order: `0d 00:00 SMS OVERDUE_NOTICE`. */
  async outbox(): Promise<string[]> {
    const items: Array<{ at: string; channel: string; kind: string; to: string }> = (
      await this.world.get(`/_local/outbox?caseId=${this.caseId}`)
    ).body.items;
    return items.map((item) => `${this.offset(Date.parse(item.at))} ${item.channel} ${item.kind}`);
  }

  /** When each of the case's messages went out (epoch ms), in order. */
  async outboxAt(): Promise<number[]> {
    const items: Array<{ at: string }> = (await this.world.get(`/_local/outbox?caseId=${this.caseId}`)).body
      .items;
    return items.map((item) => Date.parse(item.at));
  }

  /** The messages of one kind, with their text. */
  async messages(
    kind: string,
  ): Promise<Array<{ channel: string; to: string; body: string; subject?: string }>> {
    const items: Array<{ kind: string; channel: string; to: string; body: string; subject?: string }> = (
      await this.world.get(`/_local/outbox?caseId=${this.caseId}`)
    ).body.items;
    return items.filter((item) => item.kind === kind);
  }

  /** The case's events on the bus: `31d 00:00 Credit Report Filed OPEN CREDIT_REPORTED`. */
  async events(): Promise<string[]> {
    const items: Array<{ source: string; time: string; 'detail-type': string; detail: Json }> = (
      await this.world.get('/_local/events')
    ).body.items;
    return items
      .filter((event) => event.source === 'rental.collections' && event.detail?.caseId === this.caseId)
      .map(
        (event) =>
          `${this.offset(Date.parse(event.time))} ${event['detail-type']} ${event.detail.status} ${event.detail.stage}`,
      );
  }

  /** The calls the credit bureau adapter made for the case: `31d 00:00 zhima.credit.rental.overdue.report`. */
  async bureauCalls(): Promise<string[]> {
    const items: Array<{ at: string; method: string; bizContent: Json; result: { code: string } }> = (
      await this.world.get('/_local/credit-bureau')
    ).body.items;
    return items
      .filter((call) => call.bizContent?.out_order_no === this.caseId)
      .map((call) => `${this.offset(Date.parse(call.at))} ${call.method} ${call.result.code}`);
  }

  /** Messages on SNS topics (ops alerts, legal referrals) about the case: `offset subject`. */
  async topicMessages(): Promise<
    Array<{ at: string; topicArn: string; subject: string | null; message: string }>
  > {
    const items: Array<{ at: string; topicArn: string; subject: string | null; message: string }> = (
      await this.world.get('/_local/topics')
    ).body.items;
    return items
      .filter((item) => item.message.includes(this.caseId))
      .map((item) => ({ ...item, at: this.offset(Date.parse(item.at)) }));
  }

  /** The case's work items in one queue and status, from GET /work-items. */
  async workItems(queue: string, status: string): Promise<Json[]> {
    const items: Json[] = [];
    let nextToken: string | undefined;
    do {
      const query = `queue=${queue}&status=${status}&limit=100${nextToken ? `&nextToken=${encodeURIComponent(nextToken)}` : ''}`;
      const reply = await this.world.get(`/work-items?${query}`);
      items.push(...reply.body.items.filter((item: Json) => item.caseId === this.caseId));
      nextToken = reply.body.nextToken;
    } while (nextToken);
    return items;
  }
}
