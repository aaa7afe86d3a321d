/**
 * A reference model of a case's money, written from the policy text (docs/policy.md) and not from
 * the domain code: nothing here is imported from `lambdas/`. It replays a case's history in business
 * order, every payment at its own date, as if each had been reported the moment it was made; so
 * comparing it with the domain, which sees payments in the order they are reported, checks both the
 * rules and that the reporting order makes no difference.
 *
 * The rules, in the policy's words:
 * - The late fee is `basisPointsPerDay` of the amount due per whole day overdue, rounded down, never
 *   above `capPercent` of the amount due. Days count only while the case is OPEN or PROMISED; a pause
 *   (plan, dispute, legal action) stops the count and keeps the part of a day already run.
 * - A payment that brings what was paid up to the amount due plus the fee at that moment pays the case
 *   in full: it closes, and anything paid beyond is due back.
 * - A promise may be for a part (at least `minSharePercent` of what is outstanding) or all of it.
 *   Paid by the promised date plus the grace days: a promise of all of it closes the case for what was
 *   owed when the promise was made (the fee since is waived); a promise of a part returns the case to
 *   OPEN with what is left, and nothing is waived. Unpaid by then, the promise is broken: OPEN again.
 * - A plan's instalments add up to what the case shows as outstanding when it is agreed (while a
 *   promise of all of it stands, what keeps the promise). Kept, it settles the case for what was paid
 *   before it plus its total. Each instalment must be paid by its date plus the grace days, or the plan
 *   is broken and the case is OPEN again, owing the debt with every fee.
 * - An upheld dispute cancels the debt, a returned device settles it: whatever was paid is due back.
 * - A written-off debt is still owed; paid in full later, the case is resolved as paid.
 */

import { DAY } from '../../test/support/time';

export { DAY, MINUTE } from '../../test/support/time';

export interface MoneyPolicy {
  basisPointsPerDay: number;
  capPercent: number;
  graceDays: number;
  minSharePercent: number;
  maxPromiseDays: number;
}

export type ModelStatus =
  | 'OPEN'
  | 'PROMISED'
  | 'ON_PLAN'
  | 'DISPUTED'
  | 'LEGAL'
  | 'RESOLVED'
  | 'CANCELLED'
  | 'WRITTEN_OFF';

export type ModelEvent =
  | { kind: 'PAY'; at: number; id: string; amount: number }
  | { kind: 'PROMISE'; at: number; promisedAt: number; amount: number }
  | { kind: 'PLAN'; at: number; installments: Array<{ dueAt: number; amount: number }> }
  | { kind: 'DISPUTE'; at: number }
  | { kind: 'RULE'; at: number; outcome: 'UPHELD' | 'REJECTED' }
  | { kind: 'RETURN'; at: number }
  | { kind: 'LEGAL'; at: number }
  | { kind: 'WRITE_OFF'; at: number }
  /** The grace check of the promise made at `madeAt` (the workflow's promise wait ending). */
  | { kind: 'PROMISE_CHECK'; at: number; madeAt: number }
  /** The check of instalment `index` of the plan agreed at `agreedAt`. */
  | { kind: 'PLAN_CHECK'; at: number; agreedAt: number; index: number };

interface PromiseState {
  madeAt: number;
  keepBy: number;
  amount: number;
  /** What paying all of it closes the case for; null for a promise of a part. */
  settlesFor: number | null;
  paidSince: number;
}

interface PlanState {
  agreedAt: number;
  installments: Array<{ dueAt: number; amount: number }>;
  paidSince: number;
  /** What paying it all settles the case for: what was paid before it plus its total. */
  settlesFor: number;
}

