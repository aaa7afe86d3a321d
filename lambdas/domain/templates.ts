import type { CaseRecord } from './case';
import { formatMoney, type Money } from './money';
import {
  LOCALES,
  type Locale,
  type MessageTemplate,
  type Policy,
  type TEMPLATE_PLACEHOLDERS,
  type TemplateKind,
} from './policy';
import { formatLocalDateTime } from './time';

type Placeholder = (typeof TEMPLATE_PLACEHOLDERS)[number];

export interface RenderedMessage {
  sms: string;
  emailSubject: string;
  emailBody: string;
}

export interface MessageFacts {
  record: Pick<CaseRecord, 'caseId' | 'rentalId' | 'device'>;
  amount: Money;
  locale: Locale;
  timeZone: string;
  /** When the customer should act by (pay, return, or before a credit report). */
  deadline?: string;
  reportDate?: string;
  /** The signed link that opts the customer out of this message's channel. */
  optOutUrl: string;
}

/** `zh`, `zh-Hans-CN` → `zh-CN`; everything else → `en`. */
export function localeFor(tag: string): Locale {
  return tag.toLowerCase().startsWith('zh') ? 'zh-CN' : 'en';
}

export function isSupportedLocale(tag: string): tag is Locale {
  return (LOCALES as readonly string[]).includes(tag);
}

function fill(text: string, values: Partial<Record<Placeholder, string>>): string {
  return text.replace(/\{([a-zA-Z]+)\}/g, (whole, name: string) => values[name as Placeholder] ?? whole);
}

/** Renders one template kind in the customer's locale. Placeholders were validated with the policy. */
export function renderMessage(policy: Policy, kind: TemplateKind, facts: MessageFacts): RenderedMessage {
  const template: MessageTemplate | undefined = policy.templates[kind]?.[facts.locale];
  if (!template)
    throw new Error(`policy ${policy.id} v${policy.version} has no ${kind} template in ${facts.locale}`);
  const when = (iso: string | undefined) =>
    iso === undefined ? undefined : formatLocalDateTime(iso, facts.locale, facts.timeZone);
  const values: Partial<Record<Placeholder, string>> = {
    brand: policy.brand,
    device: facts.record.device.name,
    amount: formatMoney(facts.amount, facts.locale),
    deadline: when(facts.deadline),
    reportDate: when(facts.reportDate),
    paymentUrl: policy.paymentUrl.replace('{rentalId}', encodeURIComponent(facts.record.rentalId)),
    servicePhone: policy.customerService.phone,
    serviceUrl: policy.customerService.url,
    caseRef: facts.record.caseId,
    optOutUrl: facts.optOutUrl,
  };
  return {
    sms: fill(template.sms, values),
    emailSubject: fill(template.emailSubject, values),
    emailBody: fill(template.emailBody, values),
  };
}
