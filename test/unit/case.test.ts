import { type CaseRecord, caseIdFor, closeRecord, viewOf } from '../../lambdas/domain/case';

const policy = { lateFee: { basisPointsPerDay: 5, capPercentOfAmountDue: 20 } };

const record: CaseRecord = {
  caseId: 'case-1',
  rentalId: 'r-1',
  customerId: 'c-1',
  dueAt: '2026-03-01T00:00:00.000Z',
  openedAt: '2026-03-01T01:00:00.000Z',
  updatedAt: '2026-03-01T01:00:00.000Z',
  status: 'OPEN',
  stage: 'OVERDUE_NOTICE',
  resolution: null,
  closedAt: null,
  currency: 'CNY',
  amountDue: 100_000,
  paid: 30_000,
  feeAccrual: [{ from: '2026-03-01T00:00:00.000Z', to: null }],
  device: { sku: 's', name: 'n', serial: 'x' },
  policyId: 'default',
  policyVersion: 1,
  profile: 'CN',
  creditReport: {
    status: 'NONE',
    reference: null,
    preNoticeAt: null,
    reportedAt: null,
    statusBeforeDispute: null,
  },
  accountRestricted: false,
  promise: null,
  pastPromises: [],
  plan: null,
  brokenPlan: null,
  dispute: null,
  legal: {
    reviewWorkItemId: null,
    decision: null,
    reviewer: null,
    decidedAt: null,
    outcome: null,
    judgmentRef: null,
    outcomeAt: null,
    disclosureApprovals: [],
    disclosedAt: null,
  },
  ladder: { stage: 'OVERDUE_NOTICE', waitUntil: '2026-03-01T01:00:00.000Z', pausedRemainingSeconds: null },
  returnCondition: null,
  returnedAt: null,
  payments: [],
  pendingResolution: null,
  nextActionAt: '2026-03-01T01:00:00.000Z',
  version: 1,
};

describe('case', () => {
  test('the case id is the natural key: same rental and due instant, same id, whatever the notation', () => {
    expect(caseIdFor('r-1', '2026-03-01T00:00:00Z')).toBe(caseIdFor('r-1', '2026-03-01T08:00:00.000+08:00'));
    expect(caseIdFor('r-1', '2026-03-01T00:00:00Z')).not.toBe(caseIdFor('r-2', '2026-03-01T00:00:00Z'));
    expect(caseIdFor('r-1', '2026-03-01T00:00:00Z')).toMatch(/^case-[0-9a-f]{24}$/);
  });

  test('outstanding is amountDue + fees - payments as of the time asked', () => {
    const view = viewOf(record, '2026-03-11T00:00:00.000Z', policy);

    expect(view.fees).toEqual({ amount: 500, currency: 'CNY' });
    expect(view.outstanding).toEqual({ amount: 70_500, currency: 'CNY' });
    expect(view.refundDue).toEqual({ amount: 0, currency: 'CNY' });
  });

  test('a case closed by a return or an upheld dispute owes nothing: all that was received is due back', () => {
    const returned = closeRecord(record, 'RESOLVED', 'RETURNED', '2026-03-20T00:00:00.000Z');
    const upheld = closeRecord(record, 'CANCELLED', 'DISPUTE_UPHELD', '2026-03-20T00:00:00.000Z');

    for (const closed of [returned, upheld]) {
      const view = viewOf(closed, '2026-06-01T00:00:00.000Z', policy);
      expect(view.outstanding.amount).toBe(0);
      expect(view.refundDue.amount).toBe(30_000);
    }
  });

  test('closing freezes fees at the given instant', () => {
    const closed = closeRecord(
      record,
      'WRITTEN_OFF',
      'WRITTEN_OFF',
      '2026-03-20T00:00:00.000Z',
      '2026-03-11T00:00:00.000Z',
    );

    expect(viewOf(closed, '2026-06-01T00:00:00.000Z', policy).fees.amount).toBe(500);
    expect(viewOf(closed, '2026-06-01T00:00:00.000Z', policy).outstanding.amount).toBe(70_500);
    expect(closed).toMatchObject({
      status: 'WRITTEN_OFF',
      resolution: 'WRITTEN_OFF',
      closedAt: '2026-03-20T00:00:00.000Z',
    });
  });
});
