import { type CaseRecord, isActive } from '../case';
import { checkCallCaps } from '../compliance/call-caps';
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
  CallReservation,
  CaseRepository,
  Customer,
  CustomerRepository,
  TimelineRepository,
  WorkItem,
  WorkItemCompletion,
  WorkItemRepository,
  WorkQueue,
} from '../ports';
import type {
  ClaimRequest,
  CompleteRequest,
  ContactRequest,
  ListedWorkItemStatus,
  ListWorkItemsRequest,
  ReleaseRequest,
} from '../requests';
import { parseIso, toIso } from '../time';
import type { TimelineChannel, TimelineEntry } from '../timeline';
import { countCall, giveBack, placesTaken } from './call-reservations';

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

/**
 * Cancels a case's OPEN work (the case closed): nobody is sent to call a customer who paid. CLAIMED
 * work stays: the call may be under way, and its outcome must still be recorded and counted towards
 * the debtor's call caps when the agent completes it.
 */
export async function cancelOpenWorkItems(
  deps: Pick<WorkItemDeps, 'workItems' | 'timeline'>,
  caseId: string,
  at: string,
): Promise<number> {
  let cancelled = 0;
  for (const item of await deps.workItems.listByCase(caseId)) {
    if (item.status !== 'OPEN') continue;
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

/**
 * A claimed call or visit is for now: it is made within this many minutes of the claim (`callBy`),
 * and a claim is refused when the contact window would close before then. Later, the agent releases
 * the claim and claims again, so the gate looks again.
 */
export const CALL_WITHIN_MINUTES = 15;

const callByOf = (item: WorkItem): string | null =>
  item.status === 'CLAIMED' && item.claimedAt && (item.queue === 'CALLS' || item.queue === 'VISITS')
    ? toIso(parseIso(item.claimedAt) + CALL_WITHIN_MINUTES * 60_000)
    : null;

export const publicWorkItem = (item: WorkItem, status: ListedWorkItemStatus = item.status) => {
  const callBy = callByOf(item);
  return {
    workItemId: item.workItemId,
    queue: item.queue,
    caseId: item.caseId,
    status,
    dueAt: item.dueAt,
    stage: item.stage,
    claimedBy: item.claimedBy,
    outcome: item.outcome,
    ...(callBy ? { callBy } : {}),
  };
};

/**
 * The hold the case's status puts on this kind of work, if any: an open dispute stops every contact
 * with the customer, calls and visits as well as letters; a promise or a plan stops collection calls
 * and visits only. A legal review is a decision about the case, not a contact, and is never held.
 */
export function holdOn(queue: WorkQueue, record: Pick<CaseRecord, 'status'>) {
  if (queue === 'LEGAL_REVIEW') return undefined;
  if (record.status === 'DISPUTED') {
    return { rule: 'DISPUTE_HOLD', detail: 'an open dispute stops every channel of the case' };
  }
  if (queue === 'LETTERS') return undefined;
  if (record.status === 'PROMISED' || record.status === 'ON_PLAN') {
    return {
      rule: 'ARRANGEMENT_HOLD',
      detail: `the customer has ${record.status === 'PROMISED' ? 'promised a payment' : 'a plan'}; no collection contact meanwhile`,
    };
  }
  return undefined;
}

/**
 * GET /work-items. Held work is stored as OPEN (it becomes claimable again when the hold ends) and
 * is told apart here from its case's status, read strongly consistent for the whole page at once:
 * `status=OPEN` leaves it out and `status=HELD` lists it. Deriving it keeps no second status to keep
 * in step with every dispute, promise and plan. Open work of a case no longer active (one that the
 * closing missed, reading its items through an index that lagged) is in neither: it cannot be
 * claimed. A page can therefore hold fewer than `limit` items; follow `nextToken` until it is absent.
 */
export async function listWorkItems(
  deps: Pick<WorkItemDeps, 'workItems' | 'cases'>,
  query: ListWorkItemsRequest,
) {
  const { status, ...rest } = query;
  const stored = status === 'HELD' ? 'OPEN' : status;
  const page = await deps.workItems.list({ ...rest, status: stored });
  let items = page.items.map((item) => publicWorkItem(item));
  if (stored === 'OPEN') {
    const cases = new Map(
      (await deps.cases.getMany(page.items.map((item) => item.caseId))).map((record) => [
        record.caseId,
        record,
      ]),
    );
    const listed = (item: WorkItem) => {
      const record = cases.get(item.caseId);
      if (!record || !isActive(record)) return false;
      return (holdOn(item.queue, record) !== undefined) === (status === 'HELD');
    };
    items = page.items.filter(listed).map((item) => publicWorkItem(item, status));
  }
  return { items, ...(page.nextToken ? { nextToken: page.nextToken } : {}) };
}

/**
 * The compliance gate a contact passes before it happens, at claim time: the case is active and not
 * on hold, the channel is not opted out, the task is due, it is inside the customer's contact
 * window, and for calls the caps hold (counting the places `openClaims` of the debtor's other
 * claimed calls hold, see call-caps.ts).
 */
export function checkContactAllowed(
  queue: WorkQueue,
  record: CaseRecord,
  customer: Customer,
  at: string,
  task: { dueAt?: string; openClaims?: number } = {},
): void {
  if (!isActive(record)) throw new ContactNotAllowedError('CASE_CLOSED', `the case is ${record.status}`);
  const hold = holdOn(queue, record);
  if (hold) throw new ContactNotAllowedError(hold.rule, hold.detail);
  // Posting a letter reaches nobody at an hour of the day and is no call: for a letter the gate is
  // the case being active and not held (a dispute holds it); the window, the caps and the due time
  // of call slots do not apply. A legal review is not a contact at all.
  if (queue === 'LETTERS' || queue === 'LEGAL_REVIEW') return;
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
  // The call is made after the claim, within CALL_WITHIN_MINUTES: the window must still be open then.
  const callBy = toIso(parseIso(at) + CALL_WITHIN_MINUTES * 60_000);
  const closing = window.allowed ? checkContactWindow(profile, customer.timezone, callBy) : window;
  if (!closing.allowed) {
    throw new ContactNotAllowedError(
      'OUTSIDE_CONTACT_WINDOW',
      `${closing.rule}${window.allowed ? `; it closes before the call could be made (within ${CALL_WITHIN_MINUTES} minutes)` : ''}; next opening ${closing.deferUntil}`,
      closing.deferUntil,
    );
  }
  if (queue === 'CALLS') {
    const caps = checkCallCaps(profile.id, customer, at, customer.timezone, task.openClaims ?? 0);
    if (!caps.allowed) throw new ContactNotAllowedError(caps.rule, caps.detail);
  }
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
  for (let attempt = 0; attempt < 5; attempt++) {
    const item = await deps.workItems.get(workItemId);
    if (!item) throw new WorkItemNotFoundError(workItemId);
    if (item.status === 'CLAIMED' && item.claimedBy === request.agent) return publicWorkItem(item);
    if (item.status !== 'OPEN') {
      throw new CaseStateConflictError(
        `Work item ${workItemId} is ${item.status}${item.claimedBy ? ` by ${item.claimedBy}` : ''}.`,
      );
    }
    const claimed = await tryClaim(deps, item, request.agent, at);
    if (!claimed) continue;
    await deps.timeline.append(claimed.caseId, [
      {
        eventId: `work-item-claimed:${claimed.workItemId}`,
        at,
        type: 'WORK_ITEM_CLAIMED',
        detail: { workItemId: claimed.workItemId, queue: claimed.queue, agent: request.agent },
      },
    ]);
    return publicWorkItem(claimed);
  }
  throw new ConcurrentUpdateError(`work item ${workItemId} kept changing`);
}

/**
 * One try at a claim: the gate, then for a call a place reserved on the debtor's own record (only if
 * that record is still the version the caps were checked on), then the item. Without transactions
 * the reservation is written first, to err on the safe side: a stop between the two writes leaves a
 * place taken without a claim (fewer calls allowed until `placesTaken` finds it orphaned), never a
 * claimed call the caps do not see. The same write drops the reservations that hold no place any
 * more and reserves the debtor's calls claimed before claims reserved places. Null when something
 * changed meanwhile: read again and retry.
 */
async function tryClaim(
  deps: WorkItemDeps,
  item: WorkItem,
  agent: string,
  at: string,
): Promise<WorkItem | null> {
  const { record, customer } = await loadContext(deps, item);
  const places = item.queue === 'CALLS' ? await placesTaken(deps, customer, item.workItemId, at) : undefined;
  try {
    checkContactAllowed(item.queue, record, customer, at, {
      dueAt: item.dueAt,
      openClaims: places?.held.length ?? 0,
    });
  } catch (error) {
    if (error instanceof ContactNotAllowedError) await recordRefusal(deps, item, error, at);
    throw error;
  }
  const reservation: CallReservation = { workItemId: item.workItemId, agent, at };
  if (places) {
    const change = {
      reserve: [...places.adopted, reservation],
      release: places.dropped,
      claimsReserved: true as const,
    };
    if (!(await deps.customers.changeCalls(customer.customerId, customer.callsVersion, change))) return null;
  }
  const claimed: WorkItem = {
    ...item,
    status: 'CLAIMED',
    claimedBy: agent,
    claimedAt: at,
    version: item.version + 1,
  };
  if (await deps.workItems.replace(claimed)) return claimed;
  if (places) await giveBack(deps, item.customerId, reservation);
  return null;
}

/**
 * Records one contact with the debtor: in the debtor's call counters (outbound calls only; a customer
 * calling in is not an attempt), then on the case's timeline, each write idempotent. In that order,
 * an entry on the timeline means its call is counted (earlier code, too, counted a call when it
 * wrote the entry), so a retry that finds the entry counts nothing; one that does not find it counts
 * the call unless its id is among the debtor's counted calls.
 */
async function recordContactFact(
  deps: WorkItemDeps,
  target: { caseId: string; customerId: string },
  contact: {
    eventId: string;
    occurredAt: string;
    channel: 'CALL' | 'VISIT' | 'INBOUND';
    outcome: string;
    hardship?: string | null | undefined;
    workItemId?: string;
    /** Made after the claim's `callBy`: recorded and counted as it happened, flagged for supervisors. */
    afterCallBy?: boolean;
  },
  at: string,
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
      ...(contact.afterCallBy ? { afterCallBy: true } : {}),
    },
  };
  if (contact.channel === 'CALL' && !(await deps.timeline.has(target.caseId, entry))) {
    await countCall(deps, target.customerId, {
      eventId: contact.eventId,
      occurredAt: contact.occurredAt,
      connected: contact.outcome === 'CONNECTED',
      ...(contact.workItemId ? { workItemId: contact.workItemId } : {}),
      at,
    });
  }
  await deps.timeline.append(target.caseId, [entry]);
}

