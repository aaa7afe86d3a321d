import * as path from 'node:path';
import { RemovalPolicy, Stack, Validations } from 'aws-cdk-lib';
import type * as events from 'aws-cdk-lib/aws-events';
import type * as lambda from 'aws-cdk-lib/aws-lambda';
import * as logs from 'aws-cdk-lib/aws-logs';
import * as sfn from 'aws-cdk-lib/aws-stepfunctions';
import { Construct } from 'constructs';
import { PROJECT_ROOT, type ProjectFunction } from './project-function';

export const CASE_WORKFLOW_ASL = path.join(PROJECT_ROOT, 'statemachines', 'overdue-case.asl.json');

/** The functions the ASL names, by their `${…}` substitution. */
export interface WorkflowSteps {
  BeginCaseFunctionArn: ProjectFunction;
  SendStageContactFunctionArn: ProjectFunction;
  AwaitResolutionFunctionArn: ProjectFunction;
  CloseCaseFunctionArn: ProjectFunction;
  WriteOffCaseFunctionArn: ProjectFunction;
}

export interface CaseWorkflowProps {
  steps: WorkflowSteps;
  bus: events.IEventBus;
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
    const substitutions: Record<string, string> = { EventBusName: props.bus.eventBusName };
    for (const [name, step] of Object.entries(props.steps) as Array<[string, ProjectFunction]>) {
      substitutions[name] = step.functionArn;
    }
    this.stateMachine = new sfn.StateMachine(this, 'OverdueCase', {
      comment: 'One execution per overdue rental case, named by case id.',
      stateMachineType: sfn.StateMachineType.STANDARD,
      definitionBody: sfn.DefinitionBody.fromFile(CASE_WORKFLOW_ASL),
      definitionSubstitutions: substitutions,
      tracingEnabled: true,
      logs: { destination: logGroup, level: sfn.LogLevel.ALL, includeExecutionData: true },
    });
    for (const step of Object.values(props.steps) as ProjectFunction[]) {
      step.fn.grantInvoke(this.stateMachine);
      const functionId = Stack.of(this).getLogicalId(step.fn.node.defaultChild as lambda.CfnFunction);
      Validations.of(this.stateMachine).acknowledge({
        id: `AwsSolutions::AwsSolutions-IAM5[Resource::<${functionId}.Arn>:*]`,
        reason:
          'lambda:InvokeFunction on the step function and its versions (the ":*" CDK adds); no other function.',
      });
    }
    Validations.of(this.stateMachine).acknowledge({
      id: 'AwsSolutions::AwsSolutions-IAM5[Resource::*]',
      reason:
        'X-Ray tracing (xray:PutTraceSegments, xray:PutTelemetryRecords, xray:GetSampling*) has no resource-level permissions.',
    });
    props.bus.grantPutEventsTo(this.stateMachine);
  }
}
