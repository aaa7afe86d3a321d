import { Duration } from 'aws-cdk-lib';
import type * as apigw from 'aws-cdk-lib/aws-apigateway';
import * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import * as actions from 'aws-cdk-lib/aws-cloudwatch-actions';
import type * as sns from 'aws-cdk-lib/aws-sns';
import type * as sqs from 'aws-cdk-lib/aws-sqs';
import type * as sfn from 'aws-cdk-lib/aws-stepfunctions';
import { Construct } from 'constructs';
import type { ProjectFunction } from './project-function';

export interface ObservabilityProps {
  stateMachine: sfn.StateMachine;
  api: apigw.RestApi;
  functions: Record<string, ProjectFunction>;
  deadLetterQueues: sqs.IQueue[];
  opsTopic: sns.ITopic;
}

/**
 * The ops dashboard and the alarms that page the ops topic (failed executions, DLQ depth, Lambda
 * errors, messaging misconfigured at the provider).
 */
export class CollectionsObservability extends Construct {
  readonly alarms: cloudwatch.Alarm[] = [];

  constructor(scope: Construct, id: string, props: ObservabilityProps) {
    super(scope, id);
    const alarm = (name: string, metric: cloudwatch.IMetric, description: string) => {
      const created = new cloudwatch.Alarm(this, name, {
        metric,
        threshold: 1,
        evaluationPeriods: 1,
        comparisonOperator: cloudwatch.ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD,
        treatMissingData: cloudwatch.TreatMissingData.NOT_BREACHING,
        alarmDescription: description,
      });
      created.addAlarmAction(new actions.SnsAction(props.opsTopic));
      this.alarms.push(created);
    };
    const period = Duration.minutes(5);
    alarm(
      'FailedExecutions',
      props.stateMachine.metricFailed({ period }),
      'A case workflow failed: the case is stuck. See the runbook.',
    );
    alarm(
      'TimedOutExecutions',
      props.stateMachine.metricTimedOut({ period }),
      'A case workflow timed out (one-year limit).',
    );
    for (const [index, queue] of props.deadLetterQueues.entries()) {
      alarm(
        `DeadLetters${index + 1}`,
        queue.metricApproximateNumberOfMessagesVisible({ period, statistic: 'Maximum' }),
        'Platform events failed repeatedly and wait in a dead-letter queue. See the runbook (redrive).',
      );
    }
    // The API and queue handlers turn failures into problem responses and batch item failures, so
    // Lambda's Errors metric never sees them: these two watch what the callers see instead.
    alarm(
      'ApiServerErrors',
      props.api.metricServerError({ period, statistic: 'Sum' }),
      'The API answered 5xx: requests are failing. See the functions’ logs.',
    );
    alarm(
      'PlatformEventFailures',
      new cloudwatch.Metric({
        namespace: 'Collections',
        metricName: 'BusEventFailed',
        dimensionsMap: { service: 'collections' },
        statistic: 'Sum',
        period,
      }),
      'A platform event failed; it will be retried, then dead-lettered.',
    );
    // The messenger counts a provider refusal that is our setup's fault (an unverified sender, the SES
    // sandbox, a paused account, a denied permission or key): no customer can be reached until fixed.
    alarm(
      'MessagingMisconfigured',
      new cloudwatch.Metric({
        namespace: 'Collections',
        metricName: 'MessagingMisconfigured',
        dimensionsMap: { service: 'collections' },
        statistic: 'Sum',
        period,
      }),
      'SNS or SES refused a message because of how the account is set up (MessagingConfigurationError). See the runbook.',
    );
    for (const [name, fn] of Object.entries(props.functions)) {
      alarm(`${name}Errors`, fn.fn.metricErrors({ period }), `Function ${name} is failing.`);
    }

    const dashboard = new cloudwatch.Dashboard(this, 'Dashboard', { defaultInterval: Duration.days(7) });
    const collections = (metricName: string, dimensionsMap?: Record<string, string>) =>
      new cloudwatch.Metric({
        namespace: 'Collections',
        metricName,
        statistic: 'Sum',
        period: Duration.hours(1),
        ...(dimensionsMap ? { dimensionsMap } : {}),
      });
    dashboard.addWidgets(
      new cloudwatch.GraphWidget({
        title: 'Case workflows',
        left: [
          props.stateMachine.metricStarted(),
          props.stateMachine.metricSucceeded(),
          props.stateMachine.metricFailed(),
        ],
      }),
      new cloudwatch.GraphWidget({
        title: 'Contacts by channel',
        left: [
          collections('MessageSent', { channel: 'SMS', service: 'collections' }),
          collections('MessageSent', { channel: 'EMAIL', service: 'collections' }),
          collections('ContactDeferred', { service: 'collections' }),
        ],
      }),
      new cloudwatch.GraphWidget({
        title: 'Resolutions',
        left: [
          collections('CaseOpened', { service: 'collections' }),
          collections('CaseResolved', { service: 'collections' }),
        ],
      }),
      new cloudwatch.GraphWidget({
        title: 'Failures',
        left: [
          collections('MessagingMisconfigured', { service: 'collections' }),
          ...Object.values(props.functions).map((fn) => fn.fn.metricErrors()),
          ...props.deadLetterQueues.map((queue) => queue.metricApproximateNumberOfMessagesVisible()),
        ],
      }),
    );
  }
}
