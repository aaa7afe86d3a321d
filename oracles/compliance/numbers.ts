import type { Profile } from './record';

/**
 * The numbers the rules apply, as data, so a what-if run can try others. The defaults are the
 * compliance rules of docs/policy.md and the credit pre-notice waits of `policies/default.json`,
 * typed here rather than read from the policy: the checker stays independent of what it checks.
 */
export interface ProfileNumbers {
  /** Local clock times ("08:00") between which a contact may happen: from `opens` up to, not including, `closes`. */
  contactWindow: { opens: string; closes: string };
  /** CN: connected voice calls per debtor per local calendar day. */
  connectedCallsPerLocalDay?: number;
  /** US: call attempts per debtor within this many consecutive local days. */
  callAttempts?: { max: number; withinDays: number };
  /** US: no call on the day of a conversation nor on the following days, this many days in all. */
  quietDaysAfterConversation?: number;
  /** Days between the credit pre-notice and the credit report, at least. */
  preNoticeDays: number;
}

export interface ComplianceNumbers {
  profiles: Record<Profile, ProfileNumbers>;
  /** Message kinds that confirm the end of a case: allowed after it closed and during holds. */
  receiptKinds: readonly string[];
  /** The message kind of the credit pre-notice. */
  preNoticeKind: string;
  /**
   * When a pre-notice letter counts as given: when the system queued it as a LETTERS work item, or
   * only once staff marked it mailed.
   */
  preNoticeLetterCounts: 'QUEUED' | 'MAILED';
}

export const DEFAULT_NUMBERS: ComplianceNumbers = {
  profiles: {
    CN: {
      contactWindow: { opens: '08:00', closes: '22:00' },
      connectedCallsPerLocalDay: 3,
      preNoticeDays: 7,
    },
    US: {
      contactWindow: { opens: '08:00', closes: '21:00' },
      callAttempts: { max: 7, withinDays: 7 },
      quietDaysAfterConversation: 7,
      preNoticeDays: 14,
    },
  },
  receiptKinds: ['RECEIPT', 'RETURN_RECEIPT'],
  preNoticeKind: 'CREDIT_PRE_NOTICE',
  preNoticeLetterCounts: 'QUEUED',
};

/** docs/policy.md: the profile follows the customer's country, China's unless the customer is in the US. */
export const profileOfCountry = (country: string | null | undefined): Profile =>
  country?.toUpperCase() === 'US' ? 'US' : 'CN';
