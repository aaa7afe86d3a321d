import {
  balanceOf,
  type CaseRecord,
  type CaseView,
  closeRecord,
  endArrangements,
  isActive,
  type PaymentPlan,
  pauseLadder,
  withStatus,
} from '../case';
import { CaseStateConflictError, InvalidRequestError, PolicyLimitError } from '../errors';
import { debtAt, isWholePromise } from '../ledger';
import type {
  DisputeRequest,
  DisputeResolutionRequest,
  PlanRequest,
  PromiseRequest,
  ReturnRequest,
} from '../requests';
import { MS_PER_DAY, parseIso, toIso } from '../time';
import type { TimelineEntry } from '../timeline';
import { type CaseCommandDeps, closeRecoveredCase, runCaseCommand, startExecutionOnce } from './case-command';
import { policyOf } from './policy-of';

/**
 * The customer's ways to end or pause the ladder (docs/api.md): return the device, promise a date, agree
 * an instalment plan or an extended return, dispute the debt; and the ruling on a dispute. Each is
 * idempotent: the same request again answers the same case and changes nothing.
 */

const ALLOWED_CLOCK_SKEW_MS = 5 * 60_000;
const iso = (value: string) => toIso(parseIso(value));

function notInFuture(value: string, at: string, path: string): void {
  if (parseIso(value) > parseIso(at) + ALLOWED_CLOCK_SKEW_MS) {
    throw new InvalidRequestError('A date is in the future.', [
      { path, message: `must not be after the time of the request (${at})` },
    ]);
  }
}

function refuseClosed(record: CaseRecord, what: string): void {
  if (!isActive(record)) {
    throw new CaseStateConflictError(`Case ${record.caseId} is ${record.status}; ${what} is not possible.`);
  }
}

/**
 * POST /cases/{caseId}/returns: the device is back; the case is RESOLVED / RETURNED at once. A
 * WRITTEN_OFF case too: its execution has ended, so its closing runs in `<caseId>-recovered`.
 */
export function recordReturn(deps: CaseCommandDeps, caseId: string, request: ReturnRequest, at: string) {
  notInFuture(request.returnedAt, at, 'returnedAt');
  const returnedAt = iso(request.returnedAt);
  return runCaseCommand(
    deps,
    caseId,
    at,
    (current) => {
      if (current.status === 'RESOLVED' && current.resolution === 'RETURNED') return null;
      const writtenOff = current.status === 'WRITTEN_OFF';
      if (!writtenOff) refuseClosed(current, 'a return');
      // Fees stop at the return itself, even when it is reported later.
      const asOf = returnedAt < at ? returnedAt : at;
      return {
        ...closeRecord(current, 'RESOLVED', 'RETURNED', at, asOf),
        returnCondition: request.condition,
        returnedAt,
        ...(writtenOff ? { writtenOffAt: current.closedAt } : {}),
      };
    },
    (record): TimelineEntry[] =>
      record.resolution === 'RETURNED' && record.closedAt
        ? [
            {
              eventId: 'device-returned',
              at: record.closedAt,
              type: 'DEVICE_RETURNED',
              detail: { returnedAt, condition: record.returnCondition },
            },
            {
              eventId: 'case-resolved',
              at: record.closedAt,
              type: 'CASE_RESOLVED',
              detail: { resolution: 'RETURNED' },
            },
          ]
        : [],
    (record) => (record.resolution === 'RETURNED' ? closeRecoveredCase(deps, record, at) : Promise.resolve()),
  );
}

/**
 * POST /cases/{caseId}/promises: part or all of the outstanding amount (at least the policy's share) by
 * a date within the policy's limit. Kept, a promise of all of it settles the case for that amount (the
 * fees since are waived); a promise of a part, kept, resumes the ladder with the smaller debt.
 */
