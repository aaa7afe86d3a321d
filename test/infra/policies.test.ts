import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { loadPolicies, POLICIES_DIR } from '../../lib/policies';

describe('policies at synth', () => {
  test('the shipped policies are valid', () => {
    expect(loadPolicies().map((policy) => `${policy.id}@${policy.version}`)).toContain('default@4');
  });

  test('a bad policy file stops the synth with its name and every problem', () => {
    // Prepare: the default policy with two mistakes
    const folder = mkdtempSync(path.join(tmpdir(), 'policies-'));
    const policy = JSON.parse(readFileSync(path.join(POLICIES_DIR, 'default.json'), 'utf8'));
    policy.stages.FIRST_COLLECTION.waitDays = -7;
    policy.templates.REMINDER.en.sms = 'Please pay {amount}.';
    writeFileSync(path.join(folder, 'broken.json'), JSON.stringify(policy));

    // Act
    const load = () => loadPolicies(folder);

    // Assess
    try {
      expect(load).toThrow(/policies\/broken\.json is not a valid collections policy/);
      expect(load).toThrow(/stages\.FIRST_COLLECTION\.waitDays/);
      expect(load).toThrow(/templates\.REMINDER\.en\.sms: every SMS carries the signed opt-out link/);
    } finally {
      rmSync(folder, { recursive: true, force: true });
    }
  });
});
