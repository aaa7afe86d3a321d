import { checkContactWindow } from '../../lambdas/domain/compliance/contact-window';
import { PROFILES, profileForCountry } from '../../lambdas/domain/compliance/profiles';

describe('contact window', () => {
  test('CN: allowed from 08:00 to 21:59 local time (GB/T 45251-2025)', () => {
    // Asia/Shanghai is UTC+8 all year.
    expect(checkContactWindow(PROFILES.CN, 'Asia/Shanghai', '2026-03-02T00:00:00.000Z')).toEqual({
      allowed: true,
    });
    expect(checkContactWindow(PROFILES.CN, 'Asia/Shanghai', '2026-03-02T13:59:00.000Z')).toEqual({
      allowed: true,
    });
  });

  test('CN: at 22:00 local the contact is deferred to 08:00 the next morning', () => {
    const decision = checkContactWindow(PROFILES.CN, 'Asia/Shanghai', '2026-03-02T14:00:00.000Z');

    expect(decision).toMatchObject({ allowed: false, deferUntil: '2026-03-03T00:00:00.000Z' });
  });

  test('CN: before 08:00 local the contact is deferred to 08:00 the same morning', () => {
    const decision = checkContactWindow(PROFILES.CN, 'Asia/Shanghai', '2026-03-02T21:30:00.000Z'); // 05:30 local

    expect(decision).toMatchObject({ allowed: false, deferUntil: '2026-03-03T00:00:00.000Z' });
  });

  test('US: 21:00 local is already outside the window (Reg F §1006.6(b)(1))', () => {
    // 2026-07-01 21:00 in New York (EDT, UTC-4) is 2026-07-02T01:00Z.
    const decision = checkContactWindow(PROFILES.US, 'America/New_York', '2026-07-02T01:00:00.000Z');

    expect(decision).toMatchObject({ allowed: false, deferUntil: '2026-07-02T12:00:00.000Z' });
    expect(checkContactWindow(PROFILES.US, 'America/New_York', '2026-07-02T00:59:00.000Z')).toEqual({
      allowed: true,
    });
  });

  test('US: the next opening follows a daylight-saving change', () => {
    // 2026-03-08 02:00 EST → EDT. 23:00 EST on the 7th defers to 08:00 EDT on the 8th (12:00Z).
    const decision = checkContactWindow(PROFILES.US, 'America/New_York', '2026-03-08T04:00:00.000Z');

    expect(decision).toMatchObject({ allowed: false, deferUntil: '2026-03-08T12:00:00.000Z' });
  });

  test('the profile follows the country: US for US customers, CN otherwise', () => {
    expect(profileForCountry('us').id).toBe('US');
    expect(profileForCountry('CN').id).toBe('CN');
    expect(profileForCountry(undefined).id).toBe('CN');
    expect(profileForCountry('DE').id).toBe('CN');
  });
});
