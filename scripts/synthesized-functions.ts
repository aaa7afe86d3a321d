import { readFileSync } from 'node:fs';
import * as path from 'node:path';
import { ENTRY_METADATA_KEY, PROJECT_ROOT } from '../lib/project-function';

/**
 * The functions of the synthesized template (cdk.out), as the bench and `npm run decode-stack` need
 * them: logical id, handler, bundle directory and the IAM actions its role is allowed.
 */

export const CDK_OUT = path.join(PROJECT_ROOT, 'cdk.out');
const TEMPLATE = 'RentalCollections.template.json';

interface Resource {
  Type: string;
  Properties: Record<string, unknown>;
  Metadata?: Record<string, unknown>;
}

export interface SynthesizedFunction {
  logicalId: string;
  /** `api/open-case`, `workflow/close-case`, … */
  handler: string;
  /** The bundle's directory: cdk.out/asset.<hash>. */
  assetDir: string;
  /** Every action its role's policies allow, e.g. `dynamodb:GetItem`, `states:SendTaskSuccess`. */
  actions: string[];
}

const asArray = <T>(value: T | T[] | undefined): T[] =>
  value === undefined ? [] : Array.isArray(value) ? value : [value];

/** The logical id of a `{ Ref }` or `{ Fn::GetAtt }`. */
const targetOf = (value: unknown): string | undefined => {
  const record = value as { Ref?: unknown; 'Fn::GetAtt'?: unknown } | null;
  if (typeof record?.Ref === 'string') return record.Ref;
  const getAtt = record?.['Fn::GetAtt'];
  return Array.isArray(getAtt) && typeof getAtt[0] === 'string' ? getAtt[0] : undefined;
};

export function synthesizedFunctions(cdkOut = CDK_OUT): SynthesizedFunction[] {
  const file = path.join(cdkOut, TEMPLATE);
  const { Resources: resources } = JSON.parse(readFileSync(file, 'utf8')) as {
    Resources: Record<string, Resource>;
  };
  const all = Object.entries(resources);
  const actionsOf = (roleId: string) =>
    all
      .filter(([, resource]) => resource.Type === 'AWS::IAM::Policy')
      .filter(([, policy]) => asArray(policy.Properties.Roles).some((role) => targetOf(role) === roleId))
      .flatMap(([, policy]) =>
        asArray((policy.Properties.PolicyDocument as { Statement: Record<string, unknown>[] }).Statement),
      )
      .filter((statement) => statement.Effect === 'Allow')
      .flatMap((statement) => asArray(statement.Action as string | string[]));
  return all
    .filter(([, resource]) => resource.Type === 'AWS::Lambda::Function')
    .filter(([, resource]) => typeof resource.Metadata?.[ENTRY_METADATA_KEY] === 'string')
    .map(([logicalId, resource]) => {
      const entry = String(resource.Metadata?.[ENTRY_METADATA_KEY]);
      const roleId = targetOf(resource.Properties.Role) ?? '';
      return {
        logicalId,
        handler: entry.replace(/^lambdas\/handlers\//, '').replace(/\.ts$/, ''),
        assetDir: path.join(cdkOut, String(resource.Metadata?.['aws:asset:path'] ?? '')),
        actions: [...new Set(actionsOf(roleId))].sort(),
      };
    });
}
