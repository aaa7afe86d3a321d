import { readFileSync } from 'node:fs';
import * as path from 'node:path';
import { Match, Template } from 'aws-cdk-lib/assertions';
import { TABLES } from '../../lambdas/adapters/tables';
import { ENV } from '../../lambdas/shared/config';
import { readCdkOut, synthesizedTemplate } from '../support/cdk-out';

// Synthesized once by `npm run synth` (cdk-nag runs there); these tests read cdk.out.
const json = synthesizedTemplate();
const template = Template.fromJSON(json);
const resourcesOf = (type: string) =>
  Object.entries(json.Resources).filter(([, resource]) => resource.Type === type);

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

  test('the Cases table has the GSIs the adapters query', () => {
    template.hasResourceProperties('AWS::DynamoDB::Table', {
      KeySchema: [{ AttributeName: 'caseId', KeyType: 'HASH' }],
      GlobalSecondaryIndexes: TABLES.cases.indexes.map((index) =>
        Match.objectLike({
          IndexName: index.name,
          KeySchema: [
            { AttributeName: index.partitionKey, KeyType: 'HASH' },
            { AttributeName: index.sortKey, KeyType: 'RANGE' },
          ],
        }),
      ),
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

  test('no role uses an AWS managed policy except API Gateway’s logging role', () => {
    for (const [id, role] of resourcesOf('AWS::IAM::Role')) {
      if (id.includes('CloudWatchRole')) continue;
      expect(role.Properties?.ManagedPolicyArns).toBeUndefined();
    }
  });

  test('a table variable always comes with a grant on that table (bindTable)', () => {
    const policies = resourcesOf('AWS::IAM::Policy');
    const tableVariables = [ENV.casesTable, ENV.timelineTable, ENV.customersTable, ENV.idempotencyTable];
    for (const [, fn] of functions) {
      const variables = (fn.Properties.Environment as { Variables: Record<string, { Ref?: string }> })
        .Variables;
      const roleId = (fn.Properties.Role as { 'Fn::GetAtt': [string, string] })['Fn::GetAtt'][0];
      const rolePolicies = JSON.stringify(
        policies.filter(([, policy]) => JSON.stringify(policy.Properties?.Roles).includes(roleId)),
      );
      for (const name of tableVariables) {
        const tableId = variables[name]?.Ref;
        if (tableId) expect(rolePolicies).toContain(tableId);
      }
    }
  });
});

describe('api', () => {
  test('every method requires IAM auth', () => {
    const methods = resourcesOf('AWS::ApiGateway::Method');
    expect(methods.length).toBeGreaterThanOrEqual(4);
    for (const [, method] of methods) expect(method.Properties?.AuthorizationType).toBe('AWS_IAM');
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
  const [[, machine] = ['', { Type: '', Properties: {} }]] = resourcesOf('AWS::StepFunctions::StateMachine');
  const asl = readFileSync(
    path.join(__dirname, '..', '..', 'statemachines', 'overdue-case.asl.json'),
    'utf8',
  );

  test('the deployed definition is the ASL file, byte for byte, with logging ALL and X-Ray', () => {
    const key = (machine.Properties.DefinitionS3Location as { Key: string }).Key;
    expect(readFileSync(path.join(__dirname, '..', '..', 'cdk.out', `asset.${key}`), 'utf8')).toBe(asl);
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
});

describe('events', () => {
  test('inbound platform events reach their consumers through queues with dead-letter queues', () => {
    template.hasResourceProperties('AWS::Events::Rule', {
      EventPattern: { source: ['rental.platform'], 'detail-type': ['Rental Overdue'] },
    });
    template.hasResourceProperties('AWS::Events::Rule', {
      EventPattern: { source: ['rental.platform'], 'detail-type': ['Payment Received'] },
    });
    const queues = resourcesOf('AWS::SQS::Queue');
    const withRedrive = queues.filter(([, queue]) => queue.Properties?.RedrivePolicy);
    expect(withRedrive).toHaveLength(queues.length / 2);
    template.hasResourceProperties('AWS::Lambda::EventSourceMapping', {
      FunctionResponseTypes: ['ReportBatchItemFailures'],
      ScalingConfig: { MaximumConcurrency: 5 },
    });
  });
});

describe('operations', () => {
  test('alarms page the ops topic', () => {
    const alarms = resourcesOf('AWS::CloudWatch::Alarm');
    expect(alarms.length).toBeGreaterThan(3);
    for (const [, alarm] of alarms) expect(alarm.Properties?.AlarmActions).toHaveLength(1);
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
    for (const suppressed of nag?.suppressedViolations ?? [])
      expect(suppressed.reason?.length).toBeGreaterThan(40);
  });
});