/** The case as the model sees it after each event; `accrued` is milliseconds of overdue time counted. */
export class MoneyModel {
  status: ModelStatus = 'OPEN';
  resolution: 'PAID' | 'RETURNED' | 'DISPUTE_UPHELD' | 'WRITTEN_OFF' | null = null;
  paid = 0;
  /** The debt the case was settled for, once paid in full. */
  settledFor: number | null = null;
  /** True when a promise of the whole amount settled it. */
  settledByPromise = false;
  promise: PromiseState | null = null;
  plan: PlanState | null = null;
  private accrued = 0;
  private clock: number;
  private beforeDispute: 'OPEN' | 'LEGAL' = 'OPEN';

  constructor(
    readonly amountDue: number,
    readonly dueAt: number,
    readonly policy: MoneyPolicy,
  ) {
    this.clock = dueAt;
  }

  private counting(): boolean {
    return this.status === 'OPEN' || this.status === 'PROMISED';
  }

  /** Moves time forward to `at`, counting overdue time while the status counts it. */
  advance(at: number): void {
    if (at < this.clock) throw new Error(`the model only moves forward (${at} < ${this.clock})`);
    if (this.counting()) this.accrued += at - this.clock;
    this.clock = at;
  }

  private feeAfter(accrued: number): number {
    const days = Math.floor(accrued / DAY);
    const fee = Math.floor((this.amountDue * this.policy.basisPointsPerDay * days) / 10_000);
    return Math.min(fee, Math.floor((this.amountDue * this.policy.capPercent) / 100));
  }

  /** The fee as of now (the model's clock). */
  fee(): number {
    return this.feeAfter(this.accrued);
  }

  debt(): number {
    return this.amountDue + this.fee();
  }

  isActive(): boolean {
    return ['OPEN', 'PROMISED', 'ON_PLAN', 'DISPUTED', 'LEGAL'].includes(this.status);
  }

  /** What the customer owes now, as the case should show it. */
  outstanding(): number {
    if (this.status === 'RESOLVED' || this.status === 'CANCELLED') return 0;
    if (this.promise?.settlesFor != null && this.clock <= this.promise.keepBy)
      return Math.max(0, this.promise.settlesFor - this.paid);
    if (this.status === 'ON_PLAN' && this.plan) return Math.max(0, this.plan.settlesFor - this.paid);
    return Math.max(0, this.debt() - this.paid);
  }

  /** The fee the case should show now. */
  shownFee(): number {
    if (this.settledFor !== null) return this.settledFor - this.amountDue;
    if (this.promise?.settlesFor != null && this.clock <= this.promise.keepBy)
      return this.promise.settlesFor - this.amountDue;
    if (this.status === 'ON_PLAN' && this.plan) return this.plan.settlesFor - this.amountDue;
    return this.fee();
  }

  refundDue(): number {
    if (this.resolution === 'RETURNED' || this.resolution === 'DISPUTE_UPHELD') return this.paid;
    if (this.settledFor !== null) return this.paid - this.settledFor;
    return Math.max(0, this.paid - this.debt());
  }

  /** The least a promise may be for now. */
  leastPromise(): number {
    return Math.ceil((this.outstanding() * this.policy.minSharePercent) / 100);
  }

