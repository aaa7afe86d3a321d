import * as path from 'node:path';
import { RemovalPolicy, Stack, Validations } from 'aws-cdk-lib';
import type * as events from 'aws-cdk-lib/aws-events';
import type * as lambda from 'aws-cdk-lib/aws-lambda';
import * as logs from 'aws-cdk-lib/aws-logs';
import type * as sns from 'aws-cdk-lib/aws-sns';
import * as sfn from 'aws-cdk-lib/aws-stepfunctions';
import { Construct } from 'constructs';
import { PROJECT_ROOT, type ProjectFunction } from './project-function';

export const CASE_WORKFLOW_ASL = path.join(PROJECT_ROOT, 'statemachines', 'overdue-case.asl.json');

/** The functions the ASL names, by their `${…}FunctionArn` substitution. */
export const WORKFLOW_STEPS = [
  'BeginCase',
  'SendStageContact',
  'SendCaseMessage',
  'AwaitResolution',
  'PrepareWait',
  'CheckCase',
  'CheckArrangement',
  'ResumeLadder',
  'ReportToBureau',
  'RestrictAccount',
  'OpenLegalReview',
  'StartLegalAction',
  'UpdateCreditReport',
  'CloseCase',
  'CancelCase',
  'WriteOffCase',
  'ContinueCase',
] as const;
export type WorkflowStep = (typeof WORKFLOW_STEPS)[number];

export interface CaseWorkflowProps {
  steps: Record<WorkflowStep, ProjectFunction>;
  bus: events.IEventBus;
  opsTopic: sns.ITopic;
  logRetention: logs.RetentionDays;
}

/**
 * One Standard execution per case, from the ASL file (the single source of truth; no second
 * definition in code). Every ARN reaches it through `definitionSubstitutions`. Logging ALL and X-Ray.
 * The execution history holds no personal data: the steps pass case ids, never contact details.
 */
export class CaseWorkflow extends Construct {
  readonly stateMachine: sfn.StateMachine;

  constructor(scope: Construct, id: string, props: CaseWorkflowProps) {
    super(scope, id);
    const logGroup = new logs.LogGroup(this, 'ExecutionLogs', {
      retention: props.logRetention,
      removalPolicy: RemovalPolicy.DESTROY,
    });
    const substitutions: Record<string, string> = {
      EventBusName: props.bus.eventBusName,
      OpsTopicArn: props.opsTopic.topicArn,
    };
    for (const name of WORKFLOW_STEPS) substitutions[`${name}FunctionArn`] = props.steps[name].functionArn;
    this.stateMachine = new sfn.StateMachine(this, 'OverdueCase', {
      comment: 'One execution per overdue rental case, named by case id.',
      stateMachineType: sfn.StateMachineType.STANDARD,
      definitionBody: sfn.DefinitionBody.fromFile(CASE_WORKFLOW_ASL),
      definitionSubstitutions: substitutions,
      tracingEnabled: true,
      logs: { destination: logGroup, level: sfn.LogLevel.ALL, includeExecutionData: true },
    });
    for (const name of WORKFLOW_STEPS) {
      const step = props.steps[name];
      step.fn.grantInvoke(this.stateMachine);
      const functionId = Stack.of(this).getLogicalId(step.fn.node.defaultChild as lambda.CfnFunction);
      Validations.of(this.stateMachine).acknowledge({
        id: `AwsSolutions::AwsSolutions-IAM5[Resource::<${functionId}.Arn>:*]`,
        reason:
          'lambda:InvokeFunction on the step function and its versions (the ":*" CDK adds); no other function.',
      });
    }
    props.bus.grantPutEventsTo(this.stateMachine);
    props.opsTopic.grantPublish(this.stateMachine);
    for (const action of ['kms:GenerateDataKey*']) {
      Validations.of(this.stateMachine).acknowledge({
        id: `AwsSolutions::AwsSolutions-IAM5[Action::${action}]`,
        reason:
          'Publishing ops alerts to the encrypted ops topic needs its key; the resource is that one key.',
      });
    }
    Validations.of(this.stateMachine).acknowledge({
      id: 'AwsSolutions::AwsSolutions-IAM5[Resource::*]',
      reason:
        'X-Ray tracing (xray:PutTraceSegments, xray:PutTelemetryRecords, xray:GetSampling*) has no resource-level permissions.',
    });
  }
}
