import type { CaseRecord, CaseStatus } from './case';
import type { Locale, MessageChannel, Stage, TemplateKind } from './policy';
import type { WorkflowResolution } from './resolution';
import type { TimelineEntry } from './timeline';

export type OptOutChannel = 'SMS' | 'EMAIL' | 'CALL';

/** Calls to one debtor on one local day, across all of their cases (caps are per debtor). */
export interface CallDay {
  attempts: number;
  connected: number;
}

/** The only place personal data lives. */
export interface Customer {
  customerId: string;
  name: string;
  phone: string;
  email: string;
  locale: Locale;
  timezone: string;
  country: string;
  /** When the customer opted out of each channel, if they did. */
  optOuts: Partial<Record<OptOutChannel, string>>;
  /** Calls by local date (`YYYY-MM-DD` in the customer's time zone). */
  callDays: Record<string, CallDay>;
  /** The last connected call (a conversation), for Reg F's seven quiet days after it. */
  lastConversationAt: string | null;
}

/** The contact details and preferences `POST /cases` carries; counters and opt-outs are kept apart. */
export type CustomerDetails = Omit<Customer, 'optOuts' | 'callDays' | 'lastConversationAt'>;

export interface CaseQuery {
  status?: CaseStatus;
  stage?: Stage;
  customerId?: string;
  rentalId?: string;
  limit: number;
  nextToken?: string;
}

export interface CasePage {
  items: CaseRecord[];
  nextToken?: string;
}

export interface CaseRepository {
  get(caseId: string): Promise<CaseRecord | undefined>;
  /** Puts a new case unless one with the same id exists; says which happened. */
  create(record: CaseRecord): Promise<'created' | 'exists'>;
  /** Writes `next` if the stored version is still `next.version - 1`; false when another write won. */
  replace(next: CaseRecord): Promise<boolean>;
  list(query: CaseQuery): Promise<CasePage>;
}

export interface TimelineRepository {
  /** Appends entries; an entry already there (same `at` and `eventId`) is left as it is. */
  append(caseId: string, entries: readonly TimelineEntry[]): Promise<void>;
  /** Appends one entry; false when it was already there (so a retried request counts nothing twice). */
  appendNew(caseId: string, entry: TimelineEntry): Promise<boolean>;
  /** Whether this entry is already there (a retried step asks before acting). */
  has(caseId: string, entry: Pick<TimelineEntry, 'at' | 'type' | 'eventId'>): Promise<boolean>;
  list(caseId: string): Promise<TimelineEntry[]>;
}

export interface CustomerRepository {
  /** Latest contact details win; opt-outs and call counters are kept. */
  put(customer: CustomerDetails, at: string): Promise<void>;
  get(customerId: string): Promise<Customer | undefined>;
  optOut(customerId: string, channel: OptOutChannel, at: string): Promise<void>;
  /** Counts one call on the customer's local `day`; a connected one is also a conversation. */
  recordCall(customerId: string, day: string, connected: boolean, at: string): Promise<void>;
}

export interface CaseWorkflow {
  /** Starts the case's execution (named by case id); a running or finished one is left alone. */
  start(caseId: string): Promise<void>;
  /** Starts a continuation of a case's workflow under another name (the one-year execution limit). */
  continueAs(stateMachineArn: string, name: string, input: Record<string, unknown>): Promise<void>;
  /**
   * Starts `<caseId>-recovered` at the closing (`continueAt: CLOSE`): a written-off case, whose
   * execution has ended, was paid in full or its device returned. Starting it again is harmless.
   */
  closeRecovered(caseId: string): Promise<void>;
  /** Completes the callback the workflow waits on; 'stale' when that wait is already over. */
  resume(token: string, resolution: WorkflowResolution): Promise<'resumed' | 'stale'>;
}

export interface OutgoingMessage {
  channel: MessageChannel;
  caseId: string;
  kind: TemplateKind;
  to: string;
  subject?: string;
  body: string;
  /** The signed opt-out link the body carries; an email also offers it as `List-Unsubscribe` (RFC 8058). */
  optOutUrl?: string;
}

export type SendResult =
  | { status: 'SENT'; messageId: string }
  | { status: 'OPTED_OUT' }
  /** The provider refused this address or number for good (rejected, invalid): retrying cannot help. */
  | { status: 'UNDELIVERABLE'; reason: string };

/**
 * A send that failed for now (throttled, the provider down): the step fails and the workflow retries
 * it. Named by the provider's error name only: provider messages can quote the address or number.
 */
export class MessageDeliveryError extends Error {
  override readonly name = 'MessageDeliveryError';
  constructor(
    readonly channel: string,
    readonly providerError: string,
  ) {
    super(`${channel} could not be sent now (${providerError})`);
  }
}

