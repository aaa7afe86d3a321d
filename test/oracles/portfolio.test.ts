import { BEHAVIOURS, generatePortfolio } from '../../oracles/scenarios/portfolio';
import { SeededRandom } from '../../oracles/scenarios/random';

const START = Date.parse('2026-02-16T00:00:00Z');
const portfolioOf = (seed: number) => generatePortfolio({ seed, cases: 200, start: START, days: 150 });

describe('the seeded scenario generator', () => {
  test('the same seed gives the same portfolio; another seed another', () => {
    expect(portfolioOf(7)).toEqual(portfolioOf(7));
    expect(portfolioOf(8).steps).not.toEqual(portfolioOf(7).steps);
  });

  test('the random numbers of a seed are fixed across runs and machines', () => {
    const random = new SeededRandom(42);

    expect([random.next(), random.int(1, 6), random.pick(['a', 'b', 'c'])]).toEqual([
      0.6011037519201636,
      3,
      'c',
    ]);
  });

  test('a portfolio mixes behaviours, profiles, time zones and debtors with several cases', () => {
    const portfolio = portfolioOf(1);

    expect(portfolio.cases).toHaveLength(200);
    expect(new Set(portfolio.cases.map((planned) => planned.behaviour))).toEqual(
      new Set(Object.keys(BEHAVIOURS)),
    );
    expect(new Set(portfolio.customers.map((customer) => customer.country))).toEqual(new Set(['CN', 'US']));
    expect(new Set(portfolio.customers.map((customer) => customer.timezone)).size).toBeGreaterThanOrEqual(6);
    const casesPerDebtor = new Map<string, number>();
    for (const planned of portfolio.cases) {
      casesPerDebtor.set(planned.customerId, (casesPerDebtor.get(planned.customerId) ?? 0) + 1);
    }
    expect([...casesPerDebtor.values()].filter((count) => count > 1).length).toBeGreaterThan(20);
    const kinds = new Set(portfolio.steps.map((step) => step.intent.type));
    for (const kind of [
      'OPT_OUT',
      'PROMISE',
      'PLAN',
      'PAY_INSTALMENT',
      'DISPUTE',
      'RULE_DISPUTE',
      'RETURN',
    ]) {
      expect(kinds).toContain(kind);
    }
  });

  test('steps are in time order within the run, and customers act at night too', () => {
    const portfolio = portfolioOf(1);
    const timezoneOf = new Map(
      portfolio.customers.map((customer) => [customer.customerId, customer.timezone]),
    );
    const customerOfRental = new Map(
      portfolio.cases.map((planned) => [planned.rentalId, planned.customerId]),
    );

    const times = portfolio.steps.map((step) => step.at);
    expect(times).toEqual([...times].sort((a, b) => a - b));
    expect(Math.max(...times)).toBeLessThan(portfolio.end);
    const nightPayments = portfolio.steps.filter((step) => {
      if (step.intent.type !== 'PAY') return false;
      const timeZone = timezoneOf.get(customerOfRental.get(step.intent.rentalId) ?? '') ?? 'UTC';
      const hour = Number(
        new Intl.DateTimeFormat('en-US', { timeZone, hour: 'numeric', hourCycle: 'h23' }).format(step.at),
      );
      return hour >= 22 || hour < 8;
    });
    expect(nightPayments.length).toBeGreaterThan(5);
  });
});
