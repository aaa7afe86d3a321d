import { type CaseRecord, isActive } from '../case';
import { checkCallCaps, localDay } from '../compliance/call-caps';
import { checkContactWindow } from '../compliance/contact-window';
import { profileForCountry } from '../compliance/profiles';
import {
  CaseNotFoundError,
  CaseStateConflictError,
  ConcurrentUpdateError,
  DomainError,
  InvalidRequestError,
} from '../errors';
import type { Stage } from '../policy';
import type {
  CaseRepository,
  Customer,
  CustomerRepository,
  TimelineRepository,
  WorkItem,
  WorkItemRepository,
  WorkQueue,
} from '../ports';
import type { ClaimRequest, CompleteRequest, ContactRequest, ListWorkItemsRequest } from '../requests';
import { parseIso, toIso } from '../time';
import type { TimelineChannel, TimelineEntry } from '../timeline';

export class WorkItemNotFoundError extends DomainError {
  override readonly name = 'WorkItemNotFoundError';
  readonly kind = 'NOT_FOUND' as const;
  constructor(workItemId: string) {
    super(`No work item ${workItemId}.`);
  }
}

/** A claim refused by a compliance rule (409 naming the rule); `retryAt` when waiting will do. */
export class ContactNotAllowedError extends CaseStateConflictError {
  constructor(
    readonly rule: string,
    detail: string,
    readonly retryAt?: string,
  ) {
    super(`${rule}: ${detail}`);
  }
}

export interface WorkItemDeps {
  workItems: WorkItemRepository;
  cases: CaseRepository;
  customers: CustomerRepository;
  timeline: TimelineRepository;
}

/** The outcomes each kind of work can end with (a call cannot be "SENT", a letter cannot be "CONNECTED"). */
const OUTCOMES_BY_QUEUE: Record<WorkQueue, readonly string[]> = {
  CALLS: ['CONNECTED', 'NO_ANSWER', 'WRONG_NUMBER', 'REFUSED'],
  VISITS: ['CONNECTED', 'NO_ANSWER', 'WRONG_NUMBER', 'REFUSED'],
  LETTERS: ['SENT'],
  LEGAL_REVIEW: ['APPROVED', 'DECLINED', 'DONE'],
};

/** Deterministic ids: the same stage's items are the same items however often the step runs. */
export const workItemId = (caseId: string, queue: WorkQueue, stage: Stage, slot: number) =>
  `${caseId}:${queue}:${stage}:${slot}`;

export function newWorkItem(
  record: Pick<CaseRecord, 'caseId' | 'customerId'>,
  queue: WorkQueue,
  stage: Stage,
  slot: number,
  dueAt: string,
  at: string,
): WorkItem {
  return {
    workItemId: workItemId(record.caseId, queue, stage, slot),
    queue,
    caseId: record.caseId,
    customerId: record.customerId,
    stage,
    status: 'OPEN',
    dueAt,
    createdAt: at,
    claimedBy: null,
    claimedAt: null,
    completedAt: null,
    outcome: null,
    version: 1,
  };
}

/** Creates the items (idempotently) and records the new ones on the case's timeline. */
export async function createWorkItems(
  deps: Pick<WorkItemDeps, 'workItems' | 'timeline'>,
  items: WorkItem[],
): Promise<void> {
  for (const item of items) {
    if (!(await deps.workItems.create(item))) continue;
    await deps.timeline.append(item.caseId, [
      {
        eventId: `work-item:${item.workItemId}`,
        at: item.createdAt,
        type: 'WORK_ITEM_CREATED',
        detail: { workItemId: item.workItemId, queue: item.queue, dueAt: item.dueAt },
      },
    ]);
  }
}

/** Cancels one item (unless it changed meanwhile) and records that on the case's timeline. */
async function cancelItem(
  deps: Pick<WorkItemDeps, 'workItems' | 'timeline'>,
  item: WorkItem,
  at: string,
  reason?: string,
): Promise<boolean> {
  const next: WorkItem = { ...item, status: 'CANCELLED', completedAt: at, version: item.version + 1 };
  if (!(await deps.workItems.replace(next))) return false;
  await deps.timeline.append(item.caseId, [
    {
      eventId: `work-item-cancelled:${item.workItemId}`,
      at,
      type: 'WORK_ITEM_CANCELLED',
      detail: { workItemId: item.workItemId, queue: item.queue, ...(reason ? { reason } : {}) },
    },
  ]);
  return true;
}

/** Cancels a case's open work (the case closed): nobody is sent to call a customer who paid. */
export async function cancelOpenWorkItems(
  deps: Pick<WorkItemDeps, 'workItems' | 'timeline'>,
  caseId: string,
  at: string,
): Promise<number> {
  let cancelled = 0;
  for (const item of await deps.workItems.listByCase(caseId)) {
    if (item.status !== 'OPEN' && item.status !== 'CLAIMED') continue;
    if (await cancelItem(deps, item, at)) cancelled++;
  }
  return cancelled;
}

