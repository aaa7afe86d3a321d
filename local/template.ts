import { existsSync, readFileSync } from 'node:fs';
import * as path from 'node:path';

/**
 * Reads the synthesized app (cdk.out) so the local runtime runs exactly what would be deployed:
 * tables, functions and their environment, the state machine and its substitutions, rules, queues,
 * event-source mappings and API routes. CloudFormation intrinsics resolve to local names.
 */

export const LOCAL_REGION = 'us-east-1';
export const LOCAL_ACCOUNT = '000000000000';

export interface CfnResource {
  Type: string;
  Properties?: Record<string, unknown>;
  Metadata?: Record<string, unknown>;
}

interface CfnTemplate {
  Resources: Record<string, CfnResource>;
}

export class UnsupportedTemplateError extends Error {
  override readonly name = 'UnsupportedTemplateError';
}

/** Local identity of a resource: names and ARNs in the same shapes AWS gives them. */
export function localArn(service: string, resource: string): string {
  return `arn:aws:${service}:${LOCAL_REGION}:${LOCAL_ACCOUNT}:${resource}`;
}

export class SynthesizedApp {
  readonly resources: Record<string, CfnResource>;

  constructor(
    readonly cdkOut: string,
    template: CfnTemplate,
  ) {
    this.resources = template.Resources;
  }

  /** Loads the one stack of `cdk.out` (the manifest names its template). */
  static load(cdkOut: string): SynthesizedApp {
    const manifestFile = path.join(cdkOut, 'manifest.json');
    if (!existsSync(manifestFile)) {
      throw new Error(`${manifestFile} not found: synthesize first (npm run synth)`);
    }
    const manifest = JSON.parse(readFileSync(manifestFile, 'utf8')) as {
      artifacts: Record<string, { type: string; properties?: { templateFile?: string } }>;
    };
    const stacks = Object.values(manifest.artifacts).filter(
      (artifact) => artifact.type === 'aws:cloudformation:stack',
    );
    const templateFile = stacks[0]?.properties?.templateFile;
    if (stacks.length !== 1 || !templateFile)
      throw new Error(`expected one stack in ${cdkOut}, found ${stacks.length}`);
    return new SynthesizedApp(
      cdkOut,
      JSON.parse(readFileSync(path.join(cdkOut, templateFile), 'utf8')) as CfnTemplate,
    );
  }

  ofType(type: string): Array<[string, CfnResource]> {
    return Object.entries(this.resources).filter(([, resource]) => resource.Type === type);
  }

  resource(logicalId: string): CfnResource {
    const resource = this.resources[logicalId];
    if (!resource) throw new UnsupportedTemplateError(`no resource ${logicalId} in the template`);
    return resource;
  }

  /** `Ref` as CloudFormation returns it, with local names. */
  ref(logicalId: string): string {
    const { Type } = this.resource(logicalId);
    switch (Type) {
      case 'AWS::SNS::Topic':
        return localArn('sns', logicalId);
      case 'AWS::SQS::Queue':
        return `http://sqs.${LOCAL_REGION}.localhost/${LOCAL_ACCOUNT}/${logicalId}`;
      case 'AWS::StepFunctions::StateMachine':
        return localArn('states', `stateMachine:${logicalId}`);
      case 'AWS::SecretsManager::Secret':
        return localArn('secretsmanager', `secret:${logicalId}`);
      default:
        // Tables, functions, buses, configuration sets, log groups, roles, keys, API ids: the name.
        return logicalId;
    }
  }

  /** `Fn::GetAtt` with local names. */
  getAtt(logicalId: string, attribute: string): string {
    const { Type } = this.resource(logicalId);
    const key = `${Type}.${attribute}`;
    switch (key) {
      case 'AWS::Lambda::Function.Arn':
        return localArn('lambda', `function:${logicalId}`);
      case 'AWS::DynamoDB::Table.Arn':
        return localArn('dynamodb', `table/${logicalId}`);
      case 'AWS::SQS::Queue.Arn':
        return localArn('sqs', logicalId);
      case 'AWS::SQS::Queue.QueueName':
        return logicalId;
      case 'AWS::SQS::Queue.QueueUrl':
        return this.ref(logicalId);
      case 'AWS::Events::EventBus.Arn':
        return localArn('events', `event-bus/${logicalId}`);
      case 'AWS::Events::EventBus.Name':
        return logicalId;
      case 'AWS::StepFunctions::StateMachine.Arn':
        return this.ref(logicalId);
      case 'AWS::StepFunctions::StateMachine.Name':
        return logicalId;
      case 'AWS::SNS::Topic.TopicArn':
        return localArn('sns', logicalId);
      case 'AWS::SNS::Topic.TopicName':
        return logicalId;
      case 'AWS::IAM::Role.Arn':
        return `arn:aws:iam::${LOCAL_ACCOUNT}:role/${logicalId}`;
      case 'AWS::KMS::Key.Arn':
        return localArn('kms', `key/${logicalId}`);
      case 'AWS::Logs::LogGroup.Arn':
        return localArn('logs', `log-group:${logicalId}:*`);
      case 'AWS::ApiGateway::RestApi.RootResourceId':
        return `${logicalId}Root`;
      default:
        return `${logicalId}.${attribute}`;
    }
  }

