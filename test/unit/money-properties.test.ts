import fc from 'fast-check';
import {
  describeHistory,
  type History,
  historyOf,
  MONEY,
  observedOfModel,
  runDomain,
  type Script,
  script,
} from '../support/money-histories';

/**
 * The domain's money against the reference model (oracles/money/model.ts), over generated histories:
 * payments of any size and date, some reported late (after a grace check, or after later payments);
 * promises of a part or all, plans, disputes, returns, legal freezes, write-offs. The model replays
 * each history in business order; the domain gets it in the order it is reported, through its real
 * services on in-memory ports. Seeded: `MONEY_PROPERTY_SEED=<n> npx jest money-properties` reproduces
 * a run; a failure prints the seed, the shrunk script and the history it made.
 */
const SEED = Number(process.env.MONEY_PROPERTY_SEED ?? 20261202);
const RUNS = Number(process.env.MONEY_PROPERTY_RUNS ?? 1000);
const params = { seed: SEED, numRuns: RUNS };
let histories = 0;
let lateReported = 0;
let atFeeCap = 0;
const shapes = { early: 0, slow: 0, retried: 0, skewed: 0, sameInstant: 0, checkAtGraceEnd: 0 };
const accepted: Record<string, number> = {};

/** Which of the harder shapes a history has, for the closing note. */
function countShapes(input: Script, history: History): void {
  const pays = history.events.filter(({ event }) => event.kind === 'PAY');
  if (pays.some(({ event }) => event.at < history.openedAt)) shapes.early++;
  if (input.slow) shapes.slow++;
  if (pays.some((entry) => entry.retryAt !== undefined)) shapes.retried++;
  if (pays.some((entry) => entry.statedAt !== undefined)) shapes.skewed++;
  if (pays.some((entry, index) => pays[index + 1]?.event.at === entry.event.at)) shapes.sameInstant++;
  const checks = history.events.filter(({ event }) => event.kind.endsWith('_CHECK'));
  if (checks.some(({ event }) => event.at % 60_000 === 0)) shapes.checkAtGraceEnd++;
}

describe(`the money rules against the reference model (seed ${SEED}, ${RUNS} histories)`, () => {
  afterAll(() => {
    // How much of the space the runs covered, for the closing note of a change.
    process.stdout.write(
      `money properties: ${histories} generated histories, ${lateReported} with a payment reported late, ${atFeeCap} ending at the fee cap; histories with ${JSON.stringify(shapes)}; events: ${JSON.stringify(accepted)}\n`,
    );
  });

  test('the domain, fed in reporting order, ends where the model says; it accepts what the model accepts', async () => {
    await fc.assert(
      fc.asyncProperty(script, async (input) => {
        const { history, model } = historyOf(input);
        histories++;
        for (const entry of history.events) {
          const key = `${entry.event.kind}${entry.accepted ? '' : ' (refused)'}`;
          accepted[key] = (accepted[key] ?? 0) + 1;
        }
        if (history.events.some(({ event, reportAt }) => event.kind === 'PAY' && reportAt > event.at))
          lateReported++;
        countShapes(input, history);
        const { observed, disagreements } = await runDomain(history, true);
        if (observed.fees === Math.floor((history.amountDue * MONEY.capPercent) / 100) && observed.fees > 0)
          atFeeCap++;
        expect({ disagreements, observed, history: describeHistory(history) }).toEqual({
          disagreements: [],
          observed: observedOfModel(model),
          history: describeHistory(history),
        });
      }),
      params,
    );
  });

  test('the same payments give the same case whether each is reported on time or late', async () => {
    await fc.assert(
      fc.asyncProperty(script, async (input) => {
        const { history } = historyOf(input);
        const late = await runDomain(history, true);
        const onTime = await runDomain(history, false);
        expect(late.observed).toEqual(onTime.observed);
      }),
      { ...params, numRuns: Math.ceil(RUNS / 2) },
    );
  });

  test('invariants: nothing negative, received = applied + refund, the fee never above the cap, a kept promise nets the promise', async () => {
    await fc.assert(
      fc.asyncProperty(script, async (input) => {
        const { history, model } = historyOf(input);
        const { observed } = await runDomain(history, true);
        const cap = Math.floor((history.amountDue * MONEY.capPercent) / 100);
        expect(observed.outstanding).toBeGreaterThanOrEqual(0);
        expect(observed.refundDue).toBeGreaterThanOrEqual(0);
        expect(observed.paid - observed.refundDue).toBeGreaterThanOrEqual(0);
        expect(observed.fees).toBeLessThanOrEqual(cap);
        expect(observed.fees).toBeGreaterThanOrEqual(0);
        if (observed.status === 'RESOLVED' && observed.resolution === 'PAID') {
          // Applied is exactly the debt it was settled for: amount due + its fees.
          expect(observed.paid - observed.refundDue).toBe(history.amountDue + observed.fees);
        }
        if (model.settledByPromise) expect(observed.paid - observed.refundDue).toBe(model.settledFor);
      }),
      { ...params, numRuns: Math.ceil(RUNS / 2) },
    );
  });
});
