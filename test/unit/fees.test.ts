import { type FeeState, feeDaysAt, lateFeeAt, startAccrual, stopAccrual } from '../../lambdas/domain/fees';

const policy = { lateFee: { basisPointsPerDay: 5, capPercentOfAmountDue: 20 } };
const dueAt = '2026-03-01T00:00:00.000Z';
const accruing = (amountDue: number): FeeState => ({ amountDue, feeAccrual: [{ from: dueAt, to: null }] });

describe('late fee', () => {
  test('is 0.05 % of amountDue per whole day overdue, rounded down once on the total', () => {
    const state = accruing(12_345);

    expect(lateFeeAt(state, '2026-03-01T23:59:59.000Z', policy)).toBe(0);
    expect(lateFeeAt(state, '2026-03-02T00:00:00.000Z', policy)).toBe(6); // 6.1725
    expect(lateFeeAt(state, '2026-03-31T00:00:00.000Z', policy)).toBe(185); // 30 days: 185.175
  });

  test('is capped at 20 % of amountDue', () => {
    const state = accruing(100_000);

    expect(lateFeeAt(state, '2027-03-31T00:00:00.000Z', policy)).toBe(19_750); // 395 days: still under the cap
    expect(lateFeeAt(state, '2027-06-01T00:00:00.000Z', policy)).toBe(20_000);
  });

  test('stops while frozen and resumes from the time already counted', () => {
    const state = accruing(100_000);
    const frozen = { ...state, feeAccrual: stopAccrual(state, '2026-03-11T12:00:00.000Z') };

    expect(lateFeeAt(frozen, '2026-06-01T00:00:00.000Z', policy)).toBe(500);

    const resumed = { ...frozen, feeAccrual: startAccrual(frozen, '2026-04-01T00:00:00.000Z') };
    // 10.5 days before the freeze + 1.5 days after: 12 whole days, not 10 + 1.
    expect(lateFeeAt(resumed, '2026-04-02T12:00:00.000Z', policy)).toBe(600);
    expect(lateFeeAt(resumed, '2026-04-03T00:00:00.000Z', policy)).toBe(600);
  });

  test('a freeze does not drop the part day accrued so far: two half days make a day', () => {
    let state = accruing(100_000);
    state = { ...state, feeAccrual: stopAccrual(state, '2026-03-01T12:00:00.000Z') };
    state = { ...state, feeAccrual: startAccrual(state, '2026-03-05T00:00:00.000Z') };

    expect(feeDaysAt(state, '2026-03-05T11:59:59.999Z')).toBe(0);
    expect(feeDaysAt(state, '2026-03-05T12:00:00.000Z')).toBe(1);
    expect(lateFeeAt(state, '2026-03-05T12:00:00.000Z', policy)).toBe(50);
  });

  test('can be priced as of any past instant, freezes included', () => {
    let state = accruing(100_000);
    state = { ...state, feeAccrual: stopAccrual(state, '2026-03-05T00:00:00.000Z') };
    state = { ...state, feeAccrual: startAccrual(state, '2026-03-20T00:00:00.000Z') };

    expect(lateFeeAt(state, '2026-03-03T00:00:00.000Z', policy)).toBe(100);
    expect(lateFeeAt(state, '2026-03-15T00:00:00.000Z', policy)).toBe(200);
    expect(lateFeeAt(state, '2026-03-22T00:00:00.000Z', policy)).toBe(300);
  });

  test('never counts negative days', () => {
    expect(lateFeeAt(accruing(100_000), '2026-02-01T00:00:00.000Z', policy)).toBe(0);
  });

  test('starting while accruing and stopping while frozen change nothing', () => {
    const state = accruing(100_000);
    expect(startAccrual(state, '2026-03-05T00:00:00.000Z')).toEqual(state.feeAccrual);
    const frozen = { ...state, feeAccrual: stopAccrual(state, '2026-03-05T00:00:00.000Z') };
    expect(stopAccrual(frozen, '2026-03-09T00:00:00.000Z')).toEqual(frozen.feeAccrual);
  });
});
