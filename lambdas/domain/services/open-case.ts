import { type CaseRecord, type CaseView, caseIdFor, isActive, viewOf } from '../case';
import { profileForCountry } from '../compliance/profiles';
import { InvalidRequestError } from '../errors';
import { DEFAULT_POLICY_ID, findPolicy } from '../policy';
import type { CaseRepository, CaseWorkflow, CustomerRepository, TimelineRepository } from '../ports';
import type { OpenCaseRequest } from '../requests';
import { localeFor } from '../templates';
import { parseIso, toIso } from '../time';
import type { TimelineEntry } from '../timeline';
import { updateCase } from './update-case';

export interface OpenCaseDeps {
  cases: CaseRepository;
  timeline: TimelineRepository;
  customers: CustomerRepository;
  workflow: CaseWorkflow;
}

/** Whether the case's first execution may still need starting (never started, or noted but not begun). */
async function workflowNotStarted(
  deps: Pick<OpenCaseDeps, 'timeline'>,
  record: CaseRecord,
): Promise<boolean> {
  if (record.workflow === undefined) {
    // A record from before executions were noted on the case: its timeline knows.
    const entries = await deps.timeline.list(record.caseId);
    return !entries.some((entry) => entry.type === 'WORKFLOW_STARTED');
  }
  return (
    record.workflow === null || (record.workflow.name === record.caseId && record.workflow.startedAt === null)
  );
}

export interface OpenCaseResult {
  created: boolean;
  view: CaseView;
}

const caseOpened = (record: CaseRecord): TimelineEntry => ({
  eventId: 'case-opened',
  at: record.openedAt,
  type: 'CASE_OPENED',
  detail: {
    customerId: record.customerId,
    rentalId: record.rentalId,
    amountDue: record.amountDue,
    currency: record.currency,
    dueAt: record.dueAt,
    policy: `${record.policyId}@${record.policyVersion}`,
  },
});

/** A new customer's country when the request states none (CN's rules are the stricter, profiles.ts). */
const DEFAULT_COUNTRY = 'CN';

/**
 * Opens the case for an overdue rental, or finds the one already open for the same rental and due
 * date. Either way the case's timeline and workflow are made sure of, so a retry after a partial
 * failure completes what the first attempt started.
 */
export async function openCase(
  deps: OpenCaseDeps,
  request: OpenCaseRequest,
  at: string,
): Promise<OpenCaseResult> {
  const policyId = request.policyId ?? DEFAULT_POLICY_ID;
  const policy = findPolicy(policyId);
  if (!policy) {
    throw new InvalidRequestError('Unknown policy.', [
      { path: 'policyId', message: `no policy ${policyId}` },
    ]);
  }
  if (!policy.thresholds[request.amountDue.currency]) {
    throw new InvalidRequestError('Currency not supported by the policy.', [
      {
        path: 'amountDue.currency',
        message: `policy ${policy.id} has thresholds for ${Object.keys(policy.thresholds).join(', ')} only`,
      },
    ]);
  }
  const dueAt = toIso(parseIso(request.dueAt));
  if (parseIso(dueAt) > parseIso(at)) {
    throw new InvalidRequestError('The rental is not overdue yet.', [
      { path: 'dueAt', message: `must not be after the time of the request (${at})` },
    ]);
  }

  const caseId = caseIdFor(request.rentalId, dueAt);
  let record = await deps.cases.get(caseId);
  let created = false;
  if (!record) {
    // The country the request states, else the one on record, else CN, decided in the write itself
    // and read back from it: a later case without `country` must not move a US debtor to the CN
    // rules, not even when it races the debtor's first case.
    const { country } = await deps.customers.put(
      {
        customerId: request.customer.id,
        name: request.customer.name,
        phone: request.customer.phone,
        email: request.customer.email,
        locale: localeFor(request.customer.locale),
        timezone: request.customer.timezone,
        country: request.customer.country ?? DEFAULT_COUNTRY,
      },
      at,
      { keepStoredCountry: !request.customer.country },
    );
    const fresh: CaseRecord = {
      caseId,
      rentalId: request.rentalId,
      customerId: request.customer.id,
      dueAt,
      openedAt: at,
      updatedAt: at,
      status: 'OPEN',
      stage: 'OVERDUE_NOTICE',
      resolution: null,
      closedAt: null,
      currency: request.amountDue.currency,
      amountDue: request.amountDue.amount,
      paid: 0,
      feeAccrual: [{ from: dueAt, to: null }],
      device: request.device,
      policyId: policy.id,
      policyVersion: policy.version,
      profile: profileForCountry(country).id,
      creditReport: {
        status: 'NONE',
        reference: null,
        preNoticeAt: null,
        reportedAt: null,
        statusBeforeDispute: null,
      },
      accountRestricted: false,
      promise: null,
      pastPromises: [],
      plan: null,
      brokenPlan: null,
      dispute: null,
      legal: {
        reviewWorkItemId: null,
        decision: null,
        reviewer: null,
        decidedAt: null,
        outcome: null,
        judgmentRef: null,
        outcomeAt: null,
        disclosureApprovals: [],
        disclosedAt: null,
      },
      ladder: { stage: 'OVERDUE_NOTICE', waitUntil: at, pausedRemainingSeconds: null },
      returnCondition: null,
      returnedAt: null,
      payments: [],
      pendingResolution: null,
      workflow: null,
      nextActionAt: at,
      version: 1,
    };
    created = (await deps.cases.create(fresh)) === 'created';
    record = created ? fresh : await deps.cases.get(caseId);
    if (!record) throw new Error(`case ${caseId} vanished while being opened`);
  }
  await deps.timeline.append(caseId, [caseOpened(record)]);
  // A closed case has no workflow to (re)start, and an open one whose workflow was started (maybe
  // continuing under another name) gets no second one: AWS frees an execution's name 90 days after it
  // closes, so a replayed opening would otherwise start the ladder again.
  if (isActive(record) && (await workflowNotStarted(deps, record))) {
    const { record: marked } = await updateCase(deps.cases, caseId, (current) =>
      current.workflow
        ? { next: null, result: undefined }
        : {
            next: { ...current, workflow: { name: caseId, requestedAt: at, startedAt: null } },
            result: undefined,
          },
    );
    // Only the first execution; a retry after a failure between the note and the start starts it now.
    if (marked.workflow?.name === caseId && marked.workflow.startedAt === null)
      await deps.workflow.start(caseId);
  }
  return { created, view: viewOf(record, at, policy) };
}
