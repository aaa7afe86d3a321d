/** What the checker answers: each violation with the facts that show it, and a count per rule. */

export const RULE_IDS = [
  'CONTACT_WINDOW',
  'HOLD',
  'OPT_OUT',
  'CALL_CAPS',
  'PRE_NOTICE',
  'AFTER_CLOSE',
] as const;
export type RuleId = (typeof RULE_IDS)[number];

/** One fact a violation rests on, named by where it was read. */
export interface Evidence {
  source: 'outbox' | 'timeline' | 'work-items' | 'opt-out-request';
  caseId: string | null;
  at: string;
  /** The message's channel and kind (`SMS REMINDER`), the timeline entry's type, or the work item's id. */
  fact: string;
  detail?: Record<string, unknown>;
}

export interface Violation {
  rule: RuleId;
  caseId: string | null;
  customerId: string | null;
  /** The instant of the offending contact or report. */
  at: string;
  /** Why it breaks the rule, in a sentence (no personal data). */
  reason: string;
  /** The offending fact first, then the facts that make it a violation. */
  evidence: Evidence[];
}

export interface ComplianceReport {
  violations: Violation[];
  counts: Record<RuleId, number>;
  total: number;
  /** Facts the checker could not judge (a message of an unknown customer, an unknown time zone). */
  unjudged: string[];
}

export function reportOf(violations: Violation[], unjudged: string[]): ComplianceReport {
  const counts = Object.fromEntries(RULE_IDS.map((rule) => [rule, 0])) as Record<RuleId, number>;
  for (const violation of violations) counts[violation.rule] += 1;
  const sorted = [...violations].sort(
    (a, b) => Date.parse(a.at) - Date.parse(b.at) || RULE_IDS.indexOf(a.rule) - RULE_IDS.indexOf(b.rule),
  );
  return { violations: sorted, counts, total: violations.length, unjudged: [...new Set(unjudged)] };
}
