import { readdirSync, readFileSync } from 'node:fs';
import * as path from 'node:path';
import { type Policy, parsePolicy } from '../lambdas/domain/policy';
import { PROJECT_ROOT } from './project-function';

export const POLICIES_DIR = path.join(PROJECT_ROOT, 'policies');

/**
 * Validates every policy file before anything is synthesized, so a bad policy fails `cdk synth`
 * (and `npm test`) with every problem and its path, instead of failing in a Lambda at run time.
 */
export function loadPolicies(folder: string = POLICIES_DIR): Policy[] {
  return readdirSync(folder)
    .filter((name) => name.endsWith('.json'))
    .sort()
    .map((name) =>
      parsePolicy(JSON.parse(readFileSync(path.join(folder, name), 'utf8')), `policies/${name}`),
    );
}
