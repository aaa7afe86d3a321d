import { z } from 'zod';
import { CASE_STATUSES } from './case';
import type { FieldError } from './errors';
import { isKnownCurrency } from './money';
import { STAGES } from './policy';
import { isValidTimeZone } from './time';

/** Request schemas shared by the API and the event paths, so both reject the same input the same way. */

const id = z
  .string()
  .min(1)
  .max(128)
  .regex(/^[A-Za-z0-9][A-Za-z0-9._:-]*$/, 'letters, digits and . _ : - only');

const isoInstant = z.iso.datetime({
  offset: true,
  message: 'an ISO 8601 date-time, e.g. 2026-03-01T00:00:00Z',
});

export const moneySchema = z.strictObject({
  amount: z.number().int('an integer amount in minor units').positive().max(1e12),
  currency: z.string().refine(isKnownCurrency, 'an ISO 4217 currency code, e.g. CNY'),
});

export const openCaseSchema = z.strictObject({
  rentalId: id,
  customer: z.strictObject({
    id,
    name: z.string().trim().min(1).max(200),
    phone: z.string().regex(/^\+[1-9]\d{6,14}$/, 'an E.164 phone number, e.g. +8613800000000'),
    email: z.email().max(254),
    locale: z.string().regex(/^(zh|en)(-[A-Za-z0-9]{2,8})*$/i, 'zh-CN or en'),
    timezone: z.string().refine(isValidTimeZone, 'an IANA time zone, e.g. Asia/Shanghai'),
    country: z
      .string()
      .regex(/^[A-Za-z]{2}$/, 'an ISO 3166-1 alpha-2 country code')
      .transform((code) => code.toUpperCase())
      .optional(),
  }),
  device: z.strictObject({
    sku: z.string().min(1).max(64),
    name: z.string().trim().min(1).max(100),
    serial: z.string().min(1).max(64),
  }),
  amountDue: moneySchema,
  dueAt: isoInstant,
  policyId: z.string().min(1).max(64).optional(),
});
export type OpenCaseRequest = z.infer<typeof openCaseSchema>;

export const paymentSchema = z.strictObject({
  paymentId: id,
  amount: moneySchema,
  paidAt: isoInstant,
});
export type PaymentRequest = z.infer<typeof paymentSchema>;

/** `Payment Received` from the platform: without `caseId`, the rental's oldest open case. */
export const paymentReceivedSchema = paymentSchema.extend({ rentalId: id, caseId: id.optional() });
export type PaymentReceived = z.infer<typeof paymentReceivedSchema>;

export const listCasesSchema = z.strictObject({
  status: z.enum(CASE_STATUSES).optional(),
  stage: z.enum(STAGES).optional(),
  customerId: id.optional(),
  rentalId: id.optional(),
  limit: z.coerce.number().int().min(1).max(100).default(25),
  nextToken: z.string().max(2048).optional(),
});
export type ListCasesRequest = z.infer<typeof listCasesSchema>;

/** Zod issues as API field errors: the dotted path of each wrong field and what it should be. */
export function fieldErrors(error: z.ZodError, part = 'body'): FieldError[] {
  return error.issues.flatMap((issue) => {
    const at = issue.path.map(String);
    // An unknown field is named itself, not its parent object.
    if (issue.code === 'unrecognized_keys')
      return issue.keys.map((key) => ({ path: [...at, key].join('.'), message: 'unknown field' }));
    return [{ path: at.join('.') || `(${part})`, message: issue.message }];
  });
}

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
      .min(1)
      .max(60),
  }),
  z.strictObject({ type: z.literal('EXTENDED_RETURN'), returnBy: isoInstant }),
]);
export type PlanRequest = z.infer<typeof planSchema>;

/** Free text from the customer: kept on the case only, never on the timeline or in logs. */
export const disputeSchema = z.strictObject({ reason: z.string().trim().min(1).max(2000) });
export type DisputeRequest = z.infer<typeof disputeSchema>;

export const disputeResolutionSchema = z.strictObject({
  outcome: z.enum(['UPHELD', 'REJECTED']),
  note: z.string().max(2000).optional(),
});
export type DisputeResolutionRequest = z.infer<typeof disputeResolutionSchema>;

