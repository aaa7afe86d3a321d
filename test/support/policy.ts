/**
 * The default policy as the handlers see it: `policies/default.json` through the domain's own loader
 * and schema. A test whose numbers come from here follows the policy when it changes; a test that
 * means a specific number (one docs/policy.md states, a boundary of its own) keeps it literal.
 */
import { DEFAULT_POLICY_ID, findPolicy, type Policy } from '../../lambdas/domain/policy';
import { CONTACT_STAGES, type ContactStage } from '../../lambdas/domain/services/ladder';
import { DAY, SECOND } from './time';

function loadDefaultPolicy(): Policy {
  const policy = findPolicy(DEFAULT_POLICY_ID);
  if (!policy) throw new Error(`this build has no policy '${DEFAULT_POLICY_ID}'`);
  return policy;
}

export const POLICY: Policy = loadDefaultPolicy();

/** The credit pre-notice waits longer for a customer in the US (docs/policy.md). */
export type Profile = 'CN' | 'US';

/** Days the ladder waits after a stage's contact went out (the soft reminders: between reminders). */
export function waitDays(stage: ContactStage, profile: Profile = 'CN'): number {
  const { stages } = POLICY;
  switch (stage) {
    case 'SOFT_REMINDERS':
      return stages.SOFT_REMINDERS.everyDays;
    case 'CREDIT_PRE_NOTICE':
      return profile === 'US' ? stages.CREDIT_PRE_NOTICE.waitDaysUS : stages.CREDIT_PRE_NOTICE.waitDays;
    default:
      return stages[stage].waitDays;
  }
}

/** `waitDays` in seconds, as a step's `waitSeconds` says it. */
export const waitSeconds = (stage: ContactStage, profile: Profile = 'CN'): number =>
  (waitDays(stage, profile) * DAY) / SECOND;

/**
 * The day (counted from the overdue notice) a stage's contact goes out when every contact goes out
 * on time and nothing resolves the case; `CREDIT_REPORTED` is the day of the credit report.
 */
export function stageDay(stage: ContactStage | 'CREDIT_REPORTED', profile: Profile = 'CN'): number {
  // The soft reminders start on the day of the report, after the stages before them.
  const before = CONTACT_STAGES.indexOf(stage === 'CREDIT_REPORTED' ? 'SOFT_REMINDERS' : stage);
  return CONTACT_STAGES.slice(0, before).reduce((days, earlier) => days + waitDays(earlier, profile), 0);
}

/** Days after its promised date a promise, or after its due date an instalment, may still be paid. */
export const GRACE_DAYS = POLICY.promise.graceDays;

/** The outstanding amount (minor units) from which a case gets a field visit, or a legal review. */
export function threshold(kind: 'fieldVisit' | 'legalReview', currency = 'CNY'): number {
  const amounts = POLICY.thresholds[currency];
  if (!amounts) throw new Error(`the default policy has no thresholds for ${currency}`);
  return amounts[kind];
}
