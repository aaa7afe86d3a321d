import type { BatchDesign, PriceItem, PriceTable } from './prices';

export type { BatchDesign } from './prices';

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
  /** Write request units: a write is 1 per KB of the whole item, rounded up (writeUnitsOf). */
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

/**
 * Pico-dollars as dollars with `places` decimals (0 or more), the magnitude rounded half up:
 * 1_500_000n, 6 → `0.000002`; -1_500_000n → `-0.000002`. A negative amount that rounds to zero is
 * written `0.000000`, without a sign.
 */
export function formatUsd(pico: bigint, places = 6): string {
  if (!Number.isInteger(places) || places < 0) throw new RangeError(`places: a whole number, not ${places}`);
  const magnitude = pico < 0n ? -pico : pico;
  const digits =
    places <= 12
      ? divideRounded(magnitude, 10n ** BigInt(12 - places))
      : magnitude * 10n ** BigInt(places - 12);
  const scale = 10n ** BigInt(places);
  const text =
    places === 0 ? `${digits}` : `${digits / scale}.${(digits % scale).toString().padStart(places, '0')}`;
  return pico < 0n && digits !== 0n ? `-${text}` : text;
}

export const DAY_MS = 86_400_000;

/** DynamoDB bills a write by the whole item's size: one unit per 1 KB, rounded up. */
export const writeUnitsOf = (itemBytes: number) => Math.ceil(itemBytes / 1024);

/** The most a Query returns in one page. */
const QUERY_PAGE_BYTES = 1024 * 1024;

/** Read units, in halves, of one eventually consistent Query page: 0.5 per 4 KB of its items, at least 0.5. */
const queryPageHalves = (items: number, itemBytes: number) =>
  Math.max(1, Math.ceil((items * itemBytes) / 4096));

/** A case's life in the run: opened at, closed at (null: still open at the end). Epoch ms. */
export interface CaseSpan {
  openedAt: number;
  closedAt: number | null;
}

export interface Run {
  start: number;
  days: number;
}

/** How many cases are open at each day's evaluation instant, day by day. */
export function openCasesByDay(spans: readonly CaseSpan[], run: Run, evaluateAtMs: number): number[] {
  return Array.from({ length: run.days }, (_, day) => {
    const at = run.start + day * DAY_MS + evaluateAtMs;
    return spans.filter((span) => span.openedAt <= at && (span.closedAt === null || at < span.closedAt))
      .length;
  });
}

/** How many case-days the batch evaluates: every case open at each day's evaluation instant. */
export const caseDaysEvaluated = (spans: readonly CaseSpan[], run: Run, design: BatchDesign) =>
  openCasesByDay(spans, run, design.evaluateAtMs).reduce((sum, open) => sum + open, 0);

/**
 * What the batch's evaluations use, given the open cases of each day: one scheduler invocation a
 * day; one evaluator invocation per page of `casesPerInvocation` open cases (at least one a day),
 * each reading its page by an eventually consistent Query with the items packed; `msPerCase` of the
 * evaluator per case; and, if it marks them, a write of each evaluated case, billed by the item's
 * size. What the batch does besides (the intake, the API, the contacts' reads, writes and messages)
 * is what ours does, and is added by compareDesigns.
 */
export function batchEvaluationUsage(openByDay: readonly number[], design: BatchDesign): Usage {
  const { casesPerInvocation: perPage, caseItemBytes } = design;
  if (perPage * caseItemBytes > QUERY_PAGE_BYTES)
    throw new RangeError(
      `casesPerInvocation: ${perPage} cases of ${caseItemBytes} bytes do not fit a 1 MB Query page`,
    );
  let invocations = 0;
  let readHalves = 0;
  for (const open of openByDay) {
    const fullPages = Math.floor(open / perPage);
    const lastPage = open % perPage;
    invocations += Math.max(1, Math.ceil(open / perPage));
    readHalves += fullPages * queryPageHalves(perPage, caseItemBytes);
    if (lastPage > 0 || fullPages === 0) readHalves += queryPageHalves(lastPage, caseItemBytes);
  }
  const caseDays = openByDay.reduce((sum, open) => sum + open, 0);
  return {
    ...NO_USAGE,
    schedulerInvocations: openByDay.length,
    lambdaRequests: invocations,
    lambdaMbMs: caseDays * design.evaluatorMemoryMb * design.msPerCase,
    dynamodbReadUnits: readHalves / 2,
    dynamodbWriteUnits: design.marksEachCaseEvaluated ? caseDays * writeUnitsOf(caseItemBytes) : 0,
  };
}

export interface DesignComparison {
  eventDriven: CostBreakdown;
  dailyBatch: CostBreakdown;
  caseDays: number;
  /**
   * Cases opened and closed between two daily runs: the batch never evaluates them, yet their
   * contacts stay in the shared usage of both designs.
   */
  casesNeverEvaluated: number;
  /** The daily batch's total over ours, with three decimals (null if ours cost nothing). */
  batchOverEventDriven: string | null;
}

/**
 * Ours against the daily batch on the same portfolio. `shared` is what both designs do alike (the
 * intake, API requests, the contacts with their Lambda work, reads, writes and messages);
 * `orchestration` what only ours does to wait and route (state transitions, the wait and check steps).
 * `contactLambdaRequests` are the Lambda requests in `shared` that invoke a contact: the batch sends
 * from inside its evaluator, so it is not billed them (the sending time it is).
 */
export function compareDesigns(input: {
  shared: Usage;
  orchestration: Usage;
  contactLambdaRequests: number;
  spans: readonly CaseSpan[];
  run: Run;
  prices: PriceTable;
  design?: BatchDesign;
}): DesignComparison {
  const design = input.design ?? input.prices.dailyBatch;
  const { shared, contactLambdaRequests } = input;
  if (!Number.isInteger(contactLambdaRequests) || contactLambdaRequests < 0)
    throw new RangeError(`contactLambdaRequests: a whole number, not ${contactLambdaRequests}`);
  if (contactLambdaRequests > shared.lambdaRequests)
    throw new RangeError(
      `contactLambdaRequests: ${contactLambdaRequests} is more than the ${shared.lambdaRequests} shared Lambda requests`,
    );
  const cases = input.spans.length;
  const openByDay = openCasesByDay(input.spans, input.run, design.evaluateAtMs);
  const casesNeverEvaluated = input.spans.filter(
    (span) => caseDaysEvaluated([span], input.run, design) === 0,
  ).length;
  const eventDriven = priceUsage(addUsage(shared, input.orchestration), input.prices, cases);
  const batchShared = { ...shared, lambdaRequests: shared.lambdaRequests - contactLambdaRequests };
  const dailyBatch = priceUsage(
    addUsage(batchShared, batchEvaluationUsage(openByDay, design)),
    input.prices,
    cases,
  );
  const ratio = eventDriven.total === 0n ? null : divideRounded(dailyBatch.total * 1000n, eventDriven.total);
  return {
    eventDriven,
    dailyBatch,
    caseDays: openByDay.reduce((sum, open) => sum + open, 0),
    casesNeverEvaluated,
    batchOverEventDriven:
      ratio === null ? null : `${ratio / 1000n}.${(ratio % 1000n).toString().padStart(3, '0')}`,
  };
}
