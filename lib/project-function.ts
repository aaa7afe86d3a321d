import * as path from 'node:path';
import { Duration, RemovalPolicy, Stack, Validations } from 'aws-cdk-lib';
import type * as dynamodb from 'aws-cdk-lib/aws-dynamodb';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import * as nodejs from 'aws-cdk-lib/aws-lambda-nodejs';
import * as logs from 'aws-cdk-lib/aws-logs';
import type * as secretsmanager from 'aws-cdk-lib/aws-secretsmanager';
import type * as sfn from 'aws-cdk-lib/aws-stepfunctions';
import { Construct } from 'constructs';
import { ENV } from '../lambdas/shared/config';

export const PROJECT_ROOT = path.join(__dirname, '..');

/** Metadata key naming a function's source entry; the local runtime can load handlers from source with it. */
export const ENTRY_METADATA_KEY = 'collections:entry';

export interface ProjectFunctionProps {
  /** Handler module under `lambdas/handlers/`, without extension, e.g. `api/open-case`. */
  handler: string;
  description: string;
  timeout?: Duration;
  memorySize?: number;
  logRetention: logs.RetentionDays;
  environment?: Record<string, string>;
}

const TABLE_ENV = {
  cases: ENV.casesTable,
  timeline: ENV.timelineTable,
  customers: ENV.customersTable,
  workItems: ENV.workItemsTable,
  idempotency: ENV.idempotencyTable,
} as const;

type TableName = keyof typeof TABLE_ENV;

/**
 * What a function may do with each table: every access level names the DynamoDB actions it allows,
 * which are the ones the table's adapter calls for it (lambdas/adapters/dynamo-*.ts; for idempotency,
 * Powertools' DynamoDBPersistenceLayer). Nothing grants Scan, BatchWriteItem, DeleteItem or a stream
 * action that no adapter calls.
 */
export const TABLE_ACCESS = {
  cases: {
    /** `get`, and `list` by rental, customer or status (a query of an index). */
    read: ['dynamodb:GetItem', 'dynamodb:Query'],
    /** `create` and `replace`: conditional puts of the whole case. */
    write: ['dynamodb:PutItem'],
    /** `list` with no filter that picks an index: a scan of the table (GET /cases). */
    scan: ['dynamodb:Scan'],
    /** `getMany`: the cases of a page of work items in one strongly consistent batch. */
    batchRead: ['dynamodb:BatchGetItem'],
  },
  timeline: {
    /** `has` and `list`. */
    read: ['dynamodb:GetItem', 'dynamodb:Query'],
    /** `append` and `appendNew`: puts of new entries only (the timeline is append-only). */
    append: ['dynamodb:PutItem'],
  },
  customers: {
    /** `get`. */
    read: ['dynamodb:GetItem'],
    /** `put`, `optOut` and `recordCall`: updates of attributes. */
    write: ['dynamodb:UpdateItem'],
  },
  workItems: {
    /** `get`, `list` (a queue, through its index) and `listByCase`. */
    read: ['dynamodb:GetItem', 'dynamodb:Query'],
    /** `create` and `replace`: conditional puts. */
    write: ['dynamodb:PutItem'],
  },
  idempotency: {
    /** Powertools' records: get, put, update on completion, delete when the request failed. */
    records: ['dynamodb:GetItem', 'dynamodb:PutItem', 'dynamodb:UpdateItem', 'dynamodb:DeleteItem'],
  },
} as const satisfies Record<TableName, Record<string, readonly `dynamodb:${string}`[]>>;

export type TableAccess<T extends TableName> = keyof (typeof TABLE_ACCESS)[T];

/** Actions that read nothing and only write: a function with any of them also encrypts with the key. */
const WRITE_ACTIONS = new Set(['dynamodb:PutItem', 'dynamodb:UpdateItem', 'dynamodb:DeleteItem']);

/**
 * esbuild aliases every bundle is built with (and the bench's floors, so they compare like for like):
 * the SDK's default credential chain becomes the environment provider, all Lambda ever needs
 * (lambdas/shared/lambda-credentials.ts says why).
 */
export const BUNDLE_ALIASES: Record<string, string> = {
  '@aws-sdk/credential-provider-node': './lambdas/shared/lambda-credentials.ts',
};

