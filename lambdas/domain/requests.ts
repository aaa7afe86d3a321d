import { CASE_STATUSES } from './case';
import { isKnownCurrency } from './money';
import { STAGES } from './policy';
import { isValidTimeZone } from './time';
import * as z from './zod';

/** Request schemas shared by the API and the event paths, so both reject the same input the same way. */

const id = z
  .string()
  .check(
    z.minLength(1),
    z.maxLength(128),
    z.regex(/^[A-Za-z0-9][A-Za-z0-9._:-]*$/, 'letters, digits and . _ : - only'),
  );

const isoInstant = z.iso.datetime({
  offset: true,
  error: 'an ISO 8601 date-time, e.g. 2026-03-01T00:00:00Z',
});

/** The path parameters of each route shape, validated like bodies (a bad one is a 400 naming it). */
export const casePath = z.object({ caseId: id });
export const workItemPath = z.object({ workItemId: id });
export const customerPath = z.object({ customerId: id });

/** A string of 1 to `max` characters, e.g. a name or a note. */
const text = (max: number) => z.string().check(z.minLength(1), z.maxLength(max));
/** The same, trimmed first: blank is empty. */
const trimmedText = (max: number) => z.string().check(z.trim(), z.minLength(1), z.maxLength(max));
const note = z.optional(z.string().check(z.maxLength(2000)));

export const moneySchema = z.strictObject({
  amount: z.number().check(z.int('an integer amount in minor units'), z.positive(), z.maximum(1e12)),
  currency: z.string().check(z.refine(isKnownCurrency, 'an ISO 4217 currency code, e.g. CNY')),
});

export const openCaseSchema = z.strictObject({
  rentalId: id,
  customer: z.strictObject({
    id,
    name: trimmedText(200),
    phone: z.string().check(z.regex(/^\+[1-9]\d{6,14}$/, 'an E.164 phone number, e.g. +8613800000000')),
    email: z.email().check(z.maxLength(254)),
    locale: z.string().check(z.regex(/^(zh|en)(-[A-Za-z0-9]{2,8})*$/i, 'zh-CN or en')),
    timezone: z.string().check(z.refine(isValidTimeZone, 'an IANA time zone, e.g. Asia/Shanghai')),
    country: z.optional(
      z.pipe(
        z.string().check(z.regex(/^[A-Za-z]{2}$/, 'an ISO 3166-1 alpha-2 country code')),
        z.transform((code) => code.toUpperCase()),
      ),
    ),
  }),
  device: z.strictObject({
    sku: text(64),
    name: trimmedText(100),
    serial: text(64),
  }),
  amountDue: moneySchema,
  dueAt: isoInstant,
  policyId: z.optional(text(64)),
});
export type OpenCaseRequest = z.infer<typeof openCaseSchema>;

export const paymentSchema = z.strictObject({
  paymentId: id,
  amount: moneySchema,
  paidAt: isoInstant,
});
export type PaymentRequest = z.infer<typeof paymentSchema>;

/** `Payment Received` from the platform: without `caseId`, the rental's oldest open case. */
export const paymentReceivedSchema = z.extend(paymentSchema, { rentalId: id, caseId: z.optional(id) });
export type PaymentReceived = z.infer<typeof paymentReceivedSchema>;

/** A page size in a query string: its text as a whole number, 25 when absent. */
const pageLimit = z._default(z.coerce.number().check(z.int(), z.minimum(1), z.maximum(100)), 25);
const nextToken = z.optional(z.string().check(z.maxLength(2048)));

export const listCasesSchema = z.strictObject({
  status: z.optional(z.enum(CASE_STATUSES)),
  stage: z.optional(z.enum(STAGES)),
  customerId: z.optional(id),
  rentalId: z.optional(id),
  limit: pageLimit,
  nextToken,
});
export type ListCasesRequest = z.infer<typeof listCasesSchema>;

export const returnSchema = z.strictObject({
  returnedAt: isoInstant,
  condition: z.enum(['GOOD', 'DAMAGED']),
});
export type ReturnRequest = z.infer<typeof returnSchema>;

export const promiseSchema = z.strictObject({
  promisedAt: isoInstant,
  amount: moneySchema,
});
export type PromiseRequest = z.infer<typeof promiseSchema>;

export const planSchema = z.discriminatedUnion('type', [
  z.strictObject({
    type: z.literal('INSTALLMENTS'),
    installments: z
      .array(z.strictObject({ dueAt: isoInstant, amount: moneySchema }))
      .check(z.minLength(1), z.maxLength(60)),
  }),
  z.strictObject({ type: z.literal('EXTENDED_RETURN'), returnBy: isoInstant }),
]);
export type PlanRequest = z.infer<typeof planSchema>;

