import type { CaseRecord } from '../../lambdas/domain/case';
import { applyPayment } from '../../lambdas/domain/payments';
import { findPolicy } from '../../lambdas/domain/policy';
import { type StoredCaseRecord, upgradeCaseRecord } from '../../lambdas/domain/record-upgrade';
import { agreePlan, makePromise } from '../../lambdas/domain/services/customer-options';
import { checkArrangement } from '../../lambdas/domain/services/ladder';
import { decideLegalReview } from '../../lambdas/domain/services/legal';
import { openCase } from '../../lambdas/domain/services/open-case';
import { recordPayment } from '../../lambdas/domain/services/record-payment';
import { openLegalReview } from '../../lambdas/domain/services/tracks';
import { openCaseBody } from '../support/fixtures';
import { memoryPorts } from '../support/memory-ports';
import { DAY, iso } from '../support/time';

/**
 * Domain-level checks of the second money review, on the in-memory ports: what a payment that moves
 * a settlement answers, how records of earlier builds are read, and a retried payment stored before
 * the stated date was kept.
 */
const policy = findPolicy('default')!;
const DUE = Date.parse('2026-03-01T00:00:00.000Z');
const day = (n: number) => iso(DUE + n * DAY);
const cny = (amount: number) => ({ amount, currency: 'CNY' });

async function openedCase() {
  const ports = memoryPorts();
  const body = openCaseBody({ amountDue: cny(100_000), dueAt: day(0) });
  const { view } = await openCase(ports, body, day(0));
  return { ports, caseId: view.caseId };
}

describe('recordPayment', () => {
  test('answers the correction when a late payment moves the settlement of a resolved case', async () => {
    // Prepare: resolved on day 4 for 100,200
    const { ports, caseId } = await openedCase();
    const settled = await recordPayment(
      ports,
      caseId,
      { paymentId: 'settled', amount: cny(100_200), paidAt: day(4) },
      day(4),
    );

    // Act: the debt as of day 1, paid on day 1, reported on day 10
    const moved = await recordPayment(
      ports,
      caseId,
      { paymentId: 'earlier', amount: cny(100_050), paidAt: day(1) },
      day(10),
    );

    // Assess
    expect(settled.correction).toBeNull();
    expect(moved.correction).toEqual({
      paymentId: 'earlier',
      fees: { before: 200, after: 50 },
      refundDue: { before: 0, after: 100_200 },
      resolution: null,
    });
    expect(moved.view.refundDue).toEqual(cny(100_200));
  });

  test('answers the resolution too when a return turns out to have been paid before it', async () => {
    const { ports, caseId } = await openedCase();
    const record = (await ports.cases.get(caseId))!;
    await ports.cases.replace({
      ...record,
      status: 'RESOLVED',
      resolution: 'RETURNED',
      returnedAt: day(5),
      closedAt: day(5),
      feeAccrual: [{ from: day(0), to: day(5) }],
      version: record.version + 1,
    });

    const { correction } = await recordPayment(
      ports,
      caseId,
      { paymentId: 'before-return', amount: cny(100_200), paidAt: day(4) },
      day(6),
    );

    expect(correction).toEqual({
      paymentId: 'before-return',
      fees: { before: 250, after: 200 },
      refundDue: { before: 0, after: 0 },
      resolution: { from: 'RETURNED', to: 'PAID' },
    });
  });
});

describe('upgradeCaseRecord', () => {
  const current = async (): Promise<CaseRecord> => {
    const { ports, caseId } = await openedCase();
    return (await ports.cases.get(caseId))!;
  };

  test('a record of today is returned as it is', async () => {
    const record = await current();

    expect(upgradeCaseRecord(record)).toBe(record);
  });

  test('whole days and a running start become accrual periods; no history, no broken plan', async () => {
    const { feeAccrual: _a, pastPromises: _p, brokenPlan: _b, ...rest } = await current();
    const stored = { ...rest, feeDays: 3, feeAccruingSince: day(5) } as unknown as StoredCaseRecord;

    const upgraded = upgradeCaseRecord(stored);

    expect(upgraded.feeAccrual).toEqual([
      { from: day(0), to: day(3) },
      { from: day(5), to: null },
    ]);
    expect(upgraded).toMatchObject({ pastPromises: [], brokenPlan: null });
    expect(upgraded).not.toHaveProperty('feeDays');
    expect(upgraded).not.toHaveProperty('feeAccruingSince');
  });

  test('a promise of a part stored with settlesFor null settles for the debt when it was made', async () => {
    const record = await current();
    const stored = {
      ...record,
      status: 'PROMISED',
      promise: { promisedAt: day(6), amount: 50_000, madeAt: day(2), keepBy: day(8), settlesFor: null },
    } as unknown as StoredCaseRecord;

    expect(upgradeCaseRecord(stored).promise?.settlesFor).toBe(100_100);
  });
});

