import fc from 'fast-check';
import { viewOf } from '../../lambdas/domain/case';
import { DomainError } from '../../lambdas/domain/errors';
import { findPolicy } from '../../lambdas/domain/policy';
import {
  agreePlan,
  makePromise,
  openDispute,
  recordReturn,
  ruleDispute,
} from '../../lambdas/domain/services/customer-options';
import { checkArrangement } from '../../lambdas/domain/services/ladder';
import { decideLegalReview } from '../../lambdas/domain/services/legal';
import { openCase } from '../../lambdas/domain/services/open-case';
import { recordPayment } from '../../lambdas/domain/services/record-payment';
import { openLegalReview, writeOffCase } from '../../lambdas/domain/services/tracks';
import { DAY, MINUTE, type ModelEvent, MoneyModel, type MoneyPolicy } from '../../oracles/money/model';
import defaultPolicy from '../../policies/default.json';
import { openCaseBody } from './fixtures';
import { memoryPorts } from './memory-ports';

/**
 * Generated case histories for the money properties (test/unit/money-properties.test.ts): a script
 * of abstract steps (fast-check), made concrete against the reference model, then fed to the real
 * domain services on in-memory ports in the order things are reported.
 */

const policy = findPolicy('default');
if (!policy) throw new Error('the default policy is missing');
export const MONEY: MoneyPolicy = {
  basisPointsPerDay: defaultPolicy.lateFee.basisPointsPerDay,
  capPercent: defaultPolicy.lateFee.capPercentOfAmountDue,
  graceDays: defaultPolicy.promise.graceDays,
  minSharePercent: defaultPolicy.promise.minSharePercent,
  maxPromiseDays: defaultPolicy.promise.maxDays,
};
const DUE_AT = Date.parse('2026-03-01T00:00:00.000Z');
const iso = (epochMs: number) => new Date(epochMs).toISOString();

// ---- What is generated: an abstract script, made concrete against the model ------------------------

type Kind = 'PAY' | 'PROMISE' | 'PLAN' | 'DISPUTE' | 'RULE' | 'RETURN' | 'LEGAL' | 'WRITE_OFF';

/** One step: how long after the last, which of the actions that fit the case now, and its details. */
interface Step {
  gapMinutes: number;
  /** The gap of a slow history (up to 200 days: long enough for the fee to reach its cap). */
  slowGapMinutes: number;
  choice: number;
  /** Now and then an action that does not fit the case, to check both refuse it. */
  misfit: boolean;
  misfitKind: Kind;
  pay: {
    share: number;
    mode: 'PART' | 'ALL' | 'INSTALMENT' | 'OVER';
    delayMinutes: number;
    /** A payment reported at once may state a date up to 5 minutes ahead (clock skew). */
    aheadMinutes: number;
    /** A second payment at the same instant, of this share of the first. */
    twin: number | null;
    /** The same request again this many minutes after its report (a retry), if any. */
    retryAfterMinutes: number | null;
  };
  promise: { whole: boolean; share: number; daysAhead: number; checkAtGraceEnd: boolean };
  plan: { count: number; spacingDays: number; checkAtGraceEnd: boolean };
  upheld: boolean;
}

/** A payment dated between the due date and the case's opening, reported once the case is open. */
interface EarlyPayment {
  /** When, as a share of the time from the due date to the opening. */
  when: number;
  share: number;
  delayMinutes: number;
}

export interface Script {
  amountDue: number;
  openAfterMinutes: number;
  slow: boolean;
  early: EarlyPayment[];
  steps: Step[];
}

/** The actions that fit each status, with how often a customer (or ops) takes them. */
const FITTING: Record<string, Array<[Kind, number]>> = {
  OPEN: [
    ['PAY', 3],
    ['PROMISE', 4],
    ['PLAN', 2.5],
    ['DISPUTE', 1],
    ['LEGAL', 0.5],
    ['RETURN', 0.3],
    ['WRITE_OFF', 0.3],
  ],
  PROMISED: [
    ['PAY', 6],
    ['PLAN', 1],
    ['DISPUTE', 1],
    ['RETURN', 0.2],
  ],
  ON_PLAN: [
    ['PAY', 6],
    ['DISPUTE', 1],
    ['RETURN', 0.2],
  ],
  DISPUTED: [
    ['RULE', 4],
    ['PAY', 1],
    ['RETURN', 0.2],
  ],
  LEGAL: [
    ['PAY', 4],
    ['DISPUTE', 1],
    ['WRITE_OFF', 0.5],
    ['RETURN', 0.2],
  ],
  WRITTEN_OFF: [
    ['PAY', 3],
    ['RETURN', 0.5],
  ],
  RESOLVED: [['PAY', 1]],
  CANCELLED: [['PAY', 1]],
};

