import { readFileSync } from 'node:fs';
import * as path from 'node:path';
import fc from 'fast-check';
import {
  addUsage,
  batchEvaluationUsage,
  type CaseSpan,
  caseDaysEvaluated,
  compareDesigns,
  formatUsd,
  NO_USAGE,
  openCasesByDay,
  priceUsage,
  type Usage,
  type UsageItem,
  writeUnitsOf,
} from '../../simulator/cost/model';
import { loadDefaultPrices, parsePriceTable, picoUsdOf } from '../../simulator/cost/prices';

const prices = loadDefaultPrices();
const amountOf = (usage: Partial<Usage>, item: UsageItem) =>
  priceUsage(addUsage(usage), prices, 1).lines.find((line) => line.item === item)?.amount;

describe('the price table', () => {
  test('is for us-east-1, as of a stated date, for the architecture the stack deploys', () => {
    const source = readFileSync(path.join(__dirname, '..', '..', 'lib', 'project-function.ts'), 'utf8');

    expect(prices.region).toBe('us-east-1');
    expect(prices.asOf).toMatch(/^\d{4}-\d{2}-\d{2}$/);
    expect(source).toContain('architecture: lambda.Architecture.ARM_64');
    expect(prices.lambdaArchitecture).toBe('arm64');
  });

  test('decimal prices are read exactly into pico-dollars', () => {
    expect(picoUsdOf('0.0000133334')).toBe(13_333_400n);
    expect(picoUsdOf('3.50')).toBe(3_500_000_000_000n);
    expect(picoUsdOf('0.000000000001')).toBe(1n);
    expect(picoUsdOf('12')).toBe(12_000_000_000_000n);
  });

  test('the SMS prices, and only they, are marked as assumptions', () => {
    const assumed = Object.entries(prices.prices).flatMap(([item, price]) => (price.assumed ? [item] : []));

    expect(assumed).toEqual(['smsPartUS', 'smsPartCN']);
  });

  test('a price with too many decimals is refused, naming it', () => {
    const table = JSON.parse(
      readFileSync(path.join(__dirname, '..', '..', 'simulator', 'cost', 'prices.json'), 'utf8'),
    );
    table.prices.sesEmail.usd = '0.0000000000001';

    expect(() => parsePriceTable(table, 'p.json')).toThrow(
      'p.json is not a valid price table:\n  prices.sesEmail.usd: a decimal string of US dollars with at most 12 decimals',
    );
  });
});

describe('the daily-batch assumptions', () => {
  const tableFile = path.join(__dirname, '..', '..', 'simulator', 'cost', 'prices.json');

  test('each has a note, and one without is refused, naming it', () => {
    const table = JSON.parse(readFileSync(tableFile, 'utf8'));
    delete table.dailyBatch.msPerCase.note;

    expect(() => parsePriceTable(table, 'p.json')).toThrow(
      /^p\.json is not a valid price table:\n {2}dailyBatch\.msPerCase\.note: /,
    );
  });

  test('a page size that is not a whole number of cases is refused, naming it', () => {
    const table = JSON.parse(readFileSync(tableFile, 'utf8'));
    table.dailyBatch.casesPerInvocation.value = 0.5;

    expect(() => parsePriceTable(table, 'p.json')).toThrow('dailyBatch.casesPerInvocation.value');
  });
});

