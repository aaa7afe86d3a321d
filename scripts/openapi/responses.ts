import { z } from 'zod';
import { CASE_STATUSES, type CaseView, CREDIT_REPORT_STATUSES, RESOLUTIONS } from '../../lambdas/domain/case';
import { MESSAGE_CHANNELS, STAGES } from '../../lambdas/domain/policy';
import { LISTED_WORK_ITEM_STATUSES, OPT_OUT_CHANNELS, WORK_QUEUES } from '../../lambdas/domain/requests';
import type { PublicTimelineEntry } from '../../lambdas/domain/services/read-cases';
import type { publicWorkItem } from '../../lambdas/domain/services/work-items';
import { TYPE_ORDER } from '../../lambdas/domain/timeline';
import { PROBLEM_TYPES } from '../../lambdas/shared/http';
import { GATEWAY_PROBLEMS } from '../../lib/api';

/**
 * What the API answers, as zod schemas: the OpenAPI document's response bodies. The handlers build
 * these values with plain TypeScript (`viewOf`, `publicWorkItem`), so the types below are checked
 * against theirs at compile time, and the README's worked example parses real answers with them.
 * Objects are not strict: the contract may add fields (docs/api.md).
 */

const instant = z.string().describe('ISO 8601 date-time, UTC');

/** An amount the case shows: zero is allowed (nothing outstanding, nothing to refund). */
export const balanceSchema = z.object({
  amount: z.number().int().min(0).describe('integer minor units (CNY 129900 = ¥1,299.00)'),
  currency: z.string().describe('ISO 4217'),
});

export const caseSchema = z.object({
  caseId: z.string(),
  rentalId: z.string(),
  customerId: z.string(),
  status: z.enum(CASE_STATUSES),
  stage: z.enum(STAGES),
  outstanding: balanceSchema,
  amountDue: balanceSchema,
  fees: balanceSchema,
  paid: balanceSchema,
  refundDue: balanceSchema,
  resolution: z.enum(RESOLUTIONS).nullable(),
  dueAt: instant,
  openedAt: instant,
  updatedAt: instant,
  closedAt: instant.nullable(),
  device: z.object({ sku: z.string(), name: z.string(), serial: z.string() }),
  policy: z.object({ id: z.string(), version: z.number().int() }),
  creditReport: z.object({ status: z.enum(CREDIT_REPORT_STATUSES) }),
  accountRestricted: z.boolean(),
  promise: z
    .object({
      promisedAt: instant,
      amount: balanceSchema,
      keepBy: instant,
      wholeAmount: z.boolean(),
      toKeep: balanceSchema,
    })
    .nullable(),
  plan: z
    .object({
      type: z.enum(['INSTALLMENTS', 'EXTENDED_RETURN']),
      installments: z.array(z.object({ dueAt: instant, amount: balanceSchema })),
      returnBy: instant.nullable(),
    })
    .nullable(),
  dispute: z
    .object({
      openedAt: instant,
      rulingDueAt: instant,
      outcome: z.enum(['UPHELD', 'REJECTED']).nullable(),
    })
    .nullable(),
  legal: z.object({
    decision: z.enum(['APPROVE', 'DECLINE']).nullable(),
    outcome: z.enum(['JUDGMENT', 'SETTLED', 'LOST', 'WITHDRAWN']).nullable(),
    judgmentRef: z.string().nullable(),
  }),
});

const TIMELINE_TYPES = Object.keys(TYPE_ORDER) as Array<keyof typeof TYPE_ORDER>;

export const timelineEntrySchema = z.object({
  at: instant,
  type: z.enum(TIMELINE_TYPES),
  channel: z.enum([...MESSAGE_CHANNELS, 'CALL', 'VISIT', 'INBOUND', 'LETTER']).optional(),
  detail: z
    .record(z.string(), z.union([z.string(), z.number(), z.boolean(), z.null()]))
    .describe('facts of the entry: ids, template kinds, amounts; never personal data'),
});

export const caseWithTimelineSchema = caseSchema.extend({ timeline: z.array(timelineEntrySchema) });

export const casePageSchema = z.object({
  items: z.array(caseSchema),
  nextToken: z.string().optional().describe('absent on the last page'),
});

export const workItemSchema = z.object({
  workItemId: z.string(),
  queue: z.enum(WORK_QUEUES),
  caseId: z.string(),
  status: z.enum(LISTED_WORK_ITEM_STATUSES),
  dueAt: instant,
  stage: z.enum(STAGES),
  claimedBy: z.string().nullable(),
  outcome: z.string().nullable(),
  callBy: instant.optional().describe('a claimed call or visit: make it by then (15 minutes)'),
});

export const workItemPageSchema = z.object({
  items: z.array(workItemSchema),
  nextToken: z.string().optional().describe('absent on the last page; a page can hold fewer than limit'),
});

export const optOutResultSchema = z.object({
  customerId: z.string(),
  channel: z.enum(OPT_OUT_CHANNELS),
  optedOut: z.literal(true),
});

/** Every problem `type`: the handlers' (by status) and API Gateway's own refusals (lib/api.ts). */
export const PROBLEM_TYPE_NAMES = [
  ...new Set([
    ...Object.values(PROBLEM_TYPES).map(([type]) => type),
    ...GATEWAY_PROBLEMS.map(([, , slug]) => `/problems/${slug}`),
  ]),
];

export const problemSchema = z.object({
  type: z.enum(PROBLEM_TYPE_NAMES),
  title: z.string(),
  status: z
    .number()
    .int()
    .optional()
    .describe("the HTTP status; absent only in API Gateway's catch-all gateway-rejected and gateway-error"),
  detail: z.string(),
  errors: z
    .array(z.object({ path: z.string(), message: z.string() }))
    .optional()
    .describe('each wrong field: its dotted path in the body (or query) and what it should be'),
  rule: z
    .string()
    .optional()
    .describe('a refused claim or disclosure: the rule, e.g. OUTSIDE_CONTACT_WINDOW, NO_JUDGMENT'),
  retryAt: instant.optional().describe('a refused claim: when waiting will do'),
});

// Compile-time: the schemas describe exactly what the handlers build (same fields, same types).
type Same<A, B> = [A] extends [B] ? ([B] extends [A] ? true : false) : false;
type SameKeys<A, B> = Same<keyof A, keyof B>;
type Expect<T extends true> = T;
type WorkItemView = ReturnType<typeof publicWorkItem>;
export type ResponseSchemasMatchTheHandlers = [
  Expect<Same<z.infer<typeof caseSchema>, CaseView>>,
  Expect<SameKeys<z.infer<typeof caseSchema>, CaseView>>,
  Expect<Same<z.infer<typeof timelineEntrySchema>, PublicTimelineEntry>>,
  Expect<SameKeys<z.infer<typeof timelineEntrySchema>, PublicTimelineEntry>>,
  Expect<SameKeys<z.infer<typeof workItemSchema>, WorkItemView>>,
];