/** Free text from the customer: kept on the case only, never on the timeline or in logs. */
export const disputeSchema = z.strictObject({ reason: trimmedText(2000) });
export type DisputeRequest = z.infer<typeof disputeSchema>;

export const disputeResolutionSchema = z.strictObject({
  outcome: z.enum(['UPHELD', 'REJECTED']),
  note,
});
export type DisputeResolutionRequest = z.infer<typeof disputeResolutionSchema>;

export const HARDSHIPS = ['ILLNESS', 'JOB_LOSS', 'FAMILY', 'FORGOT', 'OTHER'] as const;
export const CONTACT_OUTCOMES = ['CONNECTED', 'NO_ANSWER', 'WRONG_NUMBER', 'REFUSED'] as const;

export const contactSchema = z.strictObject({
  contactId: id,
  occurredAt: isoInstant,
  channel: z.enum(['CALL', 'VISIT', 'INBOUND']),
  outcome: z.enum(CONTACT_OUTCOMES),
  note,
  hardship: z.optional(z.enum(HARDSHIPS)),
});
export type ContactRequest = z.infer<typeof contactSchema>;

export const legalReviewSchema = z.strictObject({
  decision: z.enum(['APPROVE', 'DECLINE']),
  reviewer: trimmedText(200),
  note,
});
export type LegalReviewRequest = z.infer<typeof legalReviewSchema>;

export const legalOutcomeSchema = z
  .strictObject({
    outcome: z.enum(['JUDGMENT', 'SETTLED', 'LOST', 'WITHDRAWN']),
    judgmentRef: z.optional(trimmedText(200)),
    note,
  })
  .check(
    z.refine((body) => body.outcome !== 'JUDGMENT' || body.judgmentRef !== undefined, {
      path: ['judgmentRef'],
      message: 'required with a JUDGMENT outcome',
    }),
    z.refine((body) => body.outcome === 'JUDGMENT' || body.judgmentRef === undefined, {
      path: ['judgmentRef'],
      message: 'only with a JUDGMENT outcome',
    }),
  );
export type LegalOutcomeRequest = z.infer<typeof legalOutcomeSchema>;

export const WORK_QUEUES = ['CALLS', 'VISITS', 'LEGAL_REVIEW', 'LETTERS'] as const;
export const WORK_ITEM_STATUSES = ['OPEN', 'CLAIMED', 'DONE', 'CANCELLED'] as const;
/** What a listing can ask for: the stored statuses, and HELD (OPEN work its case's hold stops for now). */
export const LISTED_WORK_ITEM_STATUSES = [...WORK_ITEM_STATUSES, 'HELD'] as const;
export type ListedWorkItemStatus = (typeof LISTED_WORK_ITEM_STATUSES)[number];

export const listWorkItemsSchema = z.strictObject({
  queue: z.enum(WORK_QUEUES),
  status: z._default(z.enum(LISTED_WORK_ITEM_STATUSES), 'OPEN'),
  limit: pageLimit,
  nextToken,
});
export type ListWorkItemsRequest = z.infer<typeof listWorkItemsSchema>;

export const claimSchema = z.strictObject({ agent: trimmedText(200) });
export type ClaimRequest = z.infer<typeof claimSchema>;
/** Who gives the claim back: only the agent holding it can. */
export const releaseSchema = claimSchema;
export type ReleaseRequest = z.infer<typeof releaseSchema>;

export const completeSchema = z.strictObject({
  outcome: z.enum([...CONTACT_OUTCOMES, 'SENT', 'APPROVED', 'DECLINED', 'DONE']),
  occurredAt: isoInstant,
  note,
  hardship: z.optional(z.enum(HARDSHIPS)),
});
export type CompleteRequest = z.infer<typeof completeSchema>;

export const OPT_OUT_CHANNELS = ['SMS', 'EMAIL', 'CALL'] as const;
export type OptOutChannel = (typeof OPT_OUT_CHANNELS)[number];
export const optOutSchema = z.strictObject({ channel: z.enum(OPT_OUT_CHANNELS) });
export type OptOutRequest = z.infer<typeof optOutSchema>;

export const disclosureApprovalSchema = z.strictObject({ approver: trimmedText(200) });
export type DisclosureApprovalRequest = z.infer<typeof disclosureApprovalSchema>;

/** `Device Returned` from the platform: without `caseId`, the rental's oldest open case. */
export const deviceReturnedSchema = z.extend(returnSchema, { rentalId: id, caseId: z.optional(id) });
export type DeviceReturned = z.infer<typeof deviceReturnedSchema>;