describe('a retry of a payment stored before the stated date was kept', () => {
  test('dated at its report, stated up to five minutes ahead: the same payment, not a conflict', async () => {
    const { ports, caseId } = await openedCase();
    const record = (await ports.cases.get(caseId))!;
    const stored: CaseRecord = {
      ...record,
      paid: 10_000,
      payments: [
        { paymentId: 'p-1', amount: 10_000, currency: 'CNY', paidAt: day(1), reportedAt: day(1), excess: 0 },
      ],
    };
    const input = { paymentId: 'p-1', amount: cny(10_000), paidAt: iso(DUE + DAY + 2 * 60_000) };

    expect(applyPayment(stored, input, day(2), policy)).toBeNull();
    expect(() =>
      applyPayment(stored, { ...input, paidAt: iso(DUE + DAY + 6 * 60_000) }, day(2), policy),
    ).toThrow(/already applied/);
  });
});

describe('a broken plan is honoured through whatever came after the break', () => {
  /** A plan of day 3 (50,000) and day 10 (50,050) agreed on day 1, found broken at its grace end, day 5. */
  async function brokenPlanCase() {
    const { ports, caseId } = await openedCase();
    await agreePlan(
      ports,
      caseId,
      {
        type: 'INSTALLMENTS',
        installments: [
          { dueAt: day(3), amount: cny(50_000) },
          { dueAt: day(10), amount: cny(50_050) },
        ],
      },
      day(1),
    );
    expect(await checkArrangement(ports, { caseId, arrangement: 'PLAN', at: day(5) })).toEqual({
      kind: 'BROKEN',
    });
    return { ports, caseId };
  }
  const instalmentInTime = { paymentId: 'instalment-1', amount: cny(50_000), paidAt: day(4) };

  test('legal action since: the fees since the break are taken back, the case stays at law', async () => {
    // Prepare: legal action approved on day 6
    const { ports, caseId } = await brokenPlanCase();
    await openLegalReview(ports, { caseId, at: day(6) });
    await decideLegalReview(ports, caseId, { decision: 'APPROVE', reviewer: 'legal-1' }, day(6));

    // Act
    const { view } = await recordPayment(ports, caseId, instalmentInTime, day(7));

    // Assess: one day of fees, before the plan
    expect(view).toMatchObject({ status: 'LEGAL', fees: cny(50), outstanding: cny(50_050) });
  });

  test('a promise of a part kept since: the plan stands again', async () => {
    // Prepare: 30,000 of the 100,100 promised on day 6 and paid an hour later (OPEN again)
    const { ports, caseId } = await brokenPlanCase();
    const hourLater = iso(DUE + 6 * DAY + 3_600_000);
    await makePromise(ports, caseId, { promisedAt: day(8), amount: cny(30_000) }, day(6));
    const kept = await recordPayment(
      ports,
      caseId,
      { paymentId: 'part', amount: cny(30_000), paidAt: hourLater },
      hourLater,
    );

    // Act
    const { view } = await recordPayment(ports, caseId, instalmentInTime, day(7));

    // Assess: what the plan settles for (100,050) less the 80,000 paid
    expect(kept.view.status).toBe('OPEN');
    expect(view).toMatchObject({ status: 'ON_PLAN', fees: cny(50), outstanding: cny(20_050) });
  });
});

