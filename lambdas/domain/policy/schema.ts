import * as z from '../zod';

/** Ladder stages, in order. The ASL walks them; the policy gives each its channels, template and wait. */
export const STAGES = [
  'OVERDUE_NOTICE',
  'FIRST_COLLECTION',
  'SECOND_COLLECTION',
  'CREDIT_PRE_NOTICE',
  'CREDIT_REPORTED',
  'LEGAL_REVIEW',
  'LEGAL_ACTION',
  'SOFT_REMINDERS',
] as const;
export type Stage = (typeof STAGES)[number];

export const MESSAGE_CHANNELS = ['SMS', 'EMAIL'] as const;
export type MessageChannel = (typeof MESSAGE_CHANNELS)[number];

export const TEMPLATE_KINDS = [
  'OVERDUE_NOTICE',
  'REMINDER',
  'SECOND_REMINDER',
  'CREDIT_PRE_NOTICE',
  'SOFT_REMINDER',
  'DEMAND_LETTER',
  'RECEIPT',
  'RETURN_RECEIPT',
] as const;
export type TemplateKind = (typeof TEMPLATE_KINDS)[number];

export const LOCALES = ['zh-CN', 'en'] as const;
export type Locale = (typeof LOCALES)[number];

/** The placeholders a template may use; anything else fails validation (and so fails synth). */
export const TEMPLATE_PLACEHOLDERS = [
  'brand',
  'device',
  'amount',
  'deadline',
  'paymentUrl',
  'servicePhone',
  'serviceUrl',
  'reportDate',
  'caseRef',
  'optOutUrl',
] as const;

const minorUnits = z.int().check(z.nonnegative());
const days = z.int().check(z.positive(), z.maximum(366));
const wholeNumber = (min: number, max: number) => z.int().check(z.minimum(min), z.maximum(max));
const nonEmpty = z.string().check(z.minLength(1));

const placeholdersKnown = z.superRefine<string>((text, ctx) => {
  for (const match of text.matchAll(/\{([^{}]*)\}/g)) {
    const name = match[1] ?? '';
    if (!(TEMPLATE_PLACEHOLDERS as readonly string[]).includes(name)) {
      ctx.addIssue({
        code: 'custom',
        message: `unknown placeholder {${name}}; allowed: ${TEMPLATE_PLACEHOLDERS.join(', ')}`,
      });
    }
  }
});
const templateText = (...checks: z.core.$ZodCheck<string>[]) =>
  z.string().check(z.minLength(1), placeholdersKnown, ...checks);

const withOptOutLink = (text: string) => text.includes('{optOutUrl}');
const messageTemplate = z.strictObject({
  sms: templateText(
    z.refine((text) => text.length <= 600, 'an SMS template must be at most 600 characters'),
    z.refine(withOptOutLink, 'every SMS carries the signed opt-out link: add {optOutUrl}'),
  ),
  emailSubject: templateText(),
  emailBody: templateText(
    z.refine(withOptOutLink, 'every email carries the signed opt-out link: add {optOutUrl}'),
  ),
});

const contactStage = z.strictObject({
  /** Messages sent when the stage starts. */
  channels: z.array(z.enum(MESSAGE_CHANNELS)).check(z.maxLength(2)),
  template: z.enum(TEMPLATE_KINDS),
  /** Whether the stage creates a call work item for an agent. */
  callTask: z.boolean(),
  /** Wait before the next stage, counted from the moment the stage's contact went out. */
  waitDays: days,
});

export const policySchema = z
  .strictObject({
    id: z.string().check(z.regex(/^[a-z0-9][a-z0-9-]{0,62}$/, 'lower-case letters, digits and dashes')),
    version: z.int().check(z.positive()),
    description: nonEmpty,
    brand: z.string().check(z.minLength(1), z.maxLength(40)),
    customerService: z.strictObject({ phone: z.string().check(z.minLength(3)), url: z.url() }),
    /** Where the customer pays or books a return; `{rentalId}` is replaced. */
    paymentUrl: z.url(),
    lateFee: z.strictObject({
      /** 5 = 0.05 % of `amountDue` per whole day overdue, rounded down to the minor unit. */
      basisPointsPerDay: wholeNumber(0, 10_000),
      capPercentOfAmountDue: z.number().check(z.minimum(0), z.maximum(100)),
    }),
    /** Thresholds per currency, in minor units. A case in a currency without thresholds is refused. */
    thresholds: z.record(
      z.string().check(z.regex(/^[A-Z]{3}$/, 'an ISO 4217 code')),
      z.strictObject({ fieldVisit: minorUnits, legalReview: minorUnits }),
    ),
    stages: z.strictObject({
      OVERDUE_NOTICE: contactStage,
      FIRST_COLLECTION: contactStage,
      SECOND_COLLECTION: z.extend(contactStage, { callEveryDays: days }),
      CREDIT_PRE_NOTICE: z.extend(contactStage, { waitDaysUS: days }),
      SOFT_REMINDERS: z.strictObject({
        channels: z.array(z.enum(MESSAGE_CHANNELS)).check(z.minLength(1), z.maxLength(2)),
        template: z.enum(TEMPLATE_KINDS),
        everyDays: days,
        /** Write the debt off once this many days have passed since `dueAt`. */
        writeOffAfterDays: days,
      }),
    }),
    promise: z.strictObject({
      graceDays: wholeNumber(0, 30),
      maxDays: days,
      /** The least part of the outstanding amount a promise may be for (20 = a fifth); 100 = all of it. */
      minSharePercent: wholeNumber(1, 100),
    }),
    disputes: z.strictObject({
      /** docs/policy.md: a dispute must be ruled within 30 days; ops are alerted when it is not. */
      rulingDays: days,
      /** After a missed ruling deadline, ops are alerted again every this many days. */
      reminderDays: days,
    }),
    legal: z.strictObject({
      /** Ops are reminded of an undecided legal review every this many days. */
      reviewReminderDays: days,
      /** How often a case waiting for its legal outcome is looked at (and continued if needed). */
      outcomeCheckDays: days,
    }),
    /** Public disclosure of a serious case: off unless enabled, and then only with a judgment and two approvals. */
    publicDisclosure: z.strictObject({ enabled: z.boolean() }),
    plans: z.strictObject({
      maxInstallments: wholeNumber(1, 24),
      /** The last instalment is due at most this many days after the plan is agreed. */
      maxPlanDays: days,
      maxExtendedReturnDays: days,
    }),
    templates: z.partialRecord(
      z.enum(TEMPLATE_KINDS),
      z.strictObject({ 'zh-CN': messageTemplate, en: messageTemplate }),
    ),
  })
  .check(
    z.superRefine((policy, ctx) => {
      // Besides the stages' own: the receipts (closing a case) and the demand letter (legal action).
      const used = new Set<TemplateKind>([
        ...Object.values(policy.stages).map((stage) => stage.template),
        'RECEIPT',
        'RETURN_RECEIPT',
        'DEMAND_LETTER',
      ]);
      for (const kind of used) {
        if (!policy.templates[kind]) {
          ctx.addIssue({
            code: 'custom',
            path: ['templates', kind],
            message: `template ${kind} is used but missing`,
          });
        }
      }
      const soft = policy.stages.SOFT_REMINDERS;
      if (soft.writeOffAfterDays <= soft.everyDays) {
        ctx.addIssue({
          code: 'custom',
          path: ['stages', 'SOFT_REMINDERS', 'writeOffAfterDays'],
          message: 'must be longer than everyDays',
        });
      }
    }),
  );

export type Policy = z.infer<typeof policySchema>;
export type MessageTemplate = z.infer<typeof messageTemplate>;
