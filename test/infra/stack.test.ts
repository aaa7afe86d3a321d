import { readFileSync } from 'node:fs';
import * as path from 'node:path';
import { Match, Template } from 'aws-cdk-lib/assertions';
import { TABLES, type TableName } from '../../lambdas/adapters/tables';
import { ENV } from '../../lambdas/shared/config';
import { WORKFLOW_STEPS } from '../../lib/workflow';
import { CDK_OUT, readCdkOut } from '../support/cdk-out';
import { refersTo, TemplateModel, targetOf } from './template-model';

// Synthesized once by `npm run synth` (cdk-nag runs there); these tests read cdk.out.
const model = new TemplateModel();
const { json } = model;
const template = Template.fromJSON(json);
const resourcesOf = (type: string) => model.ofType(type);

/** The variable of each table, as `bindTable` sets it. */
const TABLE_VARIABLES: Record<TableName, string> = {
  cases: ENV.casesTable,
  timeline: ENV.timelineTable,
  customers: ENV.customersTable,
  workItems: ENV.workItemsTable,
  idempotency: ENV.idempotencyTable,
};

/** The logical id of the table a variable names, the same in every function that has it. */
function tableOfVariable(variable: string): string {
  const ids = new Set(
    model
      .functions()
      .map((fn) => targetOf(fn.environment[variable]))
      .filter((id): id is string => id !== undefined),
  );
  expect([...ids]).toHaveLength(1);
  return [...ids][0] as string;
}

describe('data', () => {
  test('every table is on-demand, KMS-encrypted with our key, point-in-time recoverable and deletion-protected', () => {
    const tables = resourcesOf('AWS::DynamoDB::Table');
    expect(tables).toHaveLength(Object.keys(TABLES).length);
    for (const [, table] of tables) {
      expect(table.Properties).toMatchObject({
        BillingMode: 'PAY_PER_REQUEST',
        DeletionProtectionEnabled: true,
        PointInTimeRecoverySpecification: { PointInTimeRecoveryEnabled: true },
        SSESpecification: { SSEEnabled: true, SSEType: 'KMS', KMSMasterKeyId: expect.anything() },
      });
    }
    template.hasResourceProperties('AWS::KMS::Key', { EnableKeyRotation: true });
  });

  test.each(Object.keys(TABLES) as TableName[])(
    'the %s table, found through its variable, has the keys, indexes and expiry of lambdas/adapters/tables.ts',
    (name) => {
      // Prepare
      const expected = TABLES[name];
      const tableId = tableOfVariable(TABLE_VARIABLES[name]);

      // Act
      const table = json.Resources[tableId]?.Properties ?? {};

      // Assess
      expect(table.KeySchema).toEqual([
        { AttributeName: expected.partitionKey, KeyType: 'HASH' },
        ...('sortKey' in expected ? [{ AttributeName: expected.sortKey, KeyType: 'RANGE' }] : []),
      ]);
      expect(table.GlobalSecondaryIndexes ?? []).toEqual(
        expected.indexes.map((index) => ({
          IndexName: index.name,
          KeySchema: [
            { AttributeName: index.partitionKey, KeyType: 'HASH' },
            { AttributeName: index.sortKey, KeyType: 'RANGE' },
          ],
          Projection: { ProjectionType: 'ALL' },
        })),
      );
      expect(table.TimeToLiveSpecification).toEqual(
        'timeToLive' in expected ? { AttributeName: expected.timeToLive, Enabled: true } : undefined,
      );
    },
  );

  test('the WorkItems table has its queue and case indexes (byQueue: queue+statusDue, byCase: caseId+createdAt)', () => {
    // Act
    const workItems = json.Resources[tableOfVariable(ENV.workItemsTable)];

    // Assess
    expect(workItems?.Properties).toMatchObject({
      KeySchema: [{ AttributeName: 'workItemId', KeyType: 'HASH' }],
      GlobalSecondaryIndexes: [
        expect.objectContaining({
          IndexName: 'byQueue',
          KeySchema: [
            { AttributeName: 'queue', KeyType: 'HASH' },
            { AttributeName: 'statusDue', KeyType: 'RANGE' },
          ],
        }),
        expect.objectContaining({
          IndexName: 'byCase',
          KeySchema: [
            { AttributeName: 'caseId', KeyType: 'HASH' },
            { AttributeName: 'createdAt', KeyType: 'RANGE' },
          ],
        }),
      ],
    });
  });

  test('idempotency records expire', () => {
    template.hasResourceProperties('AWS::DynamoDB::Table', {
      KeySchema: [{ AttributeName: 'id', KeyType: 'HASH' }],
      TimeToLiveSpecification: { AttributeName: 'expiration', Enabled: true },
    });
  });
});

