/**
 * The places claimed calls hold under a debtor's call caps. They are kept on the customer's own
 * record, read strongly consistent and written only against the version the caps were checked on,
 * so two claims at once cannot both take the last place (counting claimed items through the
 * eventually consistent indexes let them). A claim reserves its place, then claims the item
 * (claimWorkItem); a claim that does not land gives the place back, and so does a release; counting
 * the completed call removes the place in the same write. A place is held for the claim's lease at
 * most: a claim forgotten, or left on a case that closed, does not block the debtor's calls for good.
 */
import { isActive } from '../case';
import { localDay } from '../compliance/call-caps';
import { ConcurrentUpdateError } from '../errors';
import type {
  CallReservation,
  CaseRepository,
  Customer,
  CustomerRepository,
  WorkItem,
  WorkItemRepository,
} from '../ports';
import { MS_PER_DAY, parseIso } from '../time';

interface ReservationDeps {
  workItems: WorkItemRepository;
  customers: CustomerRepository;
  cases: CaseRepository;
}

/**
 * How long after its reservation a claim can still land: longer than any API function runs (15 s,
 * the default timeout in lib/project-function.ts). After it, a reservation whose item is not claimed
 * by its agent belongs to a claim that never happened (or was given back).
 */
export const RESERVATION_LANDING_MS = 5 * 60_000;

/**
 * How long a claimed call holds its place under the caps: 14 hours, the longest contact window (CN,
 * 08:00-22:00; US is 08:00-21:00). A claim made inside a window therefore holds its place until that
 * window has closed, so the lease never lets a second call in on the day of the claim; and a claim
 * nobody completes or releases (a case that closed, an agent gone) frees its place by the next
 * day's window at the latest. The call can still be completed after the lease, and then counts.
 */
export const CLAIM_LEASE_MS = 14 * 60 * 60_000;

/**
 * How long a counted call's id stays on the customer's record: a request retried within it counts
 * nothing twice. A call's contact entry is written right after its count, and an entry on the
 * timeline also means "counted", so the id only has to outlive a retry between the two writes; 8 days
 * is more than any cap looks back (7 days).
 */
export const COUNTED_CALL_RETENTION_MS = 8 * MS_PER_DAY;

/**
 * The places the debtor's other call claims hold under the caps, the reservations that hold none
 * any more (`dropped`: their lease is over, or their claim never landed or was given back) and the
 * calls claimed before claims reserved places, to be reserved now (`adopted`, also among `held`).
 * Reservations younger than the landing time always count (their claim may be landing right now).
 * Reservations of the item being claimed do not count: at most one claim of an item succeeds.
 */
export async function placesTaken(
  deps: Pick<ReservationDeps, 'workItems' | 'cases'>,
  customer: Customer,
  workItemId: string,
  at: string,
): Promise<{ held: CallReservation[]; dropped: CallReservation[]; adopted: CallReservation[] }> {
  const held: CallReservation[] = [];
  const dropped: CallReservation[] = [];
  for (const reservation of customer.callReservations) {
    const age = parseIso(at) - parseIso(reservation.at);
    const landing = age < RESERVATION_LANDING_MS;
    if (age >= CLAIM_LEASE_MS) {
      dropped.push(reservation);
    } else if (reservation.workItemId === workItemId) {
      if (!landing) dropped.push(reservation);
    } else if (landing || (await claimLanded(deps, reservation))) {
      held.push(reservation);
    } else {
      dropped.push(reservation);
    }
  }
  const adopted = customer.claimsReserved
    ? []
    : (await claimsWithoutReservation(deps, customer, at)).filter(
        (claim) =>
          claim.workItemId !== workItemId &&
          !customer.callReservations.some((reservation) => reservation.workItemId === claim.workItemId),
      );
  held.push(...adopted);
  return { held, dropped, adopted };
}

/** The reservation's item is claimed by its agent (being completed, too: its count removes the place). */
async function claimLanded(deps: Pick<ReservationDeps, 'workItems'>, reservation: CallReservation) {
  const item = await deps.workItems.get(reservation.workItemId);
  return item !== undefined && isClaimedBy(item, reservation.agent);
}

