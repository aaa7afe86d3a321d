import { indexRecord, type RecordIndex } from './facts';
import { type ComplianceNumbers, DEFAULT_NUMBERS } from './numbers';
import type { ComplianceRecord } from './record';
import { type ComplianceReport, type RuleId, reportOf, type Violation } from './report';
import { afterCloseViolations } from './rules/after-close';
import { callCapViolations } from './rules/call-caps';
import { contactWindowViolations } from './rules/contact-window';
import { holdViolations } from './rules/hold';
import { optOutViolations } from './rules/opt-out';
import { preNoticeViolations } from './rules/pre-notice';

/**
 * The compliance checker: an oracle independent of the code it checks. It reads only what left the
 * system (see record.ts) and the policy's numbers, and counts each rule's violations. It imports
 * nothing from the app, so a defect there cannot hide itself here.
 */

export const RULES: Record<RuleId, (index: RecordIndex) => Violation[]> = {
  CONTACT_WINDOW: contactWindowViolations,
  HOLD: holdViolations,
  OPT_OUT: optOutViolations,
  CALL_CAPS: callCapViolations,
  PRE_NOTICE: preNoticeViolations,
  AFTER_CLOSE: afterCloseViolations,
};

export function checkCompliance(
  record: ComplianceRecord,
  numbers: ComplianceNumbers = DEFAULT_NUMBERS,
): ComplianceReport {
  const index = indexRecord(record, numbers);
  const violations = Object.values(RULES).flatMap((rule) => rule(index));
  return reportOf(violations, index.unjudged);
}

/** One line per rule with its count, then one example of each rule that was broken. */
export function summarize(report: ComplianceReport): string {
  const lines = Object.entries(report.counts).map(([rule, count]) => `${rule.padEnd(15)} ${count}`);
  for (const [rule, count] of Object.entries(report.counts)) {
    if (count === 0) continue;
    const example = report.violations.find((violation) => violation.rule === rule);
    if (example) lines.push(`e.g. ${rule} ${example.caseId ?? example.customerId}: ${example.reason}`);
  }
  if (report.unjudged.length > 0) lines.push(`unjudged: ${report.unjudged.length} facts`);
  return lines.join('\n');
}

export type { ComplianceNumbers, ProfileNumbers } from './numbers';
export { DEFAULT_NUMBERS, profileOfCountry } from './numbers';
export type * from './record';
export type { ComplianceReport, Evidence, RuleId, Violation } from './report';
export { RULE_IDS } from './report';