/**
 * A new stage's call tasks replace those of the earlier `stages` still OPEN on the case, so a case
 * does not pile up a call task per stage. Only calls: visits, letters and legal reviews stay; and
 * only OPEN ones: a CLAIMED call may be under way.
 */
export async function cancelSupersededCalls(
  deps: Pick<WorkItemDeps, 'workItems' | 'timeline'>,
  caseId: string,
  stages: readonly Stage[],
  at: string,
): Promise<number> {
  let cancelled = 0;
  for (const item of await deps.workItems.listByCase(caseId)) {
    if (item.queue !== 'CALLS' || item.status !== 'OPEN' || !stages.includes(item.stage)) continue;
    if (await cancelItem(deps, item, at, 'SUPERSEDED')) cancelled++;
  }
  return cancelled;
}

export const publicWorkItem = (item: WorkItem) => ({
  workItemId: item.workItemId,
  queue: item.queue,
  caseId: item.caseId,
  status: item.status,
  dueAt: item.dueAt,
  stage: item.stage,
  claimedBy: item.claimedBy,
  outcome: item.outcome,
});

export async function listWorkItems(deps: Pick<WorkItemDeps, 'workItems'>, query: ListWorkItemsRequest) {
  const page = await deps.workItems.list(query);
  return { items: page.items.map(publicWorkItem), ...(page.nextToken ? { nextToken: page.nextToken } : {}) };
}

/**
 * The compliance gate a contact passes before it happens: the case is active and not on hold, the
 * channel is not opted out, the task is due, it is inside the customer's contact window, and for
 * calls the caps hold (counting the debtor's `openClaims`, see call-caps.ts).
 */
export function checkContactAllowed(
  queue: WorkQueue,
  record: CaseRecord,
  customer: Customer,
  at: string,
  task: { dueAt?: string; openClaims?: number } = {},
): void {
  if (!isActive(record)) throw new ContactNotAllowedError('CASE_CLOSED', `the case is ${record.status}`);
  if (queue === 'LEGAL_REVIEW') return;
  if (record.status === 'DISPUTED') {
    throw new ContactNotAllowedError('DISPUTE_HOLD', 'an open dispute stops every channel of the case');
  }
  if (queue === 'LETTERS') return;
  if (record.status === 'PROMISED' || record.status === 'ON_PLAN') {
    throw new ContactNotAllowedError(
      'ARRANGEMENT_HOLD',
      `the customer has ${record.status === 'PROMISED' ? 'promised a payment' : 'a plan'}; no collection contact meanwhile`,
    );
  }
  if (queue === 'CALLS' && customer.optOuts.CALL) {
    throw new ContactNotAllowedError(
      'OPTED_OUT',
      `the customer opted out of calls on ${customer.optOuts.CALL}`,
    );
  }
  // A stage's later call slots ("every 2 days") are for later: claiming them all on day 0 would
  // put every call of the stage on the first day.
  if (task.dueAt !== undefined && parseIso(task.dueAt) > parseIso(at)) {
    throw new ContactNotAllowedError('NOT_DUE_YET', `the task is due at ${task.dueAt}`, task.dueAt);
  }
  const profile = profileForCountry(customer.country);
  const window = checkContactWindow(profile, customer.timezone, at);
  if (!window.allowed) {
    throw new ContactNotAllowedError(
      'OUTSIDE_CONTACT_WINDOW',
      `${window.rule}; next opening ${window.deferUntil}`,
      window.deferUntil,
    );
  }
  if (queue === 'CALLS') {
    const caps = checkCallCaps(profile.id, customer, at, customer.timezone, task.openClaims ?? 0);
    if (!caps.allowed) throw new ContactNotAllowedError(caps.rule, caps.detail);
  }
}

/** The debtor's call tasks claimed and not yet completed, on any of their active cases, but `except`. */
async function openCallClaims(
  deps: Pick<WorkItemDeps, 'cases' | 'workItems'>,
  customerId: string,
  except: string,
): Promise<number> {
  let count = 0;
  let nextToken: string | undefined;
  do {
    const page = await deps.cases.list({ customerId, limit: 100, ...(nextToken ? { nextToken } : {}) });
    for (const record of page.items.filter(isActive)) {
      for (const item of await deps.workItems.listByCase(record.caseId)) {
        if (item.queue === 'CALLS' && item.status === 'CLAIMED' && item.workItemId !== except) count++;
      }
    }
    nextToken = page.nextToken;
  } while (nextToken);
  return count;
}