describe('the cost of a usage', () => {
  /**
   * By hand, from prices.json (USD; 1 pico-dollar = 10^-12 USD):
   *   120 state transitions x 0.025/1,000             = 0.003            = 3,000,000,000 pico
   *   40 Lambda requests x 0.20/1,000,000             = 0.000008         =     8,000,000
   *   40 x 512 MB x 100 ms = 2,048,000 MB-ms = 2 GB-s x 0.0000133334
   *                                                   = 0.0000266668     =    26,666,800
   *   150.5 read units x 0.125/1,000,000              = 0.0000188125     =    18,812,500
   *   60 write units x 0.625/1,000,000                = 0.0000375        =    37,500,000
   *   4 US SMS parts x 0.00881                        = 0.03524          = 35,240,000,000
   *   6 CN SMS parts x 0.03                           = 0.18             = 180,000,000,000
   *   5 emails x 0.10/1,000                           = 0.0005           =   500,000,000
   *   6 events x 1.00/1,000,000                       = 0.000006         =     6,000,000
   *   3 SQS requests x 0.40/1,000,000                 = 0.0000012        =     1,200,000
   *   7 API requests x 3.50/1,000,000                 = 0.0000245        =    24,500,000
   *   total                                                              = 218,862,679,300 (0.2188626793 USD)
   *   over 3 cases: 72,954,226,433.3 -> 72,954,226,433; x 1,000: 72,954,226,433,333.3 -> 72,954,226,433,333
   */
  const usage: Usage = {
    ...NO_USAGE,
    stateTransitions: 120,
    lambdaRequests: 40,
    lambdaMbMs: 40 * 512 * 100,
    dynamodbReadUnits: 150.5,
    dynamodbWriteUnits: 60,
    smsPartsUS: 4,
    smsPartsCN: 6,
    emails: 5,
    eventBridgeEvents: 6,
    sqsRequests: 3,
    apiRequests: 7,
  };

  test('each line, the total, per case and per 1,000 cases match the figures worked by hand', () => {
    const breakdown = priceUsage(usage, prices, 3);

    expect(Object.fromEntries(breakdown.lines.map((line) => [line.item, line.amount]))).toEqual({
      stateTransitions: 3_000_000_000n,
      lambdaRequests: 8_000_000n,
      lambdaMbMs: 26_666_800n,
      dynamodbReadUnits: 18_812_500n,
      dynamodbWriteUnits: 37_500_000n,
      smsPartsUS: 35_240_000_000n,
      smsPartsCN: 180_000_000_000n,
      emails: 500_000_000n,
      eventBridgeEvents: 6_000_000n,
      schedulerInvocations: 0n,
      sqsRequests: 1_200_000n,
      apiRequests: 24_500_000n,
    });
    expect(breakdown.total).toBe(218_862_679_300n);
    expect(breakdown.perCase).toBe(72_954_226_433n);
    expect(breakdown.per1000Cases).toBe(72_954_226_433_333n);
    expect(formatUsd(breakdown.total)).toBe('0.218863');
    expect(formatUsd(breakdown.total, 10)).toBe('0.2188626793');
    expect(breakdown.lines.find((line) => line.item === 'lambdaMbMs')?.pricedUnits).toBe('2');
    expect(breakdown.lines.find((line) => line.item === 'dynamodbReadUnits')?.pricedUnits).toBe('150.5');
    expect(breakdown.lines.find((line) => line.item === 'smsPartsCN')).toMatchObject({
      price: '0.03 USD per 1 SMS part to a mainland China number',
      assumed: true,
    });
  });

  test('a Lambda line is rounded half up once: 1 MB-ms is 13,333,400 / 1,024,000 = 13.02 pico', () => {
    expect(amountOf({ lambdaMbMs: 1 }, 'lambdaMbMs')).toBe(13n);
    // 1 / 1,024,000 = 0.0000009765625 GB-s, exactly.
    expect(priceUsage({ ...NO_USAGE, lambdaMbMs: 1 }, prices, 1).lines[2]?.pricedUnits).toBe(
      '0.0000009765625',
    );
    // 128 MB x 1 ms = 0.000125 GB-s x 13,333,400 = 1,666.675 -> 1,667 (AWS lists 0.0000000017 per ms at 128 MB).
    expect(amountOf({ lambdaMbMs: 128 }, 'lambdaMbMs')).toBe(1_667n);
  });

  test('a count that is not one is refused, naming the item; read units may be halves', () => {
    expect(() => priceUsage({ ...NO_USAGE, emails: 1.5 }, prices, 1)).toThrow('emails: 1.5 is not a count');
    expect(() => priceUsage({ ...NO_USAGE, dynamodbReadUnits: 0.25 }, prices, 1)).toThrow(
      'dynamodbReadUnits: 0.25 is not a count of half units',
    );
    expect(() => priceUsage({ ...NO_USAGE, apiRequests: -1 }, prices, 1)).toThrow('apiRequests: -1');
    expect(amountOf({ dynamodbReadUnits: 0.5 }, 'dynamodbReadUnits')).toBe(62_500n);
  });

  test('no cases: no per-case figures', () => {
    expect(priceUsage(NO_USAGE, prices, 0)).toMatchObject({ total: 0n, perCase: null, per1000Cases: null });
  });

  test('formatUsd rounds half up', () => {
    expect(formatUsd(500_000n, 6)).toBe('0.000001');
    expect(formatUsd(499_999n, 6)).toBe('0.000000');
    expect(formatUsd(2_500_000_000_000n, 0)).toBe('3');
    expect(formatUsd(-1_500_000n, 6)).toBe('-0.000002');
  });

  test('formatUsd rounds a negative amount by its magnitude, and one that rounds to zero has no sign', () => {
    expect(formatUsd(-500_000n)).toBe('-0.000001');
    expect(formatUsd(-499_999n)).toBe('0.000000');
    expect(formatUsd(-1n)).toBe('0.000000');
    expect(formatUsd(-1n, 12)).toBe('-0.000000000001');
  });

  test('formatUsd writes more than 12 decimals exactly, and refuses a places that is not a whole number', () => {
    expect(formatUsd(1n, 13)).toBe('0.0000000000010');
    expect(formatUsd(-2_000_000_000_001n, 14)).toBe('-2.00000000000100');
    expect(() => formatUsd(1n, -1)).toThrow('places: a whole number, not -1');
    expect(() => formatUsd(1n, 1.5)).toThrow(RangeError);
  });
});

