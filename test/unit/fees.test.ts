import { freezeFees, lateFeeAt, resumeFees } from '../../lambdas/domain/fees';

const policy = { lateFee: { basisPointsPerDay: 5, capPercentOfAmountDue: 20 } };
const dueAt = '2026-03-01T00:00:00.000Z';

describe('late fee', () => {
  test('is 0.05 % of amountDue per whole day overdue, rounded down once on the total', () => {
    const state = { amountDue: 12_345, feeDays: 0, feeAccruingSince: dueAt };

    expect(lateFeeAt(state, '2026-03-01T23:59:59.000Z', policy)).toBe(0);
    expect(lateFeeAt(state, '2026-03-02T00:00:00.000Z', policy)).toBe(6); // 6.1725
    expect(lateFeeAt(state, '2026-03-31T00:00:00.000Z', policy)).toBe(185); // 30 days: 185.175
  });

  test('is capped at 20 % of amountDue', () => {
    const state = { amountDue: 100_000, feeDays: 0, feeAccruingSince: dueAt };

    expect(lateFeeAt(state, '2027-03-31T00:00:00.000Z', policy)).toBe(19_750); // 395 days: still under the cap
    expect(lateFeeAt(state, '2027-06-01T00:00:00.000Z', policy)).toBe(20_000);
  });

  test('stops while frozen and resumes from the whole days already counted', () => {
    const accruing = { amountDue: 100_000, feeDays: 0, feeAccruingSince: dueAt };
    const frozen = { ...accruing, ...freezeFees(accruing, '2026-03-11T12:00:00.000Z') };

    expect(frozen).toMatchObject({ feeDays: 10, feeAccruingSince: null });
    expect(lateFeeAt(frozen, '2026-06-01T00:00:00.000Z', policy)).toBe(500);

    const resumed = { ...frozen, ...resumeFees(frozen, '2026-04-01T00:00:00.000Z') };
    expect(lateFeeAt(resumed, '2026-04-03T00:00:00.000Z', policy)).toBe(600);
  });

  test('never counts negative days', () => {
    const state = { amountDue: 100_000, feeDays: 0, feeAccruingSince: dueAt };

    expect(lateFeeAt(state, '2026-02-01T00:00:00.000Z', policy)).toBe(0);
  });
});