const CHANNEL_OF_QUEUE: Record<WorkQueue, TimelineChannel | undefined> = {
  CALLS: 'CALL',
  VISITS: 'VISIT',
  LETTERS: 'LETTER',
  LEGAL_REVIEW: undefined,
};

/**
 * A refused claim is a contact skipped (or deferred, when waiting will do) and goes on the case's
 * timeline with the rule; keyed by item, rule and request time, so a retried request adds nothing.
 */
async function recordRefusal(
  deps: Pick<WorkItemDeps, 'timeline'>,
  item: WorkItem,
  refusal: ContactNotAllowedError,
  at: string,
): Promise<void> {
  const channel = CHANNEL_OF_QUEUE[item.queue];
  const about = { stage: item.stage, workItemId: item.workItemId, queue: item.queue };
  // The same detail keys as the ladder's own skips (`reason`) and deferrals (`rule`, `until`).
  const entry: TimelineEntry = refusal.retryAt
    ? {
        eventId: `claim-refused:${item.workItemId}:${refusal.rule}:${at}`,
        at,
        type: 'CONTACT_DEFERRED',
        detail: { ...about, rule: refusal.rule, until: refusal.retryAt },
      }
    : {
        eventId: `claim-refused:${item.workItemId}:${refusal.rule}:${at}`,
        at,
        type: 'CONTACT_SKIPPED',
        detail: { ...about, reason: refusal.rule },
      };
  await deps.timeline.append(item.caseId, [{ ...entry, ...(channel ? { channel } : {}) }]);
}

async function loadContext(deps: WorkItemDeps, item: WorkItem) {
  const record = await deps.cases.get(item.caseId);
  if (!record) throw new CaseNotFoundError(item.caseId);
  const customer = await deps.customers.get(item.customerId);
  if (!customer) throw new CaseStateConflictError(`Customer ${item.customerId} has no contact details.`);
  return { record, customer };
}

async function changeItem(
  deps: WorkItemDeps,
  workItemId: string,
  decide: (item: WorkItem) => WorkItem | null | Promise<WorkItem | null>,
): Promise<{ item: WorkItem; changed: boolean }> {
  for (let attempt = 0; attempt < 5; attempt++) {
    const item = await deps.workItems.get(workItemId);
    if (!item) throw new WorkItemNotFoundError(workItemId);
    const next = await decide(item);
    if (!next) return { item, changed: false };
    const versioned = { ...next, version: item.version + 1 };
    if (await deps.workItems.replace(versioned)) return { item: versioned, changed: true };
  }
  throw new ConcurrentUpdateError(`work item ${workItemId} kept changing`);
}

/**
 * POST /work-items/{id}/claim: 200 when the contact is allowed now, 409 with the rule otherwise (and
 * the refusal on the case's timeline: every skip and deferral is recorded).
 */
export async function claimWorkItem(
  deps: WorkItemDeps,
  workItemId: string,
  request: ClaimRequest,
  at: string,
) {
  let checked: WorkItem | undefined;
  let debtor: Customer | undefined;
  try {
    const { item, changed } = await changeItem(deps, workItemId, async (current) => {
      if (current.status === 'CLAIMED' && current.claimedBy === request.agent) return null;
      if (current.status !== 'OPEN') {
        throw new CaseStateConflictError(
          `Work item ${workItemId} is ${current.status}${current.claimedBy ? ` by ${current.claimedBy}` : ''}.`,
        );
      }
      const { record, customer } = await loadContext(deps, current);
      checked = current;
      debtor = customer;
      const openClaims =
        current.queue === 'CALLS' ? await openCallClaims(deps, current.customerId, current.workItemId) : 0;
      checkContactAllowed(current.queue, record, customer, at, { dueAt: current.dueAt, openClaims });
      return { ...current, status: 'CLAIMED', claimedBy: request.agent, claimedAt: at };
    });
    if (changed && item.queue === 'CALLS' && debtor) await recheckCaps(deps, item, debtor, at);
    if (changed) {
      await deps.timeline.append(item.caseId, [
        {
          eventId: `work-item-claimed:${item.workItemId}`,
          at,
          type: 'WORK_ITEM_CLAIMED',
          detail: { workItemId: item.workItemId, queue: item.queue, agent: request.agent },
        },
      ]);
    }
    return publicWorkItem(item);
  } catch (error) {
    if (error instanceof ContactNotAllowedError && checked) await recordRefusal(deps, checked, error, at);
    throw error;
  }
}

/**
 * Two claims of the same debtor's calls at once both pass the gate before either is written; after
 * the write each counts the others' claims again and, over the cap, gives its own back (both may,
 * which errs on the safe side). A check after the write, not a reservation.
 */