/** How far a reported contact time may be off the claim and the request (clocks, a call dialled as it was claimed). */
const CLOCK_SKEW_MS = 5 * 60_000;

/** A completion's `occurredAt` lies between the claim and the request, give or take the clock skew. */
function checkOccurredAt(item: WorkItem, occurredAt: string, at: string): void {
  const earliest = item.claimedAt ? parseIso(item.claimedAt) - CLOCK_SKEW_MS : undefined;
  const latest = parseIso(at) + CLOCK_SKEW_MS;
  if (earliest !== undefined && parseIso(occurredAt) < earliest) {
    throw new InvalidRequestError('The work was done before it was claimed.', [
      { path: 'occurredAt', message: `must not be before the claim (${item.claimedAt}) less 5 minutes` },
    ]);
  }
  if (parseIso(occurredAt) > latest) {
    throw new InvalidRequestError('The work cannot be done in the future.', [
      { path: 'occurredAt', message: `must not be after the time of the request (${at}) plus 5 minutes` },
    ]);
  }
}

function checkOutcomeFits(queue: WorkQueue, outcome: string): void {
  const allowed = OUTCOMES_BY_QUEUE[queue];
  if (!allowed.includes(outcome)) {
    throw new InvalidRequestError('That outcome does not fit this kind of work.', [
      { path: 'outcome', message: `a ${queue} item is completed with one of ${allowed.join(', ')}` },
    ]);
  }
}

