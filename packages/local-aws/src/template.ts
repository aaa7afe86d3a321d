import { createHash } from 'node:crypto';
import { existsSync, readFileSync } from 'node:fs';
import * as path from 'node:path';

/**
 * Reads the synthesized app (cdk.out) so the local runtime runs exactly what would be deployed:
 * tables, functions and their environment, the state machine and its substitutions, rules, queues,
 * event-source mappings and API routes. CloudFormation intrinsics resolve to the resources' physical
 * names, as on AWS: the name the template gives (`Name`, `TableName`, …), or else one generated the way
 * CloudFormation does (`<stack>-<logical id>-<suffix>`), never the bare logical id.
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

/** The property that names a resource of each type, and the longest name AWS accepts for it. */
const NAME_PROPERTIES: Record<string, { property: string; maxLength: number }> = {
  'AWS::DynamoDB::Table': { property: 'TableName', maxLength: 255 },
  'AWS::Events::EventBus': { property: 'Name', maxLength: 256 },
  'AWS::Events::Rule': { property: 'Name', maxLength: 64 },
  'AWS::IAM::Role': { property: 'RoleName', maxLength: 64 },
  'AWS::Lambda::Function': { property: 'FunctionName', maxLength: 64 },
  'AWS::Logs::LogGroup': { property: 'LogGroupName', maxLength: 512 },
  'AWS::SecretsManager::Secret': { property: 'Name', maxLength: 512 },
  'AWS::SES::ConfigurationSet': { property: 'Name', maxLength: 64 },
  'AWS::SNS::Topic': { property: 'TopicName', maxLength: 256 },
  'AWS::SQS::Queue': { property: 'QueueName', maxLength: 80 },
  'AWS::StepFunctions::StateMachine': { property: 'StateMachineName', maxLength: 80 },
};

/** A stable stand-in for CloudFormation's random suffix: 12 upper-case letters and digits. */
function nameSuffix(stackName: string, logicalId: string): string {
  const digest = createHash('sha256').update(`${stackName}/${logicalId}`).digest();
  const alphabet = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789';
  return [...digest.subarray(0, 12)].map((byte) => alphabet[byte % alphabet.length]).join('');
}

/** Local identity of a resource: names and ARNs in the same shapes AWS gives them. */
export function localArn(service: string, resource: string): string {
  return `arn:aws:${service}:${LOCAL_REGION}:${LOCAL_ACCOUNT}:${resource}`;
}

export class SynthesizedApp {
  readonly resources: Record<string, CfnResource>;
  private readonly physicalNames = new Map<string, string>();

