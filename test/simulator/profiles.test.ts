import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { loadDefaultProfiles, loadProfiles, ProfileFileError, parseProfiles } from '../../simulator/profiles';

const valid = () =>
  structuredClone(loadDefaultProfiles()) as unknown as { profiles: Record<string, unknown>[] };

/** The issues parseProfiles reports for `input`, or [] if it is valid. */
function issuesOf(input: unknown) {
  try {
    parseProfiles(input, 'test.json');
    return [];
  } catch (error) {
    if (!(error instanceof ProfileFileError)) throw error;
    return error.issues;
  }
}

describe('the profiles file', () => {
  test('the default file is valid, with unique ids and weights that add up to 100', () => {
    const file = loadDefaultProfiles();

    expect(new Set(file.profiles.map((profile) => profile.id)).size).toBe(file.profiles.length);
    expect(file.profiles.reduce((sum, profile) => sum + profile.weight, 0)).toBe(100);
  });

  test('a wrong number is named by its path and its profile id', () => {
    const file = valid();
    const promise = file.profiles.findIndex((profile) => profile.id === 'PROMISE_KEPT');
    (file.profiles[promise] as { action: { keptChance: number } }).action.keptChance = 1.5;

    expect(issuesOf(file)).toEqual([
      {
        path: `profiles[${promise}: PROMISE_KEPT].action.keptChance`,
        message: 'at most 1',
      },
    ]);
  });

  test('an unknown field, a missing field, a bad range and an unknown action are each named', () => {
    const file = valid();
    (file.profiles[0] as Record<string, unknown>).colour = 'red';
    delete (file.profiles[1] as Record<string, unknown>).weight;
    (file.profiles[3] as { acts: { withinDays: number[] } }).acts.withinDays = [7, 0.5];
    (file.profiles[4] as { action: unknown }).action = { type: 'PRAYS' };

    expect(issuesOf(file).map((issue) => issue.path)).toEqual([
      'profiles[0: PAYS_AFTER_NOTICE].colour',
      'profiles[1: PAYS_AFTER_REMINDER].weight',
      'profiles[3: PAYS_IN_PART].acts.withinDays',
      'profiles[4: PROMISE_KEPT].action.type',
    ]);
  });

  test('a profile that acts needs acts; one that does nothing may not have them; ids are unique', () => {
    const file = valid();
    delete file.profiles[0]?.acts;
    const never = file.profiles.findIndex((profile) => profile.id === 'NEVER_PAYS');
    (file.profiles[never] as Record<string, unknown>).acts = { after: 'OVERDUE_NOTICE', withinDays: [0, 1] };
    (file.profiles[2] as { id: string }).id = 'PAYS_AFTER_REMINDER';

    expect(issuesOf(file)).toEqual([
      { path: 'profiles[0: PAYS_AFTER_NOTICE].acts', message: 'required: when the customer acts' },
      { path: `profiles[${never}: NEVER_PAYS].acts`, message: 'a profile that does nothing has no acts' },
      { path: 'profiles[2: PAYS_AFTER_REMINDER].id', message: 'a duplicate id' },
    ]);
  });

  test('the error message lists every issue under the file name', () => {
    const file = valid();
    (file.profiles[0] as { weight: number }).weight = -1;

    expect(() => parseProfiles(file, 'mix.json')).toThrow(
      /^mix\.json is not a valid profiles file:\n {2}profiles\[0: PAYS_AFTER_NOTICE\]\.weight: /,
    );
  });

  test('a file that is not JSON is refused with the parser message', () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'profiles-'));
    const file = path.join(dir, 'broken.json');
    writeFileSync(file, '{ "version": 1,');

    expect(() => loadProfiles(file)).toThrow(ProfileFileError);
    expect(() => loadProfiles(file)).toThrow(`${file} is not a valid profiles file:\n  (file): `);
  });
});