describe('functions', () => {
  const functions = resourcesOf('AWS::Lambda::Function');

  test('all run Node.js 22 on ARM64 with X-Ray, JSON logs into their own log group', () => {
    expect(functions.length).toBeGreaterThanOrEqual(11);
    for (const [, fn] of functions) {
      expect(fn.Properties).toMatchObject({
        Runtime: 'nodejs22.x',
        Architectures: ['arm64'],
        TracingConfig: { Mode: 'Active' },
        LoggingConfig: { LogFormat: 'JSON', LogGroup: expect.anything() },
      });
      expect(fn.Metadata?.['collections:entry']).toMatch(/^lambdas\/handlers\/.+\.ts$/);
    }
    for (const [, group] of resourcesOf('AWS::Logs::LogGroup')) {
      expect(group.Properties?.RetentionInDays).toBe(365);
    }
  });

  test('one function per workflow step, each running its own handler', () => {
    // Act
    const steps = model.functions().filter((fn) => fn.handler.startsWith('workflow/'));

    // Assess
    expect(steps.map((fn) => fn.handler).sort()).toEqual(
      WORKFLOW_STEPS.map((step) => `workflow/${kebab(step)}`).sort(),
    );
  });

  test('no role uses an AWS managed policy except API Gateway’s logging role', () => {
    for (const [id, role] of resourcesOf('AWS::IAM::Role')) {
      if (id.includes('CloudWatchRole')) continue;
      expect(role.Properties?.ManagedPolicyArns).toBeUndefined();
    }
  });

  test('a table variable always comes with a grant on that table (bindTable)', () => {
    let checked = 0;
    for (const fn of model.functions()) {
      for (const variable of Object.values(TABLE_VARIABLES)) {
        const tableId = targetOf(fn.environment[variable]);
        if (!tableId) continue;
        expect({
          fn: fn.handler,
          variable,
          read: model.allows(fn.roleId, 'dynamodb:GetItem', tableId),
        }).toEqual({
          fn: fn.handler,
          variable,
          read: true,
        });
        checked += 1;
      }
    }
    expect(checked).toBeGreaterThan(model.functions().length);
  });

  test('the timeline is append-only: no role may update or delete its items, APPEND functions may put them', () => {
    // Prepare
    const timelineId = tableOfVariable(ENV.timelineTable);
    const withTimeline = model.functions().filter((fn) => targetOf(fn.environment[ENV.timelineTable]));

    // Act
    const rewriters = model
      .roles()
      .flatMap((roleId) =>
        ['dynamodb:UpdateItem', 'dynamodb:DeleteItem', 'dynamodb:BatchWriteItem']
          .filter((action) => model.allows(roleId, action, timelineId))
          .map((action) => `${roleId} ${action}`),
      );
    const appenders = withTimeline.filter((fn) => model.allows(fn.roleId, 'dynamodb:PutItem', timelineId));

    // Assess: only GET /cases/{caseId} reads the timeline without writing it
    expect(rewriters).toEqual([]);
    expect(withTimeline.length).toBeGreaterThan(20);
    expect(withTimeline.filter((fn) => !appenders.includes(fn)).map((fn) => fn.handler)).toEqual([
      'api/get-case',
    ]);
    for (const fn of appenders) {
      expect(model.allows(fn.roleId, 'dynamodb:Query', timelineId)).toBe(true);
    }
  });

  test.each([
    ['SIGNING_SECRET_ARN', 'SecretsOptOutLinkKey'],
    ['CREDIT_BUREAU_SECRET_ARN', 'SecretsCreditBureauCredentials'],
  ])('the secret in %s is read only by the functions that have the variable', (variable, secretPrefix) => {
    // Prepare
    const [secretId] = model.one('AWS::SecretsManager::Secret', secretPrefix);
    const holders = model.functions().filter((fn) => targetOf(fn.environment[variable]) === secretId);

    // Act
    const readers = model
      .roles()
      .filter((roleId) => model.allows(roleId, 'secretsmanager:GetSecretValue', secretId));

    // Assess
    expect(holders.length).toBeGreaterThan(0);
    expect(readers.sort()).toEqual(holders.map((fn) => fn.roleId).sort());
  });

  test('a function with the state machine’s ARN may start executions of it', () => {
    // Prepare
    const [machineId] = model.one('AWS::StepFunctions::StateMachine', 'WorkflowOverdueCase');
    const starters = model.functions().filter((fn) => fn.environment[ENV.stateMachineArn] !== undefined);

    // Act
    const allowed = starters.filter((fn) => model.allows(fn.roleId, 'states:StartExecution', machineId));

    // Assess
    // Opening a case starts it; a payment in full or a return after a write-off starts `<caseId>-recovered`;
    // a closed case's dispute starts `<caseId>-dispute-…`.
    expect(starters.map((fn) => fn.handler).sort()).toEqual([
      'api/open-case',
      'api/open-dispute',
      'api/record-payment',
      'api/record-return',
      'events/apply-platform-updates',
      'events/start-cases',
    ]);
    expect(allowed).toEqual(starters);
    for (const fn of starters) expect(targetOf(fn.environment[ENV.stateMachineArn])).toBe(machineId);
  });

  test('exactly the functions whose code resumes the workflow may send task success, and only to the state machine', () => {
    // Prepare
    const resumers = [
      'api/record-payment',
      'api/record-return',
      'api/make-promise',
      'api/agree-plan',
      'api/open-dispute',
      'api/rule-dispute',
      'api/decide-legal-review',
      'api/record-legal-outcome',
      'api/approve-disclosure',
      'events/apply-platform-updates',
      'workflow/await-resolution',
    ];
    const [machineId] = model.one('AWS::StepFunctions::StateMachine', 'WorkflowOverdueCase');

    // Act
    const allowed = model
      .functions()
      .filter((fn) => model.grants(fn.roleId, 'states:SendTaskSuccess').length > 0)
      .map((fn) => fn.handler);

    // Assess
    expect(allowed.sort()).toEqual(resumers.sort());
    for (const handler of resumers) {
      const fn = model.fn(handler);
      expect(model.allows(fn.roleId, 'states:SendTaskSuccess', machineId)).toBe(true);
      for (const statement of model.grants(fn.roleId, 'states:SendTaskSuccess')) {
        expect(statement.resources).toEqual([{ Ref: machineId }]);
      }
    }
  });

  test('ContinueCase may start the next execution through a policy of its own, which the state machine does not wait for', () => {
    // Prepare
    const continueCase = model.fn('workflow/continue-case');
    const [machineId, machine] = model.one('AWS::StepFunctions::StateMachine', 'WorkflowOverdueCase');

    // Act
    const grants = model.grants(continueCase.roleId, 'states:StartExecution');

    // Assess
    expect(grants).toHaveLength(1);
    const [grant] = grants;
    expect(grant?.resources).toEqual([{ Ref: machineId }]);
    expect(grant?.policyId).toMatch(/^ContinueCaseContinuations/);
    expect([machine.DependsOn ?? []].flat()).not.toContain(grant?.policyId);
    expect(continueCase.environment[ENV.stateMachineArn]).toBeUndefined();
  });
});