/**
 * Writes a recorded completion's facts (the contact on the timeline and, for a call, its count),
 * then marks the item DONE: DONE means recorded and counted. Every step is idempotent, so a retry,
 * a concurrent request or a release that finds the completion recorded finishes it.
 */
async function finishCompletion(
  deps: WorkItemDeps,
  item: WorkItem,
  completion: WorkItemCompletion,
): Promise<WorkItem> {
  const channel = item.queue === 'CALLS' ? 'CALL' : item.queue === 'VISITS' ? 'VISIT' : undefined;
  if (channel) {
    await recordContactFact(
      deps,
      item,
      {
        eventId: `contact:${item.workItemId}`,
        occurredAt: completion.occurredAt,
        channel,
        outcome: completion.outcome,
        hardship: completion.hardship,
        workItemId: item.workItemId,
        afterCallBy: callByOf(item) !== null && completion.occurredAt > (callByOf(item) ?? ''),
      },
      completion.at,
    );
  }
  const { item: done } = await changeItem(deps, item.workItemId, (current) =>
    current.status === 'DONE'
      ? null
      : { ...current, status: 'DONE', outcome: completion.outcome, completedAt: completion.at },
  );
  await deps.timeline.append(item.caseId, [
    {
      eventId: `work-item-completed:${item.workItemId}`,
      at: done.completedAt ?? completion.at,
      type: 'WORK_ITEM_COMPLETED',
      detail: { workItemId: item.workItemId, queue: item.queue, outcome: done.outcome },
    },
  ]);
  return done;
}

