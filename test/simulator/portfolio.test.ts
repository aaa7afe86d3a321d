import { generatePortfolio, type SimulatedPortfolio } from '../../simulator/portfolio';
import { loadDefaultProfiles, type ProfileFile } from '../../simulator/profiles';

const START = '2026-03-02T00:00:00Z';
const profiles = loadDefaultProfiles();
const generate = (seed: number, cases: number, file: ProfileFile = profiles) =>
  generatePortfolio({ seed, cases, start: START, profiles: file });

describe('the portfolio generator', () => {
  test('the same seed gives a deep-equal portfolio and byte-identical JSON', () => {
    const first = generate(42, 500);
    const second = generate(42, 500);

    expect(second).toEqual(first);
    expect(JSON.stringify(second)).toBe(JSON.stringify(first));
  });

  test('another seed gives another portfolio', () => {
    expect(JSON.stringify(generate(43, 500))).not.toBe(JSON.stringify(generate(42, 500)));
  });

  test('more cases keep the first cases as they were', () => {
    const small = generate(42, 200);
    const large = generate(42, 400);

    expect(large.cases.slice(0, 200)).toEqual(small.cases);
    // The last debtor of the small one may have had its later cases cut off at 200.
    expect(large.debtors.slice(0, small.debtors.length - 1)).toEqual(small.debtors.slice(0, -1));
  });

  test('debtors have one to three cases, and some have several', () => {
    const portfolio = generate(42, 2_000);
    const sizes = portfolio.debtors.map((debtor) => debtor.cases.length);

    expect(portfolio.cases).toHaveLength(2_000);
    expect(Math.min(...sizes)).toBe(1);
    expect(Math.max(...sizes)).toBe(3);
    expect(sizes.filter((size) => size > 1).length).toBeGreaterThan(portfolio.debtors.length / 4);
    for (const debtor of portfolio.debtors) {
      expect(debtor.cases.map((index) => portfolio.cases[index]?.debtor)).toEqual(
        debtor.cases.map(() => debtor.index),
      );
    }
  });

  test('CN and US debtors, each in a time zone, currency and language of its own', () => {
    const portfolio = generate(42, 2_000);
    const homes = new Set(
      portfolio.debtors.map((d) => `${d.country} ${d.currency} ${d.locale} ${d.timezone}`),
    );

    expect([...homes].sort()).toEqual([
      'CN CNY zh-CN America/Los_Angeles',
      'CN CNY zh-CN Asia/Shanghai',
      'CN CNY zh-CN Asia/Urumqi',
      'US USD en America/Chicago',
      'US USD en America/Los_Angeles',
      'US USD en America/New_York',
      'US USD en Pacific/Honolulu',
    ]);
  });

  test('amounts follow the device class and the currency; cases open after they fall due', () => {
    const portfolio = generate(42, 2_000);
    const currencyOf = (debtor: number) => portfolio.debtors[debtor]?.currency;
    const phones = portfolio.cases.filter(
      (c) => c.device.class === 'PHONE' && currencyOf(c.debtor) === 'USD',
    );
    const laptops = portfolio.cases.filter(
      (c) => c.device.class === 'LAPTOP' && currencyOf(c.debtor) === 'USD',
    );

    for (const c of phones) expect(c.amountDue).toBeGreaterThanOrEqual(120_00);
    for (const c of phones) expect(c.amountDue).toBeLessThanOrEqual(900_00);
    for (const c of laptops) expect(c.amountDue).toBeGreaterThanOrEqual(450_00);
    expect(new Set(portfolio.cases.map((c) => c.device.class))).toEqual(
      new Set(['PHONE', 'LAPTOP', 'TABLET', 'CAMERA']),
    );
    for (const c of portfolio.cases) {
      expect(Number.isInteger(c.amountDue)).toBe(true);
      expect(Date.parse(c.openAt)).toBeGreaterThan(Date.parse(c.dueAt));
    }
    const dueDays = portfolio.cases.map((c) => (Date.parse(c.dueAt) - Date.parse(START)) / 86_400_000);
    expect(Math.min(...dueDays)).toBeLessThan(2);
    expect(Math.max(...dueDays)).toBeGreaterThan(40);
  });

  test('every profile is drawn, and each case carries its profile numbers', () => {
    const portfolio = generate(42, 2_000);
    const byId = new Map(profiles.profiles.map((profile) => [profile.id, profile]));

    expect(new Set(portfolio.cases.map((c) => c.profile))).toEqual(new Set(byId.keys()));
    for (const c of portfolio.cases) {
      const profile = byId.get(c.profile);
      expect(c.action.type).toBe(profile?.action.type);
      expect(c.callsAnsweredShare).toBe(profile?.calls.answeredShare);
      if (!profile?.acts) expect(c.acts).toBeNull();
      else {
        const [least, most] = profile.acts.withinDays;
        expect(c.acts?.after).toBe(profile.acts.after);
        expect(c.acts?.afterDays).toBeGreaterThanOrEqual(least);
        expect(c.acts?.afterDays).toBeLessThanOrEqual(most);
      }
    }
    const kept = portfolio.cases.filter((c) => c.profile === 'PROMISE_KEPT');
    const broken = portfolio.cases.filter((c) => c.profile === 'PROMISE_BROKEN');
    expect(kept.every((c) => c.action.type === 'PROMISE' && c.action.kept)).toBe(true);
    expect(broken.every((c) => c.action.type === 'PROMISE' && !c.action.kept)).toBe(true);
    const plansBroken = portfolio.cases.flatMap((c) => (c.profile === 'PLAN_BROKEN' ? [c.action] : []));
    for (const plan of plansBroken) {
      expect(plan.type === 'PLAN' && plan.instalmentsPaid < plan.instalments).toBe(true);
    }
  });

  /**
   * 40,000 cases: a share p is off by more than 0.01 with a chance of far less than one in a million
   * (its standard deviation is sqrt(p (1 - p) / 40000) <= 0.0018 for p <= 0.14, so 0.01 is > 5.5 of them).
   */
  test('the profile mix converges to the weights (within 0.01 of each share on 40,000 cases)', () => {
    const cases = 40_000;
    const portfolio = generate(20_261_203, cases);
    const total = profiles.profiles.reduce((sum, profile) => sum + profile.weight, 0);
    const counts = new Map<string, number>();
    for (const c of portfolio.cases) counts.set(c.profile, (counts.get(c.profile) ?? 0) + 1);

    for (const profile of profiles.profiles) {
      const share = (counts.get(profile.id) ?? 0) / cases;
      expect({ id: profile.id, off: Math.abs(share - profile.weight / total) < 0.01 }).toEqual({
        id: profile.id,
        off: true,
      });
    }
  });

  test('a profile added takes only the cases it wins: every other case keeps its profile and numbers', () => {
    const before = generate(42, 3_000);
    const added: ProfileFile = {
      ...profiles,
      profiles: [
        ...profiles.profiles,
        {
          id: 'PAYS_AFTER_SECOND_REMINDER',
          weight: 10,
          description: 'Pays in full after the second collection stage.',
          acts: { after: 'SECOND_COLLECTION', withinDays: [0.1, 10] },
          action: { type: 'PAY' },
          calls: { answeredShare: 0.5 },
        },
      ],
    };
    const after = generate(42, 3_000, added);
    const moved = after.cases.filter((c, n) => c.profile !== before.cases[n]?.profile);

    expect(moved.every((c) => c.profile === 'PAYS_AFTER_SECOND_REMINDER')).toBe(true);
    // 10 / 110 of the cases, give or take.
    expect(moved.length).toBeGreaterThan(3_000 * 0.07);
    expect(moved.length).toBeLessThan(3_000 * 0.11);
    const stayed = (portfolio: SimulatedPortfolio) =>
      portfolio.cases.filter((c) => c.profile !== 'PAYS_AFTER_SECOND_REMINDER' && !moved.includes(c));
    expect(stayed(after)).toEqual(before.cases.filter((c) => !moved.some((m) => m.index === c.index)));
  });

  test('a start that is not an instant is refused', () => {
    expect(() => generatePortfolio({ seed: 1, cases: 1, start: 'soon', profiles })).toThrow(
      'start is not an ISO 8601 instant: soon',
    );
  });
});
