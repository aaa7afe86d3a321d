import { type CaseRecord, isActive } from '../case';
import { InvalidRequestError } from '../errors';
import type { CaseRepository } from '../ports';
import type { PaymentReceived } from '../requests';
import { type RecordPaymentDeps, recordPayment } from './record-payment';

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

/**
 * Applies a `Payment Received` event; a payment for a rental with no open case is not ours to apply.
 * Without a `caseId`, a payment already applied (a redelivered event) goes back to the case that holds
 * it, where it is a no-op, rather than to the rental's next open case.
 */
export async function applyPaymentReceived(
  deps: RecordPaymentDeps,
  event: PaymentReceived,
  at: string,
): Promise<'applied' | 'no-open-case'> {
  const caseId = event.caseId
    ? await caseForRental(deps.cases, event.rentalId, event.caseId)
    : ((await findRentalCase(deps.cases, event.rentalId, (record) =>
        record.payments.some((payment) => payment.paymentId === event.paymentId),
      )) ?? (await caseForRental(deps.cases, event.rentalId, undefined)));
  if (!caseId) return 'no-open-case';
  const { rentalId: _rentalId, caseId: _caseId, ...payment } = event;
  await recordPayment(deps, caseId, payment, at);
  return 'applied';
}
