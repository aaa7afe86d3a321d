/** The HTTP facade, driven by the real @aws-sdk/client-sfn. */

import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import {
  DescribeExecutionCommand,
  DescribeStateMachineCommand,
  ExecutionAlreadyExists,
  ExecutionDoesNotExist,
  GetExecutionHistoryCommand,
  InvalidExecutionInput,
  InvalidOutput,
  InvalidToken,
  ListExecutionsCommand,
  ListStateMachinesCommand,
  SendTaskFailureCommand,
  SendTaskHeartbeatCommand,
  SendTaskSuccessCommand,
  SFNClient,
  StartExecutionCommand,
  StateMachineDoesNotExist,
  StopExecutionCommand,
  TaskDoesNotExist,
  TaskTimedOut,
} from '@aws-sdk/client-sfn';
import { createStepFunctionsFacade } from '../../src/stepfunctions';
import { CALLBACK_RESOURCE, createHarness, type Harness, LAMBDA_RESOURCE, START } from './harness';

const DEFINITION = {
  StartAt: 'Await resolution',
  States: {
    'Await resolution': {
      Type: 'Task',
      Resource: CALLBACK_RESOURCE,
      Parameters: { 'token.$': '$$.Task.Token', 'caseId.$': '$.caseId' },
      ResultPath: '$.resolution',
      HeartbeatSeconds: 3600,
      End: true,
    },
  },
};

let harness: Harness;
let server: Server;
let client: SFNClient;
let endpoint: string;
let stateMachineArn: string;

beforeEach(async () => {
  harness = createHarness({ integrations: { [LAMBDA_RESOURCE]: async () => ({ StatusCode: 200 }) } });
  stateMachineArn = harness.engine.registerStateMachine({ name: 'Cases', definition: DEFINITION });
  server = createStepFunctionsFacade(harness.engine, { scheduler: harness.clock });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  endpoint = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  client = new SFNClient({
    endpoint,
    region: 'us-east-1',
    credentials: { accessKeyId: 'local', secretAccessKey: 'local' },
    maxAttempts: 1,
  });
});

afterEach(async () => {
  client.destroy();
  await new Promise<void>((resolve, reject) => server.close((error) => (error ? reject(error) : resolve())));
});

async function startCase(name: string): Promise<{ executionArn: string; token: string }> {
  const { executionArn } = await client.send(
    new StartExecutionCommand({ stateMachineArn, name, input: JSON.stringify({ caseId: name }) }),
  );
  await harness.engine.whenSettled(executionArn as string);
  const token = harness.calls.find(
    (call) => (call.parameters as { caseId: string }).caseId === name,
  )?.taskToken;
  return { executionArn: executionArn as string, token: token as string };
}

async function rejection(promise: Promise<unknown>): Promise<unknown> {
  try {
    await promise;
  } catch (error) {
    return error;
  }
  return undefined;
}