function pick(status: string, choice: number): Kind {
  const options = FITTING[status] ?? [['PAY', 1]];
  const total = options.reduce((sum, [, weight]) => sum + weight, 0);
  let left = choice * total;
  for (const [kind, weight] of options) {
    left -= weight;
    if (left < 0) return kind;
  }
  return options.at(-1)?.[0] ?? 'PAY';
}

const KINDS: Kind[] = ['PAY', 'PROMISE', 'PLAN', 'DISPUTE', 'RULE', 'RETURN', 'LEGAL', 'WRITE_OFF'];

/**
 * A number in [min, max) spread evenly: fast-check's own doubles lean hard towards their bounds (good
 * for edge cases, but then every choice picks the first action and every payment is tiny).
 */
const fraction = (min: number, max: number) =>
  fc.noBias(fc.integer({ min: 0, max: 9_999 })).map((n) => min + ((max - min) * n) / 10_000);

const step: fc.Arbitrary<Step> = fc.record({
  gapMinutes: fc.oneof(fc.integer({ min: 1, max: 12 * 24 * 60 }), fc.integer({ min: 1, max: 180 })),
  slowGapMinutes: fc.integer({ min: 1, max: 200 * 24 * 60 }),
  choice: fraction(0, 1),
  misfit: fc.integer({ min: 0, max: 9 }).map((n) => n === 0),
  misfitKind: fc.constantFrom(...KINDS),
  pay: fc.record({
    share: fc.oneof(
      { weight: 6, arbitrary: fraction(0.01, 0.25) },
      { weight: 1, arbitrary: fraction(0.4, 1.3) },
    ),
    mode: fc.oneof(
      { weight: 6, arbitrary: fc.constant('PART' as const) },
      { weight: 1, arbitrary: fc.constant('ALL' as const) },
      { weight: 3, arbitrary: fc.constant('INSTALMENT' as const) },
      { weight: 1, arbitrary: fc.constant('OVER' as const) },
    ),
    delayMinutes: fc.oneof(fc.constant(0), fc.integer({ min: 1, max: 20 * 24 * 60 })),
    aheadMinutes: fc.oneof(
      { weight: 4, arbitrary: fc.constant(0) },
      { weight: 1, arbitrary: fc.integer({ min: 1, max: 5 }) },
    ),
    twin: fc.oneof({ weight: 7, arbitrary: fc.constant(null) }, { weight: 1, arbitrary: fraction(0.1, 1.5) }),
    retryAfterMinutes: fc.oneof(
      { weight: 5, arbitrary: fc.constant(null) },
      { weight: 1, arbitrary: fc.integer({ min: 0, max: 30 * 24 * 60 }) },
    ),
  }),
  promise: fc.record({
    whole: fc.boolean(),
    share: fraction(0.1, 1),
    daysAhead: fc.integer({ min: 1, max: 32 }),
    checkAtGraceEnd: fc.boolean(),
  }),
  plan: fc.record({
    count: fc.integer({ min: 1, max: 6 }),
    spacingDays: fc.integer({ min: 1, max: 25 }),
    checkAtGraceEnd: fc.boolean(),
  }),
  upheld: fc.boolean(),
});

const earlyPayment: fc.Arbitrary<EarlyPayment> = fc.record({
  when: fraction(0, 1),
  share: fraction(0.05, 1.2),
  delayMinutes: fc.integer({ min: 0, max: 3 * 24 * 60 }),
});

export const script: fc.Arbitrary<Script> = fc.record({
  amountDue: fc.oneof(fc.integer({ min: 100, max: 5_000_000 }), fc.constantFrom(100_000, 129_900, 1)),
  openAfterMinutes: fc.integer({ min: 0, max: 3 * 24 * 60 }),
  slow: fc.integer({ min: 0, max: 7 }).map((n) => n === 0),
  early: fc.oneof(
    { weight: 5, arbitrary: fc.constant([] as EarlyPayment[]) },
    { weight: 1, arbitrary: fc.array(earlyPayment, { minLength: 1, maxLength: 2 }) },
  ),
  steps: fc.array(step, { minLength: 2, maxLength: 18, size: 'medium' }),
});