describe('money reaching a closed case is announced even when the bus fails the first time', () => {
  /** Prepare: a case resolved on day 4, then an overpayment on day 6 whose announcement fails once. */
  async function overpaidAfterClose() {
    const { ports, caseId } = await openedCase();
    await recordPayment(
      ports,
      caseId,
      { paymentId: 'settled', amount: cny(100_200), paidAt: day(4) },
      day(4),
    );
    const publish = ports.events.publish.bind(ports.events);
    let failures = 1;
    ports.events.publish = async (detailType, detail) => {
      if (failures-- > 0) throw new Error('EventBridge: ThrottlingException');
      await publish(detailType, detail);
    };
    const extra = { paymentId: 'extra', amount: cny(5_000), paidAt: day(6) };
    await expect(recordPayment(ports, caseId, extra, day(6))).rejects.toThrow('ThrottlingException');
    const refundNotices = () =>
      ports.events.published.filter((event) => event.detailType === 'Case Refund Due');
    return { ports, caseId, extra, refundNotices };
  }

  test('the retry of the payment announces it, once, and a further retry announces nothing', async () => {
    const { ports, caseId, extra, refundNotices } = await overpaidAfterClose();
    expect(refundNotices()).toHaveLength(0);

    // Act: the platform retries the same payment, twice
    const retried = await recordPayment(ports, caseId, extra, day(7));
    await recordPayment(ports, caseId, extra, day(8));

    // Assess: one announcement naming the payment, with the refund the case shows
    expect(retried.view.refundDue).toEqual(cny(5_000));
    expect(refundNotices()).toHaveLength(1);
    expect(refundNotices()[0]?.detail).toMatchObject({ caseId, paymentId: 'extra' });
  });

  test('a later payment announces the one whose publish failed, though that one is never retried', async () => {
    const { ports, caseId, extra, refundNotices } = await overpaidAfterClose();

    // Act: the platform gave up on `extra` and pays something else
    await recordPayment(ports, caseId, { paymentId: 'another', amount: cny(1_000), paidAt: day(7) }, day(7));
    await recordPayment(ports, caseId, extra, day(8));

    // Assess: each announced once, the failed one with the next request
    expect(
      refundNotices()
        .map((event) => event.detail.paymentId)
        .sort(),
    ).toEqual(['another', 'extra']);
    const stored = await ports.cases.get(caseId);
    expect(stored?.payments.map((payment) => payment.refundNotice?.status)).toEqual([
      undefined,
      'SENT',
      'SENT',
    ]);
  });

  test('the same payment delivered twice at once (API and queue, or a retry in flight) is announced once', async () => {
    const { ports, caseId } = await openedCase();
    await recordPayment(
      ports,
      caseId,
      { paymentId: 'settled', amount: cny(100_200), paidAt: day(4) },
      day(4),
    );
    const publish = ports.events.publish.bind(ports.events);
    ports.events.publish = async (detailType, detail) => {
      await new Promise((resolve) => setTimeout(resolve, 5)); // the bus answers later, as PutEvents does
      await publish(detailType, detail);
    };
    const extra = { paymentId: 'extra', amount: cny(5_000), paidAt: day(6) };

    await Promise.all([
      recordPayment(ports, caseId, extra, day(6)),
      recordPayment(ports, caseId, extra, day(6)),
    ]);

    const notices = ports.events.published.filter((event) => event.detailType === 'Case Refund Due');
    expect(notices.map((event) => event.detail.paymentId)).toEqual(['extra']);
  });

  test('a claim whose request died before publishing is taken over once its lease has run out', async () => {
    const { ports, caseId, extra, refundNotices } = await overpaidAfterClose();
    const stored = (await ports.cases.get(caseId))!;
    // A request claimed the notice and died (no publish, no release)
    await ports.cases.replace({
      ...stored,
      payments: stored.payments.map((payment) =>
        payment.paymentId === 'extra'
          ? { ...payment, refundNotice: { status: 'PENDING', leasedUntil: day(6.5) } }
          : payment,
      ),
      version: stored.version + 1,
    });

    await recordPayment(ports, caseId, extra, day(6.25)); // within the lease: not ours to announce
    expect(refundNotices()).toHaveLength(0);
    await recordPayment(ports, caseId, extra, day(7)); // after it
    expect(refundNotices().map((event) => event.detail.paymentId)).toEqual(['extra']);
  });
});
