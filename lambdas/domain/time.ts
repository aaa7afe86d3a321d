/** Business time helpers. Time is always an input here: nothing reads the system clock. */

export const MS_PER_SECOND = 1000;
export const MS_PER_DAY = 86_400_000;

export const toIso = (epochMs: number): string => new Date(epochMs).toISOString();
export const parseIso = (iso: string): number => Date.parse(iso);
export const addDays = (iso: string, days: number): string => toIso(parseIso(iso) + days * MS_PER_DAY);

/** Whole days from `from` to `to`, never negative. */
export function wholeDaysBetween(from: string, to: string): number {
  return Math.max(0, Math.floor((parseIso(to) - parseIso(from)) / MS_PER_DAY));
}

export function isValidTimeZone(timeZone: string): boolean {
  try {
    new Intl.DateTimeFormat('en', { timeZone });
    return true;
  } catch {
    return false;
  }
}

interface LocalParts {
  year: number;
  month: number;
  day: number;
  hour: number;
  minute: number;
}

const partsFormatters = new Map<string, Intl.DateTimeFormat>();

/** The wall-clock date and time at `epochMs` in `timeZone`. */
export function localParts(epochMs: number, timeZone: string): LocalParts {
  let formatter = partsFormatters.get(timeZone);
  if (!formatter) {
    formatter = new Intl.DateTimeFormat('en-US', {
      timeZone,
      hourCycle: 'h23',
      year: 'numeric',
      month: 'numeric',
      day: 'numeric',
      hour: 'numeric',
      minute: 'numeric',
    });
    partsFormatters.set(timeZone, formatter);
  }
  const value = (type: Intl.DateTimeFormatPartTypes) =>
    Number(formatter.formatToParts(epochMs).find((part) => part.type === type)?.value);
  return {
    year: value('year'),
    month: value('month'),
    day: value('day'),
    hour: value('hour'),
    minute: value('minute'),
  };
}

/** The UTC offset of `timeZone` at `epochMs`, in ms (Asia/Shanghai: +8 h). */
function offsetAt(epochMs: number, timeZone: string): number {
  const p = localParts(epochMs, timeZone);
  const wallAsUtc = Date.UTC(p.year, p.month - 1, p.day, p.hour, p.minute);
  return wallAsUtc - (epochMs - (epochMs % 60_000));
}

/**
 * The instant at which the local wall clock in `timeZone` shows `hour:minute` on the local date
 * `dayOffset` days after the date at `epochMs`. Handles DST by re-checking the offset at the result.
 */
export function atLocalTime(
  epochMs: number,
  timeZone: string,
  hour: number,
  minute: number,
  dayOffset = 0,
): number {
  const p = localParts(epochMs, timeZone);
  const wall = Date.UTC(p.year, p.month - 1, p.day + dayOffset, hour, minute);
  let instant = wall - offsetAt(epochMs, timeZone);
  instant = wall - offsetAt(instant, timeZone);
  return instant;
}

/** `2026-03-05T10:00:00Z` in Asia/Shanghai, zh-CN → `2026年3月5日 18:00`. */
export function formatLocalDateTime(iso: string, locale: string, timeZone: string): string {
  return new Intl.DateTimeFormat(locale, { timeZone, dateStyle: 'long', timeStyle: 'short' }).format(
    parseIso(iso),
  );
}
