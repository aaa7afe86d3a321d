import { balanceOf, type CaseRecord, closeRecord, withStatus } from '../case';
import { DISCLOSURE_APPROVALS_REQUIRED, maskName, maskPhone } from '../compliance/disclosure';
import { CaseStateConflictError, PolicyLimitError } from '../errors';
import type { CaseEvents, CustomerRepository, WorkItemRepository } from '../ports';
import type { DisclosureApprovalRequest, LegalOutcomeRequest, LegalReviewRequest } from '../requests';
import type { TimelineEntry } from '../timeline';
import { type CaseCommandDeps, runCaseCommand } from './case-command';
import { policyOf } from './policy-of';

/** The people's decisions on the legal track (docs/api.md): the review, the outcome, a public disclosure. */

function legalEntries(record: CaseRecord): TimelineEntry[] {
  const { legal } = record;
  const entries: TimelineEntry[] = [];
  if (legal.decision && legal.decidedAt) {
    entries.push(
      {
        eventId: 'legal-review-decided',
        at: legal.decidedAt,
        type: 'LEGAL_REVIEW_DECIDED',
        detail: { decision: legal.decision, reviewer: legal.reviewer },
      },
      {
        eventId: `stage:${legal.decision === 'APPROVE' ? 'LEGAL_ACTION' : 'SOFT_REMINDERS'}:${legal.decidedAt}`,
        at: legal.decidedAt,
        type: 'STAGE_ENTERED',
        detail: {
          stage: legal.decision === 'APPROVE' ? 'LEGAL_ACTION' : 'SOFT_REMINDERS',
          from: 'LEGAL_REVIEW',
        },
      },
    );
  }
  if (legal.outcome && legal.outcomeAt) {
    entries.push({
      eventId: `legal-outcome:${legal.outcome}`,
      at: legal.outcomeAt,
      type: 'LEGAL_OUTCOME_RECORDED',
      detail: { outcome: legal.outcome, judgmentRef: legal.judgmentRef },
    });
  }
  return entries;
}

/** POST /cases/{caseId}/legal-review: approve → LEGAL / LEGAL_ACTION; decline → SOFT_REMINDERS. */
export async function decideLegalReview(
  deps: CaseCommandDeps & { workItems: WorkItemRepository },
  caseId: string,
  request: LegalReviewRequest,
  at: string,
) {
  const view = await runCaseCommand(
    deps,
    caseId,
    at,
    (current) => {
      if (current.legal.decision === request.decision) return null;
      if (current.stage !== 'LEGAL_REVIEW' || current.status !== 'OPEN' || current.legal.decision !== null) {
        throw new CaseStateConflictError(
          `Case ${caseId} is ${current.status} at ${current.stage}; there is no legal review waiting for a decision.`,
        );
      }
      const legal = {
        ...current.legal,
        decision: request.decision,
        reviewer: request.reviewer,
        decidedAt: at,
      };
      return request.decision === 'APPROVE'
        ? { ...withStatus(current, 'LEGAL', at), stage: 'LEGAL_ACTION', legal }
        : { ...current, stage: 'SOFT_REMINDERS', legal };
    },
    legalEntries,
  );
  await closeReviewItem(deps.workItems, caseId, request.decision, at);
  return view;
}

async function closeReviewItem(workItems: WorkItemRepository, caseId: string, decision: string, at: string) {
  for (const item of await workItems.listByCase(caseId)) {
    if (item.queue !== 'LEGAL_REVIEW' || item.status === 'DONE' || item.status === 'CANCELLED') continue;
    await workItems.replace({
      ...item,
      status: 'DONE',
      outcome: decision === 'APPROVE' ? 'APPROVED' : 'DECLINED',
      completedAt: at,
      version: item.version + 1,
    });
  }
}

/** POST /cases/{caseId}/legal-outcome: judgment (stays LEGAL), settled (await payment), lost/withdrawn. */
export function recordLegalOutcome(
  deps: CaseCommandDeps,
  caseId: string,
  request: LegalOutcomeRequest,
  at: string,
) {
  return runCaseCommand(
    deps,
    caseId,
    at,
    (current) => {
      if (
        current.legal.outcome === request.outcome &&
        (request.judgmentRef ?? null) === current.legal.judgmentRef
      ) {
        return null;
      }
      if (current.status !== 'LEGAL') {
        throw new CaseStateConflictError(
          `Case ${caseId} is ${current.status}; legal outcomes apply to LEGAL cases.`,
        );
      }
      const legal = {
        ...current.legal,
        outcome: request.outcome,
        judgmentRef: request.judgmentRef ?? current.legal.judgmentRef,
        outcomeAt: at,
      };
      if (request.outcome === 'LOST' || request.outcome === 'WITHDRAWN') {
        const resolution = request.outcome === 'LOST' ? 'LEGAL_LOST' : 'LEGAL_WITHDRAWN';
        return { ...closeRecord(current, 'WRITTEN_OFF', resolution, at), legal };
      }
      return { ...current, legal };
    },
    legalEntries,
  );
}

