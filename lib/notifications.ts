import { ArnFormat, Stack } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as kms from 'aws-cdk-lib/aws-kms';
import * as ses from 'aws-cdk-lib/aws-ses';
import * as sns from 'aws-cdk-lib/aws-sns';
import { Construct } from 'constructs';
import { ENV } from '../lambdas/shared/config';
import type { ProjectFunction } from './project-function';

export interface NotificationsProps {
  /** Verified SES identity the customer emails come from (CDK context `senderEmail`). */
  senderEmail: string;
  /** Alphanumeric SMS sender id where the destination country supports it (context `smsSenderId`). */
  smsSenderId?: string;
}

/**
 * Customer messages (SMS through SNS, email through SES with a configuration set) and the two
 * internal topics: ops alerts and legal referrals, encrypted and TLS-only.
 */
export class CollectionsNotifications extends Construct {
  readonly configurationSet: ses.ConfigurationSet;
  readonly opsTopic: sns.Topic;
  readonly legalTopic: sns.Topic;
  private readonly props: NotificationsProps;

  constructor(scope: Construct, id: string, props: NotificationsProps) {
    super(scope, id);
    this.props = props;
    this.configurationSet = new ses.ConfigurationSet(this, 'EmailConfigurationSet', {
      reputationMetrics: true,
      sendingEnabled: true,
      suppressionReasons: ses.SuppressionReasons.BOUNCES_AND_COMPLAINTS,
    });
    const key = new kms.Key(this, 'TopicsKey', {
      description: 'Encrypts the ops and legal topics.',
      enableKeyRotation: true,
    });
    this.opsTopic = new sns.Topic(this, 'OpsAlerts', {
      displayName: 'Collections ops alerts',
      masterKey: key,
      enforceSSL: true,
    });
    this.allowAlarmsToPage(this.opsTopic, key);
    this.legalTopic = new sns.Topic(this, 'LegalReferrals', {
      displayName: 'Collections legal referrals',
      masterKey: key,
      enforceSSL: true,
    });
  }

  /**
   * CloudWatch alarms publish to the ops topic as the `cloudwatch.amazonaws.com` service, which needs
   * the topic's policy to allow it (the policy `enforceSSL` writes allows no one) and the key's policy
   * to let it encrypt the message. Both only for this account's alarms, so no other account's alarm
   * can use the service to reach the topic (the confused-deputy problem).
   */
  private allowAlarmsToPage(topic: sns.Topic, key: kms.Key): void {
    const stack = Stack.of(this);
    const cloudWatch = new iam.ServicePrincipal('cloudwatch.amazonaws.com');
    const fromThisAccountsAlarms = {
      StringEquals: { 'aws:SourceAccount': stack.account },
      ArnLike: {
        'aws:SourceArn': stack.formatArn({
          service: 'cloudwatch',
          resource: 'alarm',
          resourceName: '*',
          arnFormat: ArnFormat.COLON_RESOURCE_NAME,
        }),
      },
    };
    topic.addToResourcePolicy(
      new iam.PolicyStatement({
        sid: 'AlarmsOfThisAccountMayPublish',
        principals: [cloudWatch],
        actions: ['sns:Publish'],
        resources: [topic.topicArn],
        conditions: fromThisAccountsAlarms,
      }),
    );
    key.addToResourcePolicy(
      new iam.PolicyStatement({
        sid: 'AlarmsOfThisAccountMayUseTheKey',
        principals: [cloudWatch],
        actions: ['kms:Decrypt', 'kms:GenerateDataKey*'],
        // In a key policy, "*" is the key itself.
        resources: ['*'],
        conditions: fromThisAccountsAlarms,
      }),
    );
  }

  /** May publish legal referrals: the legal topic in its variable, and publish on that topic only. */
  bindLegalReferrals(fn: ProjectFunction): void {
    fn.fn.addEnvironment(ENV.legalTopicArn, this.legalTopic.topicArn);
    this.legalTopic.grantPublish(fn.role);
  }

  /**
   * May send customer email and, unless `sms: false`, SMS: sender settings in its variables and the
   * send grants (SMS also needs the carrier's opt-out list).
   */
  bindCustomerMessaging(fn: ProjectFunction, options: { sms: boolean } = { sms: true }): void {
    fn.fn.addEnvironment(ENV.senderEmail, this.props.senderEmail);
    fn.fn.addEnvironment(ENV.emailConfigurationSet, this.configurationSet.configurationSetName);
    if (this.props.smsSenderId) fn.fn.addEnvironment(ENV.smsSenderId, this.props.smsSenderId);
    if (options.sms) this.allowSms(fn);
    fn.role.addToPrincipalPolicy(
      new iam.PolicyStatement({
        sid: 'SendEmailFromTheCollectionsIdentity',
        actions: ['ses:SendEmail'],
        resources: [
          ...this.senderIdentities().map((identity) =>
            fn.fn.stack.formatArn({ service: 'ses', resource: 'identity', resourceName: identity }),
          ),
          fn.fn.stack.formatArn({
            service: 'ses',
            resource: 'configuration-set',
            resourceName: this.configurationSet.configurationSetName,
          }),
        ],
      }),
    );
  }

  private allowSms(fn: ProjectFunction): void {
    fn.role.addToPrincipalPolicy(
      new iam.PolicyStatement({
        sid: 'SendSmsToPhoneNumbers',
        // SNS has no resource for a phone number: publishing an SMS, and reading the carrier's opt-out
        // list (numbers that replied STOP), require Resource "*" (acknowledged in cdk-nag).
        actions: ['sns:Publish', 'sns:CheckIfPhoneNumberIsOptedOut'],
        resources: ['*'],
      }),
    );
    // ...which would also allow publishing to any topic: denied, so SMS senders cannot post to topics.
    fn.role.addToPrincipalPolicy(
      new iam.PolicyStatement({
        sid: 'NoTopicPublishing',
        effect: iam.Effect.DENY,
        actions: ['sns:Publish'],
        resources: [Stack.of(this).formatArn({ service: 'sns', resource: '*' })],
      }),
    );
  }

  /** The verified SES identity may be the sender's address or its domain; either is allowed. */
  private senderIdentities(): string[] {
    const domain = this.props.senderEmail.split('@')[1];
    return domain ? [this.props.senderEmail, domain] : [this.props.senderEmail];
  }
}
