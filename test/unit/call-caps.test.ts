import { CAPS, checkCallCaps, localDay } from '../../lambdas/domain/compliance/call-caps';
import type { CallDay } from '../../lambdas/domain/ports';
import { DAY } from '../support/time';

/** Call caps per debtor (docs/policy.md): CN by connected calls per local day; US by attempts and conversations. */

const SHANGHAI = 'Asia/Shanghai';
const NEW_YORK = 'America/New_York';

const calls = (callDays: Record<string, Partial<CallDay>>, lastConversationAt: string | null = null) => ({
  callDays: Object.fromEntries(
    Object.entries(callDays).map(([day, counts]) => [day, { attempts: 0, connected: 0, ...counts }]),
  ),
  lastConversationAt,
});

/** One attempt on each local date from `first` (YYYY-MM-DD) for `count` days. */
const attemptsFrom = (first: string, count: number, perDay = 1) =>
  Object.fromEntries(
    Array.from({ length: count }, (_, n) => [
      new Date(Date.parse(`${first}T00:00:00Z`) + n * DAY).toISOString().slice(0, 10),
      { attempts: perDay },
    ]),
  );

describe('localDay', () => {
  test.each([
    ['2026-03-02T15:59:00.000Z', SHANGHAI, '2026-03-02'], // 23:59 in Shanghai
    ['2026-03-02T16:00:00.000Z', SHANGHAI, '2026-03-03'], // midnight in Shanghai, still 03-02 in UTC
    ['2026-03-03T03:30:00.000Z', NEW_YORK, '2026-03-02'], // 22:30 EST on 03-02
    ['2026-07-01T03:59:00.000Z', NEW_YORK, '2026-06-30'], // 23:59 EDT
    ['2026-07-01T04:00:00.000Z', NEW_YORK, '2026-07-01'], // midnight EDT
  ])('%s in %s is %s', (at, zone, day) => {
    expect(localDay(at, zone)).toBe(day);
  });
});

describe('CN: at most 3 connected calls a day (GB/T 45251-2025)', () => {
  test('the caps are the cited numbers', () => {
    expect(CAPS).toEqual({
      CN: { connectedPerDay: 3 },
      US: { attemptsPer7Days: 7, quietDaysAfterConversation: 7, outstandingClaims: 1 },
    });
  });

  test('two connected calls today: allowed; three: refused with the rule', () => {
    const at = '2026-03-02T06:00:00.000Z'; // 14:00 in Shanghai

    expect(checkCallCaps('CN', calls({ '2026-03-02': { attempts: 2, connected: 2 } }), at, SHANGHAI)).toEqual(
      {
        allowed: true,
      },
    );
    expect(checkCallCaps('CN', calls({ '2026-03-02': { attempts: 3, connected: 3 } }), at, SHANGHAI)).toEqual(
      {
        allowed: false,
        rule: 'CALL_CAP_DAILY',
        detail: expect.stringContaining('GB/T 45251-2025'),
      },
    );
  });

  test('only connected calls count: ten unanswered attempts still allow a call', () => {
    const decision = checkCallCaps(
      'CN',
      calls({ '2026-03-02': { attempts: 10, connected: 0 } }),
      '2026-03-02T06:00:00.000Z',
      SHANGHAI,
    );

    expect(decision.allowed).toBe(true);
  });

  test('the day is the customer’s local date, not the UTC date', () => {
    const counted = calls({ '2026-03-03': { attempts: 3, connected: 3 } });

    // 00:30 on 03-03 in Shanghai (03-02 in UTC): the same local day as the three calls
    expect(checkCallCaps('CN', counted, '2026-03-02T16:30:00.000Z', SHANGHAI).allowed).toBe(false);
    // 23:30 on 03-02 in Shanghai: the day before them
    expect(checkCallCaps('CN', counted, '2026-03-02T15:30:00.000Z', SHANGHAI).allowed).toBe(true);
    // 00:30 on 03-04: a new day
    expect(checkCallCaps('CN', counted, '2026-03-03T16:30:00.000Z', SHANGHAI).allowed).toBe(true);
  });

  test('a conversation yesterday does not stop a call today (that is the US rule)', () => {
    const decision = checkCallCaps(
      'CN',
      calls({ '2026-03-01': { attempts: 1, connected: 1 } }, '2026-03-01T06:00:00.000Z'),
      '2026-03-02T06:00:00.000Z',
      SHANGHAI,
    );

    expect(decision.allowed).toBe(true);
  });
});

