/**
 * Wall-clock time in a customer's time zone, from the IANA database Node ships (Intl), so daylight
 * saving changes are those of the zone and never a fixed offset.
 */

export interface LocalTime {
  /** `YYYY-MM-DD` in the zone. */
  date: string;
  /** The local date as a day count (days since 1970-01-01 of that calendar), for day arithmetic. */
  dayNumber: number;
  /** Seconds since local midnight. */
  secondOfDay: number;
}

const formatters = new Map<string, Intl.DateTimeFormat>();

function formatterFor(timeZone: string): Intl.DateTimeFormat {
  let formatter = formatters.get(timeZone);
  if (!formatter) {
    // Throws a RangeError for a zone the database does not know.
    formatter = new Intl.DateTimeFormat('en-US', {
      timeZone,
      hourCycle: 'h23',
      year: 'numeric',
      month: '2-digit',
      day: '2-digit',
      hour: '2-digit',
      minute: '2-digit',
      second: '2-digit',
    });
    formatters.set(timeZone, formatter);
  }
  return formatter;
}

export function isKnownTimeZone(timeZone: string): boolean {
  try {
    formatterFor(timeZone);
    return true;
  } catch {
    return false;
  }
}

export function localTimeOf(epochMs: number, timeZone: string): LocalTime {
  const parts: Record<string, number> = {};
  for (const part of formatterFor(timeZone).formatToParts(new Date(epochMs))) {
    if (part.type !== 'literal') parts[part.type] = Number(part.value);
  }
  const { year = 0, month = 1, day = 1, hour = 0, minute = 0, second = 0 } = parts;
  const dayNumber = Date.UTC(year, month - 1, day) / 86_400_000;
  const date = new Date(dayNumber * 86_400_000).toISOString().slice(0, 10);
  return { date, dayNumber, secondOfDay: hour * 3600 + minute * 60 + second };
}

/** "08:00" → seconds since midnight. */
export function secondsOfClockTime(clock: string): number {
  const match = /^(\d{2}):(\d{2})$/.exec(clock);
  if (!match) throw new RangeError(`a clock time is HH:MM, not ${clock}`);
  return Number(match[1]) * 3600 + Number(match[2]) * 60;
}

/** "08:00" for a second of the day, for messages. */
export const clockTimeOf = (secondOfDay: number): string => {
  const hours = Math.floor(secondOfDay / 3600);
  const minutes = Math.floor((secondOfDay % 3600) / 60);
  return `${String(hours).padStart(2, '0')}:${String(minutes).padStart(2, '0')}`;
};
