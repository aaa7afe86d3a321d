import type { PriceItem, PriceTable } from './prices';

/**
 * What running a portfolio costs on AWS: pure functions from usage counts to a priced breakdown, in
 * integer pico-dollars (10^-12 USD, bigint), and the usage of the design we compare with, a daily
 * batch that evaluates every open case every day (docs/simulator.md).
 */

/** What a run used. Counts are whole numbers but where said otherwise. */
export interface Usage {
  stateTransitions: number;
  lambdaRequests: number;
  /** The sum over invocations of memory (MB) times billed duration (ms): 1 GB-second is 1,024,000. */
  lambdaMbMs: number;
  /** Read request units, in halves: an eventually consistent read of up to 4 KB is 0.5. */
  dynamodbReadUnits: number;
  dynamodbWriteUnits: number;
  /** SMS parts (a long or non-Latin text is several, each billed), by destination. */
  smsPartsUS: number;
  smsPartsCN: number;
  emails: number;
  eventBridgeEvents: number;
  schedulerInvocations: number;
  sqsRequests: number;
  apiRequests: number;
}
export type UsageItem = keyof Usage;

export const NO_USAGE: Usage = {
  stateTransitions: 0,
  lambdaRequests: 0,
  lambdaMbMs: 0,
  dynamodbReadUnits: 0,
  dynamodbWriteUnits: 0,
  smsPartsUS: 0,
  smsPartsCN: 0,
  emails: 0,
  eventBridgeEvents: 0,
  schedulerInvocations: 0,
  sqsRequests: 0,
  apiRequests: 0,
};

const USAGE_ITEMS = Object.keys(NO_USAGE) as UsageItem[];

export function addUsage(...usages: ReadonlyArray<Partial<Usage>>): Usage {
  const sum = { ...NO_USAGE };
  for (const usage of usages) for (const item of USAGE_ITEMS) sum[item] += usage[item] ?? 0;
  return sum;
}

/**
 * How each usage item is priced: by which price, and how many of its units make one priced unit
 * (1,024,000 MB-ms make a GB-second; read units are counted in halves, so two make a unit).
 */
const PRICING: Record<UsageItem, { price: PriceItem; unitsPerPricedUnit: bigint; scale: number }> = {
  stateTransitions: { price: 'stepFunctionsStandardStateTransition', unitsPerPricedUnit: 1n, scale: 1 },
  lambdaRequests: { price: 'lambdaRequest', unitsPerPricedUnit: 1n, scale: 1 },
  lambdaMbMs: { price: 'lambdaGbSecond', unitsPerPricedUnit: 1_024_000n, scale: 1 },
  dynamodbReadUnits: { price: 'dynamodbReadRequestUnit', unitsPerPricedUnit: 2n, scale: 2 },
  dynamodbWriteUnits: { price: 'dynamodbWriteRequestUnit', unitsPerPricedUnit: 1n, scale: 1 },
  smsPartsUS: { price: 'smsPartUS', unitsPerPricedUnit: 1n, scale: 1 },
  smsPartsCN: { price: 'smsPartCN', unitsPerPricedUnit: 1n, scale: 1 },
  emails: { price: 'sesEmail', unitsPerPricedUnit: 1n, scale: 1 },
  eventBridgeEvents: { price: 'eventBridgeEvent', unitsPerPricedUnit: 1n, scale: 1 },
  schedulerInvocations: { price: 'schedulerInvocation', unitsPerPricedUnit: 1n, scale: 1 },
  sqsRequests: { price: 'sqsRequest', unitsPerPricedUnit: 1n, scale: 1 },
  apiRequests: { price: 'apiGatewayRestRequest', unitsPerPricedUnit: 1n, scale: 1 },
};

export interface PricedLine {
  item: UsageItem;
  quantity: number;
  /** The quantity in the price's unit, as an exact decimal: `0.175` GB-seconds for 179,200 MB-ms. */
  pricedUnits: string;
  price: string;
  assumed: boolean;
  /** Pico-dollars, rounded half up once per line. */
  amount: bigint;
}

export interface CostBreakdown {
  region: string;
  pricesAsOf: string;
  cases: number;
  lines: PricedLine[];
  total: bigint;
  /** The total over the cases, rounded half up to a pico-dollar (null for no cases). */
  perCase: bigint | null;
  /** The total over the cases times 1,000, rounded once: not 1,000 times the rounded `perCase`. */
  per1000Cases: bigint | null;
}

/** `numerator / denominator` rounded half up, for non-negative numbers. */
const divideRounded = (numerator: bigint, denominator: bigint) =>
  (2n * numerator + denominator) / (2n * denominator);

/** `numerator / denominator` in decimals; exact, as every denominator here divides a power of ten. */
function decimalOf(numerator: bigint, denominator: bigint): string {
  let places = 0;
  let scale = 1n;
  while ((numerator * scale) % denominator !== 0n && places < 15) {
    places += 1;
    scale *= 10n;
  }
  const digits = ((numerator * scale) / denominator).toString().padStart(places + 1, '0');
  return places === 0 ? digits : `${digits.slice(0, -places)}.${digits.slice(-places)}`;
}

