import { type CaseRecord, type CaseView, viewOf } from '../case';
import type { CaseRepository, CaseWorkflow, TimelineRepository } from '../ports';
import { resolutionOf } from '../resolution';
import type { TimelineEntry } from '../timeline';
import { policyOf } from './policy-of';
import { updateCase } from './update-case';

export interface CaseCommandDeps {
  cases: CaseRepository;
  timeline: TimelineRepository;
  workflow: CaseWorkflow;
}

/**
 * Wakes the workflow if it waits on this case and the case's news concerns it (`resolutionOf`). A
 * stale token (that wait already ended) is fine: the next wait asks `resolutionOf` itself.
 */
export async function wakeWorkflow(workflow: CaseWorkflow, record: CaseRecord): Promise<void> {
  const pending = record.pendingResolution;
  if (!pending) return;
  const resolution = resolutionOf(record, pending.awaiting);
  if (resolution) await workflow.resume(pending.token, resolution);
}

/**
 * A written-off case has no execution left: when a payment in full or a return resolves it later,
 * its closing (restriction lifted, receipt, credit report settled) runs in `<caseId>-recovered`.
 * Idempotent: the same execution name and input again starts nothing new.
 */
export async function closeRecoveredCase(
  deps: { cases: CaseRepository; workflow: CaseWorkflow },
  record: CaseRecord,
  at: string,
): Promise<void> {
  if (
    record.status === 'RESOLVED' &&
    record.writtenOffAt &&
    (record.resolution === 'PAID' || record.resolution === 'RETURNED')
  ) {
    await startExecutionOnce(deps.cases, record.caseId, `${record.caseId}-recovered`, at, () =>
      deps.workflow.closeRecovered(record.caseId),
    );
  }
}

/**
 * Starts an execution of the case's workflow under `name`, noting it on the case first (not begun)
 * and as begun once the start succeeded: a retry after a failed start starts it then (the same name
 * and input start nothing twice), and a replayed opening of the case starts no other one meanwhile.
 */
export async function startExecutionOnce(
  cases: CaseRepository,
  caseId: string,
  name: string,
  at: string,
  start: () => Promise<void>,
): Promise<void> {
  const { record } = await updateCase(cases, caseId, (current) =>
    current.workflow?.name === name
      ? { next: null, result: undefined }
      : { next: { ...current, workflow: { name, requestedAt: at, startedAt: null } }, result: undefined },
  );
  if (record.workflow?.name === name && record.workflow.startedAt) return;
  await start();
  await updateCase(cases, caseId, (current) =>
    current.workflow?.name === name && current.workflow.startedAt === null
      ? { next: { ...current, workflow: { ...current.workflow, startedAt: at } }, result: undefined }
      : { next: null, result: undefined },
  );
}

/**
 * An API command on a case: decide on the latest record (optimistic locking, re-decided on a race),
 * write it, record its timeline facts, wake the workflow. `decide` throws a domain error to refuse
 * (nothing is written) or returns null to change nothing (a repeated request); `entries` derives
 * the timeline facts from the resulting record, so a retry rewrites the same entries.
 */
export async function runCaseCommand(
  deps: CaseCommandDeps,
  caseId: string,
  at: string,
  decide: (current: CaseRecord) => CaseRecord | null,
  entries: (record: CaseRecord) => TimelineEntry[],
  /** What else follows the write (after the timeline and the wake-up). */
  after?: (record: CaseRecord) => Promise<void>,
): Promise<CaseView> {
  const { record } = await updateCase(deps.cases, caseId, (current) => {
    const next = decide(current);
    return { next: next ? { ...next, updatedAt: at } : null, result: undefined };
  });
  await deps.timeline.append(caseId, entries(record));
  await wakeWorkflow(deps.workflow, record);
  if (after) await after(record);
  return viewOf(record, at, policyOf(record));
}
