import type { CaseRecord, CaseStatus } from './case';
import type { Locale, MessageChannel, Stage, TemplateKind } from './policy';
import type { TimelineEntry } from './timeline';

/** The only place personal data lives. */
export interface Customer {
  customerId: string;
  name: string;
  phone: string;
  email: string;
  locale: Locale;
  timezone: string;
  country: string;
}

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
  /** Whether this entry is already there (a retried step asks before acting). */
  has(caseId: string, entry: Pick<TimelineEntry, 'at' | 'type' | 'eventId'>): Promise<boolean>;
  list(caseId: string): Promise<TimelineEntry[]>;
}

export interface CustomerRepository {
  put(customer: Customer, at: string): Promise<void>;
  get(customerId: string): Promise<Customer | undefined>;
}

export interface WorkflowResolution {
  kind: 'PAID' | 'RETURNED' | 'CLOSED';
}

export interface CaseWorkflow {
  /** Starts the case's execution (named by case id); a running or finished one is left alone. */
  start(caseId: string): Promise<void>;
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
}

export interface Messenger {
  /** Sends one SMS or email; resolves to the provider's message id. */
  send(message: OutgoingMessage): Promise<string>;
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