export function makePromise(deps: CaseCommandDeps, caseId: string, request: PromiseRequest, at: string) {
  const promisedAt = iso(request.promisedAt);
  return runCaseCommand(
    deps,
    caseId,
    at,
    (current) => {
      const same = (promise: { promisedAt: string; amount: number }) =>
        promise.promisedAt === promisedAt && promise.amount === request.amount.amount;
      // The same promise again, standing or already kept: nothing new is promised.
      if (current.status === 'PROMISED' && current.promise && same(current.promise)) return null;
      if (current.pastPromises.some((promise) => promise.outcome === 'KEPT' && same(promise))) return null;
      if (current.status !== 'OPEN') {
        throw new CaseStateConflictError(
          `Case ${caseId} is ${current.status}; a promise needs an OPEN case.`,
        );
      }
      const policy = policyOf(current);
      if (request.amount.currency !== current.currency) {
        throw new InvalidRequestError('Promise currency differs from the case.', [
          { path: 'amount.currency', message: `must be ${current.currency}, the currency of the case` },
        ]);
      }
      if (parseIso(promisedAt) <= parseIso(at)) {
        throw new InvalidRequestError('A promise is for a future date.', [
          { path: 'promisedAt', message: `must be after the time of the request (${at})` },
        ]);
      }
      const latest = parseIso(at) + policy.promise.maxDays * MS_PER_DAY;
      if (parseIso(promisedAt) > latest) {
        throw new PolicyLimitError('The promised date is beyond the policy limit.', [
          {
            path: 'promisedAt',
            message: `must be within ${policy.promise.maxDays} days (by ${toIso(latest)})`,
          },
        ]);
      }
      const owed = balanceOf(current, at, policy);
      const least = Math.ceil((owed * policy.promise.minSharePercent) / 100);
      if (request.amount.amount < least || request.amount.amount > owed) {
        throw new PolicyLimitError('A promise is for part or all of the outstanding amount.', [
          {
            path: 'amount.amount',
            message: `must be between ${least} (${policy.promise.minSharePercent} % of the outstanding amount) and ${owed} (all of it); agree a plan to pay in instalments`,
          },
        ]);
      }
      const keepBy = toIso(parseIso(promisedAt) + policy.promise.graceDays * MS_PER_DAY);
      return {
        ...withStatus(current, 'PROMISED', at),
        promise: {
          promisedAt,
          amount: request.amount.amount,
          madeAt: at,
          keepBy,
          // The debt now: whether the promise is of all of it is decided against this (ledger.ts).
          settlesFor: debtAt(current, at, policy),
        },
        ladder: pauseLadder(current, at),
      };
    },
    (record) =>
      record.promise
        ? [
            {
              eventId: 'promise',
              at: record.promise.madeAt,
              type: 'PROMISE_MADE',
              detail: {
                promisedAt: record.promise.promisedAt,
                amount: record.promise.amount,
                keepBy: record.promise.keepBy,
                wholeAmount: isWholePromise(record, record.promise),
              },
            },
          ]
        : [],
  );
}

/**
 * A plan adds up to what the case shows as outstanding: with every fee, or, while a promise of the
 * whole amount stands, what keeps the promise (the plan then carries its waiver, lost if it breaks).
 */
function validatePlan(current: CaseRecord, request: PlanRequest, at: string): PaymentPlan {
  const policy = policyOf(current);
  const owed = balanceOf(current, at, policy);
  if (request.type === 'EXTENDED_RETURN') {
    const returnBy = iso(request.returnBy);
    const latest = parseIso(at) + policy.plans.maxExtendedReturnDays * MS_PER_DAY;
    if (parseIso(returnBy) <= parseIso(at) || parseIso(returnBy) > latest) {
      throw new PolicyLimitError('The extended return date is outside the policy limit.', [
        {
          path: 'returnBy',
          message: `must be after now and within ${policy.plans.maxExtendedReturnDays} days (by ${toIso(latest)})`,
        },
      ]);
    }
    return { type: 'EXTENDED_RETURN', installments: [], returnBy, agreedAt: at, paidBefore: current.paid };
  }
  const installments = request.installments.map((installment) => ({
    dueAt: iso(installment.dueAt),
    amount: installment.amount.amount,
  }));
  request.installments.forEach((installment, index) => {
    if (installment.amount.currency !== current.currency) {
      throw new InvalidRequestError('Instalment currency differs from the case.', [
        { path: `installments.${index}.amount.currency`, message: `must be ${current.currency}` },
      ]);
    }
  });
  if (installments.length > policy.plans.maxInstallments) {
    throw new PolicyLimitError('Too many instalments.', [
      { path: 'installments', message: `at most ${policy.plans.maxInstallments} instalments` },
    ]);
  }
  const lastDue = installments.at(-1)?.dueAt;
  const planEnd = parseIso(at) + policy.plans.maxPlanDays * MS_PER_DAY;
  if (lastDue !== undefined && parseIso(lastDue) > planEnd) {
    throw new PolicyLimitError('The plan runs longer than the policy allows.', [
      {
        path: `installments.${installments.length - 1}.dueAt`,
        message: `the last instalment must be due within ${policy.plans.maxPlanDays} days (by ${toIso(planEnd)})`,
      },
    ]);
  }
  for (const [index, installment] of installments.entries()) {
    const previous = index === 0 ? at : (installments[index - 1]?.dueAt ?? at);
    if (parseIso(installment.dueAt) <= parseIso(previous)) {
      throw new InvalidRequestError('Instalment dates must be in the future and in order.', [
        { path: `installments.${index}.dueAt`, message: `must be after ${previous}` },
      ]);
    }
  }
  const total = installments.reduce((sum, installment) => sum + installment.amount, 0);
  if (total !== owed) {
    throw new PolicyLimitError('The instalments must add up to the outstanding amount.', [
      {
        path: 'installments',
        message: `they add up to ${total}; the outstanding amount is ${owed}`,
      },
    ]);
  }
  return { type: 'INSTALLMENTS', installments, returnBy: null, agreedAt: at, paidBefore: current.paid };
}