/**
 * The provider refused the send because of how this system is set up there (an unverified sender,
 * the SES sandbox, a paused or suspended account, a missing configuration set, a denied permission or
 * KMS key): every customer would get the same answer, so it is not recorded as the customer's. The
 * step fails and ops are alerted. Named by the provider's error name only, like MessageDeliveryError.
 */
export class MessagingConfigurationError extends Error {
  override readonly name = 'MessagingConfigurationError';
  constructor(
    readonly channel: string,
    readonly providerError: string,
  ) {
    super(`${channel} is not set up correctly at the provider (${providerError})`);
  }
}

export interface Messenger {
  /**
   * Sends one SMS or email. `OPTED_OUT` when the carrier's list says the number replied STOP (the
   * message is not sent), `UNDELIVERABLE` when the provider refuses this address or number. Throws
   * MessageDeliveryError (retry later) or MessagingConfigurationError (fix the setup).
   */
  send(message: OutgoingMessage): Promise<SendResult>;
}

export type WorkQueue = 'CALLS' | 'VISITS' | 'LEGAL_REVIEW' | 'LETTERS';
export type WorkItemStatus = 'OPEN' | 'CLAIMED' | 'DONE' | 'CANCELLED';

/** A task for people: a call, a field visit, a legal review or a letter. No personal data. */
export interface WorkItem {
  workItemId: string;
  queue: WorkQueue;
  caseId: string;
  customerId: string;
  stage: Stage;
  status: WorkItemStatus;
  dueAt: string;
  createdAt: string;
  claimedBy: string | null;
  claimedAt: string | null;
  completedAt: string | null;
  outcome: string | null;
  version: number;
}

export interface WorkItemPage {
  items: WorkItem[];
  nextToken?: string;
}

export interface WorkItemRepository {
  /** Creates the item unless it exists (ids are deterministic per case, stage and slot). */
  create(item: WorkItem): Promise<boolean>;
  get(workItemId: string): Promise<WorkItem | undefined>;
  /** Writes `next` if the stored version is still `next.version - 1`. */
  replace(next: WorkItem): Promise<boolean>;
  list(query: {
    queue: WorkQueue;
    status: WorkItemStatus;
    limit: number;
    nextToken?: string;
  }): Promise<WorkItemPage>;
  listByCase(caseId: string): Promise<WorkItem[]>;
}

/** Signed opt-out links: opaque tokens that reveal nothing and cannot be forged. */
export interface OptOutLinks {
  link(customerId: string, channel: 'SMS' | 'EMAIL'): Promise<string>;
  read(token: string): Promise<{ customerId: string; channel: 'SMS' | 'EMAIL' } | null>;
}

/** The legal topic: the referral with its evidence bundle goes to the law firm's subscription. */
export interface LegalReferrals {
  refer(bundle: Record<string, unknown>): Promise<void>;
}

/** Outbound case events from API commands (the workflow announces its own through its states). */
export interface CaseEvents {
  publish(detailType: string, detail: Record<string, unknown>): Promise<void>;
}

/**
 * The bureau refused a call (a business error, an untrusted answer, missing credentials): retrying
 * will not help. The workflow alerts ops and goes on; adapters' refusals extend this.
 */
export class CreditBureauRefusedError extends Error {
  override name = 'CreditBureauRefusedError';
}

/** Who is reported: the bureau matches on identity, so this is personal data and never logged. */
export interface CreditSubject {
  customerId: string;
  name: string;
  phone: string;
}

/**
 * A credit bureau (Zhima/Sesame-style). Every call is keyed by the case id, so a retried call is the
 * same report at the bureau, never a second one.
 */
export interface CreditBureau {
  /** Files negative information about an overdue debt; resolves to the bureau's reference. */
  report(input: {
    caseId: string;
    subject: CreditSubject;
    amount: { amount: number; currency: string };
    overdueSince: string;
    at: string;
  }): Promise<{ reference: string }>;
  /** Updates a filed report to settled (paid or returned); the history stays at the bureau. */
  settle(input: {
    caseId: string;
    reference: string;
    resolution: 'PAID' | 'RETURNED';
    at: string;
  }): Promise<void>;
  /** Marks a filed report as disputed while a dispute is open (`disputed: false` lifts the flag). */
  flagDispute(input: { caseId: string; reference: string; disputed: boolean; at: string }): Promise<void>;
  /** Deletes a filed report: only for a debt that was not owed (an upheld dispute or an error). */
  remove(input: {
    caseId: string;
    reference: string;
    reason: 'DISPUTE_UPHELD' | 'ERROR';
    at: string;
  }): Promise<void>;
}