describe('notifications', () => {
  const [opsTopicId] = model.one('AWS::SNS::Topic', 'NotificationsOpsAlerts');
  const [legalTopicId] = model.one('AWS::SNS::Topic', 'NotificationsLegalReferrals');
  const smsSenders = () =>
    model
      .functions()
      .filter((fn) =>
        model.grants(fn.roleId, 'sns:Publish').some((statement) => statement.resources.includes('*')),
      );
  const deniesTopics = (roleId: string) =>
    model
      .grants(roleId, 'sns:Publish', 'Deny')
      .some(
        (statement) =>
          JSON.stringify(statement.resources).includes(':sns:') && statement.resources.length === 1,
      );

  test('only StartLegalAction may publish to the legal topic, and it has the topic’s variable', () => {
    // Act
    const publishers = model
      .roles()
      .filter((roleId) => model.allows(roleId, 'sns:Publish', legalTopicId) && !deniesTopics(roleId));

    // Assess
    const startLegalAction = model.fn('workflow/start-legal-action');
    expect(publishers).toEqual([startLegalAction.roleId]);
    expect(targetOf(startLegalAction.environment[ENV.legalTopicArn])).toBe(legalTopicId);
    expect(
      model
        .functions()
        .filter((fn) => fn.environment[ENV.legalTopicArn] !== undefined)
        .map((fn) => fn.handler),
    ).toEqual(['workflow/start-legal-action']);
  });

  test('exactly the functions that may send SMS (sns:Publish on *) carry the deny on topics', () => {
    // Act
    const senders = smsSenders().map((fn) => fn.handler);
    const denied = model
      .functions()
      .filter((fn) => deniesTopics(fn.roleId))
      .map((fn) => fn.handler);

    // Assess: StartLegalAction sends no message at all (the demand letter is SendCaseMessage's)
    expect(senders.sort()).toEqual(['workflow/send-case-message', 'workflow/send-stage-contact']);
    expect(denied.sort()).toEqual(senders);
    const legal = model.fn('workflow/start-legal-action');
    expect(model.grants(legal.roleId, 'ses:SendEmail')).toHaveLength(0);
    expect(model.grants(legal.roleId, 'sns:Publish').flatMap((statement) => statement.resources)).toEqual([
      { Ref: legalTopicId },
    ]);
  });

  test('every function with a sender address may send email, and only those', () => {
    // Act
    const senders = model.functions().filter((fn) => model.grants(fn.roleId, 'ses:SendEmail').length > 0);

    // Assess
    expect(senders.map((fn) => fn.handler).sort()).toEqual(
      model
        .functions()
        .filter((fn) => fn.environment[ENV.senderEmail] !== undefined)
        .map((fn) => fn.handler)
        .sort(),
    );
  });

  test('the state machine may publish ops alerts to the ops topic', () => {
    // Prepare
    const [, machine] = model.one('AWS::StepFunctions::StateMachine', 'WorkflowOverdueCase');
    const roleId = targetOf(machine.Properties.RoleArn) as string;

    // Act
    const allowed = model.allows(roleId, 'sns:Publish', opsTopicId);

    // Assess
    expect(allowed).toBe(true);
    expect(model.allows(roleId, 'sns:Publish', legalTopicId)).toBe(false);
    expect(machine.Properties.DefinitionSubstitutions).toMatchObject({ OpsTopicArn: { Ref: opsTopicId } });
  });
});

