/**
 * The places claimed calls hold under a debtor's call caps. They are kept on the customer's own
 * record, read strongly consistent and written only against the version the caps were checked on,
 * so two claims at once cannot both take the last place (counting claimed items through the
 * eventually consistent indexes let them). A claim reserves its place, then claims the item
 * (claimWorkItem); a claim that does not land gives the place back; completing the call turns the
 * place into a counted call in one write.
 */
import { localDay } from '../compliance/call-caps';
import { ConcurrentUpdateError } from '../errors';
import type { CallReservation, Customer, CustomerRepository, WorkItemRepository } from '../ports';
import { parseIso } from '../time';

interface ReservationDeps {
  workItems: WorkItemRepository;
  customers: CustomerRepository;
}

/**
 * How long after its reservation a claim can still land: longer than any API function runs (15 s,
 * the default timeout in lib/project-function.ts). After it, a reservation whose item is not claimed
 * by its agent belongs to a claim that never happened.
 */
export const CLAIM_LEASE_MS = 5 * 60_000;

/**
 * The places the debtor's other call claims hold under the caps, and the reservations that hold
 * none (`orphans`): a reservation is written before its claim, so a claim that lost the item to
 * another agent, or whose function stopped between the two writes, can leave one behind. Reservations
 * younger than the lease always count (their claim may be landing right now). Reservations of the
 * item being claimed do not count: at most one claim of an item succeeds.
 */
export async function placesTaken(
  deps: Pick<ReservationDeps, 'workItems'>,
  customer: Customer,
  workItemId: string,
  at: string,
): Promise<{ held: CallReservation[]; orphans: CallReservation[] }> {
  const held: CallReservation[] = [];
  const orphans: CallReservation[] = [];
  for (const reservation of customer.callReservations) {
    const young = parseIso(at) - parseIso(reservation.at) < CLAIM_LEASE_MS;
    if (reservation.workItemId === workItemId) {
      if (!young) orphans.push(reservation);
    } else if (young || (await claimLanded(deps, reservation))) {
      held.push(reservation);
    } else {
      orphans.push(reservation);
    }
  }
  return { held, orphans };
}

/** The reservation's item is claimed by its agent (or was completed by them, the count not yet written). */
async function claimLanded(deps: Pick<ReservationDeps, 'workItems'>, reservation: CallReservation) {
  const item = await deps.workItems.get(reservation.workItemId);
  return (
    item !== undefined &&
    item.claimedBy === reservation.agent &&
    (item.status === 'CLAIMED' || item.status === 'DONE')
  );
}

/**
 * The item changed before the claim landed: the place goes back. Work items never return to OPEN,
 * so an item now claimed (or done) by the same agent means a repeat of this same request won, with
 * the same reservation (there is one per item and agent), and that one stays.
 */
export async function giveBack(deps: ReservationDeps, customerId: string, reservation: CallReservation) {
  if (await claimLanded(deps, reservation)) return;
  await deps.customers.releaseCall(customerId, reservation);
}

/**
 * Counts an outbound call in the debtor's counters, exactly once. A claimed call's reservation
 * becomes the counted call (attempt, connected, conversation) in one write, so a repeated completion
 * finds no reservation left and counts nothing. A call without a reservation (logged with
 * POST /cases/{id}/contacts, or claimed before claims reserved places) counts when its timeline
 * entry was new. Which of the two it is, is decided on the first read only: a repeat racing this
 * write must not count the call a second time once the reservation is gone.
 */
export async function countCall(
  deps: Pick<ReservationDeps, 'customers'>,
  customerId: string,
  call: {
    occurredAt: string;
    connected: boolean;
    isNew: boolean;
    claim: Pick<CallReservation, 'workItemId' | 'agent'> | undefined;
  },
): Promise<void> {
  let byReservation: boolean | undefined;
  for (let attempt = 0; attempt < 5; attempt++) {
    const customer = await deps.customers.get(customerId);
    if (!customer) return;
    const ofItem = customer.callReservations.filter(
      (reservation) => reservation.workItemId === call.claim?.workItemId,
    );
    const reserved = ofItem.some((reservation) => reservation.agent === call.claim?.agent);
    byReservation ??= reserved;
    if (byReservation ? !reserved : !call.isNew) return;
    const last = customer.lastConversationAt;
    // The last conversation only moves forward: a call logged late must not shorten the quiet days.
    const lastConversationAt =
      call.connected && (last === null || parseIso(call.occurredAt) > parseIso(last))
        ? call.occurredAt
        : last;
    const counted = await deps.customers.changeCalls(customerId, customer.callsVersion, {
      // Other agents' reservations of the item held no place (only one claim of an item lands).
      release: ofItem,
      count: {
        day: localDay(call.occurredAt, customer.timezone),
        connected: call.connected,
        lastConversationAt,
      },
    });
    if (counted) return;
  }
  throw new ConcurrentUpdateError(`the call counters of customer ${customerId} kept changing`);
}