/** One event of a history: when it is reported, whether it must be accepted, how a payment is asked. */
export interface HistoryEntry {
  event: ModelEvent;
  reportAt: number;
  accepted: boolean;
  /** The date a payment's request states, when a little ahead of its report (clock skew). */
  statedAt?: number;
  /** When the same payment request comes again (a retry: it must change nothing). */
  retryAt?: number;
}

/** A concrete history: events in business order, and when each payment is reported. */
export interface History {
  amountDue: number;
  openedAt: number;
  events: HistoryEntry[];
  end: number;
}

/**
 * The grace and instalment checks the workflow makes, in time order. A check falls due at its grace
 * end or a second after it: one exactly at a step's instant comes after the step (a payment dated at
 * the grace end is in time, whichever the workflow sees first).
 */
class Checks {
  private pending: ModelEvent[] = [];
  add(event: ModelEvent) {
    this.pending.push(event);
    this.pending.sort((a, b) => a.at - b.at);
  }
  private take(due: (event: ModelEvent) => boolean): ModelEvent[] {
    const taken = this.pending.filter(due);
    this.pending = this.pending.filter((event) => !due(event));
    return taken;
  }
  dueBefore = (until: number) => this.take((event) => event.at < until);
  dueBy = (until: number) => this.take((event) => event.at <= until);
}

/** What the plan in force still needs for its next instalment (0 without a plan). */
function nextInstalment(model: MoneyModel): number {
  const plan = model.plan;
  if (!plan || model.status !== 'ON_PLAN') return 0;
  let due = 0;
  for (const installment of plan.installments) {
    due += installment.amount;
    if (plan.paidSince < due) return due - plan.paidSince;
  }
  return 0;
}

