import { atLocalTime, localParts, parseIso, toIso } from '../time';
import type { ComplianceProfile } from './profiles';

export type WindowDecision = { allowed: true } | { allowed: false; deferUntil: string; rule: string };

/**
 * Whether a contact may go out at `at` in the customer's time zone. Outside the window the contact is
 * deferred to the next opening (never dropped).
 */
export function checkContactWindow(profile: ComplianceProfile, timeZone: string, at: string): WindowDecision {
  const epochMs = parseIso(at);
  const { hour, minute } = localParts(epochMs, timeZone);
  const minuteOfDay = hour * 60 + minute;
  const { startMinute, endMinute, source } = profile.contactWindow;
  if (minuteOfDay >= startMinute && minuteOfDay < endMinute) return { allowed: true };
  const dayOffset = minuteOfDay >= endMinute ? 1 : 0;
  const opening = atLocalTime(epochMs, timeZone, Math.floor(startMinute / 60), startMinute % 60, dayOffset);
  return { allowed: false, deferUntil: toIso(opening), rule: source };
}
