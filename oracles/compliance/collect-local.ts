import type {
  CaseFacts,
  ComplianceRecord,
  CustomerFacts,
  MessageFact,
  TimelineFact,
  WorkItemFact,
  WorkQueue,
} from './record';

/**
 * Reads a running local runtime over HTTP into the checker's record: the outbox
 * (`GET /_local/outbox`), each case with its timeline (`GET /cases?customerId=`, `GET /cases/{id}`)
 * and the work items of every queue and status (`GET /work-items`). Addresses, texts and names are
 * dropped on the way: the record refers to customers by id only.
 *
 * The customers' time zones and countries are what the platform sent when it opened the cases (the
 * API has no route that reads them back), so the caller passes them in.
 */
export interface CollectOptions {
  /** Base URL of the runtime's API, e.g. `http://127.0.0.1:3000`. */
  api: string;
  customers: CustomerFacts[];
  /** Phone number or email → customer id, for a message whose case id is missing. */
  addresses?: ReadonlyMap<string, string>;
  /** How many requests to have in flight at once. */
  concurrency?: number;
}

interface OutboxItem {
  channel: 'SMS' | 'EMAIL';
  to: string;
  caseId: string | null;
  kind: string | null;
  at: string;
}

interface CaseReply {
  caseId: string;
  customerId: string;
  timeline: TimelineFact[];
}

interface WorkItemReply {
  workItemId: string;
  queue: WorkQueue;
  caseId: string;
  status: string;
  stage?: string | null;
  outcome?: string | null;
}

const QUEUES: readonly WorkQueue[] = ['CALLS', 'VISITS', 'LETTERS', 'LEGAL_REVIEW'];
const STATUSES = ['OPEN', 'CLAIMED', 'DONE', 'CANCELLED'] as const;

export class CollectError extends Error {
  override readonly name = 'CollectError';
}

async function getJson<T>(api: string, route: string): Promise<T> {
  const response = await fetch(`${api}${route}`);
  const text = await response.text();
  if (response.status !== 200) throw new CollectError(`GET ${route} answered ${response.status}: ${text}`);
  return JSON.parse(text) as T;
}

async function allPages<T>(api: string, route: string): Promise<T[]> {
  const items: T[] = [];
  let nextToken: string | undefined;
  do {
    const separator = route.includes('?') ? '&' : '?';
    const token = nextToken ? `&nextToken=${encodeURIComponent(nextToken)}` : '';
    const page = await getJson<{ items: T[]; nextToken?: string }>(
      api,
      `${route}${separator}limit=100${token}`,
    );
    items.push(...page.items);
    nextToken = page.nextToken;
  } while (nextToken);
  return items;
}

async function mapConcurrently<T, R>(values: readonly T[], limit: number, run: (value: T) => Promise<R>) {
  const results: R[] = new Array(values.length);
  let next = 0;
  const worker = async () => {
    while (next < values.length) {
      const position = next++;
      results[position] = await run(values[position] as T);
    }
  };
  await Promise.all(Array.from({ length: Math.max(1, Math.min(limit, values.length)) }, worker));
  return results;
}

export async function collectFromLocalRuntime(options: CollectOptions): Promise<ComplianceRecord> {
  const { api } = options;
  const concurrency = options.concurrency ?? 4;
  const outbox = (await getJson<{ items: OutboxItem[] }>(api, '/_local/outbox')).items;

  const listed = await mapConcurrently(options.customers, concurrency, (customer) =>
    allPages<{ caseId: string }>(api, `/cases?customerId=${encodeURIComponent(customer.customerId)}`),
  );
  const caseIds = [
    ...new Set([
      ...listed.flat().map((item) => item.caseId),
      ...outbox.flatMap((item) => (item.caseId ? [item.caseId] : [])),
    ]),
  ];
  const replies = await mapConcurrently(caseIds, concurrency, (caseId) =>
    getJson<CaseReply>(api, `/cases/${encodeURIComponent(caseId)}`),
  );
  const cases: CaseFacts[] = replies.map(({ caseId, customerId, timeline }) => ({
    caseId,
    customerId,
    timeline: timeline.map(({ at, type, channel, detail }) => ({
      at,
      type,
      ...(channel ? { channel } : {}),
      detail: detail ?? {},
    })),
  }));
  const customerOfCase = new Map(cases.map((facts) => [facts.caseId, facts.customerId]));

  const messages: MessageFact[] = outbox.map((item) => ({
    channel: item.channel,
    caseId: item.caseId,
    customerId:
      (item.caseId ? customerOfCase.get(item.caseId) : undefined) ?? options.addresses?.get(item.to) ?? null,
    kind: item.kind,
    at: item.at,
  }));

  const pairs = QUEUES.flatMap((queue) => STATUSES.map((status) => ({ queue, status })));
  const listedItems = await mapConcurrently(pairs, concurrency, ({ queue, status }) =>
    allPages<WorkItemReply>(api, `/work-items?queue=${queue}&status=${status}`),
  );
  return { customers: options.customers, cases, messages, workItems: workItemsOf(listedItems.flat(), cases) };
}

/** Work items as listed, with their times from the timeline's WORK_ITEM_* entries. */
export function workItemsOf(listed: readonly WorkItemReply[], cases: readonly CaseFacts[]): WorkItemFact[] {
  const times = new Map<string, { createdAt?: string; claimedAt?: string; completedAt?: string }>();
  for (const facts of cases) {
    for (const entry of facts.timeline) {
      const workItemId = entry.detail.workItemId;
      if (typeof workItemId !== 'string') continue;
      const known = times.get(workItemId) ?? {};
      if (entry.type === 'WORK_ITEM_CREATED') known.createdAt ??= entry.at;
      if (entry.type === 'WORK_ITEM_CLAIMED') known.claimedAt = entry.at;
      if (entry.type === 'WORK_ITEM_COMPLETED' || entry.type === 'WORK_ITEM_CANCELLED')
        known.completedAt ??= entry.at;
      times.set(workItemId, known);
    }
  }
  const unique = new Map(listed.map((item) => [item.workItemId, item]));
  return [...unique.values()].map((item) => {
    const known = times.get(item.workItemId) ?? {};
    return {
      workItemId: item.workItemId,
      queue: item.queue,
      caseId: item.caseId,
      stage: item.stage ?? null,
      status: item.status,
      createdAt: known.createdAt ?? null,
      claimedAt: known.claimedAt ?? null,
      completedAt: known.completedAt ?? null,
      outcome: item.outcome ?? null,
    };
  });
}