describe('Step Functions facade with @aws-sdk/client-sfn', () => {
  test('StartExecution, SendTaskHeartbeat, SendTaskSuccess and DescribeExecution with dates', async () => {
    // Prepare
    const { executionArn, token } = await startCase('case-1');
    await harness.clock.advanceTo(START + 1500);

    // Act
    await client.send(new SendTaskHeartbeatCommand({ taskToken: token }));
    await client.send(new SendTaskSuccessCommand({ taskToken: token, output: '{"outcome":"PAID"}' }));
    await harness.engine.whenSettled(executionArn);
    const described = await client.send(new DescribeExecutionCommand({ executionArn }));

    // Assess
    expect(described).toMatchObject({
      executionArn,
      stateMachineArn,
      name: 'case-1',
      status: 'SUCCEEDED',
      input: '{"caseId":"case-1"}',
      output: '{"caseId":"case-1","resolution":{"outcome":"PAID"}}',
    });
    expect(described.startDate).toEqual(new Date(START));
    expect(described.stopDate).toEqual(new Date(START + 1500));
  });

  test('SendTaskFailure and StopExecution', async () => {
    // Prepare
    const failing = await startCase('case-1');
    const stopping = await startCase('case-2');

    // Act
    await client.send(
      new SendTaskFailureCommand({ taskToken: failing.token, error: 'Dispute.Upheld', cause: 'refund' }),
    );
    const stopped = await client.send(
      new StopExecutionCommand({ executionArn: stopping.executionArn, cause: 'closed' }),
    );

    // Assess
    const failed = await client.send(new DescribeExecutionCommand({ executionArn: failing.executionArn }));
    const aborted = await client.send(new DescribeExecutionCommand({ executionArn: stopping.executionArn }));
    expect(failed).toMatchObject({ status: 'FAILED', error: 'Dispute.Upheld', cause: 'refund' });
    expect(aborted).toMatchObject({ status: 'ABORTED', cause: 'closed' });
    expect(stopped.stopDate).toEqual(new Date(START));
  });

  test('ListExecutions, GetExecutionHistory, DescribeStateMachine and ListStateMachines', async () => {
    // Prepare
    const first = await startCase('case-1');
    await harness.clock.advanceTo(START + 1000);
    await startCase('case-2');

    // Act
    const listed = await client.send(
      new ListExecutionsCommand({ stateMachineArn, statusFilter: 'RUNNING', maxResults: 1 }),
    );
    const next = await client.send(
      new ListExecutionsCommand({
        stateMachineArn,
        statusFilter: 'RUNNING',
        maxResults: 1,
        nextToken: listed.nextToken,
      }),
    );
    const events = await client.send(
      new GetExecutionHistoryCommand({ executionArn: first.executionArn, reverseOrder: true }),
    );
    const machine = await client.send(new DescribeStateMachineCommand({ stateMachineArn }));
    const machines = await client.send(new ListStateMachinesCommand({}));

    // Assess
    expect(listed.executions?.map((item) => item.name)).toEqual(['case-2']);
    expect(listed.executions?.[0]?.startDate).toEqual(new Date(START + 1000));
    expect(next.executions?.map((item) => item.name)).toEqual(['case-1']);
    expect(events.events?.map((event) => event.type)).toEqual([
      'TaskSubmitted',
      'TaskStarted',
      'TaskScheduled',
      'TaskStateEntered',
      'ExecutionStarted',
    ]);
    expect(events.events?.[2]?.taskScheduledEventDetails).toMatchObject({
      resourceType: 'lambda',
      resource: 'invoke.waitForTaskToken',
      heartbeatInSeconds: 3600,
    });
    expect(events.events?.[4]?.timestamp).toEqual(new Date(START));
    expect(machine).toMatchObject({
      name: 'Cases',
      status: 'ACTIVE',
      type: 'STANDARD',
      definition: JSON.stringify(DEFINITION),
    });
    expect(machines.stateMachines?.map((item) => item.stateMachineArn)).toEqual([stateMachineArn]);
  });

  test('errors reach the SDK as its named exception classes', async () => {
    // Prepare
    const { executionArn, token } = await startCase('case-1');
    const missingExecution = `${executionArn}-missing`;
    const foreign = createHarness({ seed: 5, integrations: { [LAMBDA_RESOURCE]: async () => ({}) } });
    const foreignRun = foreign.engine.startExecution({
      stateMachineArn: foreign.engine.registerStateMachine({ name: 'Cases', definition: DEFINITION }),
      input: '{"caseId":"x"}',
    });
    await foreign.engine.whenSettled(foreignRun.executionArn);

    // Act
    const errors = {
      alreadyExists: await rejection(
        client.send(
          new StartExecutionCommand({ stateMachineArn, name: 'case-1', input: '{"caseId":"other"}' }),
        ),
      ),
      badInput: await rejection(client.send(new StartExecutionCommand({ stateMachineArn, input: '{' }))),
      noMachine: await rejection(
        client.send(new StartExecutionCommand({ stateMachineArn: `${stateMachineArn}X` })),
      ),
      noExecution: await rejection(
        client.send(new DescribeExecutionCommand({ executionArn: missingExecution })),
      ),
      invalidToken: await rejection(
        client.send(new SendTaskSuccessCommand({ taskToken: 'garbage', output: '{}' })),
      ),
      unknownToken: await rejection(
        client.send(new SendTaskHeartbeatCommand({ taskToken: foreign.calls[0]?.taskToken as string })),
      ),
      invalidOutput: await rejection(
        client.send(new SendTaskSuccessCommand({ taskToken: token, output: 'nope' })),
      ),
    };
    await client.send(new SendTaskSuccessCommand({ taskToken: token, output: '{}' }));
    const timedOut = await rejection(
      client.send(new SendTaskFailureCommand({ taskToken: token, error: 'Late' })),
    );

    // Assess
    expect(errors.alreadyExists).toBeInstanceOf(ExecutionAlreadyExists);
    expect(errors.badInput).toBeInstanceOf(InvalidExecutionInput);
    expect(errors.noMachine).toBeInstanceOf(StateMachineDoesNotExist);
    expect(errors.noExecution).toBeInstanceOf(ExecutionDoesNotExist);
    expect(errors.invalidToken).toBeInstanceOf(InvalidToken);
    expect(errors.unknownToken).toBeInstanceOf(TaskDoesNotExist);
    expect(errors.invalidOutput).toBeInstanceOf(InvalidOutput);
    expect(timedOut).toBeInstanceOf(TaskTimedOut);
    expect((timedOut as TaskTimedOut).$metadata.httpStatusCode).toBe(400);
  });

  test('an unknown operation gets UnknownOperationException', async () => {
    // Prepare
    const request = {
      method: 'POST',
      headers: {
        'Content-Type': 'application/x-amz-json-1.0',
        'X-Amz-Target': 'AWSStepFunctions.CreateActivity',
      },
      body: '{}',
    };

    // Act
    const response = await fetch(endpoint, request);

    // Assess
    expect(response.status).toBe(400);
    expect(response.headers.get('content-type')).toBe('application/x-amz-json-1.0');
    expect(await response.json()).toEqual({
      __type: 'UnknownOperationException',
      message: 'Unknown operation: AWSStepFunctions.CreateActivity',
    });
  });
});