/** Which of a package's entry points bundles take, in order (the bench's floors too). */
export const BUNDLE_MAIN_FIELDS = ['module', 'main'];

/** Where synth keeps a function's source map, next to the assets in cdk.out (`npm run decode-stack` reads it). */
export const sourceMapPath = (cdkOut: string, handler: string) =>
  path.join(cdkOut, 'sourcemaps', `${handler}.js.map`);

/**
 * Moves esbuild's `index.js.map` out of the asset before it is hashed and zipped. Nothing reads it at
 * run time (`--enable-source-maps` made every `Error.stack` pay for a lookup in it), so it would only
 * add to the deployed size; stacks are decoded off the hot path from the copy in cdk.out. The asset is
 * bundled in cdk.out/bundling-temp-…, so the assembly directory is its parent.
 */
function sourceMapOutsideTheAsset(handler: string): nodejs.ICommandHooks {
  return {
    beforeBundling: () => [],
    beforeInstall: () => [],
    afterBundling: (_inputDir, outputDir) => {
      const target = sourceMapPath(path.dirname(outputDir), handler);
      return [
        `mkdir -p '${path.dirname(target)}'`,
        `mv '${path.join(outputDir, 'index.js.map')}' '${target}'`,
      ];
    },
  };
}

/**
 * The defaults every function shares: Node.js 22 on ARM64, X-Ray, source maps kept in cdk.out, its own log group
 * with retention, the AWS SDK bundled (so the SDK tested is the one deployed), and a role that only
 * gets what `bind*` calls give it, each permission together with the variable that uses it.
 */
export class ProjectFunction extends Construct {
  readonly fn: nodejs.NodejsFunction;
  readonly role: iam.Role;
  readonly logGroup: logs.LogGroup;

  constructor(scope: Construct, id: string, props: ProjectFunctionProps) {
    super(scope, id);
    this.logGroup = new logs.LogGroup(this, 'Logs', {
      retention: props.logRetention,
      removalPolicy: RemovalPolicy.DESTROY,
    });
    // A role of our own instead of AWSLambdaBasicExecutionRole: it may write to its log group only.
    this.role = new iam.Role(this, 'Role', {
      assumedBy: new iam.ServicePrincipal('lambda.amazonaws.com'),
      description: `Runs ${props.handler}`,
    });
    this.logGroup.grantWrite(this.role);
    const entry = path.join(PROJECT_ROOT, 'lambdas', 'handlers', `${props.handler}.ts`);
    this.fn = new nodejs.NodejsFunction(this, 'Function', {
      entry,
      handler: 'handler',
      description: props.description,
      runtime: lambda.Runtime.NODEJS_22_X,
      architecture: lambda.Architecture.ARM_64,
      memorySize: props.memorySize ?? 512,
      timeout: props.timeout ?? Duration.seconds(15),
      tracing: lambda.Tracing.ACTIVE,
      role: this.role,
      logGroup: this.logGroup,
      loggingFormat: lambda.LoggingFormat.JSON,
      projectRoot: PROJECT_ROOT,
      depsLockFilePath: path.join(PROJECT_ROOT, 'package-lock.json'),
      environment: {
        POWERTOOLS_SERVICE_NAME: 'collections',
        POWERTOOLS_METRICS_NAMESPACE: 'Collections',
        POWERTOOLS_LOG_LEVEL: 'INFO',
        ...props.environment,
      },
      bundling: {
        target: 'node22',
        format: nodejs.OutputFormat.CJS,
        minify: true,
        // The packages' ES module builds first: esbuild can drop what a function never imports from
        // them (the SDK's CommonJS builds keep every protocol and serde of @smithy/core): a bundle of
        // the DynamoDB client alone goes from about 540 KB to 300 KB. The output stays CommonJS.
        mainFields: BUNDLE_MAIN_FIELDS,
        sourceMap: true,
        sourcesContent: false,
        externalModules: [],
        logLevel: nodejs.LogLevel.ERROR,
        commandHooks: sourceMapOutsideTheAsset(props.handler),
        esbuildArgs: Object.fromEntries(
          Object.entries(BUNDLE_ALIASES).map(([module, replacement]) => [`--alias:${module}`, replacement]),
        ),
      },
    });
    Validations.of(this).acknowledge(
      {
        id: 'AwsSolutions::AwsSolutions-L1',
        reason:
          'Node.js 22 on purpose: the local runtime and every test run the handlers on Node 20/22, and the SDK we bundle and test is the one deployed. Move to the next LTS runtime together with the toolchain.',
      },
      {
        id: 'AwsSolutions::AwsSolutions-IAM5[Resource::*]',
        reason:
          'X-Ray tracing (xray:PutTraceSegments, xray:PutTelemetryRecords) has no resource-level permissions; functions that send SMS also need sns:Publish on "*", as a phone number is not a resource.',
      },
    );
    const relativeEntry = path.relative(PROJECT_ROOT, entry).split(path.sep).join('/');
    (this.fn.node.defaultChild as lambda.CfnFunction).addMetadata(ENTRY_METADATA_KEY, relativeEntry);
  }

