import type { MessageChannel, TemplateKind } from './policy';

export type TimelineChannel = MessageChannel | 'CALL' | 'VISIT' | 'INBOUND' | 'LETTER';

/**
 * One entry of a case's append-only timeline. No personal data: the customer is referred to by id,
 * messages by template kind, never by their text or address.
 */
export interface TimelineEntry {
  /** Deterministic per fact, so a retried write lands on the same entry instead of adding one. */
  eventId: string;
  at: string;
  type: TimelineType;
  channel?: TimelineChannel;
  detail: Record<string, string | number | boolean | null>;
}

export type TimelineType =
  | 'CASE_OPENED'
  | 'WORKFLOW_STARTED'
  | 'STAGE_ENTERED'
  | 'MESSAGE_SENT'
  | 'CONTACT_DEFERRED'
  | 'CONTACT_SKIPPED'
  | 'PAYMENT_RECEIVED'
  | 'OVERPAYMENT_FOR_REFUND'
  | 'CASE_RESOLVED'
  | 'CASE_WRITTEN_OFF'
  | 'CASE_CLOSED';

/**
 * Order of entry types written at the same instant (a frozen local clock, or one step writing
 * several facts): cause before effect, so the timeline reads as it happened.
 */
export const TYPE_ORDER: Readonly<Record<TimelineType, number>> = {
  CASE_OPENED: 0,
  WORKFLOW_STARTED: 1,
  STAGE_ENTERED: 2,
  CONTACT_DEFERRED: 3,
  CONTACT_SKIPPED: 3,
  MESSAGE_SENT: 3,
  PAYMENT_RECEIVED: 4,
  OVERPAYMENT_FOR_REFUND: 5,
  CASE_RESOLVED: 6,
  CASE_WRITTEN_OFF: 6,
  CASE_CLOSED: 8,
};

/** Messages of one step are numbered in sending order, so they also read back in that order. */
/** Sort rank of an entry among those of the same instant; a receipt follows the resolution it confirms. */
export function rankOf(entry: Pick<TimelineEntry, 'type' | 'eventId'>): number {
  return entry.type === 'MESSAGE_SENT' && entry.eventId.startsWith('message:CLOSE:')
    ? 7
    : TYPE_ORDER[entry.type];
}

export const messageEventId = (at: string, step: string, channel: MessageChannel, order = 0): string =>
  `message:${step}:${order}:${channel}:${at}`;

export const messageSent = (
  at: string,
  stage: string,
  channel: MessageChannel,
  kind: TemplateKind,
  messageId: string,
  order = 0,
): TimelineEntry => ({
  eventId: messageEventId(at, stage, channel, order),
  at,
  type: 'MESSAGE_SENT',
  channel,
  detail: { stage, kind, messageId },
});