const count = fc.integer({ min: 0, max: 1_000_000 });
const usageArbitrary: fc.Arbitrary<Usage> = fc.record({
  stateTransitions: count,
  lambdaRequests: count,
  lambdaMbMs: fc.integer({ min: 0, max: 1_000_000_000 }),
  dynamodbReadUnits: count.map((halves) => halves / 2),
  dynamodbWriteUnits: count,
  smsPartsUS: count,
  smsPartsCN: count,
  emails: count,
  eventBridgeEvents: count,
  schedulerInvocations: count,
  sqsRequests: count,
  apiRequests: count,
});
const linesOf = (usage: Usage) =>
  Object.fromEntries(priceUsage(usage, prices, 1).lines.map((line) => [line.item, line.amount]));

describe('cost properties', () => {
  test('cost is additive in usage: exactly for every item priced in whole pico-dollars, within 1 for Lambda time', () => {
    fc.assert(
      fc.property(usageArbitrary, usageArbitrary, (a, b) => {
        const [sum, left, right] = [linesOf(addUsage(a, b)), linesOf(a), linesOf(b)];
        for (const [item, amount] of Object.entries(sum)) {
          const apart = (left[item] ?? 0n) + (right[item] ?? 0n);
          const off = amount > apart ? amount - apart : apart - amount;
          expect({ item, off: off <= (item === 'lambdaMbMs' ? 1n : 0n) }).toEqual({ item, off: true });
        }
      }),
    );
  });

  test('k identical cases cost k times one case; per case is that one case and per 1,000 is 1,000 times it', () => {
    // Whole GB-seconds, so one case's Lambda line is a whole number of pico-dollars too.
    const oneCaseUsage = fc
      .tuple(usageArbitrary, fc.integer({ min: 0, max: 10_000 }))
      .map(([usage, gbSeconds]) => ({ ...usage, lambdaMbMs: gbSeconds * 1_024_000 }));
    fc.assert(
      fc.property(oneCaseUsage, fc.integer({ min: 1, max: 5_000 }), (one, cases) => {
        const scaled = Object.fromEntries(
          Object.entries(one).map(([item, n]) => [item, n * cases]),
        ) as unknown as Usage;
        const single = priceUsage(one, prices, 1);
        const portfolio = priceUsage(scaled, prices, cases);

        expect(portfolio.total).toBe(single.total * BigInt(cases));
        expect(portfolio.perCase).toBe(single.total);
        expect(portfolio.per1000Cases).toBe(single.total * 1000n);
      }),
    );
  });

  test('per 1,000 cases is within half a nano-dollar of 1,000 times the rounded cost per case', () => {
    fc.assert(
      fc.property(usageArbitrary, fc.integer({ min: 1, max: 100_000 }), (usage, cases) => {
        const { perCase, per1000Cases } = priceUsage(usage, prices, cases);
        const off = (per1000Cases ?? 0n) - 1000n * (perCase ?? 0n);

        expect(off >= -500n && off <= 500n).toBe(true);
      }),
    );
  });
});

