/**
 * ASL timestamps: the RFC 3339 profile of ISO 8601 with an uppercase `T` and an uppercase `Z` (or a
 * numeric offset), as Choice rules and Wait states require.
 */
const RFC3339 = /^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2}):(\d{2})(\.\d+)?(Z|[+-]\d{2}:\d{2})$/;

/** Epoch milliseconds, or undefined when the text is not an ASL timestamp. */
export function parseTimestamp(text: string): number | undefined {
  const match = RFC3339.exec(text);
  if (!match) return undefined;
  const [, , month, day, hour, minute, second] = match.map(Number);
  if (
    month === undefined ||
    month < 1 ||
    month > 12 ||
    day === undefined ||
    day < 1 ||
    day > 31 ||
    (hour ?? 99) > 23 ||
    (minute ?? 99) > 59 ||
    (second ?? 99) > 59
  ) {
    return undefined;
  }
  const epoch = Date.parse(text);
  return Number.isNaN(epoch) ? undefined : epoch;
}

/** The context object's time format: ISO 8601 with millisecond precision, e.g. 2026-03-02T00:00:00.000Z. */
export function isoTime(epochMs: number): string {
  return new Date(epochMs).toISOString();
}
