import { runSimulation } from '@cloud-copilot/iam-simulate';
import { LOCAL_ACCOUNT, type SynthesizedApp } from './template';

/**
 * What each hosted function's role may do, evaluated as IAM would: the identity policies the template
 * attaches to the role (`AWS::IAM::Policy` and the role's inline `Policies`), resolved to local ARNs,
 * run through an IAM policy simulator. The local DynamoDB refuses what a function's role does not
 * allow, with the AccessDeniedException AWS would answer, so the tests prove every call is granted.
 */
interface PolicyDocument {
  Version?: string;
  Statement: unknown[];
}

export interface FunctionRole {
  /** The role's physical name. */
  roleName: string;
  policies: Array<{ name: string; policy: PolicyDocument }>;
}

export class FunctionPermissions {
  private readonly roles = new Map<string, FunctionRole>();
  private readonly decisions = new Map<string, Promise<boolean>>();

  constructor(app: SynthesizedApp) {
    const policiesByRole = new Map<string, FunctionRole['policies']>();
    const add = (roleName: string, name: string, policy: PolicyDocument) => {
      policiesByRole.set(roleName, [...(policiesByRole.get(roleName) ?? []), { name, policy }]);
    };
    for (const [logicalId, resource] of app.ofType('AWS::IAM::Policy')) {
      const properties = resource.Properties ?? {};
      const document = app.resolve(properties.PolicyDocument) as PolicyDocument;
      for (const role of (properties.Roles as unknown[] | undefined) ?? []) {
        add(app.resolveString(role), app.physicalName(logicalId), document);
      }
    }
    for (const [logicalId, resource] of app.ofType('AWS::IAM::Role')) {
      const inline = (resource.Properties?.Policies ?? []) as Array<{
        PolicyName: string;
        PolicyDocument: unknown;
      }>;
      for (const policy of inline) {
        add(
          app.physicalName(logicalId),
          policy.PolicyName,
          app.resolve(policy.PolicyDocument) as PolicyDocument,
        );
      }
    }
    for (const [logicalId, resource] of app.ofType('AWS::Lambda::Function')) {
      // A function without a role may do nothing (AWS requires one; hand-written test templates omit it).
      if (resource.Properties?.Role === undefined) continue;
      const roleArn = app.resolveString(resource.Properties.Role);
      const roleName = roleArn.split('/').at(-1) ?? roleArn;
      this.roles.set(app.physicalName(logicalId), { roleName, policies: policiesByRole.get(roleName) ?? [] });
    }
  }

  /** The role of a hosted function, by the function's name. */
  roleOf(functionName: string): FunctionRole | undefined {
    return this.roles.get(functionName);
  }

  /** Whether the function's role may do `action` (`dynamodb:Query`) on `resource` (an ARN). */
  allows(functionName: string, action: string, resource: string): Promise<boolean> {
    const key = `${functionName} ${action} ${resource}`;
    let decision = this.decisions.get(key);
    if (!decision) {
      decision = this.evaluate(functionName, action, resource);
      this.decisions.set(key, decision);
    }
    return decision;
  }

  /** The principal a function's calls come from, as AWS names it in an AccessDeniedException. */
  principalOf(functionName: string): string {
    const role = this.roles.get(functionName);
    return `arn:aws:sts::${LOCAL_ACCOUNT}:assumed-role/${role?.roleName ?? 'unknown'}/${functionName}`;
  }

  private async evaluate(functionName: string, action: string, resource: string): Promise<boolean> {
    const role = this.roles.get(functionName);
    if (!role) return false;
    const result = await runSimulation(
      {
        request: {
          principal: this.principalOf(functionName),
          action,
          resource: { resource, accountId: LOCAL_ACCOUNT },
          contextVariables: {},
        },
        identityPolicies: role.policies,
        serviceControlPolicies: [],
        resourceControlPolicies: [],
      },
      {},
    );
    if (result.resultType === 'error') {
      throw new Error(`the IAM simulation of ${action} by ${functionName} failed: ${result.errors.message}`);
    }
    return result.overallResult === 'Allowed';
  }
}