const samePlan = (plan: PaymentPlan | null, request: PlanRequest): boolean => {
  if (!plan || plan.type !== request.type) return false;
  if (request.type === 'EXTENDED_RETURN') return plan.returnBy === iso(request.returnBy);
  return (
    plan.installments.length === request.installments.length &&
    plan.installments.every(
      (installment, index) =>
        installment.dueAt === iso(request.installments[index]?.dueAt ?? '') &&
        installment.amount === request.installments[index]?.amount.amount,
    )
  );
};

/** POST /cases/{caseId}/plans: instalments summing to `outstanding`, or a later return, within policy. */
export function agreePlan(deps: CaseCommandDeps, caseId: string, request: PlanRequest, at: string) {
  return runCaseCommand(
    deps,
    caseId,
    at,
    (current) => {
      if (current.status === 'ON_PLAN' && samePlan(current.plan, request)) return null;
      if (current.status !== 'OPEN' && current.status !== 'PROMISED') {
        throw new CaseStateConflictError(
          `Case ${caseId} is ${current.status}; a plan needs an OPEN or PROMISED case.`,
        );
      }
      const plan = validatePlan(current, request, at);
      return {
        ...withStatus(endArrangements(current, at), 'ON_PLAN', at),
        plan,
        brokenPlan: null,
        ladder: pauseLadder(current, at),
      };
    },
    (record) =>
      record.plan
        ? [
            {
              eventId: 'plan',
              at: record.plan.agreedAt,
              type: 'PLAN_AGREED',
              detail: {
                type: record.plan.type,
                installments: record.plan.installments.length,
                lastDueAt: record.plan.returnBy ?? record.plan.installments.at(-1)?.dueAt ?? null,
              },
            },
          ]
        : [],
  );
}

/**
 * POST /cases/{caseId}/disputes: every channel of the case stops at once (the workflow holds), any
 * credit report is flagged as disputed by the workflow, and a ruling is due within the policy's days.
 */
export function openDispute(deps: CaseCommandDeps, caseId: string, request: DisputeRequest, at: string) {
  return runCaseCommand(
    deps,
    caseId,
    at,
    (current) => {
      if (current.status === 'DISPUTED' && current.dispute?.reason === request.reason) return null;
      if (current.status === 'DISPUTED') {
        throw new CaseStateConflictError(`Case ${caseId} is already DISPUTED; wait for the ruling.`);
      }
      const closed = !isActive(current);
      if (closed && !reportStillFiled(current)) refuseClosed(current, 'a dispute');
      const policy = policyOf(current);
      const statusBefore =
        current.status === 'LEGAL' || current.status === 'WRITTEN_OFF' || current.status === 'RESOLVED'
          ? current.status
          : 'OPEN';
      return {
        ...withStatus(endArrangements(current, at), 'DISPUTED', at),
        resolution: null,
        closedAt: null,
        dispute: {
          reason: request.reason,
          openedAt: at,
          rulingDueAt: toIso(parseIso(at) + policy.disputes.rulingDays * MS_PER_DAY),
          statusBefore,
          closedBefore: closed
            ? {
                resolution: current.resolution,
                closedAt: current.closedAt,
                writtenOffAt: current.writtenOffAt ?? null,
              }
            : null,
          outcome: null,
          ruledAt: null,
        },
        // A closed case keeps the plan that may have settled it; an open one's plan ends here.
        plan: closed ? current.plan : null,
        ladder: pauseLadder(current, at),
      };
    },
    (record) => disputeEntries(record),
    (record) => disputeAfterClose(deps, record, at),
  );
}

