import type { CaseRecord } from '../case';
import type { MessageChannel, Policy, TemplateKind } from '../policy';
import {
  type Customer,
  type CustomerRepository,
  MessageDeliveryError,
  MessagingConfigurationError,
  type Messenger,
  type OptOutLinks,
  type TimelineRepository,
} from '../ports';
import { type MessageFacts, renderMessage } from '../templates';
import { messageEventId, messageSent } from '../timeline';

export interface MessagingDeps {
  timeline: TimelineRepository;
  customers: CustomerRepository;
  messenger: Messenger;
  links: OptOutLinks;
}

export interface SendPlan {
  record: Pick<CaseRecord, 'caseId'>;
  /** When the messages go out: what the timeline records. */
  at: string;
  /**
   * With `step`, what makes a retried or re-entered step send nothing twice: the instant its contact
   * began (a stage's first attempt, the case's closing), which later attempts share. Default `at`.
   */
  key?: string;
  step: string;
  /**
   * What a provider failure does: `THROW` (the step fails and the workflow tries again) or, once a
   * contact has been tried long enough, `SKIP` (recorded as not sent, the other channels still go).
   */
  onProviderFailure?: 'THROW' | 'SKIP';
  customer: Customer;
  kind: TemplateKind;
  channels: readonly MessageChannel[];
  /** Notices the law requires (the credit pre-notice) still go by any channel not opted out. */
  facts: Omit<MessageFacts, 'optOutUrl'>;
}

/** What happened to each channel of a plan. */
export type ChannelOutcome = 'SENT' | 'ALREADY_SENT' | 'OPTED_OUT' | 'NOT_SENT';

/**
 * Sends a step's messages: each channel once (the timeline is the record of what went out), never
 * to an opted-out channel (recorded as a skip), each with its signed opt-out link. A number that
 * replied STOP to the carrier becomes an SMS opt-out of the customer's.
 */
export async function sendMessages(
  deps: MessagingDeps,
  policy: Policy,
  plan: SendPlan,
): Promise<Record<MessageChannel, ChannelOutcome | undefined>> {
  const outcomes: Record<MessageChannel, ChannelOutcome | undefined> = { SMS: undefined, EMAIL: undefined };
  const caseId = plan.record.caseId;
  const key = plan.key ?? plan.at;
  // An earlier attempt may have sent at another time: what went out is looked up by its key, not its time.
  const recorded = new Set((await deps.timeline.list(caseId)).map((entry) => entry.eventId));
  for (const [order, channel] of plan.channels.entries()) {
    if (recorded.has(messageEventId(key, plan.step, channel, order))) {
      outcomes[channel] = 'ALREADY_SENT';
      continue;
    }
    const skip = async (reason: string, outcome: ChannelOutcome = 'OPTED_OUT') => {
      outcomes[channel] = outcome;
      const eventId = `skipped:${plan.step}:${order}:${channel}:${key}`;
      if (recorded.has(eventId)) return;
      await deps.timeline.append(caseId, [
        {
          eventId,
          at: plan.at,
          type: 'CONTACT_SKIPPED',
          channel,
          detail: { stage: plan.step, kind: plan.kind, reason },
        },
      ]);
    };
    if (plan.customer.optOuts[channel]) {
      await skip('OPTED_OUT');
      continue;
    }
    const optOutUrl = await deps.links.link(plan.customer.customerId, channel);
    const text = renderMessage(policy, plan.kind, { ...plan.facts, optOutUrl });
    const result = await deps.messenger
      .send(
        channel === 'SMS'
          ? { channel, caseId, kind: plan.kind, to: plan.customer.phone, body: text.sms, optOutUrl }
          : {
              channel,
              caseId,
              kind: plan.kind,
              to: plan.customer.email,
              subject: text.emailSubject,
              body: text.emailBody,
              optOutUrl,
            },
      )
      .catch((error: unknown) => {
        // Tried long enough: a provider failure is recorded as not sent instead of failing the step.
        if (plan.onProviderFailure === 'SKIP' && error instanceof MessagingConfigurationError)
          return 'PROVIDER_MISCONFIGURED' as const;
        if (plan.onProviderFailure === 'SKIP' && error instanceof MessageDeliveryError)
          return 'PROVIDER_UNAVAILABLE' as const;
        throw error;
      });
    if (typeof result === 'string') {
      await skip(result, 'NOT_SENT');
      continue;
    }
    if (result.status === 'OPTED_OUT') {
      await deps.customers.optOut(plan.customer.customerId, 'SMS', plan.at);
      await deps.timeline.append(caseId, [
        {
          eventId: 'opt-out:SMS',
          at: plan.at,
          type: 'OPTED_OUT',
          channel: 'SMS',
          detail: { channel: 'SMS', via: 'STOP_REPLY' },
        },
      ]);
      await skip('STOP_REPLY');
      continue;
    }
    if (result.status === 'UNDELIVERABLE') {
      await skip('UNDELIVERABLE');
      continue;
    }
    outcomes[channel] = 'SENT';
    await deps.timeline.append(caseId, [
      { ...messageSent(key, plan.step, channel, plan.kind, result.messageId, order), at: plan.at },
    ]);
  }
  return outcomes;
}
