import { runSimulation } from '@cloud-copilot/iam-simulate';
import { LOCAL_ACCOUNT, LOCAL_REGION, SynthesizedApp } from '@rental-collections/local-aws';
import { CDK_OUT } from '../support/cdk-out';
import { TemplateModel, targetOf } from './template-model';

/**
 * Alarms page the ops topic only if CloudWatch, as the `cloudwatch.amazonaws.com` service, may publish
 * to it and use the key it is encrypted with. The synthesized topic policy and key policy are put to
 * an IAM policy simulator (not restated here), as AWS would evaluate the alarm's request: allowed for
 * this account's alarms, refused for another account's and for anything that is not an alarm.
 */
const model = new TemplateModel();
const app = SynthesizedApp.load(CDK_OUT);
const [opsTopicId, opsTopic] = model.one('AWS::SNS::Topic', 'NotificationsOpsAlerts');
const keyId = targetOf(opsTopic.Properties.KmsMasterKeyId) as string;
const [, topicPolicy] =
  model
    .ofType('AWS::SNS::TopicPolicy')
    .find(([, policy]) =>
      (policy.Properties.Topics as unknown[]).some((topic) => targetOf(topic) === opsTopicId),
    ) ?? [];
const topicArn = app.ref(opsTopicId);
const keyArn = app.getAtt(keyId, 'Arn');
const OTHER_ACCOUNT = '111122223333';
const alarmOf = (account: string) =>
  `arn:aws:cloudwatch:${LOCAL_REGION}:${account}:alarm:RentalCollections-FailedExecutions`;

interface Source {
  account: string;
  arn: string;
  secure?: boolean;
}

async function decision(action: string, resource: string, policy: unknown, source: Source): Promise<string> {
  const result = await runSimulation(
    {
      request: {
        principal: 'cloudwatch.amazonaws.com',
        action,
        resource: { resource, accountId: LOCAL_ACCOUNT },
        contextVariables: {
          'aws:SourceAccount': source.account,
          'aws:SourceArn': source.arn,
          'aws:SecureTransport': String(source.secure ?? true),
        },
      },
      identityPolicies: [],
      serviceControlPolicies: [],
      resourceControlPolicies: [],
      resourcePolicy: policy,
    },
    {},
  );
  if (result.resultType === 'error') throw new Error(JSON.stringify(result.errors));
  return result.overallResult;
}

/** What the topic policy and the key policy each decide for CloudWatch publishing from `source`. */
async function alarmDelivery(source: Source) {
  const keyPolicy = app.resolve(model.resources[keyId]?.Properties.KeyPolicy);
  return {
    publish: await decision(
      'sns:Publish',
      topicArn,
      app.resolve(topicPolicy?.Properties.PolicyDocument),
      source,
    ),
    decrypt: await decision('kms:Decrypt', keyArn, keyPolicy, source),
    generateDataKey: await decision('kms:GenerateDataKey', keyArn, keyPolicy, source),
  };
}

const ALLOWED = { publish: 'Allowed', decrypt: 'Allowed', generateDataKey: 'Allowed' };

describe('CloudWatch alarms may page the ops topic', () => {
  test('the ops topic has a policy and is encrypted with a customer-managed key of the stack', () => {
    expect(topicPolicy).toBeDefined();
    expect(model.resources[keyId]?.Type).toBe('AWS::KMS::Key');
  });

  test('an alarm of this account may publish to the topic and use its key', async () => {
    // Act
    const delivery = await alarmDelivery({ account: LOCAL_ACCOUNT, arn: alarmOf(LOCAL_ACCOUNT) });

    // Assess
    expect(delivery).toEqual(ALLOWED);
  });

  test.each<[string, Source]>([
    ['an alarm of another account', { account: OTHER_ACCOUNT, arn: alarmOf(OTHER_ACCOUNT) }],
    [
      'another account claiming an alarm ARN of this one',
      { account: OTHER_ACCOUNT, arn: alarmOf(LOCAL_ACCOUNT) },
    ],
    [
      'a CloudWatch resource of this account that is not an alarm',
      {
        account: LOCAL_ACCOUNT,
        arn: `arn:aws:cloudwatch:${LOCAL_REGION}:${LOCAL_ACCOUNT}:dashboard/Collections`,
      },
    ],
    [
      'another service’s resource of this account',
      { account: LOCAL_ACCOUNT, arn: `arn:aws:events:${LOCAL_REGION}:${LOCAL_ACCOUNT}:rule/anything` },
    ],
  ])('%s may neither publish nor use the key', async (_name, source) => {
    // Act
    const delivery = await alarmDelivery(source);

    // Assess
    expect(Object.values(delivery).filter((result) => result === 'Allowed')).toEqual([]);
  });

  test('even an alarm of this account may not publish without TLS (the topic’s enforceSSL)', async () => {
    // Act
    const delivery = await alarmDelivery({
      account: LOCAL_ACCOUNT,
      arn: alarmOf(LOCAL_ACCOUNT),
      secure: false,
    });

    // Assess
    expect(delivery.publish).toBe('ExplicitlyDenied');
  });
});