/** Makes the script concrete against the model (which also says which requests must be accepted). */
export function historyOf(input: Script): { history: History; model: MoneyModel } {
  const model = new MoneyModel(input.amountDue, DUE_AT, MONEY);
  const openedAt = DUE_AT + input.openAfterMinutes * MINUTE;
  const checks = new Checks();
  const events: History['events'] = [];
  let payments = 0;
  const record = (event: ModelEvent, reportAt = event.at) => {
    const entry: HistoryEntry = { event, reportAt, accepted: model.apply(event) };
    events.push(entry);
    return entry;
  };
  const early = input.early
    .map((payment) => ({
      ...payment,
      at: DUE_AT + Math.floor(payment.when * input.openAfterMinutes) * MINUTE,
    }))
    .sort((a, b) => a.at - b.at);
  for (const payment of early) {
    const amount = Math.max(1, Math.round(input.amountDue * payment.share));
    record(
      { kind: 'PAY', at: payment.at, id: `pay-${++payments}`, amount },
      openedAt + payment.delayMinutes * MINUTE,
    );
  }
  model.advance(openedAt);
  let t = openedAt;
  for (const step of input.steps) {
    t += (input.slow ? step.slowGapMinutes : step.gapMinutes) * MINUTE;
    for (const check of checks.dueBefore(t)) record(check);
    model.advance(t);
    const kind = step.misfit ? step.misfitKind : pick(model.status, step.choice);
    switch (kind) {
      case 'PAY': {
        const owed = model.outstanding();
        const next = nextInstalment(model);
        const amount =
          step.pay.mode === 'ALL' && owed > 0
            ? owed
            : step.pay.mode === 'INSTALMENT' && next > 0
              ? next
              : step.pay.mode === 'OVER'
                ? owed + 1 + Math.round(input.amountDue * step.pay.share * 0.1)
                : Math.max(1, Math.round((owed || input.amountDue) * step.pay.share));
        const reportAt = t + step.pay.delayMinutes * MINUTE;
        const paid = record({ kind: 'PAY', at: t, id: `pay-${++payments}`, amount }, reportAt);
        if (step.pay.aheadMinutes > 0) paid.statedAt = t + step.pay.aheadMinutes * MINUTE;
        if (step.pay.retryAfterMinutes !== null) paid.retryAt = step.pay.retryAfterMinutes * MINUTE;
        if (step.pay.twin !== null) {
          const twin = Math.max(1, Math.round(amount * step.pay.twin));
          record({ kind: 'PAY', at: t, id: `pay-${++payments}`, amount: twin }, reportAt);
        }
        break;
      }
      case 'PROMISE': {
        const owed = model.outstanding();
        const amount = step.promise.whole ? owed : Math.max(1, Math.floor(owed * step.promise.share));
        const promisedAt = t + step.promise.daysAhead * DAY;
        record({ kind: 'PROMISE', at: t, promisedAt, amount });
        if (events.at(-1)?.accepted) {
          const graceEnd = promisedAt + MONEY.graceDays * DAY;
          checks.add({
            kind: 'PROMISE_CHECK',
            at: step.promise.checkAtGraceEnd ? graceEnd : graceEnd + 1_000,
            madeAt: t,
          });
        }
        break;
      }
      case 'PLAN': {
        const { count, spacingDays } = step.plan;
        const owed = model.outstanding();
        const each = Math.floor(owed / count);
        const installments = Array.from({ length: count }, (_, index) => ({
          dueAt: t + (index + 1) * spacingDays * DAY,
          amount: index === count - 1 ? owed - each * (count - 1) : each,
        }));
        if (installments.some((installment) => installment.amount <= 0)) break;
        if ((installments.at(-1)?.dueAt ?? t) > t + 180 * DAY) break;
        record({ kind: 'PLAN', at: t, installments });
        if (events.at(-1)?.accepted) {
          installments.forEach((installment, index) => {
            const graceEnd = installment.dueAt + MONEY.graceDays * DAY;
            checks.add({
              kind: 'PLAN_CHECK',
              at: step.plan.checkAtGraceEnd ? graceEnd : graceEnd + 1_000,
              agreedAt: t,
              index,
            });
          });
        }
        break;
      }
      case 'RULE':
        record({ kind: 'RULE', at: t, outcome: step.upheld ? 'UPHELD' : 'REJECTED' });
        break;
      default:
        record({ kind, at: t });
    }
    for (const check of checks.dueBy(t)) record(check);
  }
  const end = t + 40 * DAY;
  for (const check of checks.dueBy(end)) record(check);
  model.advance(end);
  // A payment is reported late only while no request of the customer's comes before its report (the
  // checks of the workflow may): otherwise the two orders are different histories, not one.
  const userTimes = events
    .filter(({ event }) => event.kind !== 'PAY' && !event.kind.endsWith('_CHECK'))
    .map(({ event }) => event.at);
  for (const entry of events) {
    if (entry.event.kind !== 'PAY') continue;
    const at = entry.event.at;
    const nextUser = userTimes.find((time) => time > at) ?? end;
    entry.reportAt = Math.min(entry.reportAt, nextUser - 1);
    // A date ahead of the request only for one reported at once: it is taken as the report's time.
    if (entry.reportAt !== at) delete entry.statedAt;
    // Until now `retryAt` held how long after the report the retry comes.
    if (entry.retryAt !== undefined) entry.retryAt += entry.reportAt;
  }
  return { history: { amountDue: input.amountDue, openedAt, events, end }, model };
}

// ---- The domain, fed in the order things are reported ----------------------------------------------

export interface Observed {
  status: string;
  resolution: string | null;
  outstanding: number;
  fees: number;
  refundDue: number;
  paid: number;
}

export const observedOfModel = (model: MoneyModel): Observed => ({
  status: model.status,
  resolution: model.resolution,
  outstanding: model.outstanding(),
  fees: model.shownFee(),
  refundDue: model.refundDue(),
  paid: model.paid,
});

