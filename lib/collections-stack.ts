import { CfnOutput, Stack, type StackProps } from 'aws-cdk-lib';
import * as logs from 'aws-cdk-lib/aws-logs';
import type { Construct } from 'constructs';
import { ENV } from '../lambdas/shared/config';
import { CollectionsApi } from './api';
import { CollectionsData } from './data';
import { CollectionsEvents } from './events';
import { CollectionsNotifications } from './notifications';
import { CollectionsObservability } from './observability';
import { ProjectFunction } from './project-function';
import { CollectionsSecrets } from './secrets';
import { CaseWorkflow, WORKFLOW_STEPS, type WorkflowStep } from './workflow';

export interface CollectionsStackProps extends StackProps {
  senderEmail: string;
  smsSenderId?: string;
  /** The credit bureau's gateway (context `creditBureauEndpoint`). */
  creditBureauEndpoint: string;
}

/** The whole collections system: one stack, one construct per concern, wired here. */
export class CollectionsStack extends Stack {
  constructor(scope: Construct, id: string, props: CollectionsStackProps) {
    super(scope, id, props);
    const logRetention = logs.RetentionDays.ONE_YEAR;
    const data = new CollectionsData(this, 'Data');
    const { cases, timeline, customers, workItems, idempotency } = data.tables;
    const notifications = new CollectionsNotifications(this, 'Notifications', {
      senderEmail: props.senderEmail,
      ...(props.smsSenderId ? { smsSenderId: props.smsSenderId } : {}),
    });
    const secrets = new CollectionsSecrets(this, 'Secrets');
    const events = new CollectionsEvents(this, 'Events');
    const api = new CollectionsApi(this, 'Api', { logRetention });
    const fn = (id: string, handler: string, description: string) =>
      new ProjectFunction(this, id, { handler, description, logRetention });

    // What the functions share, bound with their grants.
    const sendsMessages = (f: ProjectFunction, sms = true) => {
      notifications.bindCustomerMessaging(f, { sms });
      f.bindSecret(ENV.signingSecretArn, secrets.signing);
      f.fn.addEnvironment(ENV.optOutBaseUrl, api.baseUrl);
      // Writes: a number found on SNS's opt-out list (the customer replied STOP) is recorded as an opt-out.
      return f.bindTable('customers', customers, 'read', 'write');
    };
    const usesBureau = (f: ProjectFunction) => {
      f.fn.addEnvironment('CREDIT_BUREAU_ENDPOINT', props.creditBureauEndpoint);
      return f.bindSecret('CREDIT_BUREAU_SECRET_ARN', secrets.creditBureau);
    };
    const onCase = (f: ProjectFunction) =>
      f.bindTable('cases', cases, 'read', 'write').bindTable('timeline', timeline, 'read', 'append');

    // Workflow steps: invoked by the state machine, so they never get its ARN (that would be a cycle).
    const step = (name: WorkflowStep, handler: string, description: string) =>
      fn(name, `workflow/${handler}`, `Workflow: ${description}`);
    const steps: Record<WorkflowStep, ProjectFunction> = {
      // Writes cases: notes that its execution began (a replayed opening then starts none).
      BeginCase: onCase(step('BeginCase', 'begin-case', 'open case')),
      SendStageContact: sendsMessages(
        onCase(step('SendStageContact', 'send-stage-contact', 'stage contact')),
      ).bindTable('workItems', workItems, 'read', 'write'),
      AwaitResolution: step('AwaitResolution', 'await-resolution', 'await resolution').bindTable(
        'cases',
        cases,
        'read',
        'write',
      ),
      PrepareWait: step('PrepareWait', 'prepare-wait', 'prepare a wait').bindTable('cases', cases, 'read'),
      CheckCase: step('CheckCase', 'check-case', 'check the case').bindTable('cases', cases, 'read'),
      CheckArrangement: onCase(step('CheckArrangement', 'check-arrangement', 'promise or plan kept?')),
      ResumeLadder: onCase(step('ResumeLadder', 'resume-ladder', 'resume the ladder')),
      ReportToBureau: usesBureau(
        onCase(step('ReportToBureau', 'report-to-bureau', 'credit report')),
      ).bindTable('customers', customers, 'read'),
      RestrictAccount: onCase(step('RestrictAccount', 'restrict-account', 'restrict account')),
      OpenLegalReview: onCase(step('OpenLegalReview', 'open-legal-review', 'legal review')).bindTable(
        'workItems',
        workItems,
        'read',
        'write',
      ),
      // Reads the debtor for the law firm's referral; the demand letter is SendCaseMessage's.
      StartLegalAction: onCase(step('StartLegalAction', 'start-legal-action', 'legal action')).bindTable(
        'customers',
        customers,
        'read',
      ),
      // The receipt and the demand letter, each within the contact window.
      SendCaseMessage: sendsMessages(
        step('SendCaseMessage', 'send-case-message', 'receipt or demand letter')
          .bindTable('cases', cases, 'read')
          .bindTable('timeline', timeline, 'read', 'append'),
      ),
      UpdateCreditReport: usesBureau(
        onCase(step('UpdateCreditReport', 'update-credit-report', 'update the credit report')),
      ),
      CloseCase: onCase(step('CloseCase', 'close-case', 'close case')).bindTable(
        'workItems',
        workItems,
        'read',
        'write',
      ),
      CancelCase: onCase(step('CancelCase', 'cancel-case', 'cancel case')).bindTable(
        'workItems',
        workItems,
        'read',
        'write',
      ),
      WriteOffCase: onCase(step('WriteOffCase', 'write-off-case', 'write off')).bindTable(
        'workItems',
        workItems,
        'read',
        'write',
      ),
      // Writes cases: notes the execution the case continues in.
      ContinueCase: onCase(step('ContinueCase', 'continue-case', 'continue in a new execution')),
    };
    notifications.bindLegalReferrals(steps.StartLegalAction);
    const workflow = new CaseWorkflow(this, 'Workflow', {
      steps,
      bus: events.bus,
      opsTopic: notifications.opsTopic,
      logRetention,
    });
    const { stateMachine } = workflow;
    steps.AwaitResolution.allowTaskResponses(stateMachine);
    steps.ContinueCase.allowContinuations(stateMachine);

    // API routes (docs/api.md), each with what it touches.
    const command = (id: string, handler: string, route: string) =>
      onCase(fn(id, `api/${handler}`, route))
        .bindTable('idempotency', idempotency, 'records')
        .allowTaskResponses(stateMachine);
    const routes: Array<[string, string, ProjectFunction]> = [
      [
        'POST',
        '/cases',
        onCase(fn('OpenCase', 'api/open-case', 'POST /cases'))
          .bindTable('customers', customers, 'read', 'write')
          .bindTable('idempotency', idempotency, 'records')
          .bindCaseExecutions(stateMachine),
      ],
      [
        'GET',
        '/cases',
        fn('ListCases', 'api/list-cases', 'GET /cases').bindTable('cases', cases, 'read', 'scan'),
      ],
      [
        'GET',
        '/cases/{caseId}',
        fn('GetCase', 'api/get-case', 'GET /cases/{caseId}')
          .bindTable('cases', cases, 'read')
          .bindTable('timeline', timeline, 'read'),
      ],
      // A payment in full or a return after a write-off starts the closing in `<caseId>-recovered`.
      [
        'POST',
        '/cases/{caseId}/payments',
        // Money reaching a closed case is announced (Case Refund Due).
        events.allowCaseEvents(
          command('RecordPayment', 'record-payment', 'POST /cases/{caseId}/payments').bindCaseExecutions(
            stateMachine,
          ),
        ),
      ],
      [
        'POST',
        '/cases/{caseId}/returns',
        command('RecordReturn', 'record-return', 'POST /cases/{caseId}/returns').bindCaseExecutions(
          stateMachine,
        ),
      ],
      [
        'POST',
        '/cases/{caseId}/promises',
        command('MakePromise', 'make-promise', 'POST /cases/{caseId}/promises'),
      ],
      ['POST', '/cases/{caseId}/plans', command('AgreePlan', 'agree-plan', 'POST /cases/{caseId}/plans')],
      // A closed case whose credit report is filed is disputed in an execution of its own.
      [
        'POST',
        '/cases/{caseId}/disputes',
        command('OpenDispute', 'open-dispute', 'POST /cases/{caseId}/disputes').bindCaseExecutions(
          stateMachine,
        ),
      ],
      [
        'POST',
        '/cases/{caseId}/disputes/resolution',
        command('RuleDispute', 'rule-dispute', 'POST /cases/{caseId}/disputes/resolution'),
      ],
      [
        'POST',
        '/cases/{caseId}/contacts',
        onCase(fn('RecordContact', 'api/record-contact', 'POST /cases/{caseId}/contacts'))
          .bindTable('customers', customers, 'read', 'write')
          .bindTable('workItems', workItems, 'read')
          .bindTable('idempotency', idempotency, 'records'),
      ],
      [
        'POST',
        '/cases/{caseId}/legal-review',
        command('DecideLegalReview', 'decide-legal-review', 'POST /cases/{caseId}/legal-review').bindTable(
          'workItems',
          workItems,
          'read',
          'write',
        ),
      ],
      [
        'POST',
        '/cases/{caseId}/legal-outcome',
        command('RecordLegalOutcome', 'record-legal-outcome', 'POST /cases/{caseId}/legal-outcome'),
      ],
      [
        'POST',
        '/cases/{caseId}/public-disclosure/approvals',
        events.allowCaseEvents(
          command(
            'ApproveDisclosure',
            'approve-disclosure',
            'POST /cases/{caseId}/public-disclosure/approvals',
          ).bindTable('customers', customers, 'read'),
        ),
      ],
      [
        'GET',
        '/work-items',
        // Cases too: whether OPEN work is HELD is read from its case (one BatchGetItem a page).
        fn('ListWorkItems', 'api/list-work-items', 'GET /work-items')
          .bindTable('workItems', workItems, 'read')
          .bindTable('cases', cases, 'read', 'batchRead'),
      ],
      // Claiming reserves a call's place on the customer's record, completing counts it, releasing frees it.
      ...(
        [
          ['claim', 'ClaimWorkItem'],
          ['complete', 'CompleteWorkItem'],
          ['release', 'ReleaseWorkItem'],
        ] as const
      ).map(([action, id]): [string, string, ProjectFunction] => [
        'POST',
        `/work-items/{workItemId}/${action}`,
        onCase(fn(id, `api/${action}-work-item`, `POST /work-items/{workItemId}/${action}`))
          .bindTable('workItems', workItems, 'read', 'write')
          .bindTable('customers', customers, 'read', 'write')
          .bindTable('idempotency', idempotency, 'records'),
      ]),
      [
        'POST',
        '/customers/{customerId}/opt-outs',
        onCase(fn('OptOut', 'api/opt-out', 'POST /customers/{customerId}/opt-outs'))
          .bindTable('customers', customers, 'read', 'write')
          .bindTable('workItems', workItems, 'read', 'write')
          .bindTable('idempotency', idempotency, 'records'),
      ],
    ];
    for (const [method, path, handler] of routes) api.route(method as 'GET' | 'POST', path, handler);
    // The signed link in every message: no auth (the token is the authority), reveals nothing.
    // GET only shows the confirmation page (it reads the token, nothing else); POST opts out.
    const optOutPage = fn(
      'OptOutPage',
      'api/opt-out-page',
      'GET /opt-out?token= (signed link page)',
    ).bindSecret(ENV.signingSecretArn, secrets.signing);
    const optOutLink = onCase(fn('OptOutLink', 'api/opt-out-link', 'POST /opt-out (signed link opt-out)'))
      .bindTable('customers', customers, 'read', 'write')
      .bindTable('workItems', workItems, 'read', 'write')
      .bindSecret(ENV.signingSecretArn, secrets.signing);
    api.publicRoute('GET', '/opt-out', optOutPage);
    api.publicRoute('POST', '/opt-out', optOutLink);

    const startCases = onCase(fn('StartCases', 'events/start-cases', 'Rental Overdue events: open cases'))
      .bindTable('customers', customers, 'read', 'write')
      .bindCaseExecutions(stateMachine);
    const applyUpdates = onCase(
      fn(
        'ApplyPlatformUpdates',
        'events/apply-platform-updates',
        'Payment Received and Device Returned events',
      ),
    )
      .allowTaskResponses(stateMachine)
      .bindCaseExecutions(stateMachine);
    events.allowCaseEvents(applyUpdates);
    events.routeToConsumer('RentalOverdue', ['Rental Overdue'], startCases, 5);
    events.routeToConsumer('PlatformUpdates', ['Payment Received', 'Device Returned'], applyUpdates, 5);

    const functions: Record<string, ProjectFunction> = {
      StartCases: startCases,
      ApplyPlatformUpdates: applyUpdates,
    };
    for (const name of WORKFLOW_STEPS) functions[name] = steps[name];
    for (const [, , handler] of routes) functions[handler.node.id] = handler;
    functions.OptOutPage = optOutPage;
    functions.OptOutLink = optOutLink;
    new CollectionsObservability(this, 'Observability', {
      stateMachine,
      api: api.api,
      functions,
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
    new CfnOutput(this, 'CreditBureauSecretArn', {
      value: secrets.creditBureau.secretArn,
      description:
        'Fill in {"appId","privateKeyPem","bureauPublicKeyPem"} before going live (docs/deploy.md).',
    });
  }
}
