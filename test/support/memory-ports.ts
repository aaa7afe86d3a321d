import type { CaseRecord } from '../../lambdas/domain/case';
import type {
  CallReservation,
  CallsChange,
  CaseEvents,
  CasePage,
  CaseQuery,
  CaseRepository,
  CaseWorkflow,
  Customer,
  CustomerDetails,
  CustomerRepository,
  OptOutChannel,
  TimelineRepository,
  WorkItem,
  WorkItemPage,
  WorkItemRepository,
  WorkItemStatus,
  WorkQueue,
} from '../../lambdas/domain/ports';
import type { WorkflowResolution } from '../../lambdas/domain/resolution';
import { rankOf, type TimelineEntry } from '../../lambdas/domain/timeline';

/**
 * The domain's ports in memory, with the semantics the DynamoDB adapters promise (conditional
 * create, optimistic versions, idempotent timeline appends): for property tests that run thousands
 * of histories through the real domain services, where dynalite would take minutes.
 */

const copy = <T>(value: T): T => structuredClone(value);

export class MemoryCases implements CaseRepository {
  readonly records = new Map<string, CaseRecord>();

  async get(caseId: string) {
    const record = this.records.get(caseId);
    return record ? copy(record) : undefined;
  }

  async getMany(caseIds: readonly string[]) {
    return caseIds.flatMap((caseId) => {
      const record = this.records.get(caseId);
      return record ? [copy(record)] : [];
    });
  }

  async create(record: CaseRecord) {
    if (this.records.has(record.caseId)) return 'exists' as const;
    this.records.set(record.caseId, copy(record));
    return 'created' as const;
  }

  async replace(next: CaseRecord) {
    const stored = this.records.get(next.caseId);
    if (!stored || stored.version !== next.version - 1) return false;
    this.records.set(next.caseId, copy(next));
    return true;
  }

  async list(query: CaseQuery): Promise<CasePage> {
    const items = [...this.records.values()].filter(
      (record) =>
        (query.status === undefined || record.status === query.status) &&
        (query.stage === undefined || record.stage === query.stage) &&
        (query.customerId === undefined || record.customerId === query.customerId) &&
        (query.rentalId === undefined || record.rentalId === query.rentalId),
    );
    return { items: items.slice(0, query.limit).map(copy) };
  }
}

export class MemoryTimeline implements TimelineRepository {
  private readonly entries = new Map<string, Map<string, TimelineEntry>>();

  private of(caseId: string) {
    let entries = this.entries.get(caseId);
    if (!entries) {
      entries = new Map();
      this.entries.set(caseId, entries);
    }
    return entries;
  }

  private key = (entry: Pick<TimelineEntry, 'at' | 'type' | 'eventId'>) =>
    `${entry.at}#${String(rankOf(entry)).padStart(2, '0')}#${entry.eventId}`;

  async append(caseId: string, entries: readonly TimelineEntry[]) {
    for (const entry of entries) await this.appendNew(caseId, entry);
  }

  async appendNew(caseId: string, entry: TimelineEntry) {
    const entries = this.of(caseId);
    const key = this.key(entry);
    if (entries.has(key)) return false;
    entries.set(key, copy(entry));
    return true;
  }

  async has(caseId: string, entry: Pick<TimelineEntry, 'at' | 'type' | 'eventId'>) {
    return this.of(caseId).has(this.key(entry));
  }

  async list(caseId: string) {
    return [...this.of(caseId).entries()]
      .sort(([a], [b]) => (a < b ? -1 : 1))
      .map(([, entry]) => copy(entry));
  }
}

export class MemoryCustomers implements CustomerRepository {
  readonly customers = new Map<string, Customer>();

  async put(details: CustomerDetails, _at: string, options: { keepStoredCountry?: boolean } = {}) {
    const earlier = this.customers.get(details.customerId);
    const country = options.keepStoredCountry && earlier ? earlier.country : details.country;
    this.customers.set(details.customerId, {
      optOuts: {},
      callDays: {},
      lastConversationAt: null,
      callReservations: [],
      countedCalls: [],
      claimsReserved: false,
      callsVersion: 0,
      ...earlier,
      ...copy(details),
      country,
    });
    return { country };
  }

  async get(customerId: string) {
    const customer = this.customers.get(customerId);
    return customer ? copy(customer) : undefined;
  }