  constructor(
    readonly cdkOut: string,
    template: CfnTemplate,
    /** The stack's name (`AWS::StackName`), the start of every generated physical name. */
    readonly stackName = 'local',
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
      artifacts: Record<string, { type: string; properties?: { templateFile?: string; stackName?: string } }>;
    };
    const stacks = Object.entries(manifest.artifacts).filter(
      ([, artifact]) => artifact.type === 'aws:cloudformation:stack',
    );
    const [stackId, stack] = stacks[0] ?? [];
    const templateFile = stack?.properties?.templateFile;
    if (stacks.length !== 1 || !stackId || !templateFile)
      throw new Error(`expected one stack in ${cdkOut}, found ${stacks.length}`);
    return new SynthesizedApp(
      cdkOut,
      JSON.parse(readFileSync(path.join(cdkOut, templateFile), 'utf8')) as CfnTemplate,
      stack.properties?.stackName ?? stackId,
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

  /**
   * The resource's physical name: the one its template gives, or one generated as CloudFormation
   * does for resources it names itself (`RentalCollections-DataCasesE4E7C0E9-1A2B3C4D5E6F`). Resource
   * types that have no name (keys, APIs) keep their logical id.
   */
  physicalName(logicalId: string): string {
    const known = this.physicalNames.get(logicalId);
    if (known) return known;
    const { Type, Properties } = this.resource(logicalId);
    const naming = NAME_PROPERTIES[Type];
    let name = logicalId;
    if (naming && Properties?.[naming.property] !== undefined) {
      name = this.resolveString(Properties[naming.property]);
    } else if (naming) {
      const fifo = Type === 'AWS::SQS::Queue' && Properties?.FifoQueue === true ? '.fifo' : '';
      const suffix = `-${nameSuffix(this.stackName, logicalId)}${fifo}`;
      const room = naming.maxLength - suffix.length;
      name = `${`${this.stackName}-${logicalId}`.slice(0, room)}${suffix}`;
    }
    this.physicalNames.set(logicalId, name);
    return name;
  }

  /** `Ref` as CloudFormation returns it, with local names. */
  ref(logicalId: string): string {
    const { Type } = this.resource(logicalId);
    const name = this.physicalName(logicalId);
    switch (Type) {
      case 'AWS::SNS::Topic':
        return localArn('sns', name);
      case 'AWS::SQS::Queue':
        return `http://sqs.${LOCAL_REGION}.localhost/${LOCAL_ACCOUNT}/${name}`;
      case 'AWS::StepFunctions::StateMachine':
        return localArn('states', `stateMachine:${name}`);
      case 'AWS::SecretsManager::Secret':
        return localArn('secretsmanager', `secret:${name}`);
      default:
        // Tables, functions, buses, configuration sets, log groups, roles: the name; keys, API ids: the id.
        return name;
    }
  }

  /** `Fn::GetAtt` with local names. */
  getAtt(logicalId: string, attribute: string): string {
    const { Type } = this.resource(logicalId);
    const name = this.physicalName(logicalId);
    const key = `${Type}.${attribute}`;
    switch (key) {
      case 'AWS::Lambda::Function.Arn':
        return localArn('lambda', `function:${name}`);
      case 'AWS::DynamoDB::Table.Arn':
        return localArn('dynamodb', `table/${name}`);
      case 'AWS::SQS::Queue.Arn':
        return localArn('sqs', name);
      case 'AWS::SQS::Queue.QueueName':
        return name;
      case 'AWS::SQS::Queue.QueueUrl':
        return this.ref(logicalId);
      case 'AWS::Events::EventBus.Arn':
        return localArn('events', `event-bus/${name}`);
      case 'AWS::Events::EventBus.Name':
        return name;
      case 'AWS::Events::Rule.Arn':
        return localArn('events', `rule/${name}`);
      case 'AWS::StepFunctions::StateMachine.Arn':
        return this.ref(logicalId);
      case 'AWS::StepFunctions::StateMachine.Name':
        return name;
      case 'AWS::SNS::Topic.TopicArn':
        return localArn('sns', name);
      case 'AWS::SNS::Topic.TopicName':
        return name;
      case 'AWS::IAM::Role.Arn':
        return `arn:aws:iam::${LOCAL_ACCOUNT}:role/${name}`;
      case 'AWS::KMS::Key.Arn':
        return localArn('kms', `key/${name}`);
      case 'AWS::Logs::LogGroup.Arn':
        return localArn('logs', `log-group:${name}:*`);
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

  /** The logical id of the resource a resolved local name, URL or ARN points at (by its last `:` or `/` segment). */
  logicalIdOf(nameOrArn: string): string {
    const name = nameOrArn.split(/[:/]/).at(-1) ?? nameOrArn;
    return Object.keys(this.resources).find((logicalId) => this.physicalName(logicalId) === name) ?? name;
  }

  private pseudo(name: string): string | undefined {
    const values: Record<string, string> = {
      'AWS::Region': LOCAL_REGION,
      'AWS::AccountId': LOCAL_ACCOUNT,
      'AWS::Partition': 'aws',
      'AWS::URLSuffix': 'amazonaws.com',
      'AWS::StackName': this.stackName,
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