  /**
   * Table name in its variable, and the actions of the access levels given on it and its indexes, with
   * the key (decrypt to read; encrypt too if a level writes), e.g. `bindTable('cases', cases, 'read', 'write')`.
   */
  bindTable<T extends TableName>(
    name: T,
    table: dynamodb.ITable,
    ...levels: [TableAccess<T>, ...TableAccess<T>[]]
  ): this {
    this.fn.addEnvironment(TABLE_ENV[name], table.tableName);
    const access = TABLE_ACCESS[name] as Record<TableAccess<T>, readonly string[]>;
    const actions = [...new Set(levels.flatMap((level) => access[level]))];
    table.grant(this.role, ...actions);
    if (actions.some((action) => WRITE_ACTIONS.has(action)))
      table.encryptionKey?.grantEncryptDecrypt(this.role);
    else table.encryptionKey?.grantDecrypt(this.role);
    const tableId = Stack.of(this).getLogicalId(table.node.defaultChild as dynamodb.CfnTable);
    Validations.of(this).acknowledge({
      id: `AwsSolutions::AwsSolutions-IAM5[Resource::<${tableId}.Arn>/index/*]`,
      reason: 'Queries the global secondary indexes of its own table, listed in lambdas/adapters/tables.ts.',
    });
    if (table.encryptionKey) {
      for (const action of ['kms:GenerateDataKey*', 'kms:ReEncrypt*']) {
        Validations.of(this).acknowledge({
          id: `AwsSolutions::AwsSolutions-IAM5[Action::${action}]`,
          reason:
            'The data key grant CDK makes for an encrypted table; the resource is that one customer-managed key.',
        });
      }
    }
    return this;
  }

  /** May start case executions: the state machine's ARN in its variable, and `states:StartExecution`. */
  bindCaseExecutions(stateMachine: sfn.IStateMachine): this {
    this.fn.addEnvironment(ENV.stateMachineArn, stateMachine.stateMachineArn);
    stateMachine.grantStartExecution(this.role);
    return this;
  }

  /**
   * May answer the workflow's callbacks (`SendTaskSuccess`). A separate policy, not the role's default
   * one, so that functions the state machine itself invokes do not depend on it (which would be a cycle).
   */
  allowTaskResponses(stateMachine: sfn.IStateMachine): this {
    const policy = new iam.Policy(this, 'TaskResponses', {
      statements: [
        new iam.PolicyStatement({
          actions: ['states:SendTaskSuccess'],
          resources: [stateMachine.stateMachineArn],
        }),
      ],
    });
    policy.attachToRole(this.role);
    return this;
  }

  /** A secret's ARN in its variable, and read access to it (and only it). */
  bindSecret(variable: string, secret: secretsmanager.ISecret): this {
    this.fn.addEnvironment(variable, secret.secretArn);
    secret.grantRead(this.role);
    return this;
  }

  /**
   * May continue a case's workflow in a new execution (`states:StartExecution`). A separate policy,
   * like `allowTaskResponses`, because the state machine invokes this function (a cycle otherwise).
   */
  allowContinuations(stateMachine: sfn.IStateMachine): this {
    const policy = new iam.Policy(this, 'Continuations', {
      statements: [
        new iam.PolicyStatement({
          actions: ['states:StartExecution'],
          resources: [stateMachine.stateMachineArn],
        }),
      ],
    });
    policy.attachToRole(this.role);
    return this;
  }

  get functionArn(): string {
    return this.fn.functionArn;
  }
}