describe('the daily-batch design', () => {
  const START = Date.parse('2026-03-02T00:00:00Z');
  const at = (iso: string) => Date.parse(iso);
  /**
   * Four cases over four days, evaluated at 06:00 UTC each day (03-02, 03-03, 03-04, 03-05):
   *   A opened 03-01 12:00, never closed: all four days                                      = 4
   *   B opened 03-02 07:00 (after that day's run), closed 03-04 05:00 (before it): 03-03 only   = 1
   *   C opened 03-03 06:00 (open at the run), closed 03-05 06:00 (closed at the run): 03-03, 03-04 = 2
   *   D opened 03-02 08:00, closed 03-02 20:00, between two runs: never evaluated              = 0
   *   Open at each run: 1, 3, 2, 1; 7 case-days.
   */
  const spans: CaseSpan[] = [
    { openedAt: at('2026-03-01T12:00:00Z'), closedAt: null },
    { openedAt: at('2026-03-02T07:00:00Z'), closedAt: at('2026-03-04T05:00:00Z') },
    { openedAt: at('2026-03-03T06:00:00Z'), closedAt: at('2026-03-05T06:00:00Z') },
    { openedAt: at('2026-03-02T08:00:00Z'), closedAt: at('2026-03-02T20:00:00Z') },
  ];
  // A page of 2 cases, so the day with 3 open cases takes two invocations.
  const design = {
    ...prices.dailyBatch,
    evaluateAtMs: 6 * 3_600_000,
    casesPerInvocation: 2,
    evaluatorMemoryMb: 512,
    msPerCase: 5,
    caseItemBytes: 1_400,
    marksEachCaseEvaluated: true,
  };
  const run = { start: START, days: 4 };

  test('evaluates every case open at each day’s run: 1, 3, 2 and 1 cases, 7 case-days', () => {
    expect(openCasesByDay(spans, run, design.evaluateAtMs)).toEqual([1, 3, 2, 1]);
    expect(caseDaysEvaluated(spans, run, design)).toBe(7);
  });

  test('a write is billed by the whole item, 1 unit per KB rounded up: a 1.4 KB case is 2 units', () => {
    expect(writeUnitsOf(1_400)).toBe(2);
    expect(writeUnitsOf(1_024)).toBe(1);
    expect(writeUnitsOf(1_025)).toBe(2);
  });

  /**
   * Open 1, 3, 2, 1 at 2 cases a page:
   *   scheduler: one a day                                   = 4
   *   evaluator invocations: 1, 2 (2 + 1), 1, 1               = 5 Lambda requests
   *   Query pages: 1,400, 2,800 + 1,400, 2,800, 1,400 bytes, each under 4 KB: 5 x 0.5 = 2.5 read units
   *   duration: 7 case-days x 5 ms x 512 MB                   = 17,920 MB-ms
   *   writes: 7 cases marked x 2 units                        = 14 write units
   * Priced: 4 x 1.00/1,000,000 = 4,000,000 pico; 5 x 0.20/1,000,000 = 1,000,000;
   *   17,920 / 1,024,000 = 0.0175 GB-s x 13,333,400 = 233,334.5 -> 233,335; 2.5 x 125,000 = 312,500;
   *   14 x 625,000 = 8,750,000; total 14,295,835 pico.
   */
  test('its evaluations’ usage and cost, worked by hand', () => {
    const usage = batchEvaluationUsage([1, 3, 2, 1], design);

    expect(usage).toEqual({
      ...NO_USAGE,
      schedulerInvocations: 4,
      lambdaRequests: 5,
      lambdaMbMs: 17_920,
      dynamodbReadUnits: 2.5,
      dynamodbWriteUnits: 14,
    });
    const breakdown = priceUsage(usage, prices, 4);
    expect(breakdown.total).toBe(14_295_835n);
    expect(breakdown.lines.find((line) => line.item === 'lambdaMbMs')?.pricedUnits).toBe('0.0175');
  });

  test('a Query page packs its items: 10 cases of 1,400 bytes are 14,000 bytes, 4 x 4 KB, 2 read units', () => {
    expect(batchEvaluationUsage([10], { ...design, casesPerInvocation: 10 }).dynamodbReadUnits).toBe(2);
  });

  test('a day with no open case still runs once: one schedule, one invocation, one empty Query page', () => {
    expect(batchEvaluationUsage([0], design)).toEqual({
      ...NO_USAGE,
      schedulerInvocations: 1,
      lambdaRequests: 1,
      dynamodbReadUnits: 0.5,
    });
  });

  test('without the evaluated mark the batch writes nothing of its own', () => {
    expect(
      batchEvaluationUsage([1, 3, 2, 1], { ...design, marksEachCaseEvaluated: false }).dynamodbWriteUnits,
    ).toBe(0);
  });

  test('a page that does not fit one 1 MB Query is refused', () => {
    expect(() => batchEvaluationUsage([1], { ...design, casesPerInvocation: 750 })).toThrow(
      'casesPerInvocation: 750 cases of 1400 bytes do not fit a 1 MB Query page',
    );
  });

  /**
   * With the table's assumptions (500 cases a page, 5 ms of 512 MB a case, 1,400-byte items, marked),
   * one day of 1,000 open cases: 1 schedule (1,000,000 pico); 2 invocations (400,000);
   * 2 pages of 700,000 bytes = 171 x 4 KB each, 342 halves = 171 read units (21,375,000);
   * 2,560,000 MB-ms = 2.5 GB-s (33,333,500); 2,000 write units (1,250,000,000):
   * 1,306,108,500 pico, 1,306,109 a case-day (against 2,408,335 when each case-day had its own
   * schedule, request, 2 strongly consistent reads and 1 write unit). Unmarked: 56,108,500.
   */
  test('with the table’s assumptions one day of 1,000 open cases costs 1,306,108,500 pico, worked by hand', () => {
    const marked = priceUsage(batchEvaluationUsage([1_000], prices.dailyBatch), prices, 1_000);
    const unmarked = priceUsage(
      batchEvaluationUsage([1_000], { ...prices.dailyBatch, marksEachCaseEvaluated: false }),
      prices,
      1_000,
    );

    expect(prices.dailyBatch).toMatchObject({
      casesPerInvocation: 500,
      evaluatorMemoryMb: 512,
      msPerCase: 5,
      caseItemBytes: 1_400,
      marksEachCaseEvaluated: true,
    });
    expect(marked.total).toBe(1_306_108_500n);
    expect(marked.perCase).toBe(1_306_109n);
    expect(unmarked.total).toBe(56_108_500n);
  });

  /**
   * Shared: 10 emails (1,000,000,000 pico), 10 Lambda requests that invoke contacts (2,000,000), 3 case
   * writes of 2 units (6 x 625,000 = 3,750,000): 1,005,750,000. Ours adds 400 state transitions
   * (10,000,000,000): 11,005,750,000. The batch sends from its evaluator, so drops the 10 contact
   * requests (1,003,750,000) and adds its 14,295,835: 1,018,045,835.
   * Ratio 1,018,045,835 / 11,005,750,000 = 0.0925 -> 0.093.
   */
  test('is priced beside ours with the same shared work, without the contact invocations, as a ratio', () => {
    const comparison = compareDesigns({
      shared: { ...NO_USAGE, emails: 10, lambdaRequests: 10, dynamodbWriteUnits: 3 * writeUnitsOf(1_400) },
      orchestration: { ...NO_USAGE, stateTransitions: 400 },
      contactLambdaRequests: 10,
      spans,
      run,
      prices,
      design,
    });

    expect(comparison.caseDays).toBe(7);
    expect(comparison.casesNeverEvaluated).toBe(1);
    expect(comparison.eventDriven.total).toBe(11_005_750_000n);
    expect(comparison.dailyBatch.total).toBe(1_018_045_835n);
    expect(comparison.batchOverEventDriven).toBe('0.093');
  });

  test('more contact requests than shared Lambda requests are refused', () => {
    expect(() =>
      compareDesigns({
        shared: { ...NO_USAGE, lambdaRequests: 2 },
        orchestration: NO_USAGE,
        contactLambdaRequests: 3,
        spans,
        run,
        prices,
      }),
    ).toThrow('contactLambdaRequests: 3 is more than the 2 shared Lambda requests');
  });
});