describe('US: 7 attempts in 7 days, none within 7 days after a conversation (Reg F §1006.14(b)(2))', () => {
  test('seven attempts over the last seven local days (today included) refuse a call', () => {
    const decision = checkCallCaps(
      'US',
      calls(attemptsFrom('2026-03-10', 7)),
      '2026-03-16T18:00:00.000Z',
      NEW_YORK,
    );

    expect(decision).toEqual({
      allowed: false,
      rule: 'CALL_CAP_WEEKLY',
      detail: expect.stringContaining('§1006.14(b)(2)(i)'),
    });
  });

  test('six attempts leave room for a seventh', () => {
    const decision = checkCallCaps(
      'US',
      calls(attemptsFrom('2026-03-10', 6)),
      '2026-03-16T18:00:00.000Z',
      NEW_YORK,
    );

    expect(decision.allowed).toBe(true);
  });

  test('the window rolls: attempts eight local days back no longer count', () => {
    const counted = calls(attemptsFrom('2026-03-10', 7)); // 10–16 March

    expect(checkCallCaps('US', counted, '2026-03-17T13:00:00.000Z', NEW_YORK).allowed).toBe(true); // 09:00 on 17 March
  });

  test('several attempts on one day count in full', () => {
    const counted = calls({ '2026-03-16': { attempts: 4 }, '2026-03-13': { attempts: 3 } });

    expect(checkCallCaps('US', counted, '2026-03-16T18:00:00.000Z', NEW_YORK).allowed).toBe(false);
  });

  test('the days are New York dates: 22:30 on the 16th is still the 16th (03:30 on the 17th in UTC)', () => {
    const counted = calls(attemptsFrom('2026-03-10', 7)); // 10–16 March

    expect(checkCallCaps('US', counted, '2026-03-17T02:30:00.000Z', NEW_YORK).allowed).toBe(false);
  });

  test('across the spring DST change, 00:30 on 9 March still counts the seven dates 3–9 March', () => {
    // 8 March 2026 has 23 hours in New York; 00:30 EDT on the 9th is 04:30Z
    const counted = calls(attemptsFrom('2026-03-03', 7)); // 3–9 March, one each

    const decision = checkCallCaps('US', counted, '2026-03-09T04:30:00.000Z', NEW_YORK);

    expect(decision).toMatchObject({ allowed: false, rule: 'CALL_CAP_WEEKLY' });
  });

  test('across the autumn DST change, 23:30 on 1 November counts each of 26 October – 1 November once', () => {
    // 1 November 2026 has 25 hours in New York; 23:30 EST is 04:30Z on the 2nd
    const counted = calls({ '2026-11-01': { attempts: 4 }, '2026-10-26': { attempts: 2 } }); // 6 in the week

    const decision = checkCallCaps('US', counted, '2026-11-02T04:30:00.000Z', NEW_YORK);

    expect(decision).toEqual({ allowed: true });
  });

  test('no call within 7 days after a conversation, even with no other attempts; allowed from then on', () => {
    const talked = '2026-03-10T15:00:00.000Z';
    const counted = calls({ '2026-03-10': { attempts: 1, connected: 1 } }, talked);

    const justBefore = checkCallCaps(
      'US',
      counted,
      new Date(Date.parse(talked) + 7 * DAY - 1).toISOString(),
      NEW_YORK,
    );
    const atSeven = checkCallCaps(
      'US',
      counted,
      new Date(Date.parse(talked) + 7 * DAY).toISOString(),
      NEW_YORK,
    );

    expect(justBefore).toEqual({
      allowed: false,
      rule: 'CALL_AFTER_CONVERSATION',
      detail: expect.stringContaining(talked),
    });
    expect(atSeven).toEqual({ allowed: true });
  });

  test('the quiet period is checked before the attempt count', () => {
    const counted = calls(attemptsFrom('2026-03-10', 7), '2026-03-15T15:00:00.000Z');

    expect(checkCallCaps('US', counted, '2026-03-16T18:00:00.000Z', NEW_YORK)).toMatchObject({
      rule: 'CALL_AFTER_CONVERSATION',
    });
  });

  test('CALL_IN_PROGRESS: one claimed call not yet completed stops another claim, however few attempts', () => {
    const at = '2026-03-16T18:00:00.000Z';

    const none = checkCallCaps('US', calls({}), at, NEW_YORK, 0);
    const one = checkCallCaps('US', calls({}), at, NEW_YORK, 1);

    expect(none).toEqual({ allowed: true });
    expect(one).toEqual({
      allowed: false,
      rule: 'CALL_IN_PROGRESS',
      detail: expect.stringContaining('§1006.14(b)(2)(ii)'),
    });
  });

  test('six attempts and a claimed call: the weekly cap is the rule named (waiting for the claim does not help)', () => {
    const counted = calls(attemptsFrom('2026-03-10', 6));

    expect(checkCallCaps('US', counted, '2026-03-16T18:00:00.000Z', NEW_YORK, 1)).toMatchObject({
      rule: 'CALL_CAP_WEEKLY',
    });
  });

  test('in CN a claimed call only takes a place under the daily cap: one connected and one claimed leave room', () => {
    const counted = calls({ '2026-03-02': { attempts: 1, connected: 1 } });

    expect(checkCallCaps('CN', counted, '2026-03-02T06:00:00.000Z', SHANGHAI, 1)).toEqual({ allowed: true });
  });

  test('connected calls in the US count as attempts, not as a daily cap', () => {
    const counted = calls({ '2026-03-16': { attempts: 3, connected: 3 } });

    expect(checkCallCaps('US', counted, '2026-03-16T18:00:00.000Z', NEW_YORK).allowed).toBe(true);
  });
});
