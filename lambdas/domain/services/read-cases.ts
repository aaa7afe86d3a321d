import { type CaseView, viewOf } from '../case';
import { CaseNotFoundError } from '../errors';
import type { CaseRepository, TimelineRepository } from '../ports';
import type { ListCasesRequest } from '../requests';
import type { TimelineEntry } from '../timeline';
import { policyOf } from './policy-of';

export type PublicTimelineEntry = Pick<TimelineEntry, 'at' | 'type' | 'channel' | 'detail'>;

export async function getCase(
  deps: { cases: CaseRepository; timeline: TimelineRepository },
  caseId: string,
  at: string,
): Promise<CaseView & { timeline: PublicTimelineEntry[] }> {
  const record = await deps.cases.get(caseId);
  if (!record) throw new CaseNotFoundError(caseId);
  const entries = await deps.timeline.list(caseId);
  return {
    ...viewOf(record, at, policyOf(record)),
    timeline: entries.map(({ at: when, type, channel, detail }) => ({
      at: when,
      type,
      ...(channel ? { channel } : {}),
      detail,
    })),
  };
}

export async function listCases(
  deps: { cases: CaseRepository },
  query: ListCasesRequest,
  at: string,
): Promise<{ items: CaseView[]; nextToken?: string }> {
  const page = await deps.cases.list(query);
  return {
    items: page.items.map((record) => viewOf(record, at, policyOf(record))),
    ...(page.nextToken ? { nextToken: page.nextToken } : {}),
  };
}