export async function runDomain(history: History, lateReports: boolean) {
  const ports = memoryPorts();
  const body = openCaseBody({
    amountDue: { amount: history.amountDue, currency: 'CNY' },
    dueAt: iso(DUE_AT),
  });
  const opened = await openCase(ports, body, iso(history.openedAt));
  const caseId = opened.view.caseId;
  // On time means at its own date, or at the opening for a payment dated before it; a retry comes
  // after the request it repeats, in either order.
  const arrivals = history.events
    .flatMap((entry, order) => {
      const first = {
        ...entry,
        arrival: lateReports ? entry.reportAt : Math.max(entry.event.at, history.openedAt),
        order,
      };
      return entry.retryAt === undefined
        ? [first]
        : [first, { ...first, arrival: entry.retryAt, order: order + 0.5 }];
    })
    .sort((a, b) => a.arrival - b.arrival || a.order - b.order);
  const disagreements: string[] = [];
  let disputes = 0;
  for (const { event, arrival, accepted, statedAt } of arrivals) {
    const at = iso(arrival);
    const record = await ports.cases.get(caseId);
    if (!record) throw new Error('the case vanished');
    try {
      switch (event.kind) {
        case 'PAY':
          await recordPayment(
            ports,
            caseId,
            {
              paymentId: event.id,
              amount: { amount: event.amount, currency: 'CNY' },
              paidAt: iso(statedAt ?? event.at),
            },
            at,
          );
          break;
        case 'PROMISE':
          await makePromise(
            ports,
            caseId,
            { promisedAt: iso(event.promisedAt), amount: { amount: event.amount, currency: 'CNY' } },
            at,
          );
          break;
        case 'PLAN':
          await agreePlan(
            ports,
            caseId,
            {
              type: 'INSTALLMENTS',
              installments: event.installments.map((installment) => ({
                dueAt: iso(installment.dueAt),
                amount: { amount: installment.amount, currency: 'CNY' },
              })),
            },
            at,
          );
          break;
        case 'DISPUTE':
          await openDispute(ports, caseId, { reason: `reason ${++disputes}` }, at);
          break;
        case 'RULE':
          await ruleDispute(ports, caseId, { outcome: event.outcome }, at);
          break;
        case 'RETURN':
          await recordReturn(ports, caseId, { returnedAt: at, condition: 'GOOD' }, at);
          break;
        case 'LEGAL':
          if (record.status !== 'OPEN') throw new DomainErrorStandIn();
          await openLegalReview(ports, { caseId, at });
          await decideLegalReview(ports, caseId, { decision: 'APPROVE', reviewer: 'legal-1' }, at);
          break;
        case 'WRITE_OFF':
          if (!['OPEN', 'PROMISED', 'ON_PLAN', 'DISPUTED', 'LEGAL'].includes(record.status))
            throw new DomainErrorStandIn();
          await writeOffCase(ports, { caseId, at });
          break;
        case 'PROMISE_CHECK':
          // The workflow checks the promise it waits on, not one made later.
          if (record.status === 'PROMISED' && record.promise?.madeAt === iso(event.madeAt))
            await checkArrangement(ports, { caseId, arrangement: 'PROMISE', at });
          break;
        case 'PLAN_CHECK':
          if (record.status === 'ON_PLAN' && record.plan?.agreedAt === iso(event.agreedAt))
            await checkArrangement(ports, { caseId, arrangement: 'PLAN', at });
          break;
      }
      if (!accepted && event.kind !== 'PAY' && !event.kind.endsWith('_CHECK')) {
        const after = await ports.cases.get(caseId);
        if (after?.version !== record.version)
          disagreements.push(`${event.kind} at ${at}: the model refuses it, the domain changed the case`);
      }
    } catch (error) {
      if (!(error instanceof DomainError || error instanceof DomainErrorStandIn)) throw error;
      if (accepted)
        disagreements.push(
          `${event.kind} at ${at}: the model accepts it, the domain refused: ${error.message}`,
        );
    }
  }
  const final = await ports.cases.get(caseId);
  if (!final) throw new Error('the case vanished');
  for (const payment of final.payments) {
    if (payment.excess < 0 || payment.excess > payment.amount)
      disagreements.push(
        `${payment.paymentId}: ${payment.excess} of its ${payment.amount} booked for refund`,
      );
  }
  const view = viewOf(final, iso(history.end), policy!);
  const observed: Observed = {
    status: view.status,
    resolution: view.resolution,
    outstanding: view.outstanding.amount,
    fees: view.fees.amount,
    refundDue: view.refundDue.amount,
    paid: view.paid.amount,
  };
  return { observed, disagreements };
}

/** The history as lines (days since due, what, when reported) for a failing run's message. */
export function describeHistory(history: History): string[] {
  const day = (epochMs: number) => ((epochMs - DUE_AT) / DAY).toFixed(4);
  return history.events.map(({ event, reportAt, accepted }) => {
    const { kind, at, ...rest } = event;
    const late = reportAt > at ? ` reported ${day(reportAt)}` : '';
    return `${day(at)} ${kind}${accepted ? '' : ' (refused)'} ${JSON.stringify(rest)}${late}`;
  });
}

/** A refusal the driver decides itself (a step the domain only reaches through the workflow). */
class DomainErrorStandIn extends Error {}