describe('api', () => {
  test('every method requires IAM auth except GET and POST /opt-out, the signed link, which have none', () => {
    // Prepare
    const signedLink = ['GET /opt-out', 'POST /opt-out'];

    // Act
    const methods = model.apiMethods();

    // Assess
    expect(methods.length).toBeGreaterThanOrEqual(19);
    for (const method of methods) {
      expect([method.route, method.authorization]).toEqual([
        method.route,
        signedLink.includes(method.route) ? 'NONE' : 'AWS_IAM',
      ]);
    }
    expect(
      methods
        .filter((method) => method.authorization === 'NONE')
        .map((method) => method.route)
        .sort(),
    ).toEqual(signedLink);
  });

  test('the opt-out page (GET) can read the signing secret and nothing else; only the POST touches tables', () => {
    // Act
    const page = model.fn('api/opt-out-page');
    const link = model.fn('api/opt-out-link');

    // Assess
    expect(Object.keys(page.environment).filter((name) => name.endsWith('_TABLE'))).toEqual([]);
    expect(page.environment[ENV.signingSecretArn]).toBeDefined();
    const pageActions = model.statementsOf(page.roleId).flatMap((statement) => statement.actions);
    expect(pageActions.filter((action) => !/^(secretsmanager|kms|logs|xray):/.test(action))).toEqual([]);
    expect(link.environment).toMatchObject({
      [ENV.customersTable]: expect.anything(),
      [ENV.signingSecretArn]: expect.anything(),
    });
  });

  test('each route of docs/api.md reaches its handler', () => {
    // Act
    const routes = Object.fromEntries(
      model
        .apiMethods()
        .map((method) => [
          method.route,
          model.functions().find((fn) => fn.logicalId === method.functionId)?.handler,
        ]),
    );

    // Assess
    expect(routes).toEqual({
      'POST /cases': 'api/open-case',
      'GET /cases': 'api/list-cases',
      'GET /cases/{caseId}': 'api/get-case',
      'POST /cases/{caseId}/payments': 'api/record-payment',
      'POST /cases/{caseId}/returns': 'api/record-return',
      'POST /cases/{caseId}/promises': 'api/make-promise',
      'POST /cases/{caseId}/plans': 'api/agree-plan',
      'POST /cases/{caseId}/disputes': 'api/open-dispute',
      'POST /cases/{caseId}/disputes/resolution': 'api/rule-dispute',
      'POST /cases/{caseId}/contacts': 'api/record-contact',
      'POST /cases/{caseId}/legal-review': 'api/decide-legal-review',
      'POST /cases/{caseId}/legal-outcome': 'api/record-legal-outcome',
      'POST /cases/{caseId}/public-disclosure/approvals': 'api/approve-disclosure',
      'GET /work-items': 'api/list-work-items',
      'POST /work-items/{workItemId}/claim': 'api/claim-work-item',
      'POST /work-items/{workItemId}/complete': 'api/complete-work-item',
      'POST /work-items/{workItemId}/release': 'api/release-work-item',
      'POST /customers/{customerId}/opt-outs': 'api/opt-out',
      'GET /opt-out': 'api/opt-out-page',
      'POST /opt-out': 'api/opt-out-link',
    });
  });

  test('opt-out links point at this API', () => {
    // Prepare
    const [apiId] = model.one('AWS::ApiGateway::RestApi', 'Api');
    const linkers = model.functions().filter((fn) => fn.environment[ENV.optOutBaseUrl] !== undefined);

    // Assess
    expect(linkers.length).toBeGreaterThan(0);
    for (const fn of linkers) {
      expect(refersTo(fn.environment[ENV.optOutBaseUrl], apiId)).toBe(true);
      expect(JSON.stringify(fn.environment[ENV.optOutBaseUrl])).toContain('.execute-api.');
    }
  });

  test('API Gateway’s own rejections are problem+json', () => {
    for (const type of ['ACCESS_DENIED', 'MISSING_AUTHENTICATION_TOKEN', 'DEFAULT_4XX', 'DEFAULT_5XX']) {
      template.hasResourceProperties('AWS::ApiGateway::GatewayResponse', {
        ResponseType: type,
        ResponseParameters: { 'gatewayresponse.header.Content-Type': "'application/problem+json'" },
      });
    }
  });

  test('the stage logs access and traces, never request bodies', () => {
    template.hasResourceProperties('AWS::ApiGateway::Stage', {
      TracingEnabled: true,
      AccessLogSetting: Match.objectLike({ DestinationArn: Match.anyValue() }),
      MethodSettings: Match.arrayWith([Match.objectLike({ DataTraceEnabled: false, LoggingLevel: 'INFO' })]),
    });
  });
});

