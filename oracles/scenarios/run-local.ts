import { LocalRuntime } from '@rental-collections/local-aws';
import { collectFromLocalRuntime } from '../compliance/collect-local';
import { profileOfCountry } from '../compliance/numbers';
import type { ComplianceRecord, CustomerFacts, OptOutRequest } from '../compliance/record';
import { DAY, type Intent, type Portfolio, type Step } from './portfolio';
import { SeededRandom } from './random';

/**
 * Plays a portfolio on the real local runtime in this process: the synthesized app from `cdk.out`
 * (template, state machine, Lambda bundles), a frozen virtual clock the runner moves from one planned
 * step to the next, every request over HTTP as the platform and staff would make it. Then reads what
 * left the system into the compliance checker's record.
 */
export interface RunOptions {
  cdkOut: string;
  projectRoot: string;
  /** Progress lines (every 10 virtual days), if wanted. */
  log?: (line: string) => void;
}

export interface RunStats {
  /** Requests by kind and answer: `claim 409 OUTSIDE_CONTACT_WINDOW`, `payments 200`. */
  requests: Record<string, number>;
  /** Answers of 5xx, or that the runner could not read: worth a look, never expected. */
  failures: string[];
  wallMs: { start: number; play: number; collect: number };
  cases: number;
  steps: number;
}

export interface RunResult {
  record: ComplianceRecord;
  stats: RunStats;
}

interface Reply {
  status: number;
  // biome-ignore lint/suspicious/noExplicitAny: JSON replies are read field by field
  body: any;
}

interface Instalments {
  amounts: number[];
}

/** Call outcomes agents record: most calls are not answered or are short. */
const CALL_OUTCOMES = { CONNECTED: 45, NO_ANSWER: 40, WRONG_NUMBER: 5, REFUSED: 10 } as const;

export async function runPortfolio(portfolio: Portfolio, options: RunOptions): Promise<RunResult> {
  const began = performance.now();
  const runtime = await LocalRuntime.start({
    cdkOut: options.cdkOut,
    projectRoot: options.projectRoot,
    port: 0,
    start: portfolio.start,
    speed: 0,
    seed: portfolio.seed,
    functionLogLevel: 'ERROR',
  });
  const started = performance.now();
  try {
    const player = new Player(runtime, portfolio, options.log);
    await player.play();
    const played = performance.now();
    const record = await collectFromLocalRuntime({
      api: runtime.endpoints.api,
      customers: player.customerFacts(),
      addresses: player.addresses(),
    });
    return {
      record,
      stats: {
        requests: player.requests,
        failures: player.failures,
        wallMs: { start: started - began, play: played - started, collect: performance.now() - played },
        cases: portfolio.cases.length,
        steps: portfolio.steps.length,
      },
    };
  } finally {
    await runtime.stop();
  }
}

/** Carries out a portfolio's steps in time order, remembering what the system answered (case ids, plans). */
class Player {
  readonly requests: Record<string, number> = {};
  readonly failures: string[] = [];
  private readonly caseIds = new Map<string, string>();
  private readonly customerOfCase = new Map<string, string>();
  private readonly plans = new Map<string, Instalments>();
  private readonly optOuts = new Map<string, OptOutRequest[]>();
  private readonly plannedByCase = new Map<string, Portfolio['cases'][number]>();
  private readonly queue: Step[];

  constructor(
    private readonly runtime: LocalRuntime,
    private readonly portfolio: Portfolio,
    private readonly log?: (line: string) => void,
  ) {
    this.queue = [...portfolio.steps];
  }

  async play(): Promise<void> {
    const { clock } = this.runtime;
    const wallStart = performance.now();
    let nextReport = this.portfolio.start + 10 * DAY;
    for (let step = this.queue.shift(); step; step = this.queue.shift()) {
      if (step.at >= this.portfolio.end) break;
      if (step.at > clock.now()) await clock.advanceTo(step.at);
      await clock.whenQuiet();
      while (this.log && clock.now() >= nextReport) {
        const day = Math.round((nextReport - this.portfolio.start) / DAY);
        this.log(`day ${day}: ${((performance.now() - wallStart) / 1000).toFixed(1)} s`);
        nextReport += 10 * DAY;
      }
      await this.perform(step.intent);
    }
    await clock.advanceTo(this.portfolio.end);
    await clock.whenQuiet();
  }