async function recheckCaps(deps: WorkItemDeps, item: WorkItem, customer: Customer, at: string) {
  const others = await openCallClaims(deps, item.customerId, item.workItemId);
  const profile = profileForCountry(customer.country);
  const caps = checkCallCaps(profile.id, customer, at, customer.timezone, others);
  if (caps.allowed) return;
  await changeItem(deps, item.workItemId, (current) =>
    current.status === 'CLAIMED' && current.claimedBy === item.claimedBy && current.claimedAt === at
      ? { ...current, status: 'OPEN', claimedBy: null, claimedAt: null }
      : null,
  );
  throw new ContactNotAllowedError(caps.rule, caps.detail);
}

/** Records one contact with the debtor: on the case's timeline, and in the debtor's call counters. */
async function recordContactFact(
  deps: WorkItemDeps,
  record: CaseRecord,
  customer: Customer,
  contact: {
    eventId: string;
    occurredAt: string;
    channel: 'CALL' | 'VISIT' | 'INBOUND';
    outcome: string;
    hardship?: string | undefined;
    workItemId?: string;
  },
): Promise<void> {
  const entry: TimelineEntry = {
    eventId: contact.eventId,
    at: contact.occurredAt,
    type: 'CONTACT_RECORDED',
    channel: contact.channel,
    detail: {
      outcome: contact.outcome,
      hardship: contact.hardship ?? null,
      ...(contact.workItemId ? { workItemId: contact.workItemId } : {}),
    },
  };
  const isNew = await deps.timeline.appendNew(record.caseId, entry);
  // Only outbound calls count towards the caps; a customer calling in is not an attempt.
  if (isNew && contact.channel === 'CALL') {
    await deps.customers.recordCall(
      customer.customerId,
      localDay(contact.occurredAt, customer.timezone),
      contact.outcome === 'CONNECTED',
      contact.occurredAt,
    );
  }
}

/** POST /work-items/{id}/complete: the item done, the contact on the case's timeline. */
export async function completeWorkItem(
  deps: WorkItemDeps,
  workItemId: string,
  request: CompleteRequest,
  at: string,
) {
  const occurredAt = toIso(parseIso(request.occurredAt));
  const { item } = await changeItem(deps, workItemId, (current) => {
    const allowed = OUTCOMES_BY_QUEUE[current.queue];
    if (!allowed.includes(request.outcome)) {
      throw new InvalidRequestError('That outcome does not fit this kind of work.', [
        {
          path: 'outcome',
          message: `a ${current.queue} item is completed with one of ${allowed.join(', ')}`,
        },
      ]);
    }
    if (current.status === 'DONE' && current.outcome === request.outcome) return null;
    if (current.status !== 'CLAIMED' && !(current.status === 'OPEN' && current.queue === 'LETTERS')) {
      throw new CaseStateConflictError(`Work item ${workItemId} is ${current.status}; claim it first.`);
    }
    return { ...current, status: 'DONE', outcome: request.outcome, completedAt: at };
  });
  const { record, customer } = await loadContext(deps, item);
  if (item.queue === 'CALLS' || item.queue === 'VISITS') {
    await recordContactFact(deps, record, customer, {
      eventId: `contact:${item.workItemId}`,
      occurredAt,
      channel: item.queue === 'CALLS' ? 'CALL' : 'VISIT',
      outcome: request.outcome,
      hardship: request.hardship,
      workItemId: item.workItemId,
    });
  }
  // At the stored completion time: a repeated request rewrites the same entry instead of adding one.
  await deps.timeline.append(item.caseId, [
    {
      eventId: `work-item-completed:${item.workItemId}`,
      at: item.completedAt ?? at,
      type: 'WORK_ITEM_COMPLETED',
      detail: { workItemId: item.workItemId, queue: item.queue, outcome: request.outcome },
    },
  ]);
  return publicWorkItem(item);
}

/** POST /cases/{caseId}/contacts: a call, visit or inbound contact an agent logs (by `contactId`, once). */
export async function recordContact(deps: WorkItemDeps, caseId: string, request: ContactRequest, at: string) {
  const occurredAt = toIso(parseIso(request.occurredAt));
  if (parseIso(occurredAt) > parseIso(at) + 5 * 60_000) {
    throw new InvalidRequestError('A contact cannot be in the future.', [
      { path: 'occurredAt', message: `must not be after the time of the request (${at})` },
    ]);
  }
  const record = await deps.cases.get(caseId);
  if (!record) throw new CaseNotFoundError(caseId);
  const customer = await deps.customers.get(record.customerId);
  if (!customer) throw new CaseStateConflictError(`Customer ${record.customerId} has no contact details.`);
  await recordContactFact(deps, record, customer, {
    eventId: `contact:${request.contactId}`,
    occurredAt,
    channel: request.channel,
    outcome: request.outcome,
    hardship: request.hardship,
  });
  return record;
}
