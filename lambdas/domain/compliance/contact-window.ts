import { createHash } from 'node:crypto';
import { atLocalTime, localParts, parseIso, toIso } from '../time';
import type { ComplianceProfile } from './profiles';

export type WindowDecision = { allowed: true } | { allowed: false; deferUntil: string; rule: string };

/**
 * Deferred contacts wake within this many minutes after the window opens, each at its own minute: all
 * of a night's contacts at 08:00:00.000 would throttle SMS and email and fail together.
 */
export const WAKE_SPREAD_MINUTES = 30;

/** A contact's own minute within the spread, the same every time for the same key. */
export function wakeOffsetMs(spreadKey: string): number {
  const hash = createHash('sha256').update(spreadKey).digest();
  return (hash.readUInt32BE(0) % (WAKE_SPREAD_MINUTES * 60)) * 1000;
}

/**
 * Whether a contact may go out at `at` in the customer's time zone. Outside the window the contact is
 * deferred to the next opening (never dropped), spread over the opening's first minutes by
 * `spreadKey` (what is being sent to whom).
 */
export function checkContactWindow(
  profile: ComplianceProfile,
  timeZone: string,
  at: string,
  spreadKey?: string,
): WindowDecision {
  const epochMs = parseIso(at);
  const { hour, minute } = localParts(epochMs, timeZone);
  const minuteOfDay = hour * 60 + minute;
  const { startMinute, endMinute, source } = profile.contactWindow;
  if (minuteOfDay >= startMinute && minuteOfDay < endMinute) return { allowed: true };
  const dayOffset = minuteOfDay >= endMinute ? 1 : 0;
  const opening = atLocalTime(epochMs, timeZone, Math.floor(startMinute / 60), startMinute % 60, dayOffset);
  const spread = spreadKey === undefined ? 0 : wakeOffsetMs(spreadKey);
  return { allowed: false, deferUntil: toIso(opening + spread), rule: source };
}