  /** Customers as the checker needs them, with the opt-outs the API accepted. */
  customerFacts(): CustomerFacts[] {
    return this.portfolio.customers.map((customer) => ({
      customerId: customer.customerId,
      timezone: customer.timezone,
      profile: profileOfCountry(customer.country),
      optOutRequests: this.optOuts.get(customer.customerId) ?? [],
    }));
  }

  addresses(): Map<string, string> {
    return new Map(
      this.portfolio.customers.flatMap((customer) => [
        [customer.phone, customer.customerId],
        [customer.email, customer.customerId],
      ]),
    );
  }

  private now(): string {
    return new Date(this.runtime.clock.now()).toISOString();
  }

  private schedule(step: Step): void {
    const position = this.queue.findIndex((queued) => queued.at > step.at);
    this.queue.splice(position === -1 ? this.queue.length : position, 0, step);
  }

  private async request(kind: string, method: 'GET' | 'POST', route: string, body?: unknown): Promise<Reply> {
    const response = await fetch(`${this.runtime.endpoints.api}${route}`, {
      method,
      headers: body === undefined ? {} : { 'content-type': 'application/json' },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    const text = await response.text();
    await this.runtime.clock.whenQuiet();
    let parsed: unknown = null;
    try {
      parsed = text === '' ? null : JSON.parse(text);
    } catch {
      this.failures.push(`${method} ${route} answered ${response.status} with a body that is not JSON`);
    }
    const rule = (parsed as { rule?: string } | null)?.rule;
    const label = `${kind} ${response.status}${rule ? ` ${rule}` : ''}`;
    this.requests[label] = (this.requests[label] ?? 0) + 1;
    if (response.status >= 500)
      this.failures.push(`${method} ${route} at ${this.now()}: ${response.status} ${text}`);
    return { status: response.status, body: parsed };
  }

  private async outstanding(caseId: string): Promise<number | null> {
    const { status, body } = await this.request('read case', 'GET', `/cases/${caseId}`);
    return status === 200 ? (body.outstanding.amount as number) : null;
  }

  private currencyOf(caseId: string): string {
    const customerId = this.customerOfCase.get(caseId);
    return this.portfolio.customers.find((customer) => customer.customerId === customerId)?.currency ?? 'CNY';
  }

  private async perform(intent: Intent): Promise<void> {
    if (intent.type === 'OPEN') return this.open(intent.rentalId);
    if (intent.type === 'OPT_OUT') return this.optOut(intent.customerId, intent.channel, intent.via);
    if (intent.type === 'COMPLETE_LATER') return this.complete(intent.workItemId, intent.outcome);
    if (intent.type === 'AGENT_SHIFT') return this.agentShift(intent);
    if (intent.type === 'MAIL_LETTERS') return this.mailLetters();
    if (intent.type === 'LEGAL_DESK') return this.legalDesk();
    const caseId = this.caseIds.get(intent.rentalId);
    if (!caseId) return;
    const currency = this.currencyOf(caseId);
    const at = this.now();
    switch (intent.type) {
      case 'PAY': {
        const owed = await this.outstanding(caseId);
        if (!owed) return;
        const amount = intent.share === 'OUTSTANDING' ? owed : Math.max(1, Math.floor(owed * intent.share));
        await this.pay(caseId, amount, currency, `pay-${intent.rentalId}-${at}`);
        return;
      }
      case 'PAY_INSTALMENT': {
        const amount = this.plans.get(intent.rentalId)?.amounts[intent.index];
        if (amount) await this.pay(caseId, amount, currency, `instalment-${intent.rentalId}-${intent.index}`);
        return;
      }
      case 'RETURN':
        await this.request('returns', 'POST', `/cases/${caseId}/returns`, {
          returnedAt: at,
          condition: intent.condition,
        });
        return;
      case 'PROMISE': {
        const owed = await this.outstanding(caseId);
        if (!owed) return;
        await this.request('promises', 'POST', `/cases/${caseId}/promises`, {
          promisedAt: new Date(this.runtime.clock.now() + intent.inDays * DAY).toISOString(),
          amount: { amount: owed, currency },
        });
        return;
      }
      case 'PLAN':
        return this.agreePlan(intent.rentalId, caseId, currency, intent.instalments, intent.everyDays);
      case 'EXTENDED_RETURN':
        await this.request('plans', 'POST', `/cases/${caseId}/plans`, {
          type: 'EXTENDED_RETURN',
          returnBy: new Date(this.runtime.clock.now() + intent.inDays * DAY).toISOString(),
        });
        return;
      case 'DISPUTE':
        await this.request('disputes', 'POST', `/cases/${caseId}/disputes`, {
          reason: 'I returned the device already.',
        });
        return;
      case 'RULE_DISPUTE':
        await this.request('dispute rulings', 'POST', `/cases/${caseId}/disputes/resolution`, {
          outcome: intent.outcome,
        });
        return;
      case 'LEGAL_OUTCOME':
        await this.request('legal outcomes', 'POST', `/cases/${caseId}/legal-outcome`, {
          outcome: intent.outcome,
          ...(intent.outcome === 'JUDGMENT' ? { judgmentRef: `court-${intent.rentalId}` } : {}),
        });
        return;
    }
  }

  private async open(rentalId: string): Promise<void> {
    const planned = this.portfolio.cases.find((candidate) => candidate.rentalId === rentalId);
    const customer = this.portfolio.customers.find(
      (candidate) => candidate.customerId === planned?.customerId,
    );
    if (!planned || !customer) return;
    const { status, body } = await this.request('open', 'POST', '/cases', {
      rentalId,
      customer: {
        id: customer.customerId,
        name: customer.name,
        phone: customer.phone,
        email: customer.email,
        locale: customer.locale,
        timezone: customer.timezone,
        country: customer.country,
      },
      device: { sku: 'IPH15-128', name: 'iPhone 15 128GB', serial: `SN-${rentalId}` },
      amountDue: { amount: planned.amountDue, currency: customer.currency },
      dueAt: new Date(planned.dueAt).toISOString(),
    });
    if (status !== 201 && status !== 200) return;
    this.caseIds.set(rentalId, body.caseId);
    this.customerOfCase.set(body.caseId, customer.customerId);
    this.plannedByCase.set(body.caseId, planned);
  }

  private async pay(caseId: string, amount: number, currency: string, paymentId: string): Promise<void> {
    await this.request('payments', 'POST', `/cases/${caseId}/payments`, {
      paymentId: paymentId.replace(/[^A-Za-z0-9._:-]/g, '-'),
      amount: { amount, currency },
      paidAt: this.now(),
    });
  }

  private async agreePlan(
    rentalId: string,
    caseId: string,
    currency: string,
    count: number,
    everyDays: number,
  ) {
    const owed = await this.outstanding(caseId);
    if (!owed || owed < count) return;
    const share = Math.floor(owed / count);
    const amounts = Array.from({ length: count }, (_, index) =>
      index === count - 1 ? owed - share * (count - 1) : share,
    );
    const now = this.runtime.clock.now();
    const { status } = await this.request('plans', 'POST', `/cases/${caseId}/plans`, {
      type: 'INSTALLMENTS',
      installments: amounts.map((amount, index) => ({
        dueAt: new Date(now + (index + 1) * everyDays * DAY).toISOString(),
        amount: { amount, currency },
      })),
    });
    if (status === 200) this.plans.set(rentalId, { amounts });
  }

  private async optOut(customerId: string, channel: 'SMS' | 'EMAIL' | 'CALL', via: 'API' | 'STOP_REPLY') {
    const at = this.now();
    const phoneNumber = this.portfolio.customers.find(
      (customer) => customer.customerId === customerId,
    )?.phone;
    const { status } =
      via === 'STOP_REPLY'
        ? await this.request('STOP replies', 'POST', '/_local/sms/stop', { phoneNumber })
        : await this.request('opt-outs', 'POST', `/customers/${customerId}/opt-outs`, { channel });
    if (status === 200)
      this.optOuts.set(customerId, [...(this.optOuts.get(customerId) ?? []), { channel, at }]);
  }

  /**
   * One agent's shift: the open tasks of the queue, a few debtors among them, and their tasks claimed
   * one after the other until one is refused (so some claims go beyond the caps); each claim granted
   * is the call or visit made at once (or, now and then, a while later) and completed with a random
   * outcome.
   */
  private async agentShift(intent: Extract<Intent, { type: 'AGENT_SHIFT' }>): Promise<void> {
    const random = new SeededRandom(this.portfolio.seed).fork(intent.shift);
    const { status, body } = await this.request(
      'list work',
      'GET',
      `/work-items?queue=${intent.queue}&status=OPEN&limit=100`,
    );
    if (status !== 200) return;
    const byDebtor = new Map<string, string[]>();
    for (const item of body.items as Array<{ workItemId: string; caseId: string; dueAt: string }>) {
      // Most agents take what is due; a few try the tasks of later days too.
      if (Date.parse(item.dueAt) > this.runtime.clock.now() && !random.chance(0.1)) continue;
      const debtor = this.customerOfCase.get(item.caseId) ?? item.caseId;
      byDebtor.set(debtor, [...(byDebtor.get(debtor) ?? []), item.workItemId]);
    }
    for (const debtor of random.sample([...byDebtor.keys()].sort(), intent.debtors)) {
      for (const workItemId of byDebtor.get(debtor) ?? []) {
        const route = `/work-items/${encodeURIComponent(workItemId)}/claim`;
        const claim = await this.request('claim', 'POST', route, { agent: intent.agent });
        // Refused (a cap, the hour, a hold): the agent moves on to the next debtor.
        if (claim.status !== 200) break;
        const outcome = random.weighted(CALL_OUTCOMES);
        if (random.chance(this.portfolio.lateCallShare)) {
          // A while after the claim, but by its `callBy` (the claim is for a call made within 15 minutes).
          const callBy =
            Date.parse((claim.body as { callBy?: string }).callBy ?? '') || this.runtime.clock.now();
          const later = Math.min(this.runtime.clock.now() + random.int(1, 20) * 60_000, callBy);
          this.schedule({ at: later, intent: { type: 'COMPLETE_LATER', workItemId, outcome } });
          continue;
        }
        await this.complete(workItemId, outcome);
      }
    }
  }

  /** The call or visit is made now, and recorded with its outcome. */
  private async complete(workItemId: string, outcome: string): Promise<void> {
    await this.request('complete', 'POST', `/work-items/${encodeURIComponent(workItemId)}/complete`, {
      outcome,
      occurredAt: this.now(),
    });
  }

  private async mailLetters(): Promise<void> {
    const { status, body } = await this.request(
      'list work',
      'GET',
      '/work-items?queue=LETTERS&status=OPEN&limit=100',
    );
    if (status !== 200) return;
    for (const item of body.items as Array<{ workItemId: string }>) {
      const route = `/work-items/${encodeURIComponent(item.workItemId)}`;
      // Letters too are claimed first: the claim is the gate (a dispute holds them).
      const claim = await this.request('claim', 'POST', `${route}/claim`, { agent: 'post-room' });
      if (claim.status !== 200) continue;
      await this.request('complete', 'POST', `${route}/complete`, {
        outcome: 'SENT',
        occurredAt: this.now(),
      });
    }
  }

  /** Legal staff decide the open reviews as planned for each case; an approved case gets its outcome later. */
  private async legalDesk(): Promise<void> {
    const { status, body } = await this.request(
      'list work',
      'GET',
      '/work-items?queue=LEGAL_REVIEW&status=OPEN&limit=100',
    );
    if (status !== 200) return;
    for (const item of body.items as Array<{ caseId: string }>) {
      const planned = this.plannedByCase.get(item.caseId);
      if (!planned) continue;
      const decided = await this.request('legal reviews', 'POST', `/cases/${item.caseId}/legal-review`, {
        decision: planned.legal.decision,
        reviewer: 'legal-1',
      });
      if (decided.status === 200 && planned.legal.decision === 'APPROVE' && planned.legal.outcome) {
        this.schedule({
          at: this.runtime.clock.now() + planned.legal.outcomeAfterDays * DAY,
          intent: { type: 'LEGAL_OUTCOME', rentalId: planned.rentalId, outcome: planned.legal.outcome },
        });
      }
    }
  }
}
