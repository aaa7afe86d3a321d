/**
 * The neutral record the compliance checker reads: only what left the system (messages sent, case
 * timelines, work items) plus the customer facts the platform gave it (time zone, country) and, where
 * the caller knows them, the opt-outs the customers asked for. No names, phone numbers or emails.
 *
 * Instants are ISO 8601 strings in UTC. A simulator can build this record directly; a running local
 * runtime is read into it by `collect-local.ts`.
 */

/** The two sets of collection law the policy knows: China (GB/T 45251-2025) and the US (Regulation F). */
export type Profile = 'CN' | 'US';

export type MessageChannel = 'SMS' | 'EMAIL';
export type OptOutChannel = MessageChannel | 'CALL';

export interface OptOutRequest {
  channel: OptOutChannel;
  at: string;
}

export interface CustomerFacts {
  customerId: string;
  /** IANA time zone the customer lives in: every contact window is judged in it. */
  timezone: string;
  profile: Profile;
  /** Opt-outs the customer asked for, as the caller knows them (the timeline's OPTED_OUT entries count too). */
  optOutRequests?: OptOutRequest[];
}

/** One SMS or email that went out (the outbox), without its address or text. */
export interface MessageFact {
  channel: MessageChannel;
  caseId: string | null;
  /** The debtor it went to; null when neither the case nor the address says. */
  customerId: string | null;
  /** The template kind (`REMINDER`, `RECEIPT`, …); null if the message did not say. */
  kind: string | null;
  at: string;
}

/** One entry of a case's timeline, as `GET /cases/{id}` shows it. */
export interface TimelineFact {
  at: string;
  type: string;
  channel?: string;
  detail: Record<string, unknown>;
}

export interface CaseFacts {
  caseId: string;
  customerId: string;
  timeline: TimelineFact[];
}

export type WorkQueue = 'CALLS' | 'VISITS' | 'LETTERS' | 'LEGAL_REVIEW';

/** A task for people, with the times its timeline entries give. */
export interface WorkItemFact {
  workItemId: string;
  queue: WorkQueue;
  caseId: string;
  /** The ladder stage that created it, when known (a credit pre-notice letter: `CREDIT_PRE_NOTICE`). */
  stage: string | null;
  status: string;
  createdAt: string | null;
  claimedAt: string | null;
  /** When it was done or cancelled. */
  completedAt: string | null;
  outcome: string | null;
}

export interface ComplianceRecord {
  customers: CustomerFacts[];
  cases: CaseFacts[];
  messages: MessageFact[];
  workItems: WorkItemFact[];
}