describe('workflow', () => {
  const [, machine] = model.one('AWS::StepFunctions::StateMachine', 'WorkflowOverdueCase');
  const asl = readFileSync(
    path.join(__dirname, '..', '..', 'statemachines', 'overdue-case.asl.json'),
    'utf8',
  );

  test('the deployed definition is the ASL file, byte for byte, with logging ALL and X-Ray', () => {
    const key = (machine.Properties.DefinitionS3Location as { Key: string }).Key;
    expect(readFileSync(path.join(CDK_OUT, `asset.${key}`), 'utf8')).toBe(asl);
    expect(machine.Properties).toMatchObject({
      StateMachineType: 'STANDARD',
      TracingConfiguration: { Enabled: true },
      LoggingConfiguration: { Level: 'ALL', IncludeExecutionData: true },
    });
  });

  test('every definition substitution the ASL uses is provided, and nothing else', () => {
    const used = new Set([...asl.matchAll(/\$\{(\w+)\}/g)].map((match) => match[1]));
    const provided = new Set(Object.keys(machine.Properties?.DefinitionSubstitutions as object));
    expect(provided).toEqual(used);
  });

  test('each step’s substitution is the function running that step’s handler; the bus and topic are ours', () => {
    // Prepare
    const substitutions = machine.Properties.DefinitionSubstitutions as Record<string, unknown>;
    const [busId] = model.one('AWS::Events::EventBus', 'EventsBus');

    // Act
    const handlers = Object.fromEntries(
      WORKFLOW_STEPS.map((step) => [
        step,
        model.functions().find((fn) => fn.logicalId === targetOf(substitutions[`${step}FunctionArn`]))
          ?.handler,
      ]),
    );

    // Assess
    expect(handlers).toEqual(
      Object.fromEntries(WORKFLOW_STEPS.map((step) => [step, `workflow/${kebab(step)}`])),
    );
    expect(substitutions.EventBusName).toEqual({ Ref: busId });
  });
});

