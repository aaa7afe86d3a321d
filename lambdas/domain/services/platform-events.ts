import { type CaseRecord, isActive } from '../case';
import { InvalidRequestError } from '../errors';
import type { CaseRepository } from '../ports';
import type { DeviceReturned, PaymentReceived } from '../requests';
import type { CaseCommandDeps } from './case-command';
import { recordReturn } from './customer-options';
import { type RecordPaymentDeps, recordPayment } from './record-payment';

export class NoOpenCaseError extends Error {
  override readonly name = 'NoOpenCaseError';
  constructor(rentalId: string) {
    super(`no case for rental ${rentalId} yet`);
  }
}

/** The first of the rental's cases, oldest first, that `matches`. */
async function findRentalCase(
  cases: CaseRepository,
  rentalId: string,
  matches: (record: CaseRecord) => boolean,
): Promise<string | undefined> {
  let nextToken: string | undefined;
  do {
    const page = await cases.list({ rentalId, limit: 100, ...(nextToken ? { nextToken } : {}) });
    const found = page.items.find(matches);
    if (found) return found.caseId;
    nextToken = page.nextToken;
  } while (nextToken);
  return undefined;
}

/**
 * The case an event about a rental is for: the one named, else the rental's oldest open case. A named
 * case of another rental is refused: the event is inconsistent and must not touch either rental.
 */
export async function caseForRental(
  cases: CaseRepository,
  rentalId: string,
  caseId: string | undefined,
): Promise<string | undefined> {
  if (caseId) {
    const named = await cases.get(caseId);
    if (named && named.rentalId !== rentalId) {
      throw new InvalidRequestError('The case belongs to another rental.', [
        { path: 'caseId', message: `case ${caseId} is not a case of rental ${rentalId}` },
      ]);
    }
    return caseId;
  }
  return findRentalCase(cases, rentalId, isActive);
}

const isWrittenOff = (record: CaseRecord): boolean => record.status === 'WRITTEN_OFF';

/**
 * Applies a `Payment Received` event. Without a `caseId`, in this order: the case that already holds
 * the payment (a redelivered event, a no-op there), the rental's oldest open case, its oldest
 * written-off case (paid in full, it is resolved), else its most recent case, closed or cancelled
 * (the money is recorded there for refund, never lost). A rental with no case at all fails, so the
 * queue retries it: its `Rental Overdue` may still be on the way.
 */
export async function applyPaymentReceived(
  deps: RecordPaymentDeps,
  event: PaymentReceived,
  at: string,
): Promise<'applied'> {
  const caseId = event.caseId
    ? await caseForRental(deps.cases, event.rentalId, event.caseId)
    : ((await findRentalCase(deps.cases, event.rentalId, (record) =>
        record.payments.some((payment) => payment.paymentId === event.paymentId),
      )) ??
      (await caseForRental(deps.cases, event.rentalId, undefined)) ??
      (await findRentalCase(deps.cases, event.rentalId, isWrittenOff)) ??
      (await latestCaseOfRental(deps.cases, event.rentalId)));
  if (!caseId) throw new NoOpenCaseError(event.rentalId);
  const { rentalId: _rentalId, caseId: _caseId, ...payment } = event;
  await recordPayment(deps, caseId, payment, at);
  return 'applied';
}

/** The rental's oldest open case, else its most recent case of any status (by opening, then due date). */
async function latestCaseOfRental(cases: CaseRepository, rentalId: string): Promise<string | undefined> {
  let latest: CaseRecord | undefined;
  const open = await findRentalCase(cases, rentalId, (record) => {
    if (isActive(record)) return true;
    const later =
      !latest ||
      record.openedAt > latest.openedAt ||
      (record.openedAt === latest.openedAt && record.dueAt > latest.dueAt);
    if (later) latest = record;
    return false;
  });
  return open ?? latest?.caseId;
}

/**
 * Applies a `Device Returned` event: the named case, else the rental's oldest open case, else its
 * oldest written-off case (the return resolves it). A rental whose cases are all otherwise closed
 * has nothing to resolve (a repeat); one with no case at all is retried.
 */
export async function applyDeviceReturned(
  deps: CaseCommandDeps,
  event: DeviceReturned,
  at: string,
): Promise<'applied' | 'nothing-open'> {
  // A redelivered event (returns have no id of their own) matches the case it already returned,
  // by the platform's return time, rather than returning the rental's next open case.
  const returnedAt = new Date(event.returnedAt).toISOString();
  const caseId = event.caseId
    ? await caseForRental(deps.cases, event.rentalId, event.caseId)
    : ((await findRentalCase(deps.cases, event.rentalId, (record) => record.returnedAt === returnedAt)) ??
      (await caseForRental(deps.cases, event.rentalId, undefined)) ??
      (await findRentalCase(deps.cases, event.rentalId, isWrittenOff)));
  if (!caseId) {
    if (await latestCaseOfRental(deps.cases, event.rentalId)) return 'nothing-open';
    throw new NoOpenCaseError(event.rentalId);
  }
  await recordReturn(deps, caseId, { returnedAt: event.returnedAt, condition: event.condition }, at);
  return 'applied';
}
