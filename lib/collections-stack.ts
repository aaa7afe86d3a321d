import { CfnOutput, Stack, type StackProps } from 'aws-cdk-lib';
import * as logs from 'aws-cdk-lib/aws-logs';
import type { Construct } from 'constructs';
import { CollectionsApi } from './api';
import { CollectionsData } from './data';
import { CollectionsEvents } from './events';
import { CollectionsNotifications } from './notifications';
import { CollectionsObservability } from './observability';
import { ProjectFunction } from './project-function';
import { CaseWorkflow } from './workflow';

export interface CollectionsStackProps extends StackProps {
  senderEmail: string;
  smsSenderId?: string;
}

/** The whole collections system: one stack, one construct per concern, wired here. */
export class CollectionsStack extends Stack {
  constructor(scope: Construct, id: string, props: CollectionsStackProps) {
    super(scope, id, props);
    const logRetention = logs.RetentionDays.ONE_YEAR;
    const data = new CollectionsData(this, 'Data');
    const { cases, timeline, customers, idempotency } = data.tables;
    const notifications = new CollectionsNotifications(this, 'Notifications', {
      senderEmail: props.senderEmail,
      ...(props.smsSenderId ? { smsSenderId: props.smsSenderId } : {}),
    });
    const events = new CollectionsEvents(this, 'Events');
    const fn = (id: string, handler: string, description: string) =>
      new ProjectFunction(this, id, { handler, description, logRetention });

    // Workflow steps: invoked by the state machine, so they never get its ARN (that would be a cycle).
    const steps = {
      BeginCaseFunctionArn: fn('BeginCase', 'workflow/begin-case', 'Workflow: open case')
        .bindTable('cases', cases, 'R')
        .bindTable('timeline', timeline, 'APPEND'),
      SendStageContactFunctionArn: fn(
        'SendStageContact',
        'workflow/send-stage-contact',
        'Workflow: stage contact',
      )
        .bindTable('cases', cases, 'RW')
        .bindTable('timeline', timeline, 'APPEND')
        .bindTable('customers', customers, 'R'),
      AwaitResolutionFunctionArn: fn(
        'AwaitResolution',
        'workflow/await-resolution',
        'Workflow: await resolution',
      ).bindTable('cases', cases, 'RW'),
      CloseCaseFunctionArn: fn('CloseCase', 'workflow/close-case', 'Workflow: close case')
        .bindTable('cases', cases, 'RW')
        .bindTable('timeline', timeline, 'APPEND')
        .bindTable('customers', customers, 'R'),
      WriteOffCaseFunctionArn: fn('WriteOffCase', 'workflow/write-off-case', 'Workflow: write off')
        .bindTable('cases', cases, 'RW')
        .bindTable('timeline', timeline, 'APPEND'),
    };
    notifications.bindCustomerMessaging(steps.SendStageContactFunctionArn);
    notifications.bindCustomerMessaging(steps.CloseCaseFunctionArn);
    const workflow = new CaseWorkflow(this, 'Workflow', { steps, bus: events.bus, logRetention });
    const { stateMachine } = workflow;
    steps.AwaitResolutionFunctionArn.allowTaskResponses(stateMachine);

    const openCase = fn('OpenCase', 'api/open-case', 'POST /cases')
      .bindTable('cases', cases, 'RW')
      .bindTable('timeline', timeline, 'APPEND')
      .bindTable('customers', customers, 'RW')
      .bindTable('idempotency', idempotency, 'RW')
      .bindCaseExecutions(stateMachine);
    const getCase = fn('GetCase', 'api/get-case', 'GET /cases/{caseId}')
      .bindTable('cases', cases, 'R')
      .bindTable('timeline', timeline, 'R');
    const listCases = fn('ListCases', 'api/list-cases', 'GET /cases').bindTable('cases', cases, 'R');
    const recordPayment = fn('RecordPayment', 'api/record-payment', 'POST /cases/{caseId}/payments')
      .bindTable('cases', cases, 'RW')
      .bindTable('timeline', timeline, 'APPEND')
      .bindTable('idempotency', idempotency, 'RW')
      .allowTaskResponses(stateMachine);

    const api = new CollectionsApi(this, 'Api', { logRetention });
    api.route('POST', '/cases', openCase);
    api.route('GET', '/cases', listCases);
    api.route('GET', '/cases/{caseId}', getCase);
    api.route('POST', '/cases/{caseId}/payments', recordPayment);

    const startCases = fn('StartCases', 'events/start-cases', 'Rental Overdue events: open cases')
      .bindTable('cases', cases, 'RW')
      .bindTable('timeline', timeline, 'APPEND')
      .bindTable('customers', customers, 'RW')
      .bindCaseExecutions(stateMachine);
    const applyUpdates = fn(
      'ApplyPlatformUpdates',
      'events/apply-platform-updates',
      'Payment Received events',
    )
      .bindTable('cases', cases, 'RW')
      .bindTable('timeline', timeline, 'APPEND')
      .allowTaskResponses(stateMachine);
    events.routeToConsumer('RentalOverdue', ['Rental Overdue'], startCases, 5);
    events.routeToConsumer('PlatformUpdates', ['Payment Received'], applyUpdates, 5);

    new CollectionsObservability(this, 'Observability', {
      stateMachine,
      api: api.api,
      functions: {
        ...Object.fromEntries(
          Object.entries(steps).map(([key, step]) => [key.replace(/FunctionArn$/, ''), step]),
        ),
        OpenCase: openCase,
        GetCase: getCase,
        ListCases: listCases,
        RecordPayment: recordPayment,
        StartCases: startCases,
        ApplyPlatformUpdates: applyUpdates,
      },
      deadLetterQueues: events.deadLetterQueues,
      opsTopic: notifications.opsTopic,
    });

    new CfnOutput(this, 'ApiUrl', { value: api.api.url, description: 'Base URL of the API (IAM auth).' });
    new CfnOutput(this, 'EventBusName', {
      value: events.bus.eventBusName,
      description: 'Put platform events here.',
    });
    new CfnOutput(this, 'StateMachineArn', { value: stateMachine.stateMachineArn });
    new CfnOutput(this, 'OpsTopicArn', { value: notifications.opsTopic.topicArn });
    new CfnOutput(this, 'LegalTopicArn', { value: notifications.legalTopic.topicArn });
  }
}
