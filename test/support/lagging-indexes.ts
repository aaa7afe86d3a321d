import type { CaseRecord } from '../../lambdas/domain/case';
import type { CaseRepository, WorkItem, WorkItemRepository } from '../../lambdas/domain/ports';

/**
 * Repositories whose listings lag behind their writes, as a DynamoDB global secondary index may on
 * AWS: from the moment they are made, everything written through them is left out of `list` and
 * `listByCase` answers as it was before (a created record is missing, a replaced one shows its
 * previous version). Reads by key (`get`, `getMany`) stay strongly consistent, as on AWS.
 */
export function laggingWorkItems(repository: WorkItemRepository): WorkItemRepository {
  const before = new Map<string, WorkItem | null>();
  const asIndexed = (items: WorkItem[]) =>
    items.flatMap((item) => {
      if (!before.has(item.workItemId)) return [item];
      const earlier = before.get(item.workItemId);
      return earlier ? [earlier] : [];
    });
  return {
    get: (workItemId) => repository.get(workItemId),
    async create(item) {
      if (!before.has(item.workItemId)) before.set(item.workItemId, null);
      return repository.create(item);
    },
    async replace(next) {
      if (!before.has(next.workItemId))
        before.set(next.workItemId, (await repository.get(next.workItemId)) ?? null);
      return repository.replace(next);
    },
    list: async (query) => {
      const page = await repository.list(query);
      return { ...page, items: asIndexed(page.items) };
    },
    listByCase: async (caseId) => asIndexed(await repository.listByCase(caseId)),
  };
}

export function laggingCases(repository: CaseRepository): CaseRepository {
  const before = new Map<string, CaseRecord | null>();
  return {
    get: (caseId) => repository.get(caseId),
    getMany: (caseIds) => repository.getMany(caseIds),
    async create(record) {
      if (!before.has(record.caseId)) before.set(record.caseId, null);
      return repository.create(record);
    },
    async replace(next) {
      if (!before.has(next.caseId)) before.set(next.caseId, (await repository.get(next.caseId)) ?? null);
      return repository.replace(next);
    },
    async list(query) {
      const page = await repository.list(query);
      const items = page.items.flatMap((record) => {
        if (!before.has(record.caseId)) return [record];
        const earlier = before.get(record.caseId);
        return earlier ? [earlier] : [];
      });
      return { ...page, items };
    },
  };
}