/**
 * A disclosure refused by one of its rules (409 naming the rule): the case must be LEGAL, with a
 * JUDGMENT outcome and its reference, and still owe money.
 */
export class DisclosureNotAllowedError extends CaseStateConflictError {
  constructor(
    readonly rule: 'CASE_NOT_LEGAL' | 'NO_JUDGMENT' | 'NOTHING_OUTSTANDING',
    detail: string,
  ) {
    super(`${rule}: ${detail}`);
  }
}

/**
 * POST /cases/{caseId}/public-disclosure/approvals: public disclosure is impossible unless the policy
 * enables it, the case is LEGAL with a JUDGMENT outcome and its court reference, money is still
 * outstanding (a paid case is never published) and two distinct people approve; then it is
 * published once, with the name and phone masked.
 */
export async function approveDisclosure(
  deps: CaseCommandDeps & { customers: CustomerRepository; events: CaseEvents },
  caseId: string,
  request: DisclosureApprovalRequest,
  at: string,
) {
  const view = await runCaseCommand(
    deps,
    caseId,
    at,
    (current) => {
      const policy = policyOf(current);
      if (!policy.publicDisclosure.enabled) {
        throw new PolicyLimitError('Public disclosure is off in this policy.', [
          { path: '(policy)', message: 'publicDisclosure.enabled is false' },
        ]);
      }
      if (current.status !== 'LEGAL') {
        throw new DisclosureNotAllowedError(
          'CASE_NOT_LEGAL',
          `case ${caseId} is ${current.status}; only a LEGAL case can be disclosed.`,
        );
      }
      if (current.legal.outcome !== 'JUDGMENT' || !current.legal.judgmentRef) {
        throw new DisclosureNotAllowedError(
          'NO_JUDGMENT',
          `case ${caseId} has no court judgment (legal outcome ${current.legal.outcome ?? 'none'}); it cannot be disclosed.`,
        );
      }
      if (balanceOf(current, at, policy) <= 0) {
        throw new DisclosureNotAllowedError(
          'NOTHING_OUTSTANDING',
          `case ${caseId} owes nothing; a paid case is never disclosed.`,
        );
      }
      const approvals = current.legal.disclosureApprovals;
      if (approvals.some((approval) => approval.approver === request.approver)) return null;
      const next = [...approvals, { approver: request.approver, at }];
      return {
        ...current,
        legal: {
          ...current.legal,
          disclosureApprovals: next,
          disclosedAt: next.length >= DISCLOSURE_APPROVALS_REQUIRED ? at : current.legal.disclosedAt,
        },
      };
    },
    (record) =>
      record.legal.disclosureApprovals.map((approval) => ({
        eventId: `disclosure-approval:${approval.approver}`,
        at: approval.at,
        type: 'DISCLOSURE_APPROVED' as const,
        detail: { approver: approval.approver },
      })),
  );
  const record = await deps.cases.get(caseId);
  const disclosedAt = record?.legal.disclosedAt;
  if (record && disclosedAt) {
    const entry: TimelineEntry = {
      eventId: 'public-disclosure',
      at: disclosedAt,
      type: 'PUBLIC_DISCLOSURE_PUBLISHED',
      detail: { judgmentRef: record.legal.judgmentRef },
    };
    // Published before it is recorded: a retry may publish twice, but never not at all.
    if (!(await deps.timeline.has(caseId, entry))) {
      const customer = await deps.customers.get(record.customerId);
      if (customer) {
        await deps.events.publish('Public Disclosure Published', {
          caseId,
          judgmentRef: record.legal.judgmentRef,
          debtor: { name: maskName(customer.name), phone: maskPhone(customer.phone) },
          outstanding: view.outstanding,
          at: disclosedAt,
        });
      }
      await deps.timeline.append(caseId, [entry]);
    }
  }
  return view;
}
