import { balanceOf, type CaseRecord } from '../case';
import { checkContactWindow } from '../compliance/contact-window';
import { profileForCountry } from '../compliance/profiles';
import type { MessageChannel, TemplateKind } from '../policy';
import type { CaseRepository } from '../ports';
import { MS_PER_DAY, parseIso, toIso } from '../time';
import { loadCase } from './ladder';
import { type MessagingDeps, sendMessages } from './messaging';
import { policyOf } from './policy-of';

/**
 * The messages a case sends outside the ladder's stages: the receipt once it is closed by payment or
 * return, and the formal demand letter once legal action starts. Like every message they go out only
 * inside the customer's contact window (outside it the step is DEFERRED to the window's opening) and
 * once each, whatever the step's retries: keyed by the case's closing or the legal decision, while the
 * timeline records when they really went out.
 */
export const CASE_MESSAGES = ['RECEIPT', 'DEMAND_LETTER'] as const;
export type CaseMessage = (typeof CASE_MESSAGES)[number];

export interface CaseMessageOutcome {
  outcome: 'SENT' | 'DEFERRED' | 'SKIPPED';
  deferUntil: string | null;
}

/** The formal demand gives the customer this long to pay or return (named in the letter). */
const DEMAND_DEADLINE_DAYS = 14;

interface Plan {
  step: string;
  key: string;
  kind: TemplateKind;
  channels: readonly MessageChannel[];
  amount: number;
  deadline?: string;
}

function planOf(record: CaseRecord, message: CaseMessage, at: string): Plan | null {
  if (message === 'RECEIPT') {
    if (record.status !== 'RESOLVED' || !record.closedAt) return null;
    if (record.resolution !== 'PAID' && record.resolution !== 'RETURNED') return null;
    return {
      step: 'CLOSE',
      key: record.closedAt,
      kind: record.resolution === 'RETURNED' ? 'RETURN_RECEIPT' : 'RECEIPT',
      channels: ['SMS', 'EMAIL'],
      amount: record.paid,
    };
  }
  if (record.status !== 'LEGAL') return null;
  const key = record.legal.decidedAt ?? at;
  return {
    step: 'LEGAL_ACTION',
    key,
    kind: 'DEMAND_LETTER',
    // docs/policy.md: the formal demand goes by email.
    channels: ['EMAIL'],
    amount: balanceOf(record, at, policyOf(record)),
    deadline: toIso(parseIso(at) + DEMAND_DEADLINE_DAYS * MS_PER_DAY),
  };
}

/** "Send receipt" / "Send demand letter": within the rules, once. SKIPPED when the case no longer calls for it. */
export async function sendCaseMessage(
  deps: MessagingDeps & { cases: CaseRepository },
  input: { caseId: string; message: CaseMessage; at: string },
): Promise<CaseMessageOutcome> {
  const { caseId, message, at } = input;
  const record = await loadCase(deps.cases, caseId);
  const plan = planOf(record, message, at);
  const customer = plan ? await deps.customers.get(record.customerId) : undefined;
  if (!plan || !customer) return { outcome: 'SKIPPED', deferUntil: null };
  const window = checkContactWindow(
    profileForCountry(customer.country),
    customer.timezone,
    at,
    `${caseId}:${message}`,
  );
  if (!window.allowed) {
    await deps.timeline.append(caseId, [
      {
        eventId: `deferred:${plan.step}:${plan.kind}:${at}`,
        at,
        type: 'CONTACT_DEFERRED',
        detail: { stage: plan.step, kind: plan.kind, until: window.deferUntil, rule: window.rule },
      },
    ]);
    return { outcome: 'DEFERRED', deferUntil: window.deferUntil };
  }
  await sendMessages(deps, policyOf(record), {
    record,
    at,
    key: plan.key,
    step: plan.step,
    customer,
    kind: plan.kind,
    channels: plan.channels,
    facts: {
      record,
      amount: { amount: plan.amount, currency: record.currency },
      locale: customer.locale,
      timeZone: customer.timezone,
      ...(plan.deadline ? { deadline: plan.deadline } : {}),
    },
  });
  return { outcome: 'SENT', deferUntil: null };
}
