import {
  AWAITING,
  type Awaiting,
  CASE_STATUSES,
  type CaseRecord,
  type CaseStatus,
  type EndedPromise,
} from '../../lambdas/domain/case';
import { resolutionOf } from '../../lambdas/domain/resolution';

/**
 * The one rule for waking a waiting workflow: what the case's status means to each kind of wait
 * (`null`: keep waiting). The ASL routes on `kind`, so every cell of this table is part of the
 * contract between the API and the state machine.
 */
const record = (status: CaseStatus, extra: Partial<CaseRecord> = {}): CaseRecord =>
  ({
    caseId: 'case-1',
    status,
    resolution: null,
    legal: { decision: null },
    pastPromises: [],
    ...extra,
  }) as unknown as CaseRecord;

const endedPromise = (outcome: EndedPromise['outcome']): EndedPromise => ({
  promisedAt: '2026-03-05T00:00:00.000Z',
  amount: 50_000,
  madeAt: '2026-03-02T00:00:00.000Z',
  keepBy: '2026-03-07T00:00:00.000Z',
  settlesFor: 100_100,
  outcome,
  endedAt: '2026-03-07T00:00:00.000Z',
});

type Row = [label: string, record: CaseRecord, expected: Record<Awaiting, string | null>];

const all = (kind: string): Record<Awaiting, string> =>
  Object.fromEntries(AWAITING.map((awaiting) => [awaiting, kind])) as Record<Awaiting, string>;

const TABLE: Row[] = [
  ['RESOLVED / PAID', record('RESOLVED', { resolution: 'PAID' }), all('PAID')],
  ['RESOLVED / RETURNED', record('RESOLVED', { resolution: 'RETURNED' }), all('RETURNED')],
  ['CANCELLED', record('CANCELLED', { resolution: 'DISPUTE_UPHELD' }), all('CANCELLED')],
  ['WRITTEN_OFF', record('WRITTEN_OFF', { resolution: 'WRITTEN_OFF' }), all('WRITTEN_OFF')],
  ['WRITTEN_OFF / LEGAL_LOST', record('WRITTEN_OFF', { resolution: 'LEGAL_LOST' }), all('WRITTEN_OFF')],
  [
    'DISPUTED',
    record('DISPUTED'),
    {
      LADDER: 'DISPUTE',
      PROMISE: 'DISPUTE',
      PLAN: 'DISPUTE',
      DISPUTE: null,
      LEGAL_REVIEW: 'DISPUTE',
      LEGAL_OUTCOME: 'DISPUTE',
    },
  ],
  [
    'PROMISED',
    record('PROMISED'),
    {
      LADDER: 'PROMISE',
      PROMISE: null,
      PLAN: null,
      DISPUTE: null,
      LEGAL_REVIEW: 'PROMISE',
      LEGAL_OUTCOME: null,
    },
  ],
  [
    'ON_PLAN',
    record('ON_PLAN'),
    {
      LADDER: 'PLAN',
      PROMISE: 'PLAN',
      PLAN: null,
      DISPUTE: 'PLAN',
      LEGAL_REVIEW: 'PLAN',
      LEGAL_OUTCOME: 'PLAN',
    },
  ],
  [
    'LEGAL',
    record('LEGAL', { legal: { decision: 'APPROVE' } as CaseRecord['legal'] }),
    {
      LADDER: 'LEGAL_APPROVED',
      PROMISE: null,
      PLAN: null,
      DISPUTE: 'DISPUTE_REJECTED',
      LEGAL_REVIEW: 'LEGAL_APPROVED',
      LEGAL_OUTCOME: null,
    },
  ],
  [
    'OPEN',
    record('OPEN'),
    {
      LADDER: null,
      PROMISE: null,
      PLAN: null,
      DISPUTE: 'DISPUTE_REJECTED',
      LEGAL_REVIEW: null,
      LEGAL_OUTCOME: null,
    },
  ],
  [
    'OPEN after a promise of a part was kept',
    record('OPEN', { pastPromises: [endedPromise('BROKEN'), endedPromise('KEPT')] }),
    {
      LADDER: null,
      // Back to OPEN while the promise wait runs: a promise of a part was paid.
      PROMISE: 'PROMISE_KEPT',
      PLAN: null,
      DISPUTE: 'DISPUTE_REJECTED',
      LEGAL_REVIEW: null,
      LEGAL_OUTCOME: null,
    },
  ],
  [
    'OPEN after the grace check broke the promise',
    record('OPEN', { pastPromises: [endedPromise('KEPT'), endedPromise('BROKEN')] }),
    {
      LADDER: null,
      // Not kept: the wait that broke it hears nothing (a retried check answers BROKEN itself).
      PROMISE: null,
      PLAN: null,
      DISPUTE: 'DISPUTE_REJECTED',
      LEGAL_REVIEW: null,
      LEGAL_OUTCOME: null,
    },
  ],
  [
    'OPEN after a declined legal review',
    record('OPEN', {
      legal: { decision: 'DECLINE' } as CaseRecord['legal'],
      pastPromises: [endedPromise('KEPT')],
    }),
    {
      LADDER: null,
      PROMISE: 'PROMISE_KEPT',
      PLAN: null,
      DISPUTE: 'DISPUTE_REJECTED',
      LEGAL_REVIEW: 'LEGAL_DECLINED',
      LEGAL_OUTCOME: null,
    },
  ],
];

describe('resolutionOf', () => {
  const cells = TABLE.flatMap(([label, status, expected]) =>
    AWAITING.map((awaiting) => [label, awaiting, status, expected[awaiting]] as const),
  );

  test.each(cells)('%s, awaiting %s', (_label, awaiting, current, kind) => {
    expect(resolutionOf(current, awaiting)).toEqual(kind === null ? null : { kind });
  });

  test('the table covers every status', () => {
    const covered = new Set(TABLE.map(([, current]) => current.status));

    expect([...covered].sort()).toEqual([...CASE_STATUSES].sort());
  });
});
