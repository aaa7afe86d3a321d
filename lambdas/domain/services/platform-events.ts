import { isActive } from '../case';
import type { CaseRepository } from '../ports';
import type { PaymentReceived } from '../requests';
import { type RecordPaymentDeps, recordPayment } from './record-payment';

/** The case an event about a rental is for: the one named, else the rental's oldest open case. */
export async function caseForRental(
  cases: CaseRepository,
  rentalId: string,
  caseId: string | undefined,
): Promise<string | undefined> {
  if (caseId) return caseId;
  let nextToken: string | undefined;
  do {
    const page = await cases.list({ rentalId, limit: 100, ...(nextToken ? { nextToken } : {}) });
    const open = page.items.find(isActive);
    if (open) return open.caseId;
    nextToken = page.nextToken;
  } while (nextToken);
  return undefined;
}

/** Applies a `Payment Received` event; a payment for a rental with no open case is not ours to apply. */
export async function applyPaymentReceived(
  deps: RecordPaymentDeps,
  event: PaymentReceived,
  at: string,
): Promise<'applied' | 'no-open-case'> {
  const caseId = await caseForRental(deps.cases, event.rentalId, event.caseId);
  if (!caseId) return 'no-open-case';
  const { rentalId: _rentalId, caseId: _caseId, ...payment } = event;
  await recordPayment(deps, caseId, payment, at);
  return 'applied';
}