/**
 * A closed case (written off, or resolved) whose credit report is still filed can be disputed: the
 * report is flagged and the dispute ruled like any other, but its execution had ended, so the dispute
 * runs in one of its own. An upheld ruling deletes the report; a rejected one leaves the case closed.
 */
const reportStillFiled = (record: CaseRecord) =>
  record.creditReport.reference !== null &&
  // Written off (its execution has ended), or resolved and its report settled (its closing is done:
  // the receipt and the settlement came first), never while a closing is still under way.
  ((record.status === 'WRITTEN_OFF' &&
    (record.creditReport.status === 'REPORTED' || record.creditReport.status === 'SETTLED')) ||
    (record.status === 'RESOLVED' && record.creditReport.status === 'SETTLED'));

async function disputeAfterClose(deps: CaseCommandDeps, record: CaseRecord, at: string): Promise<void> {
  const dispute = record.dispute;
  if (record.status !== 'DISPUTED' || !dispute?.closedBefore) return;
  // A name of its own lineage (letters first, so continuations count on it: `…-dispute-t1a2b3-2`).
  const name = `${record.caseId}-dispute-t${Math.floor(parseIso(dispute.openedAt) / 1000).toString(36)}`;
  // Started once, and again by a retried request if the start failed.
  await startExecutionOnce(deps.cases, record.caseId, name, at, () =>
    deps.workflow.startNamed(name, { caseId: record.caseId, continueAt: 'DISPUTE_AFTER_CLOSE' }),
  );
}

function disputeEntries(record: CaseRecord): TimelineEntry[] {
  const dispute = record.dispute;
  if (!dispute) return [];
  const entries: TimelineEntry[] = [
    {
      eventId: `dispute:${dispute.openedAt}`,
      at: dispute.openedAt,
      type: 'DISPUTE_OPENED',
      detail: { rulingDueAt: dispute.rulingDueAt },
    },
  ];
  if (dispute.outcome && dispute.ruledAt) {
    entries.push({
      eventId: `dispute-ruling:${dispute.openedAt}`,
      at: dispute.ruledAt,
      type: 'DISPUTE_RULED',
      detail: { outcome: dispute.outcome },
    });
  }
  return entries;
}

/** POST /cases/{caseId}/disputes/resolution: upheld → CANCELLED; rejected → back to where it was. */
export function ruleDispute(
  deps: CaseCommandDeps,
  caseId: string,
  request: DisputeResolutionRequest,
  at: string,
) {
  return runCaseCommand(
    deps,
    caseId,
    at,
    (current) => {
      if (current.dispute?.outcome === request.outcome && current.status !== 'DISPUTED') return null;
      if (current.status !== 'DISPUTED' || !current.dispute) {
        throw new CaseStateConflictError(
          `Case ${caseId} is ${current.status}; there is no open dispute to rule on.`,
        );
      }
      const dispute = { ...current.dispute, outcome: request.outcome, ruledAt: at };
      if (request.outcome === 'UPHELD') {
        return { ...closeRecord(current, 'CANCELLED', 'DISPUTE_UPHELD', at), dispute };
      }
      const closedBefore = current.dispute.closedBefore;
      if (closedBefore && (dispute.statusBefore === 'WRITTEN_OFF' || dispute.statusBefore === 'RESOLVED')) {
        // Back to how it was closed: nothing accrues, nobody is contacted.
        return {
          ...current,
          status: dispute.statusBefore,
          resolution: closedBefore.resolution,
          closedAt: closedBefore.closedAt,
          writtenOffAt: closedBefore.writtenOffAt,
          dispute,
        };
      }
      return { ...withStatus(current, current.dispute.statusBefore, at), dispute };
    },
    (record) => disputeEntries(record),
  );
}

export type { CaseView };
