import type { CallDay } from '../ports';
import { localParts, MS_PER_DAY, parseIso } from '../time';
import type { ProfileId } from './profiles';

/**
 * Call caps per debtor, across all of their cases, checked when an agent claims a call:
 * - CN: at most 3 connected voice calls a day (GB/T 45251-2025);
 * - US: at most 7 call attempts in 7 rolling days, and none within 7 days after a telephone
 *   conversation (Regulation F §1006.14(b)(2)).
 * Days are the customer's local dates.
 *
 * The counters only learn of a call when it is completed, so `openClaims` (the debtor's call tasks
 * claimed but not yet completed, on any case) count too: each as a possible connected call in CN
 * and as an attempt in the US. Otherwise one agent, or two at once, could claim every call task of
 * a debtor before the first call is logged. In the US a claimed call also stops any other claim
 * (CALL_IN_PROGRESS): if it connects, the next call must wait the 7 quiet days, which two calls made
 * at once cannot. They are the reservations on the customer's own record (read strongly consistent
 * and written conditionally, see claimWorkItem), not a count of claimed items through eventually
 * consistent indexes; each holds its place for the claim's lease (call-reservations.ts).
 */
export type CapDecision = { allowed: true } | { allowed: false; rule: string; detail: string };

export const CAPS = {
  CN: { connectedPerDay: 3 },
  US: { attemptsPer7Days: 7, quietDaysAfterConversation: 7, outstandingClaims: 1 },
} as const;

/** `YYYY-MM-DD` of `at` in `timeZone`. */
export function localDay(at: string, timeZone: string): string {
  const { year, month, day } = localParts(parseIso(at), timeZone);
  return `${year}-${String(month).padStart(2, '0')}-${String(day).padStart(2, '0')}`;
}

export function checkCallCaps(
  profile: ProfileId,
  calls: { callDays: Record<string, CallDay>; lastConversationAt: string | null },
  at: string,
  timeZone: string,
  openClaims = 0,
): CapDecision {
  const claimed = openClaims > 0 ? ` and ${openClaims} claimed call tasks not yet completed` : '';
  if (profile === 'CN') {
    const today = calls.callDays[localDay(at, timeZone)]?.connected ?? 0;
    return today + openClaims >= CAPS.CN.connectedPerDay
      ? {
          allowed: false,
          rule: 'CALL_CAP_DAILY',
          detail: `${today} connected calls today${claimed}; at most ${CAPS.CN.connectedPerDay} a day (GB/T 45251-2025)`,
        }
      : { allowed: true };
  }
  if (calls.lastConversationAt !== null) {
    const quietUntil = parseIso(calls.lastConversationAt) + CAPS.US.quietDaysAfterConversation * MS_PER_DAY;
    if (parseIso(at) < quietUntil) {
      return {
        allowed: false,
        rule: 'CALL_AFTER_CONVERSATION',
        detail: `a conversation took place on ${calls.lastConversationAt}; no calls for 7 days after it (Reg F §1006.14(b)(2)(ii))`,
      };
    }
  }
  // Calendar arithmetic on the local date: stepping back 24 h at a time skips or repeats a date
  // when the customer's clock changes (DST) between midnight and one in the morning.
  const { year, month, day } = localParts(parseIso(at), timeZone);
  const lastSevenDays = Array.from({ length: 7 }, (_, back) =>
    new Date(Date.UTC(year, month - 1, day - back)).toISOString().slice(0, 10),
  );
  const attempts = lastSevenDays.reduce((sum, day) => sum + (calls.callDays[day]?.attempts ?? 0), 0);
  if (attempts + openClaims >= CAPS.US.attemptsPer7Days) {
    return {
      allowed: false,
      rule: 'CALL_CAP_WEEKLY',
      detail: `${attempts} call attempts in 7 days${claimed}; at most ${CAPS.US.attemptsPer7Days} (Reg F §1006.14(b)(2)(i))`,
    };
  }
  if (openClaims >= CAPS.US.outstandingClaims) {
    return {
      allowed: false,
      rule: 'CALL_IN_PROGRESS',
      detail: `another call to this debtor is claimed and not yet completed; one at a time, as a conversation on it starts 7 days without calls (Reg F §1006.14(b)(2)(ii))`,
    };
  }
  return { allowed: true };
}
