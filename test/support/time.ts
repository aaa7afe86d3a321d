/** Durations and instants the tests share, in epoch milliseconds. */

export const SECOND = 1_000;
export const MINUTE = 60 * SECOND;
export const HOUR = 60 * MINUTE;
export const DAY = 24 * HOUR;

/** Monday 2 March 2026, 00:00 UTC: the day the tests' cases start on. */
export const START_DAY = Date.parse('2026-03-02T00:00:00.000Z');
/** 09:00 that Monday in Shanghai (UTC+8 all year, no daylight saving): inside the contact window. */
export const START = START_DAY + HOUR;

export const iso = (epochMs: number): string => new Date(epochMs).toISOString();