describe('events', () => {
  test('both platform rules exist: Rental Overdue, and Payment Received with Device Returned', () => {
    template.hasResourceProperties('AWS::Events::Rule', {
      EventPattern: { source: ['rental.platform'], 'detail-type': ['Rental Overdue'] },
    });
    template.hasResourceProperties('AWS::Events::Rule', {
      EventPattern: { source: ['rental.platform'], 'detail-type': ['Payment Received', 'Device Returned'] },
    });
    expect(resourcesOf('AWS::Events::Rule')).toHaveLength(2);
  });

  test('inbound platform events reach their consumers through queues with dead-letter queues', () => {
    const queues = resourcesOf('AWS::SQS::Queue');
    const withRedrive = queues.filter(([, queue]) => queue.Properties?.RedrivePolicy);
    expect(withRedrive).toHaveLength(queues.length / 2);
    const mappings = resourcesOf('AWS::Lambda::EventSourceMapping');
    expect(
      mappings
        .map(([, mapping]) =>
          model.functions().find((fn) => refersTo(mapping.Properties.FunctionName, fn.logicalId)),
        )
        .map((fn) => fn?.handler)
        .sort(),
    ).toEqual(['events/apply-platform-updates', 'events/start-cases']);
    for (const [, mapping] of mappings) {
      expect(mapping.Properties).toMatchObject({
        FunctionResponseTypes: ['ReportBatchItemFailures'],
        ScalingConfig: { MaximumConcurrency: 5 },
      });
    }
  });
});

describe('operations', () => {
  test('every alarm notifies the ops topic, and every function has an error alarm', () => {
    // Prepare
    const [opsTopicId] = model.one('AWS::SNS::Topic', 'NotificationsOpsAlerts');
    const alarms = resourcesOf('AWS::CloudWatch::Alarm');

    // Act
    const watched = alarms
      .filter(
        ([, alarm]) =>
          alarm.Properties.MetricName === 'Errors' && alarm.Properties.Namespace === 'AWS/Lambda',
      )
      .map(([, alarm]) => targetOf((alarm.Properties.Dimensions as Array<{ Value: unknown }>)[0]?.Value));

    // Assess
    expect(alarms.length).toBeGreaterThan(model.functions().length);
    for (const [, alarm] of alarms) expect(alarm.Properties?.AlarmActions).toEqual([{ Ref: opsTopicId }]);
    expect(watched.sort()).toEqual(
      model
        .functions()
        .map((fn) => fn.logicalId)
        .sort(),
    );
  });

  test('messaging misconfigured at the provider raises its own alarm on the messenger’s metric', () => {
    // Prepare
    const [opsTopicId] = model.one('AWS::SNS::Topic', 'NotificationsOpsAlerts');

    // Act
    const alarms = resourcesOf('AWS::CloudWatch::Alarm').filter(
      ([, alarm]) => alarm.Properties.MetricName === 'MessagingMisconfigured',
    );

    // Assess
    expect(alarms.map(([, alarm]) => alarm.Properties)).toEqual([
      expect.objectContaining({
        Namespace: 'Collections',
        Dimensions: [{ Name: 'service', Value: 'collections' }],
        Statistic: 'Sum',
        Threshold: 1,
        ComparisonOperator: 'GreaterThanOrEqualToThreshold',
        AlarmActions: [{ Ref: opsTopicId }],
      }),
    ]);
  });

  test('cdk-nag AwsSolutions passed; every acknowledgement carries a reason', () => {
    const report = readCdkOut<{
      pluginReports: Array<{
        pluginName: string;
        conclusion: string;
        violations: unknown[];
        suppressedViolations?: Array<{ reason?: string }>;
      }>;
    }>('validation-report.json');
    const nag = report.pluginReports.find((plugin) => plugin.pluginName === 'AwsSolutions');
    expect(nag).toMatchObject({ conclusion: 'success', violations: [] });
    expect(nag?.suppressedViolations?.length).toBeGreaterThan(0);
    for (const suppressed of nag?.suppressedViolations ?? [])
      expect(suppressed.reason?.length).toBeGreaterThan(40);
  });
});

/** `CloseCase` → `close-case`. */
function kebab(name: string): string {
  return name.replace(/([a-z])([A-Z])/g, '$1-$2').toLowerCase();
}