const isClaimedBy = (item: WorkItem, agent: string) => item.status === 'CLAIMED' && item.claimedBy === agent;

/**
 * The transition from claims that reserved nothing: the call tasks claimed on the debtor's active
 * cases, within their lease, found through the indexes (written before this code ran, so an index
 * lagging behind recent writes does not hide them) and each read again strongly consistent. Only
 * until the customer's first claim under this code, which reserves them (`claimsReserved`).
 */
async function claimsWithoutReservation(
  deps: Pick<ReservationDeps, 'workItems' | 'cases'>,
  customer: Customer,
  at: string,
): Promise<CallReservation[]> {
  const found: CallReservation[] = [];
  let nextToken: string | undefined;
  do {
    const page = await deps.cases.list({
      customerId: customer.customerId,
      limit: 100,
      ...(nextToken ? { nextToken } : {}),
    });
    for (const record of page.items.filter(isActive)) {
      for (const listed of await deps.workItems.listByCase(record.caseId)) {
        if (listed.queue !== 'CALLS' || listed.status !== 'CLAIMED') continue;
        const item = await deps.workItems.get(listed.workItemId);
        if (item?.status !== 'CLAIMED' || !item.claimedBy || !item.claimedAt) continue;
        if (parseIso(at) - parseIso(item.claimedAt) >= CLAIM_LEASE_MS) continue;
        found.push({ workItemId: item.workItemId, agent: item.claimedBy, at: item.claimedAt });
      }
    }
    nextToken = page.nextToken;
  } while (nextToken);
  return found;
}

/**
 * Gives a claim's place back: its claim did not land, or the agent released the item. An item now
 * claimed by the same agent means a repeat of the same request (or a new claim by them) holds that
 * reservation (there is one per item and agent), and it stays.
 */
export async function giveBack(
  deps: Pick<ReservationDeps, 'workItems' | 'customers'>,
  customerId: string,
  reservation: Pick<CallReservation, 'workItemId' | 'agent'>,
) {
  const item = await deps.workItems.get(reservation.workItemId);
  if (item && isClaimedBy(item, reservation.agent)) return;
  await deps.customers.releaseCall(customerId, reservation);
}

/**
 * Counts an outbound call in the debtor's counters, exactly once: the count, the call's id among
 * the counted calls and the removal of its item's reservations (the place the claim held becomes
 * the counted call) are one conditional write, and a call whose id is already there counts nothing.
 * Counted whether or not a reservation is left (a lease over, a call claimed before claims
 * reserved places, a call logged with POST /cases/{id}/contacts).
 */
export async function countCall(
  deps: Pick<ReservationDeps, 'customers'>,
  customerId: string,
  call: { eventId: string; occurredAt: string; connected: boolean; workItemId?: string; at: string },
): Promise<void> {
  for (let attempt = 0; attempt < 5; attempt++) {
    const customer = await deps.customers.get(customerId);
    if (!customer) return;
    if (customer.countedCalls.some((counted) => counted.eventId === call.eventId)) return;
    const last = customer.lastConversationAt;
    // The last conversation only moves forward: a call logged late must not shorten the quiet days.
    const lastConversationAt =
      call.connected && (last === null || parseIso(call.occurredAt) > parseIso(last))
        ? call.occurredAt
        : last;
    const forget = customer.countedCalls
      .filter((counted) => parseIso(call.at) - parseIso(counted.at) >= COUNTED_CALL_RETENTION_MS)
      .map((counted) => counted.eventId);
    const counted = await deps.customers.changeCalls(customerId, customer.callsVersion, {
      // Other agents' reservations of the item held no place (only one claim of an item lands).
      release: customer.callReservations.filter((reservation) => reservation.workItemId === call.workItemId),
      count: {
        eventId: call.eventId,
        at: call.at,
        day: localDay(call.occurredAt, customer.timezone),
        connected: call.connected,
        lastConversationAt,
      },
      forget,
    });
    if (counted) return;
  }
  throw new ConcurrentUpdateError(`the call counters of customer ${customerId} kept changing`);
}
