import type { Awaiting, CaseRecord } from './case';

/**
 * What a waiting workflow is told when the case changes (the output of `SendTaskSuccess`). The ASL
 * routes on `kind` in "What happened to the case?".
 */
export const RESOLUTION_KINDS = [
  'PAID',
  'RETURNED',
  'CANCELLED',
  'WRITTEN_OFF',
  'PROMISE',
  'PROMISE_KEPT',
  'PLAN',
  'DISPUTE',
  'DISPUTE_REJECTED',
  'LEGAL_APPROVED',
  'LEGAL_DECLINED',
] as const;
export type ResolutionKind = (typeof RESOLUTION_KINDS)[number];

export interface WorkflowResolution {
  kind: ResolutionKind;
}

/**
 * The one rule for waking a workflow: given what it waits for and the case as it is now, the news
 * it must act on, or null when there is none (it keeps waiting). The API asks this after every
 * change; a wait that starts late asks it too, so no change is missed whichever comes first.
 */
export function resolutionOf(record: CaseRecord, awaiting: Awaiting): WorkflowResolution | null {
  const kind = ((): ResolutionKind | null => {
    // A closed case's dispute, rejected: the case is closed again, but the wait hears the ruling
    // (its credit report's flag must be lifted), not how the case was closed long ago.
    if (awaiting === 'DISPUTE' && record.dispute?.closedBefore && record.dispute.outcome === 'REJECTED')
      return record.status === 'DISPUTED' ? null : 'DISPUTE_REJECTED';
    switch (record.status) {
      case 'RESOLVED':
        return record.resolution === 'RETURNED' ? 'RETURNED' : 'PAID';
      case 'CANCELLED':
        return 'CANCELLED';
      case 'WRITTEN_OFF':
        return 'WRITTEN_OFF';
      case 'DISPUTED':
        return awaiting === 'DISPUTE' ? null : 'DISPUTE';
      case 'PROMISED':
        return awaiting === 'LADDER' || awaiting === 'LEGAL_REVIEW' ? 'PROMISE' : null;
      case 'ON_PLAN':
        return awaiting === 'PLAN' ? null : 'PLAN';
      case 'LEGAL':
        if (awaiting === 'DISPUTE') return 'DISPUTE_REJECTED';
        return awaiting === 'LEGAL_REVIEW' || awaiting === 'LADDER' ? 'LEGAL_APPROVED' : null;
      case 'OPEN':
        if (awaiting === 'DISPUTE') return 'DISPUTE_REJECTED';
        // A promise of a part was paid: the ladder resumes where it stood. A promise the grace check
        // broke is no news to the wait that checked it.
        if (awaiting === 'PROMISE')
          return record.pastPromises.at(-1)?.outcome === 'KEPT' ? 'PROMISE_KEPT' : null;
        if (awaiting === 'LEGAL_REVIEW' && record.legal.decision === 'DECLINE') return 'LEGAL_DECLINED';
        return null;
    }
  })();
  return kind === null ? null : { kind };
}
