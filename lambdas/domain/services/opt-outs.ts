import { isActive } from '../case';
import { DomainError } from '../errors';
import type {
  CaseRepository,
  CustomerRepository,
  OptOutChannel,
  OptOutLinks,
  TimelineRepository,
  WorkItemRepository,
} from '../ports';

export class CustomerNotFoundError extends DomainError {
  override readonly name = 'CustomerNotFoundError';
  readonly kind = 'NOT_FOUND' as const;
  constructor(customerId: string) {
    super(`No customer ${customerId}.`);
  }
}

export interface OptOutDeps {
  customers: CustomerRepository;
  cases: CaseRepository;
  timeline: TimelineRepository;
  workItems: WorkItemRepository;
}

/**
 * A customer's opt-out of one channel: never used again for collection (a notice the law requires
 * goes by another channel or by letter). Recorded on each open case; open call tasks are cancelled
 * when calls are refused.
 */
export async function optOut(
  deps: OptOutDeps,
  customerId: string,
  channel: OptOutChannel,
  at: string,
): Promise<void> {
  const customer = await deps.customers.get(customerId);
  if (!customer) throw new CustomerNotFoundError(customerId);
  await deps.customers.optOut(customerId, channel, at);
  const when = customer.optOuts[channel] ?? at;
  let nextToken: string | undefined;
  do {
    const page = await deps.cases.list({ customerId, limit: 100, ...(nextToken ? { nextToken } : {}) });
    for (const record of page.items.filter(isActive)) {
      await deps.timeline.append(record.caseId, [
        {
          eventId: `opt-out:${channel}`,
          at: when,
          type: 'OPTED_OUT',
          channel: channel === 'CALL' ? 'CALL' : channel,
          detail: { channel },
        },
      ]);
      if (channel !== 'CALL') continue;
      for (const item of await deps.workItems.listByCase(record.caseId)) {
        if (item.queue !== 'CALLS' || item.status !== 'OPEN') continue;
        const cancelled = {
          ...item,
          status: 'CANCELLED' as const,
          completedAt: at,
          version: item.version + 1,
        };
        if (!(await deps.workItems.replace(cancelled))) continue;
        await deps.timeline.append(record.caseId, [
          {
            eventId: `work-item-cancelled:${item.workItemId}`,
            at,
            type: 'WORK_ITEM_CANCELLED',
            detail: { workItemId: item.workItemId, queue: item.queue, reason: 'OPTED_OUT' },
          },
        ]);
      }
    }
    nextToken = page.nextToken;
  } while (nextToken);
}

/** POST /opt-out: the signed link in every message (its page's form or a one-click); an invalid token changes nothing. */
export async function optOutByLink(
  deps: OptOutDeps & { links: OptOutLinks },
  token: string,
  at: string,
): Promise<{ channel: 'SMS' | 'EMAIL' } | null> {
  const claim = await deps.links.read(token);
  if (!claim) return null;
  try {
    await optOut(deps, claim.customerId, claim.channel, at);
  } catch (error) {
    // A customer erased after retention: the link still answers as if it worked, revealing nothing.
    if (!(error instanceof CustomerNotFoundError)) throw error;
  }
  return { channel: claim.channel };
}
