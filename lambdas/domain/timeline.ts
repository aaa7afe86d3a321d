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

/**
 * Every kind of fact on a timeline, with its order among facts of the same instant (a frozen local
 * clock, or one step writing several facts): cause before effect, so the timeline reads as it happened.
 */
export const TYPE_ORDER = {
  CASE_OPENED: 0,
  WORKFLOW_STARTED: 1,
  PAYMENT_RECEIVED: 2,
  DEVICE_RETURNED: 2,
  PROMISE_MADE: 2,
  PLAN_AGREED: 2,
  DISPUTE_OPENED: 2,
  DISPUTE_RULED: 2,
  LEGAL_REVIEW_DECIDED: 2,
  LEGAL_OUTCOME_RECORDED: 2,
  CONTACT_RECORDED: 2,
  OPTED_OUT: 2,
  DISCLOSURE_APPROVED: 2,
  OVERPAYMENT_FOR_REFUND: 3,
  SETTLEMENT_CORRECTED: 3,
  CASE_RESOLUTION_CORRECTED: 3,
  PROMISE_BROKEN: 4,
  PROMISE_KEPT: 4,
  PLAN_HONOURED: 4,
  PLAN_BROKEN: 4,
  INSTALLMENT_KEPT: 4,
  CREDIT_REPORT_FLAGGED: 5,
  CREDIT_REPORT_UNFLAGGED: 5,
  LADDER_RESUMED: 6,
  CREDIT_REPORT_FILED: 7,
  CREDIT_REPORT_REFUSED: 7,
  ACCOUNT_RESTRICTED: 8,
  LEGAL_REVIEW_OPENED: 9,
  LEGAL_ACTION_STARTED: 9,
  PUBLIC_DISCLOSURE_PUBLISHED: 9,
  STAGE_ENTERED: 10,
  CONTACT_DEFERRED: 11,
  CONTACT_SKIPPED: 11,
  MESSAGE_SENT: 11,
  WORK_ITEM_CREATED: 12,
  WORK_ITEM_CLAIMED: 13,
  WORK_ITEM_COMPLETED: 14,
  WORK_ITEM_RELEASED: 14,
  CASE_RESOLVED: 15,
  CASE_CANCELLED: 15,
  CASE_WRITTEN_OFF: 15,
  ACCOUNT_RESTRICTION_LIFTED: 17,
  WORK_ITEM_CANCELLED: 18,
  CASE_CLOSED: 20,
  // The report is settled or deleted after the case closed (the bureau may be slow).
  CREDIT_REPORT_SETTLED: 21,
  CREDIT_REPORT_DELETED: 21,
} as const;
export type TimelineType = keyof typeof TYPE_ORDER;

/** Sort rank of an entry among those of the same instant; a receipt follows the resolution it confirms. */
export function rankOf(entry: Pick<TimelineEntry, 'type' | 'eventId'>): number {
  return entry.type === 'MESSAGE_SENT' && entry.eventId.startsWith('message:CLOSE:')
    ? 19
    : TYPE_ORDER[entry.type];
}

/** Messages of one step are numbered in sending order, so they also read back in that order. */
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
