import defaultPolicyFile from '../../../policies/default.json';
import { type Policy, policySchema } from './schema';

export * from './schema';

export class InvalidPolicyError extends Error {
  override readonly name = 'InvalidPolicyError';
}

/** Validates a policy document, throwing one readable message that lists every problem with its path. */
export function parsePolicy(document: unknown, source = 'policy'): Policy {
  const result = policySchema.safeParse(document);
  if (result.success) return result.data;
  const problems = result.error.issues.map(
    (issue) => `  - ${issue.path.join('.') || '(root)'}: ${issue.message}`,
  );
  throw new InvalidPolicyError(`${source} is not a valid collections policy:\n${problems.join('\n')}`);
}

/** The policies bundled with this build, by id. Cases keep the id and version they were opened with. */
const policies: ReadonlyMap<string, Policy> = new Map(
  [parsePolicy(defaultPolicyFile, 'policies/default.json')].map((policy) => [policy.id, policy]),
);

export const DEFAULT_POLICY_ID = 'default';

export function findPolicy(id: string): Policy | undefined {
  return policies.get(id);
}

export function policyIds(): string[] {
  return [...policies.keys()];
}