  /**
   * Applies one event at its time. Answers whether the system must accept it (false: the API refuses
   * it, e.g. a promise on a case that is not OPEN), so a driver can check the domain agrees.
   */
  apply(event: ModelEvent): boolean {
    this.advance(event.at);
    switch (event.kind) {
      case 'PAY':
        this.pay(event.amount);
        return true;
      case 'PROMISE': {
        if (this.status !== 'OPEN') return false;
        const owed = this.outstanding();
        if (event.amount < this.leastPromise() || event.amount > owed) return false;
        if (event.promisedAt <= event.at || event.promisedAt > event.at + this.policy.maxPromiseDays * DAY)
          return false;
        this.status = 'PROMISED';
        this.promise = {
          madeAt: event.at,
          keepBy: event.promisedAt + this.policy.graceDays * DAY,
          amount: event.amount,
          settlesFor: event.amount === owed ? this.debt() : null,
          paidSince: 0,
        };
        return true;
      }
      case 'PLAN': {
        if (this.status !== 'OPEN' && this.status !== 'PROMISED') return false;
        const total = event.installments.reduce((sum, installment) => sum + installment.amount, 0);
        // What the case shows: a plan replacing a promise of all of it carries the promise's waiver.
        if (total !== this.outstanding()) return false;
        this.promise = null;
        this.status = 'ON_PLAN';
        this.plan = {
          agreedAt: event.at,
          installments: event.installments,
          paidSince: 0,
          settlesFor: this.paid + total,
        };
        return true;
      }
      case 'DISPUTE':
        if (!this.isActive() || this.status === 'DISPUTED') return false;
        this.beforeDispute = this.status === 'LEGAL' ? 'LEGAL' : 'OPEN';
        this.promise = null;
        this.plan = null;
        this.status = 'DISPUTED';
        return true;
      case 'RULE':
        if (this.status !== 'DISPUTED') return false;
        if (event.outcome === 'UPHELD') {
          this.status = 'CANCELLED';
          this.resolution = 'DISPUTE_UPHELD';
        } else {
          this.status = this.beforeDispute;
        }
        return true;
      case 'RETURN':
        if (!this.isActive() && this.status !== 'WRITTEN_OFF') return false;
        this.promise = null;
        this.plan = null;
        this.status = 'RESOLVED';
        this.resolution = 'RETURNED';
        return true;
      case 'LEGAL':
        if (this.status !== 'OPEN') return false;
        this.status = 'LEGAL';
        return true;
      case 'WRITE_OFF':
        if (!this.isActive()) return false;
        this.promise = null;
        this.plan = null;
        this.status = 'WRITTEN_OFF';
        this.resolution = 'WRITTEN_OFF';
        return true;
      case 'PROMISE_CHECK':
        if (this.status === 'PROMISED' && this.promise?.madeAt === event.madeAt) {
          this.promise = null;
          this.status = 'OPEN';
        }
        return true;
      case 'PLAN_CHECK': {
        const plan = this.plan;
        if (this.status !== 'ON_PLAN' || plan?.agreedAt !== event.agreedAt) return true;
        const due = plan.installments
          .slice(0, event.index + 1)
          .reduce((sum, installment) => sum + installment.amount, 0);
        if (plan.paidSince < due) {
          this.plan = null;
          this.status = 'OPEN';
          // Broken as of the instalment's grace end, however late the check runs: the fee counts from then.
          const graceEnd = (plan.installments[event.index]?.dueAt ?? event.at) + this.policy.graceDays * DAY;
          this.accrued += Math.max(0, event.at - graceEnd);
        }
        return true;
      }
    }
  }

  private pay(amount: number): void {
    this.paid += amount;
    if (this.status === 'RESOLVED' || this.status === 'CANCELLED') return;
    if (this.promise) this.promise.paidSince += amount;
    if (this.plan) this.plan.paidSince += amount;
    const promise = this.status === 'PROMISED' ? this.promise : null;
    if (promise && promise.settlesFor !== null && this.paid >= promise.settlesFor) {
      this.settle(promise.settlesFor, true);
      return;
    }
    const plan = this.status === 'ON_PLAN' ? this.plan : null;
    if (plan && this.paid >= plan.settlesFor) {
      this.settle(plan.settlesFor, false);
      return;
    }
    if (this.paid >= this.debt()) {
      this.settle(this.debt(), false);
      return;
    }
    if (promise && promise.settlesFor === null && promise.paidSince >= promise.amount) {
      this.promise = null;
      this.status = 'OPEN';
    }
  }

  private settle(amount: number, byPromise: boolean): void {
    this.settledFor = amount;
    this.settledByPromise = byPromise;
    this.promise = null;
    this.plan = null;
    this.status = 'RESOLVED';
    this.resolution = 'PAID';
  }
}
