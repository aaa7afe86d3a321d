import { type CfnResource, type CfnTemplate, synthesizedTemplate } from '../support/cdk-out';

/**
 * Reading the synthesized template the way the infra tests ask about it: functions by their handler
 * entry, each function's role and the IAM statements attached to it, API methods by their path.
 */

export interface Statement {
  effect: 'Allow' | 'Deny';
  actions: string[];
  /** Each resource as written in the template (a string or an intrinsic). */
  resources: unknown[];
  sid?: string;
  /** The `AWS::IAM::Policy` the statement is in. */
  policyId: string;
}

export interface TemplateFunction {
  logicalId: string;
  /** `lambdas/handlers/….ts`, from the `collections:entry` metadata. */
  entry: string;
  /** `api/record-payment`, `workflow/close-case`, … */
  handler: string;
  roleId: string;
  environment: Record<string, unknown>;
}

const asArray = <T>(value: T | T[] | undefined): T[] =>
  value === undefined ? [] : Array.isArray(value) ? value : [value];

/** Whether a resource (or any intrinsic inside it) names `logicalId` (`Ref` or `Fn::GetAtt`). */
export function refersTo(resource: unknown, logicalId: string): boolean {
  if (resource === null || typeof resource !== 'object') return false;
  if (Array.isArray(resource)) return resource.some((item) => refersTo(item, logicalId));
  const record = resource as Record<string, unknown>;
  if (record.Ref === logicalId) return true;
  const getAtt = record['Fn::GetAtt'];
  if (Array.isArray(getAtt) && getAtt[0] === logicalId) return true;
  return Object.values(record).some((inner) => refersTo(inner, logicalId));
}

/** The logical id a `{ Ref }` or `{ Fn::GetAtt }` points at, if `value` is one. */
export function targetOf(value: unknown): string | undefined {
  if (value === null || typeof value !== 'object') return undefined;
  const record = value as Record<string, unknown>;
  if (typeof record.Ref === 'string') return record.Ref;
  const getAtt = record['Fn::GetAtt'];
  return Array.isArray(getAtt) && typeof getAtt[0] === 'string' ? getAtt[0] : undefined;
}

export class TemplateModel {
  constructor(readonly json: CfnTemplate = synthesizedTemplate()) {}

  get resources(): Record<string, CfnResource> {
    return this.json.Resources;
  }

  ofType(type: string): Array<[string, CfnResource]> {
    return Object.entries(this.json.Resources).filter(([, resource]) => resource.Type === type);
  }

  /** The single resource of `type` whose logical id starts with `prefix` (CDK adds a hash). */
  one(type: string, prefix: string): [string, CfnResource] {
    const found = this.ofType(type).filter(([id]) => id.startsWith(prefix));
    if (found.length !== 1) throw new Error(`expected one ${type} named ${prefix}…, found ${found.length}`);
    return found[0] as [string, CfnResource];
  }

  functions(): TemplateFunction[] {
    return this.ofType('AWS::Lambda::Function').map(([logicalId, resource]) => {
      const entry = String(resource.Metadata?.['collections:entry'] ?? '');
      const role = resource.Properties.Role as { 'Fn::GetAtt': [string, string] };
      return {
        logicalId,
        entry,
        handler: entry.replace(/^lambdas\/handlers\//, '').replace(/\.ts$/, ''),
        roleId: role['Fn::GetAtt'][0],
        environment:
          (resource.Properties.Environment as { Variables?: Record<string, unknown> } | undefined)
            ?.Variables ?? {},
      };
    });
  }

  /** The function whose handler is `handler` (`workflow/close-case`). */
  fn(handler: string): TemplateFunction {
    const found = this.functions().filter((candidate) => candidate.handler === handler);
    if (found.length !== 1) throw new Error(`expected one function for ${handler}, found ${found.length}`);
    return found[0] as TemplateFunction;
  }

  /** Every statement of every `AWS::IAM::Policy` attached to the role. */
  statementsOf(roleId: string): Statement[] {
    return this.ofType('AWS::IAM::Policy')
      .filter(([, policy]) => asArray(policy.Properties.Roles).some((role) => targetOf(role) === roleId))
      .flatMap(([policyId, policy]) =>
        asArray(
          (policy.Properties.PolicyDocument as { Statement: Array<Record<string, unknown>> }).Statement,
        ).map((statement) => ({
          effect: statement.Effect as 'Allow' | 'Deny',
          actions: asArray(statement.Action as string | string[]),
          resources: asArray(statement.Resource),
          ...(typeof statement.Sid === 'string' ? { sid: statement.Sid } : {}),
          policyId,
        })),
      );
  }

  /** Statements of the role with `effect` that name `action` (exactly or by a `service:*` wildcard). */
  grants(roleId: string, action: string, effect: 'Allow' | 'Deny' = 'Allow'): Statement[] {
    const service = `${action.split(':')[0]}:*`;
    return this.statementsOf(roleId).filter(
      (statement) =>
        statement.effect === effect &&
        statement.actions.some(
          (candidate) => candidate === action || candidate === service || candidate === '*',
        ),
    );
  }

  /** Whether the role may do `action` on the resource `logicalId` (a statement naming it, or `*`). */
  allows(roleId: string, action: string, logicalId: string): boolean {
    return this.grants(roleId, action).some((statement) =>
      statement.resources.some((resource) => resource === '*' || refersTo(resource, logicalId)),
    );
  }

  /** The IAM roles of every principal in the template: functions and the state machine. */
  roles(): string[] {
    return this.ofType('AWS::IAM::Role').map(([id]) => id);
  }

  /** `GET /cases/{caseId}`-style path of an `AWS::ApiGateway::Resource` (or the root). */
  pathOf(resourceRef: unknown): string {
    const id = targetOf(resourceRef);
    const getAtt = (resourceRef as Record<string, unknown>)['Fn::GetAtt'];
    if (Array.isArray(getAtt) && getAtt[1] === 'RootResourceId') return '';
    const resource = id ? this.json.Resources[id] : undefined;
    if (resource?.Type !== 'AWS::ApiGateway::Resource') throw new Error(`not an API resource: ${id}`);
    return `${this.pathOf(resource.Properties.ParentId)}/${String(resource.Properties.PathPart)}`;
  }

  /** Every API method: `GET /cases/{caseId}`, its authorization type and the function it integrates. */
  apiMethods(): Array<{ route: string; authorization: string; functionId: string | undefined }> {
    return this.ofType('AWS::ApiGateway::Method').map(([, method]) => {
      const uri = (method.Properties.Integration as { Uri?: unknown } | undefined)?.Uri;
      const functionId = this.functions().find((fn) => refersTo(uri, fn.logicalId))?.logicalId;
      return {
        route: `${String(method.Properties.HttpMethod)} ${this.pathOf(method.Properties.ResourceId)}`,
        authorization: String(method.Properties.AuthorizationType),
        functionId,
      };
    });
  }
}
