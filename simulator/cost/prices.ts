import { readFileSync } from 'node:fs';
import * as path from 'node:path';
import { z } from 'zod';

/**
 * The price table (`prices.json`): list prices as exact decimal strings, read into integer
 * pico-dollars (10^-12 USD) so every sum is exact. The smallest list price has ten decimals
 * (Lambda's 0.0000133334 per GB-second), so twelve leave room.
 */

export const PRICE_ITEMS = [
  'stepFunctionsStandardStateTransition',
  'lambdaRequest',
  'lambdaGbSecond',
  'dynamodbReadRequestUnit',
  'dynamodbWriteRequestUnit',
  'smsPartUS',
  'smsPartCN',
  'sesEmail',
  'eventBridgeEvent',
  'schedulerInvocation',
  'sqsRequest',
  'apiGatewayRestRequest',
] as const;
export type PriceItem = (typeof PRICE_ITEMS)[number];

const priceSchema = z.strictObject({
  usd: z.string().regex(/^\d+(\.\d{1,12})?$/, 'a decimal string of US dollars with at most 12 decimals'),
  per: z.number().int().positive(),
  unit: z.string().min(1),
  note: z.string().optional(),
  /** Set on a figure that is not a list price: says what was assumed. */
  assumption: z.string().optional(),
});

const assumed = <T extends z.ZodType>(value: T) => z.strictObject({ value, note: z.string().min(1) });
const count = z.number().int().positive();

const dailyBatchSchema = z.strictObject({
  description: z.string().min(1),
  evaluateAtMs: assumed(z.number().int().min(0).max(86_399_999)),
  casesPerInvocation: assumed(count),
  evaluatorMemoryMb: assumed(count),
  msPerCase: assumed(count),
  caseItemBytes: assumed(count.max(400 * 1024)),
  marksEachCaseEvaluated: assumed(z.boolean()),
});

const priceTableSchema = z.strictObject({
  region: z.string().min(1),
  currency: z.literal('USD'),
  asOf: z.iso.date(),
  source: z.string().min(1),
  lambdaArchitecture: z.enum(['arm64', 'x86_64']),
  prices: z.strictObject(
    Object.fromEntries(PRICE_ITEMS.map((item) => [item, priceSchema])) as Record<
      PriceItem,
      typeof priceSchema
    >,
  ),
  dailyBatch: dailyBatchSchema,
});

/** The daily-batch design's assumptions (`dailyBatch` in prices.json, where each is explained). */
export interface BatchDesign {
  /** When each day's run starts, ms after the run's start of day. */
  evaluateAtMs: number;
  /** Open cases per evaluator invocation: one Query page of the status index. */
  casesPerInvocation: number;
  evaluatorMemoryMb: number;
  /** Billed evaluator time per case evaluated, ms. */
  msPerCase: number;
  caseItemBytes: number;
  /** Whether each evaluated case is written back, marked evaluated for the day. */
  marksEachCaseEvaluated: boolean;
}

export interface Price {
  /** The list price of `per` units, in pico-dollars. */
  picoUsd: bigint;
  per: bigint;
  /** As written in the table, e.g. `0.025 USD per 1000 state transition`. */
  label: string;
  assumed: boolean;
}

export interface PriceTable {
  region: string;
  asOf: string;
  lambdaArchitecture: 'arm64' | 'x86_64';
  prices: Record<PriceItem, Price>;
  dailyBatch: BatchDesign;
}

export const PICO_PER_USD = 1_000_000_000_000n;

/** `"0.0000133334"` → 13_333_400n pico-dollars, exactly. */
export function picoUsdOf(usd: string): bigint {
  const [whole = '0', fraction = ''] = usd.split('.');
  return BigInt(whole) * PICO_PER_USD + BigInt(fraction.padEnd(12, '0'));
}

/** The table in `input` (parsed JSON), or an error naming every wrong field by its dotted path. */
export function parsePriceTable(input: unknown, source = 'prices'): PriceTable {
  const parsed = priceTableSchema.safeParse(input);
  if (!parsed.success) {
    const issues = parsed.error.issues.map(
      (issue) => `  ${issue.path.join('.') || '(file)'}: ${issue.message}`,
    );
    throw new Error(`${source} is not a valid price table:\n${issues.join('\n')}`);
  }
  const table = parsed.data;
  const prices = Object.fromEntries(
    PRICE_ITEMS.map((item) => {
      const price = table.prices[item];
      const label = `${price.usd} USD per ${price.per} ${price.unit}`;
      return [
        item,
        {
          picoUsd: picoUsdOf(price.usd),
          per: BigInt(price.per),
          label,
          assumed: price.assumption !== undefined,
        },
      ];
    }),
  ) as Record<PriceItem, Price>;
  const batch = table.dailyBatch;
  const dailyBatch: BatchDesign = {
    evaluateAtMs: batch.evaluateAtMs.value,
    casesPerInvocation: batch.casesPerInvocation.value,
    evaluatorMemoryMb: batch.evaluatorMemoryMb.value,
    msPerCase: batch.msPerCase.value,
    caseItemBytes: batch.caseItemBytes.value,
    marksEachCaseEvaluated: batch.marksEachCaseEvaluated.value,
  };
  return {
    region: table.region,
    asOf: table.asOf,
    lambdaArchitecture: table.lambdaArchitecture,
    prices,
    dailyBatch,
  };
}

export const DEFAULT_PRICES_FILE = path.join(__dirname, 'prices.json');

export const loadDefaultPrices = () =>
  parsePriceTable(JSON.parse(readFileSync(DEFAULT_PRICES_FILE, 'utf8')), DEFAULT_PRICES_FILE);
