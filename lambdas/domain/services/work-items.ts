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
import type { TimelineEntry } from '../timeline';

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

/** Cancels a case's open work (the case closed): nobody is sent to call a customer who paid. */
export async function cancelOpenWorkItems(
  deps: Pick<WorkItemDeps, 'workItems' | 'timeline'>,
  caseId: string,
  at: string,
): Promise<number> {
  let cancelled = 0;
  for (const item of await deps.workItems.listByCase(caseId)) {
    if (item.status !== 'OPEN' && item.status !== 'CLAIMED') continue;
    const next: WorkItem = { ...item, status: 'CANCELLED', completedAt: at, version: item.version + 1 };
    if (!(await deps.workItems.replace(next))) continue;
    cancelled++;
    await deps.timeline.append(caseId, [
      {
        eventId: `work-item-cancelled:${item.workItemId}`,
        at,
        type: 'WORK_ITEM_CANCELLED',
        detail: { workItemId: item.workItemId, queue: item.queue },
      },
    ]);
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
 * channel is not opted out, it is inside the customer's contact window, and for calls the caps hold.
 */
export function checkContactAllowed(
  queue: WorkQueue,
  record: CaseRecord,
  customer: Customer,
  at: string,
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
    const caps = checkCallCaps(profile.id, customer, at, customer.timezone);
    if (!caps.allowed) throw new ContactNotAllowedError(caps.rule, caps.detail);
  }
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

/** POST /work-items/{id}/claim: 200 when the contact is allowed now, 409 with the rule otherwise. */
export async function claimWorkItem(
  deps: WorkItemDeps,
  workItemId: string,
  request: ClaimRequest,
  at: string,
) {
  const { item, changed } = await changeItem(deps, workItemId, async (current) => {
    if (current.status === 'CLAIMED' && current.claimedBy === request.agent) return null;
    if (current.status !== 'OPEN') {
      throw new CaseStateConflictError(
        `Work item ${workItemId} is ${current.status}${current.claimedBy ? ` by ${current.claimedBy}` : ''}.`,
      );
    }
    const { record, customer } = await loadContext(deps, current);
    checkContactAllowed(current.queue, record, customer, at);
    return { ...current, status: 'CLAIMED', claimedBy: request.agent, claimedAt: at };
  });
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