/**
 * POST /work-items/{id}/complete: the completion is recorded on the claimed item first (one
 * completion of an item wins, and `occurredAt` must fall between the claim and now), then its facts
 * are written, then the item is DONE (finishCompletion). A repeated request finishes what an earlier
 * one started and answers the same; one with another outcome is a 409.
 */
export async function completeWorkItem(
  deps: WorkItemDeps,
  workItemId: string,
  request: CompleteRequest,
  at: string,
) {
  const occurredAt = toIso(parseIso(request.occurredAt));
  const { item } = await changeItem(deps, workItemId, (current) => {
    checkOutcomeFits(current.queue, request.outcome);
    if (current.status === 'DONE' || current.completion) return null;
    // Every kind of work, letters too, is claimed first: the claim is where the gate is passed.
    if (current.status !== 'CLAIMED') {
      throw new CaseStateConflictError(`Work item ${workItemId} is ${current.status}; claim it first.`);
    }
    checkOccurredAt(current, occurredAt, at);
    const completion = { outcome: request.outcome, occurredAt, hardship: request.hardship ?? null, at };
    return { ...current, completion };
  });
  // An item DONE without a recorded completion was completed before completions were recorded on
  // items (its facts were written right after it) or by a decision (a legal review): nothing to finish.
  const done = item.completion ? await finishCompletion(deps, item, item.completion) : item;
  if (done.outcome !== request.outcome) {
    throw new CaseStateConflictError(`Work item ${workItemId} was completed as ${done.outcome}.`);
  }
  return publicWorkItem(done);
}

/**
 * POST /work-items/{id}/release: the agent gives the claim back. The item is OPEN again (CANCELLED
 * if its case closed meanwhile) and, for a call, its place under the caps is free. Releasing an item
 * the agent does not hold (a repeated request) changes nothing; one already being completed is
 * completed (not released) and answers 409.
 */
export async function releaseWorkItem(
  deps: WorkItemDeps,
  workItemId: string,
  request: ReleaseRequest,
  at: string,
) {
  for (let attempt = 0; attempt < 5; attempt++) {
    const item = await deps.workItems.get(workItemId);
    if (!item) throw new WorkItemNotFoundError(workItemId);
    if (item.completion && item.status === 'CLAIMED') {
      const done = await finishCompletion(deps, item, item.completion);
      throw new CaseStateConflictError(`Work item ${workItemId} was completed as ${done.outcome}.`);
    }
    if (item.status === 'DONE' || (item.status === 'CLAIMED' && item.claimedBy !== request.agent)) {
      throw new CaseStateConflictError(
        `Work item ${workItemId} is ${item.status}${item.claimedBy ? ` by ${item.claimedBy}` : ''}.`,
      );
    }
    if (item.status !== 'CLAIMED') {
      // Nothing held any more: a repeat of a release whose place may not have been given back yet.
      if (item.queue === 'CALLS') await giveBack(deps, item.customerId, { workItemId, agent: request.agent });
      return publicWorkItem(item);
    }
    const record = await deps.cases.get(item.caseId);
    if (!record) throw new CaseNotFoundError(item.caseId);
    const released: WorkItem = isActive(record)
      ? { ...item, status: 'OPEN', claimedBy: null, claimedAt: null, version: item.version + 1 }
      : { ...item, status: 'CANCELLED', completedAt: at, version: item.version + 1 };
    if (!(await deps.workItems.replace(released))) continue;
    // The item first: a stop before the place is given back leaves a place taken (until a retry
    // or `placesTaken` finds it orphaned), never a claimed call the caps do not see.
    if (item.queue === 'CALLS') await giveBack(deps, item.customerId, { workItemId, agent: request.agent });
    await deps.timeline.append(item.caseId, [
      {
        eventId: `work-item-released:${workItemId}:${request.agent}`,
        at,
        type: 'WORK_ITEM_RELEASED',
        detail: { workItemId, queue: item.queue, agent: request.agent },
      },
      ...(released.status === 'CANCELLED'
        ? [
            {
              eventId: `work-item-cancelled:${workItemId}`,
              at,
              type: 'WORK_ITEM_CANCELLED' as const,
              detail: { workItemId, queue: item.queue, reason: 'CASE_CLOSED' },
            },
          ]
        : []),
    ]);
    return publicWorkItem(released);
  }
  throw new ConcurrentUpdateError(`work item ${workItemId} kept changing`);
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
  await recordContactFact(
    deps,
    record,
    {
      eventId: `contact:${request.contactId}`,
      occurredAt,
      channel: request.channel,
      outcome: request.outcome,
      hardship: request.hardship,
    },
    at,
  );
  return record;
}