  /** Resolves every intrinsic in `value` to local strings. */
  resolve(value: unknown): unknown {
    if (Array.isArray(value)) return value.map((item) => this.resolve(item));
    if (value === null || typeof value !== 'object') return value;
    const entries = Object.entries(value as Record<string, unknown>);
    const [first] = entries;
    if (entries.length === 1 && first) {
      const [key, argument] = first;
      switch (key) {
        case 'Ref':
          return this.pseudo(argument as string) ?? this.ref(argument as string);
        case 'Fn::GetAtt': {
          // The short form `Logical.Attribute` splits at the first dot (`Db.Endpoint.Address`).
          const [logicalId, attribute] = (
            typeof argument === 'string' ? splitAtFirstDot(argument) : (argument as string[])
          ) as [string, string];
          return this.getAtt(logicalId, attribute);
        }
        case 'Fn::Join': {
          const [separator, parts] = argument as [string, unknown[]];
          return (this.resolve(parts) as unknown[]).join(separator);
        }
        case 'Fn::Select': {
          const [index, list] = argument as [number, unknown];
          return (this.resolve(list) as unknown[])[Number(index)];
        }
        case 'Fn::Split': {
          const [separator, text] = argument as [string, unknown];
          return String(this.resolve(text)).split(separator);
        }
        case 'Fn::Sub':
          return this.sub(argument);
        default:
          if (key.startsWith('Fn::'))
            throw new UnsupportedTemplateError(`the local runtime does not resolve ${key}`);
      }
    }
    return Object.fromEntries(entries.map(([key, inner]) => [key, this.resolve(inner)]));
  }

  resolveString(value: unknown): string {
    const resolved = this.resolve(value);
    if (typeof resolved !== 'string')
      throw new UnsupportedTemplateError(`expected a string, got ${JSON.stringify(resolved)}`);
    return resolved;
  }

  /** The logical id a resolved local name or ARN points at (its last `:` or `/` segment). */
  logicalIdOf(nameOrArn: string): string {
    return nameOrArn.split(/[:/]/).at(-1) ?? nameOrArn;
  }

  private pseudo(name: string): string | undefined {
    const values: Record<string, string> = {
      'AWS::Region': LOCAL_REGION,
      'AWS::AccountId': LOCAL_ACCOUNT,
      'AWS::Partition': 'aws',
      'AWS::URLSuffix': 'amazonaws.com',
      'AWS::StackName': 'local',
    };
    return values[name];
  }

  private sub(argument: unknown): string {
    const [text, variables] = (typeof argument === 'string' ? [argument, {}] : argument) as [
      string,
      Record<string, unknown>,
    ];
    return text.replace(/\$\{([^}]+)\}/g, (_whole, name: string) => {
      // `${!Literal}` is written out as `${Literal}`.
      if (name.startsWith('!')) return `\${${name.slice(1)}}`;
      if (Object.hasOwn(variables, name)) return String(this.resolve(variables[name]));
      const pseudo = this.pseudo(name);
      if (pseudo !== undefined) return pseudo;
      const [logicalId, attribute] = splitAtFirstDot(name);
      return attribute ? this.getAtt(logicalId, attribute) : this.ref(logicalId);
    });
  }
}

/** `Logical.Attribute.With.Dots` → [`Logical`, `Attribute.With.Dots`]. */
function splitAtFirstDot(name: string): [string, string | undefined] {
  const dot = name.indexOf('.');
  return dot < 0 ? [name, undefined] : [name.slice(0, dot), name.slice(dot + 1)];
}