export const HARDSHIPS = ['ILLNESS', 'JOB_LOSS', 'FAMILY', 'FORGOT', 'OTHER'] as const;
export const CONTACT_OUTCOMES = ['CONNECTED', 'NO_ANSWER', 'WRONG_NUMBER', 'REFUSED'] as const;

export const contactSchema = z.strictObject({
  contactId: id,
  occurredAt: isoInstant,
  channel: z.enum(['CALL', 'VISIT', 'INBOUND']),
  outcome: z.enum(CONTACT_OUTCOMES),
  note: z.string().max(2000).optional(),
  hardship: z.enum(HARDSHIPS).optional(),
});
export type ContactRequest = z.infer<typeof contactSchema>;

export const legalReviewSchema = z.strictObject({
  decision: z.enum(['APPROVE', 'DECLINE']),
  reviewer: z.string().trim().min(1).max(200),
  note: z.string().max(2000).optional(),
});
export type LegalReviewRequest = z.infer<typeof legalReviewSchema>;

export const legalOutcomeSchema = z
  .strictObject({
    outcome: z.enum(['JUDGMENT', 'SETTLED', 'LOST', 'WITHDRAWN']),
    judgmentRef: z.string().trim().min(1).max(200).optional(),
    note: z.string().max(2000).optional(),
  })
  .refine((body) => body.outcome !== 'JUDGMENT' || body.judgmentRef !== undefined, {
    path: ['judgmentRef'],
    message: 'required with a JUDGMENT outcome',
  })
  .refine((body) => body.outcome === 'JUDGMENT' || body.judgmentRef === undefined, {
    path: ['judgmentRef'],
    message: 'only with a JUDGMENT outcome',
  });
export type LegalOutcomeRequest = z.infer<typeof legalOutcomeSchema>;

export const WORK_QUEUES = ['CALLS', 'VISITS', 'LEGAL_REVIEW', 'LETTERS'] as const;
export const WORK_ITEM_STATUSES = ['OPEN', 'CLAIMED', 'DONE', 'CANCELLED'] as const;
/** What a listing can ask for: the stored statuses, and HELD (OPEN work its case's hold stops for now). */
export const LISTED_WORK_ITEM_STATUSES = [...WORK_ITEM_STATUSES, 'HELD'] as const;
export type ListedWorkItemStatus = (typeof LISTED_WORK_ITEM_STATUSES)[number];

export const listWorkItemsSchema = z.strictObject({
  queue: z.enum(WORK_QUEUES),
  status: z.enum(LISTED_WORK_ITEM_STATUSES).default('OPEN'),
  limit: z.coerce.number().int().min(1).max(100).default(25),
  nextToken: z.string().max(2048).optional(),
});
export type ListWorkItemsRequest = z.infer<typeof listWorkItemsSchema>;

export const claimSchema = z.strictObject({ agent: z.string().trim().min(1).max(200) });
export type ClaimRequest = z.infer<typeof claimSchema>;
/** Who gives the claim back: only the agent holding it can. */
export const releaseSchema = claimSchema;
export type ReleaseRequest = z.infer<typeof releaseSchema>;

export const completeSchema = z.strictObject({
  outcome: z.enum([...CONTACT_OUTCOMES, 'SENT', 'APPROVED', 'DECLINED', 'DONE']),
  occurredAt: isoInstant,
  note: z.string().max(2000).optional(),
  hardship: z.enum(HARDSHIPS).optional(),
});
export type CompleteRequest = z.infer<typeof completeSchema>;

export const OPT_OUT_CHANNELS = ['SMS', 'EMAIL', 'CALL'] as const;
export type OptOutChannel = (typeof OPT_OUT_CHANNELS)[number];
export const optOutSchema = z.strictObject({ channel: z.enum(OPT_OUT_CHANNELS) });
export type OptOutRequest = z.infer<typeof optOutSchema>;

export const disclosureApprovalSchema = z.strictObject({ approver: z.string().trim().min(1).max(200) });
export type DisclosureApprovalRequest = z.infer<typeof disclosureApprovalSchema>;

/** `Device Returned` from the platform: without `caseId`, the rental's oldest open case. */
export const deviceReturnedSchema = returnSchema.extend({ rentalId: id, caseId: id.optional() });
export type DeviceReturned = z.infer<typeof deviceReturnedSchema>;
