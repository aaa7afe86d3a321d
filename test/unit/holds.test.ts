import type { CaseStatus } from '../../lambdas/domain/case';
import type { WorkQueue } from '../../lambdas/domain/ports';
import { holdOn } from '../../lambdas/domain/services/work-items';

/** Which work a case's status holds: what the claim gate refuses and the listing shows as HELD. */

const ruleOf = (queue: WorkQueue, status: CaseStatus) => holdOn(queue, { status })?.rule ?? null;

describe('holdOn', () => {
  test.each<[CaseStatus, Record<WorkQueue, string | null>]>([
    ['OPEN', { CALLS: null, VISITS: null, LETTERS: null, LEGAL_REVIEW: null }],
    [
      'DISPUTED',
      { CALLS: 'DISPUTE_HOLD', VISITS: 'DISPUTE_HOLD', LETTERS: 'DISPUTE_HOLD', LEGAL_REVIEW: null },
    ],
    [
      'PROMISED',
      { CALLS: 'ARRANGEMENT_HOLD', VISITS: 'ARRANGEMENT_HOLD', LETTERS: null, LEGAL_REVIEW: null },
    ],
    ['ON_PLAN', { CALLS: 'ARRANGEMENT_HOLD', VISITS: 'ARRANGEMENT_HOLD', LETTERS: null, LEGAL_REVIEW: null }],
    ['LEGAL', { CALLS: null, VISITS: null, LETTERS: null, LEGAL_REVIEW: null }],
  ])('a case %s holds %j', (status, expected) => {
    const queues: WorkQueue[] = ['CALLS', 'VISITS', 'LETTERS', 'LEGAL_REVIEW'];

    const rules = Object.fromEntries(queues.map((queue) => [queue, ruleOf(queue, status)]));

    expect(rules).toEqual(expected);
  });
});
