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
  /** Call tasks claimed and not yet completed: each holds a place under the caps (call-caps.ts). */
  callReservations: CallReservation[];
  /**
   * The calls counted lately, by contact id (`contact:<workItemId|contactId>`), so a retried or
   * concurrent request counts nothing twice; kept a while, then forgotten (call-reservations.ts).
   */
  countedCalls: CountedCall[];
  /**
   * Set by the first claim that reserved a place: from then on every claimed call of the customer
   * holds a reservation. Until then, call tasks claimed before claims reserved places are looked
   * for (and reserved) at each claim.
   */
  claimsReserved: boolean;
  /**
   * Goes up with every write to the counters and reservations; a reservation is written only if it
   * is still the version the caps were checked on, so two claims cannot both take the last place.
   */
  callsVersion: number;
}

/** A call counted in the debtor's counters: its contact id and when it was counted. */
export interface CountedCall {
  eventId: string;
  at: string;
}

/** A place under the debtor's call caps, taken when `agent` claims the call task `workItemId`. */
export interface CallReservation {
  workItemId: string;
  agent: string;
  /** When the claim was made. */
  at: string;
}

/** One write to a debtor's call record: take places, give places back, count a call made. */
export interface CallsChange {
  reserve?: readonly CallReservation[];
  release?: readonly Pick<CallReservation, 'workItemId' | 'agent'>[];
  /**
   * One call `eventId` on the customer's local `day`, counted at `at`; `lastConversationAt` as it is
   * after this call.
   */
  count?: { eventId: string; at: string; day: string; connected: boolean; lastConversationAt: string | null };
  /** Counted calls old enough to forget (by contact id). */
  forget?: readonly string[];
  /** Every claimed call of the customer holds a reservation from now on (see `Customer.claimsReserved`). */
  claimsReserved?: true;
}

/** The contact details and preferences `POST /cases` carries; counters and opt-outs are kept apart. */
export type CustomerDetails = Omit<
  Customer,
  | 'optOuts'
  | 'callDays'
  | 'lastConversationAt'
  | 'callReservations'
  | 'countedCalls'
  | 'claimsReserved'
  | 'callsVersion'
>;

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
  /** The cases of these ids that exist (strongly consistent), in no particular order. */
  getMany(caseIds: readonly string[]): Promise<CaseRecord[]>;
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
  /**
   * Latest contact details win; opt-outs and call counters are kept. With `keepStoredCountry` the
   * given country is written only if the customer has none yet (in the same write, so a concurrent
   * request that states one is not undone). Resolves to the country stored after the write.
   */
  put(
    customer: CustomerDetails,
    at: string,
    options?: { keepStoredCountry?: boolean },
  ): Promise<Pick<CustomerDetails, 'country'>>;
  get(customerId: string): Promise<Customer | undefined>;
  optOut(customerId: string, channel: OptOutChannel, at: string): Promise<void>;
  /**
   * Applies `change` in one write if the customer's call record is still at `expectedVersion`;
   * false when another write came first (read again and decide again).
   */
  changeCalls(customerId: string, expectedVersion: number, change: CallsChange): Promise<boolean>;
  /** Gives one reservation back (its claim did not happen); unversioned, as it only makes room. */
  releaseCall(customerId: string, reservation: Pick<CallReservation, 'workItemId' | 'agent'>): Promise<void>;
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
  /**
   * Starts an execution of the case's workflow under `name` with `input` (a closed case's dispute, which
   * runs on its own); the same name and input again is harmless.
   */
  startNamed(name: string, input: Record<string, unknown>): Promise<void>;
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

/**
 * The provider has failed a contact's sends for so long (an hour) that people should look: the
 * workflow alerts ops and tries the same contact again later instead of a few minutes on.
 */
export class MessagingUnavailableError extends Error {
  override readonly name = 'MessagingUnavailableError';
  constructor(
    readonly channel: string,
    readonly providerError: string,
  ) {
    super(`${channel} could not be sent for an hour (${providerError})`);
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
  /**
   * The completion an agent reported, recorded on the CLAIMED item before its facts are written (the
   * contact on the timeline, the call in the debtor's counters); DONE follows once they are. Whoever
   * finds it recorded finishes it. Absent on items never completed this way.
   */
  completion?: WorkItemCompletion;
  version: number;
}

export interface WorkItemCompletion {
  outcome: string;
  occurredAt: string;
  hardship: string | null;
  /** When the completion was requested: the item's `completedAt` once DONE. */
  at: string;
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