  async optOut(customerId: string, channel: OptOutChannel, at: string) {
    const customer = this.customers.get(customerId);
    if (customer && !customer.optOuts[channel]) customer.optOuts[channel] = at;
  }

  async changeCalls(customerId: string, expectedVersion: number, change: CallsChange) {
    const customer = this.customers.get(customerId);
    if (!customer || customer.callsVersion !== expectedVersion) return false;
    const released = (reservation: CallReservation) =>
      (change.release ?? []).some(
        (r) => r.workItemId === reservation.workItemId && r.agent === reservation.agent,
      );
    customer.callReservations = [
      ...customer.callReservations.filter((reservation) => !released(reservation)),
      ...(change.reserve ?? []).map(copy),
    ];
    if (change.count) {
      const { day, connected, eventId, at, lastConversationAt } = change.count;
      const counts = customer.callDays[day] ?? { attempts: 0, connected: 0 };
      customer.callDays[day] = {
        attempts: counts.attempts + 1,
        connected: counts.connected + (connected ? 1 : 0),
      };
      customer.lastConversationAt = lastConversationAt;
      customer.countedCalls = [...customer.countedCalls, { eventId, at }];
    }
    if (change.forget) {
      customer.countedCalls = customer.countedCalls.filter((call) => !change.forget?.includes(call.eventId));
    }
    if (change.claimsReserved) customer.claimsReserved = true;
    customer.callsVersion += 1;
    return true;
  }

  async releaseCall(customerId: string, reservation: Pick<CallReservation, 'workItemId' | 'agent'>) {
    const customer = this.customers.get(customerId);
    if (!customer) return;
    customer.callReservations = customer.callReservations.filter(
      (held) => !(held.workItemId === reservation.workItemId && held.agent === reservation.agent),
    );
  }
}

export class MemoryWorkItems implements WorkItemRepository {
  readonly items = new Map<string, WorkItem>();

  async create(item: WorkItem) {
    if (this.items.has(item.workItemId)) return false;
    this.items.set(item.workItemId, copy(item));
    return true;
  }

  async get(workItemId: string) {
    const item = this.items.get(workItemId);
    return item ? copy(item) : undefined;
  }

  async replace(next: WorkItem) {
    const stored = this.items.get(next.workItemId);
    if (!stored || stored.version !== next.version - 1) return false;
    this.items.set(next.workItemId, copy(next));
    return true;
  }

  async list(query: { queue: WorkQueue; status: WorkItemStatus; limit: number }): Promise<WorkItemPage> {
    const items = [...this.items.values()].filter(
      (item) => item.queue === query.queue && item.status === query.status,
    );
    return { items: items.slice(0, query.limit).map(copy) };
  }

  async listByCase(caseId: string) {
    return [...this.items.values()].filter((item) => item.caseId === caseId).map(copy);
  }
}

/** No workflow: it notes what it was asked (the tests check the money, not the waits). */
export class RecordingWorkflow implements CaseWorkflow {
  readonly calls: Array<{ call: string; args: unknown[] }> = [];

  async start(caseId: string) {
    this.calls.push({ call: 'start', args: [caseId] });
  }

  async continueAs(stateMachineArn: string, name: string, input: Record<string, unknown>) {
    this.calls.push({ call: 'continueAs', args: [stateMachineArn, name, input] });
  }

  async closeRecovered(caseId: string) {
    this.calls.push({ call: 'closeRecovered', args: [caseId] });
  }

  async startNamed(name: string, input: Record<string, unknown>) {
    this.calls.push({ call: 'startNamed', args: [name, input] });
  }

  async resume(token: string, resolution: WorkflowResolution) {
    this.calls.push({ call: 'resume', args: [token, resolution] });
    return 'resumed' as const;
  }
}

/** The bus: what was published, in order. */
export class RecordingEvents implements CaseEvents {
  readonly published: Array<{ detailType: string; detail: Record<string, unknown> }> = [];

  async publish(detailType: string, detail: Record<string, unknown>) {
    this.published.push({ detailType, detail: copy(detail) });
  }
}

export function memoryPorts() {
  return {
    events: new RecordingEvents(),
    cases: new MemoryCases(),
    timeline: new MemoryTimeline(),
    customers: new MemoryCustomers(),
    workItems: new MemoryWorkItems(),
    workflow: new RecordingWorkflow(),
  };
}
