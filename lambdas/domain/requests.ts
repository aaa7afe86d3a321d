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
export function fieldErrors(error: z.ZodError): FieldError[] {
  return error.issues.map((issue) => ({
    path: issue.path.map(String).join('.') || '(body)',
    message: issue.message,
  }));
}