export function priceUsage(usage: Usage, table: PriceTable, cases: number): CostBreakdown {
  if (!Number.isInteger(cases) || cases < 0) throw new RangeError(`cases: a whole number, not ${cases}`);
  const lines = USAGE_ITEMS.map((item): PricedLine => {
    const quantity = usage[item];
    const { price: priceItem, unitsPerPricedUnit, scale } = PRICING[item];
    const scaled = quantity * scale;
    if (!Number.isSafeInteger(scaled) || scaled < 0)
      throw new RangeError(`${item}: ${quantity} is not a count${scale === 2 ? ' of half units' : ''}`);
    const price = table.prices[priceItem];
    const amount = divideRounded(BigInt(scaled) * price.picoUsd, unitsPerPricedUnit * price.per);
    const pricedUnits = decimalOf(BigInt(scaled), unitsPerPricedUnit);
    return { item, quantity, pricedUnits, price: price.label, assumed: price.assumed, amount };
  });
  const total = lines.reduce((sum, line) => sum + line.amount, 0n);
  const count = BigInt(cases);
  return {
    region: table.region,
    pricesAsOf: table.asOf,
    cases,
    lines,
    total,
    perCase: cases === 0 ? null : divideRounded(total, count),
    per1000Cases: cases === 0 ? null : divideRounded(total * 1000n, count),
  };
}

/** Pico-dollars as dollars with `places` decimals, rounded half up: 1_500_000n, 6 → `0.000002`. */
export function formatUsd(pico: bigint, places = 6): string {
  if (pico < 0n) return `-${formatUsd(-pico, places)}`;
  const step = 10n ** BigInt(12 - places);
  const rounded = divideRounded(pico, step);
  const scale = 10n ** BigInt(places);
  const whole = rounded / scale;
  if (places === 0) return whole.toString();
  return `${whole}.${(rounded % scale).toString().padStart(places, '0')}`;
}

export const DAY_MS = 86_400_000;

/** A case's life in the run: opened at, closed at (null: still open at the end). Epoch ms. */
export interface CaseSpan {
  openedAt: number;
  closedAt: number | null;
}

export interface BatchDesign {
  /** When each day's evaluation runs, ms after the run's start of day. */
  evaluateAtMs: number;
  evaluatorMemoryMb: number;
  /** The billed duration of one evaluation, ms. */
  evaluationMs: number;
  /** Reads of one evaluation: the case and the customer (opt-outs, time zone), strongly consistent, each under 4 KB. */
  readUnitsPerEvaluation: number;
  /** Writes of one evaluation: the case, marked evaluated for the day so a re-run acts once. */
  writeUnitsPerEvaluation: number;
}

/** The daily-batch design we price beside ours; each number is an assumption, explained in docs/simulator.md. */
export const DAILY_BATCH: BatchDesign = {
  evaluateAtMs: 0,
  evaluatorMemoryMb: 512,
  evaluationMs: 50,
  readUnitsPerEvaluation: 2,
  writeUnitsPerEvaluation: 1,
};

/** How many case-days the batch evaluates: every case open at each day's evaluation instant. */
export function caseDaysEvaluated(
  spans: readonly CaseSpan[],
  run: { start: number; days: number },
  design: BatchDesign = DAILY_BATCH,
): number {
  let evaluations = 0;
  for (let day = 0; day < run.days; day++) {
    const at = run.start + day * DAY_MS + design.evaluateAtMs;
    for (const span of spans)
      if (span.openedAt <= at && (span.closedAt === null || at < span.closedAt)) evaluations++;
  }
  return evaluations;
}

/**
 * What the batch's evaluations use: for each case-day one scheduled invocation of the evaluator, one
 * Lambda request of its memory and duration, its reads and writes. What the batch does besides (the
 * intake, the API, the contacts and their messages) is what ours does, and is added by compareDesigns.
 */
export function batchEvaluationUsage(caseDays: number, design: BatchDesign = DAILY_BATCH): Usage {
  return {
    ...NO_USAGE,
    schedulerInvocations: caseDays,
    lambdaRequests: caseDays,
    lambdaMbMs: caseDays * design.evaluatorMemoryMb * design.evaluationMs,
    dynamodbReadUnits: caseDays * design.readUnitsPerEvaluation,
    dynamodbWriteUnits: caseDays * design.writeUnitsPerEvaluation,
  };
}

export interface DesignComparison {
  eventDriven: CostBreakdown;
  dailyBatch: CostBreakdown;
  caseDays: number;
  /** The daily batch's total over ours, with three decimals (null if ours cost nothing). */
  batchOverEventDriven: string | null;
}

/**
 * Ours against the daily batch on the same portfolio. `shared` is what both designs do alike (the
 * intake, API requests, the contacts with their Lambda work, reads, writes and messages);
 * `orchestration` what only ours does to wait and route (state transitions, the wait and check steps).
 */
export function compareDesigns(input: {
  shared: Usage;
  orchestration: Usage;
  spans: readonly CaseSpan[];
  run: { start: number; days: number };
  prices: PriceTable;
  design?: BatchDesign;
}): DesignComparison {
  const design = input.design ?? DAILY_BATCH;
  const cases = input.spans.length;
  const caseDays = caseDaysEvaluated(input.spans, input.run, design);
  const eventDriven = priceUsage(addUsage(input.shared, input.orchestration), input.prices, cases);
  const dailyBatch = priceUsage(
    addUsage(input.shared, batchEvaluationUsage(caseDays, design)),
    input.prices,
    cases,
  );
  const ratio = eventDriven.total === 0n ? null : divideRounded(dailyBatch.total * 1000n, eventDriven.total);
  return {
    eventDriven,
    dailyBatch,
    caseDays,
    batchOverEventDriven:
      ratio === null ? null : `${ratio / 1000n}.${(ratio % 1000n).toString().padStart(3, '0')}`,
  };
}
