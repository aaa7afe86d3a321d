/** The engine's Step Functions API semantics: executions, lists, history, tokens, registration. */
import {
  ExecutionAlreadyExists,
  ExecutionDoesNotExist,
  InvalidArn,
  InvalidDefinition,
  InvalidExecutionInput,
  InvalidName,
  InvalidOutput,
  InvalidToken,
  StateMachineAlreadyExists,
  StateMachineDoesNotExist,
  TaskDoesNotExist,
  TaskTimedOut,
} from '../../src/stepfunctions';
import {
  CALLBACK_RESOURCE,
  createHarness,
  type Harness,
  history,
  LAMBDA_RESOURCE,
  runToEnd,
  SDK_RESOURCE,
  START,
} from './harness';

const WAITING = {
  StartAt: 'Wait',
  States: { Wait: { Type: 'Wait', Seconds: 86_400, End: true } },
};

const AWAITING = {
  StartAt: 'Await resolution',
  States: {
    'Await resolution': {
      Type: 'Task',
      Resource: CALLBACK_RESOURCE,
      Parameters: { 'token.$': '$$.Task.Token', 'caseId.$': '$.caseId' },
      ResultPath: '$.resolution',
      End: true,
    },
  },
};

function register(harness: Harness, definition: unknown = WAITING, name = 'Cases'): string {
  return harness.engine.registerStateMachine({ name, definition });
}

describe('startExecution', () => {
  test('the same name and input while RUNNING returns the running execution', async () => {
    // Prepare
    const harness = createHarness();
    const stateMachineArn = register(harness);
    const first = harness.engine.startExecution({ stateMachineArn, name: 'case-1', input: '{"a":1}' });

    // Act
    const again = harness.engine.startExecution({ stateMachineArn, name: 'case-1', input: '{"a":1}' });

    // Assess
    expect(again).toEqual(first);
    expect(harness.engine.listExecutions({ stateMachineArn }).executions).toHaveLength(1);
  });

  test('a different input, or a finished execution, gives ExecutionAlreadyExists', async () => {
    // Prepare
    const harness = createHarness();
    const stateMachineArn = register(harness);
    const { executionArn } = harness.engine.startExecution({
      stateMachineArn,
      name: 'case-1',
      input: '{"a":1}',
    });

    // Act
    const differentInput = () =>
      harness.engine.startExecution({ stateMachineArn, name: 'case-1', input: '{"a":2}' });
    const runningError = captured(differentInput);
    await runToEnd(harness, executionArn);
    const finishedError = captured(() =>
      harness.engine.startExecution({ stateMachineArn, name: 'case-1', input: '{"a":1}' }),
    );

    // Assess
    expect(runningError).toBeInstanceOf(ExecutionAlreadyExists);
    expect(finishedError).toBeInstanceOf(ExecutionAlreadyExists);
    expect((finishedError as Error).name).toBe('ExecutionAlreadyExists');
  });

  test('90 days after an execution closes its name is free again, as on AWS: the same name starts a new one', async () => {
    // Prepare
    const harness = createHarness();
    const stateMachineArn = register(harness);
    const { executionArn } = harness.engine.startExecution({ stateMachineArn, name: 'case-1', input: '{}' });
    await runToEnd(harness, executionArn);
    const closedAt = harness.engine.describeExecution({ executionArn }).stopDate?.getTime() ?? 0;

    // Act
    await harness.clock.advanceTo(closedAt + 90 * 86_400_000 - 1);
    const tooEarly = captured(() =>
      harness.engine.startExecution({ stateMachineArn, name: 'case-1', input: '{}' }),
    );
    await harness.clock.advanceTo(closedAt + 90 * 86_400_000);
    const again = harness.engine.startExecution({ stateMachineArn, name: 'case-1', input: '{}' });

    // Assess
    expect(tooEarly).toBeInstanceOf(ExecutionAlreadyExists);
    expect(again.executionArn).toBe(executionArn);
    expect(harness.engine.describeExecution({ executionArn }).status).toBe('RUNNING');
  });

  test('invalid input, unknown machines, malformed ARNs and bad names are refused by name', () => {
    // Prepare
    const harness = createHarness();
    const stateMachineArn = register(harness);

    // Act
    const errors = [
      captured(() => harness.engine.startExecution({ stateMachineArn, input: '{not json' })),
      captured(() => harness.engine.startExecution({ stateMachineArn: `${stateMachineArn}-missing` })),
      captured(() => harness.engine.startExecution({ stateMachineArn: 'not-an-arn' })),
      captured(() => harness.engine.startExecution({ stateMachineArn, name: 'has space' })),
      captured(() => harness.engine.startExecution({ stateMachineArn, name: 'x'.repeat(81) })),
      captured(() =>
        harness.engine.describeExecution({
          executionArn: `${stateMachineArn.replace('stateMachine', 'execution')}:nope`,
        }),
      ),
    ];

    // Assess
    expect(errors.map((error) => (error as Error).name)).toEqual([
      'InvalidExecutionInput',
      'StateMachineDoesNotExist',
      'InvalidArn',
      'InvalidName',
      'InvalidName',
      'ExecutionDoesNotExist',
    ]);
    expect(errors[0]).toBeInstanceOf(InvalidExecutionInput);
    expect(errors[1]).toBeInstanceOf(StateMachineDoesNotExist);
    expect(errors[2]).toBeInstanceOf(InvalidArn);
    expect(errors[3]).toBeInstanceOf(InvalidName);
    expect(errors[5]).toBeInstanceOf(ExecutionDoesNotExist);
  });

  test('without a name, the execution gets a UUID drawn from the seed', () => {
    // Prepare
    const first = createHarness({ seed: 3 });
    const second = createHarness({ seed: 3 });

    // Act
    const a = first.engine.startExecution({ stateMachineArn: register(first) });
    const b = second.engine.startExecution({ stateMachineArn: register(second) });

    // Assess
    expect(a.executionArn).toBe(b.executionArn);
    expect(a.executionArn).toMatch(
      /^arn:aws:states:us-east-1:123456789012:execution:Cases:[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/,
    );
  });
});

describe('describe, stop and list', () => {
  test('describeExecution reports input, output, dates and status as the API does', async () => {
    // Prepare
    const harness = createHarness();
    const stateMachineArn = register(harness, {
      StartAt: 'P',
      States: { P: { Type: 'Pass', Result: { ok: true }, End: true } },
    });
    const { executionArn, startDate } = harness.engine.startExecution({
      stateMachineArn,
      name: 'run',
      input: '{ "a" : 1 }',
    });

    // Act
    const running = harness.engine.describeExecution({ executionArn });
    const done = await harness.engine.whenSettled(executionArn);

    // Assess
    expect(startDate.getTime()).toBe(START);
    expect(running).toEqual({
      executionArn,
      stateMachineArn,
      name: 'run',
      status: 'RUNNING',
      startDate: new Date(START),
      input: '{ "a" : 1 }',
      inputDetails: { included: true },
    });
    expect(done).toMatchObject({
      status: 'SUCCEEDED',
      stopDate: new Date(START),
      output: '{"ok":true}',
      outputDetails: { included: true },
    });
  });

  test('stopExecution aborts without error or cause when none is given', async () => {
    // Prepare
    const harness = createHarness();
    const { executionArn } = harness.engine.startExecution({ stateMachineArn: register(harness) });
    await harness.engine.whenSettled(executionArn);

    // Act
    harness.engine.stopExecution({ executionArn });
    const again = harness.engine.stopExecution({ executionArn });

    // Assess
    const described = harness.engine.describeExecution({ executionArn });
    expect(described.status).toBe('ABORTED');
    expect(described).not.toHaveProperty('error');
    expect(described).not.toHaveProperty('cause');
    expect(again.stopDate).toEqual(described.stopDate);
    const events = history(harness, executionArn);
    expect(events.filter((event) => event.type === 'ExecutionAborted')).toEqual([
      expect.objectContaining({ executionAbortedEventDetails: {} }),
    ]);
  });

  test('listExecutions filters by status, lists newest first and pages with nextToken', async () => {
    // Prepare
    const harness = createHarness();
    const stateMachineArn = register(harness);
    for (const name of ['a', 'b', 'c', 'd', 'e']) {
      harness.engine.startExecution({ stateMachineArn, name });
      await harness.clock.advanceTo(harness.clock.now() + 1000);
    }
    harness.engine.stopExecution({
      executionArn: `${stateMachineArn.replace('stateMachine', 'execution')}:b`,
    });

    // Act
    const page1 = harness.engine.listExecutions({ stateMachineArn, statusFilter: 'RUNNING', maxResults: 3 });
    const page2 = harness.engine.listExecutions({
      stateMachineArn,
      statusFilter: 'RUNNING',
      maxResults: 3,
      nextToken: page1.nextToken as string,
    });
    const aborted = harness.engine.listExecutions({ stateMachineArn, statusFilter: 'ABORTED' });
    const badToken = captured(() => harness.engine.listExecutions({ stateMachineArn, nextToken: 'bogus' }));

    // Assess
    expect(page1.executions.map((item) => item.name)).toEqual(['e', 'd', 'c']);
    expect(page2.executions.map((item) => item.name)).toEqual(['a']);
    expect(page2.nextToken).toBeUndefined();
    expect(aborted.executions).toEqual([
      expect.objectContaining({ name: 'b', status: 'ABORTED', startDate: new Date(START + 1000) }),
    ]);
    expect(badToken).toBeInstanceOf(InvalidToken);
  });

  test('getExecutionHistory pages, reverses and can leave out execution data', async () => {
    // Prepare
    const harness = createHarness();
    const stateMachineArn = register(harness, {
      StartAt: 'One',
      States: { One: { Type: 'Pass', Next: 'Two' }, Two: { Type: 'Pass', End: true } },
    });
    const { executionArn } = harness.engine.startExecution({ stateMachineArn, input: '{"secret":1}' });
    await harness.engine.whenSettled(executionArn);

    // Act
    const page1 = harness.engine.getExecutionHistory({ executionArn, maxResults: 4 });
    const page2 = harness.engine.getExecutionHistory({
      executionArn,
      maxResults: 4,
      nextToken: page1.nextToken as string,
    });
    const reversed = harness.engine.getExecutionHistory({ executionArn, reverseOrder: true, maxResults: 2 });
    const withoutData = harness.engine.getExecutionHistory({ executionArn, includeExecutionData: false });

    // Assess
    expect(page1.events.map((event) => event.id)).toEqual([1, 2, 3, 4]);
    expect(page2.events.map((event) => event.id)).toEqual([5, 6]);
    expect(page2.nextToken).toBeUndefined();
    expect(reversed.events.map((event) => event.type)).toEqual(['ExecutionSucceeded', 'PassStateExited']);
    expect(JSON.stringify(withoutData.events)).not.toContain('secret');
    expect(withoutData.events[1]?.stateEnteredEventDetails).toEqual({ name: 'One' });
  });
});

describe('task tokens', () => {
  test('garbage → InvalidToken, never issued → TaskDoesNotExist, answered → TaskTimedOut, bad JSON → InvalidOutput', async () => {
    // Prepare
    const harness = createHarness({ integrations: { [LAMBDA_RESOURCE]: async () => ({}) } });
    const other = createHarness({ seed: 99, integrations: { [LAMBDA_RESOURCE]: async () => ({}) } });
    const { executionArn } = harness.engine.startExecution({
      stateMachineArn: register(harness, AWAITING),
      input: '{"caseId":"c"}',
    });
    const { executionArn: otherArn } = other.engine.startExecution({
      stateMachineArn: register(other, AWAITING),
      input: '{"caseId":"c"}',
    });
    await harness.engine.whenSettled(executionArn);
    await other.engine.whenSettled(otherArn);
    const token = harness.calls[0]?.taskToken as string;
    const foreignToken = other.calls[0]?.taskToken as string;

    // Act
    const garbage = captured(() =>
      harness.engine.sendTaskSuccess({ taskToken: 'not a token', output: '{}' }),
    );
    const tampered = captured(() =>
      harness.engine.sendTaskHeartbeat({ taskToken: `${token.slice(0, -2)}AA` }),
    );
    const unknown = captured(() => harness.engine.sendTaskFailure({ taskToken: foreignToken }));
    const badOutput = captured(() => harness.engine.sendTaskSuccess({ taskToken: token, output: '{oops' }));
    harness.engine.sendTaskSuccess({ taskToken: token, output: '{"outcome":"PAID"}' });
    const twice = captured(() => harness.engine.sendTaskSuccess({ taskToken: token, output: '{}' }));

    // Assess
    expect(garbage).toBeInstanceOf(InvalidToken);
    expect(tampered).toBeInstanceOf(InvalidToken);
    expect(unknown).toBeInstanceOf(TaskDoesNotExist);
    expect(badOutput).toBeInstanceOf(InvalidOutput);
    expect(twice).toBeInstanceOf(TaskTimedOut);
    expect((await harness.engine.whenSettled(executionArn)).output).toBe(
      '{"caseId":"c","resolution":{"outcome":"PAID"}}',
    );
  });

  test('SendTaskFailure fails the task with the given error and cause', async () => {
    // Prepare
    const harness = createHarness({ integrations: { [LAMBDA_RESOURCE]: async () => ({}) } });
    const { executionArn } = harness.engine.startExecution({
      stateMachineArn: register(harness, AWAITING),
      input: '{"caseId":"c"}',
    });
    await harness.engine.whenSettled(executionArn);

    // Act
    harness.engine.sendTaskFailure({
      taskToken: harness.calls[0]?.taskToken as string,
      error: 'Dispute.Rejected',
      cause: 'no proof',
    });
    const described = await harness.engine.whenSettled(executionArn);

    // Assess
    expect(described).toMatchObject({ status: 'FAILED', error: 'Dispute.Rejected', cause: 'no proof' });
  });
});

describe('history events', () => {
  test('a callback task records Scheduled, Started, Submitted, Succeeded with AWS detail shapes', async () => {
    // Prepare
    const harness = createHarness({ integrations: { [LAMBDA_RESOURCE]: async () => ({ StatusCode: 200 }) } });
    const { executionArn } = harness.engine.startExecution({
      stateMachineArn: register(harness, AWAITING),
      name: 'case-1',
      input: '{ "caseId": "c-1" }',
    });
    await harness.engine.whenSettled(executionArn);
    const token = harness.calls[0]?.taskToken as string;

    // Act
    harness.engine.sendTaskSuccess({ taskToken: token, output: '{"outcome":"RETURNED"}' });
    await harness.engine.whenSettled(executionArn);

    // Assess
    const resource = { resourceType: 'lambda', resource: 'invoke.waitForTaskToken' };
    const at = new Date(START);
    expect(history(harness, executionArn)).toEqual([
      {
        timestamp: at,
        type: 'ExecutionStarted',
        id: 1,
        previousEventId: 0,
        executionStartedEventDetails: {
          input: '{ "caseId": "c-1" }',
          inputDetails: { truncated: false },
          roleArn: 'arn:aws:iam::123456789012:role/Cases-role',
        },
      },
      {
        timestamp: at,
        type: 'TaskStateEntered',
        id: 2,
        previousEventId: 0,
        stateEnteredEventDetails: {
          name: 'Await resolution',
          input: '{ "caseId": "c-1" }',
          inputDetails: { truncated: false },
        },
      },
      {
        timestamp: at,
        type: 'TaskScheduled',
        id: 3,
        previousEventId: 2,
        taskScheduledEventDetails: {
          ...resource,
          region: 'us-east-1',
          parameters: JSON.stringify({ token, caseId: 'c-1' }),
        },
      },
      { timestamp: at, type: 'TaskStarted', id: 4, previousEventId: 3, taskStartedEventDetails: resource },
      {
        timestamp: at,
        type: 'TaskSubmitted',
        id: 5,
        previousEventId: 4,
        taskSubmittedEventDetails: {
          ...resource,
          output: '{"StatusCode":200}',
          outputDetails: { truncated: false },
        },
      },
      {
        timestamp: at,
        type: 'TaskSucceeded',
        id: 6,
        previousEventId: 5,
        taskSucceededEventDetails: {
          ...resource,
          output: '{"outcome":"RETURNED"}',
          outputDetails: { truncated: false },
        },
      },
      {
        timestamp: at,
        type: 'TaskStateExited',
        id: 7,
        previousEventId: 6,
        stateExitedEventDetails: {
          name: 'Await resolution',
          output: '{"caseId":"c-1","resolution":{"outcome":"RETURNED"}}',
          outputDetails: { truncated: false },
        },
      },
      {
        timestamp: at,
        type: 'ExecutionSucceeded',
        id: 8,
        previousEventId: 7,
        executionSucceededEventDetails: {
          output: '{"caseId":"c-1","resolution":{"outcome":"RETURNED"}}',
          outputDetails: { truncated: false },
        },
      },
    ]);
  });

  test('a failing task, a Fail state and a Choice record their AWS event types', async () => {
    // Prepare
    const harness = createHarness({
      integrations: {
        [SDK_RESOURCE]: async () => {
          throw new Error('connection reset');
        },
      },
    });
    const stateMachineArn = register(harness, {
      StartAt: 'Call',
      States: {
        Call: {
          Type: 'Task',
          Resource: SDK_RESOURCE,
          Catch: [{ ErrorEquals: ['States.ALL'], ResultPath: '$.e', Next: 'Check' }],
          End: true,
        },
        Check: {
          Type: 'Choice',
          Choices: [{ Variable: '$.e.Error', StringEquals: 'States.TaskFailed', Next: 'Give up' }],
        },
        'Give up': { Type: 'Fail', Error: 'Case.Failed', Cause: 'upstream' },
      },
    });
    const { executionArn } = harness.engine.startExecution({ stateMachineArn });

    // Act
    await harness.engine.whenSettled(executionArn);

    // Assess
    const events = history(harness, executionArn);
    expect(events.map((event) => event.type)).toEqual([
      'ExecutionStarted',
      'TaskStateEntered',
      'TaskScheduled',
      'TaskStarted',
      'TaskFailed',
      'TaskStateExited',
      'ChoiceStateEntered',
      'ChoiceStateExited',
      'FailStateEntered',
      'ExecutionFailed',
    ]);
    expect(events[2]?.taskScheduledEventDetails).toMatchObject({
      resourceType: 'aws-sdk:foo',
      resource: 'bar',
    });
    expect(events[4]?.taskFailedEventDetails).toEqual({
      resourceType: 'aws-sdk:foo',
      resource: 'bar',
      error: 'States.TaskFailed',
      cause: 'connection reset',
    });
    expect(events[9]?.executionFailedEventDetails).toEqual({ error: 'Case.Failed', cause: 'upstream' });
  });

  test('the 25,000th event of a runaway loop is ExecutionFailed with States.Runtime', async () => {
    // Prepare
    const harness = createHarness();
    const stateMachineArn = register(harness, {
      StartAt: 'Loop',
      States: {
        Loop: { Type: 'Pass', Next: 'Again' },
        Again: {
          Type: 'Choice',
          Choices: [{ Variable: '$.stop', IsPresent: true, Next: 'Done' }],
          Default: 'Loop',
        },
        Done: { Type: 'Succeed' },
      },
    });
    const { executionArn } = harness.engine.startExecution({ stateMachineArn });

    // Act
    const described = await harness.engine.whenSettled(executionArn);

    // Assess
    const cause = 'The execution reached the maximum number of history events (25000).';
    expect(described).toMatchObject({ status: 'FAILED', error: 'States.Runtime', cause });
    const last = harness.engine.getExecutionHistory({
      executionArn,
      reverseOrder: true,
      maxResults: 2,
    }).events;
    expect(last.map((event) => [event.id, event.type])).toEqual([
      [25_000, 'ExecutionFailed'],
      [24_999, 'PassStateExited'],
    ]);
    expect(last[0]?.executionFailedEventDetails).toEqual({ error: 'States.Runtime', cause });
  });

  test('a state output over 256 KiB fails the execution with States.DataLimitExceeded', async () => {
    // Prepare
    const harness = createHarness();
    const stateMachineArn = register(harness, {
      StartAt: 'Grow',
      States: { Grow: { Type: 'Pass', Parameters: { 'a.$': '$.big', 'b.$': '$.big' }, End: true } },
    });
    const { executionArn } = harness.engine.startExecution({
      stateMachineArn,
      input: JSON.stringify({ big: 'x'.repeat(140 * 1024) }),
    });

    // Act
    const described = await harness.engine.whenSettled(executionArn);

    // Assess
    expect(described).toMatchObject({ status: 'FAILED', error: 'States.DataLimitExceeded' });
  });

  test('an integration throwing a plain Error fails the task with States.TaskFailed', async () => {
    // Prepare
    const harness = createHarness({
      integrations: {
        [SDK_RESOURCE]: async () => {
          throw new TypeError('cannot read properties of undefined');
        },
      },
    });
    const stateMachineArn = register(harness, {
      StartAt: 'Call',
      States: { Call: { Type: 'Task', Resource: SDK_RESOURCE, End: true } },
    });
    const { executionArn } = harness.engine.startExecution({ stateMachineArn });

    // Act
    const described = await harness.engine.whenSettled(executionArn);

    // Assess
    expect(described).toMatchObject({
      status: 'FAILED',
      error: 'States.TaskFailed',
      cause: 'cannot read properties of undefined',
    });
  });

  test('onEvent sees every event in order, until unsubscribed', async () => {
    // Prepare
    const harness = createHarness();
    const seen: string[] = [];
    const unsubscribe = harness.engine.onEvent(({ event }) => seen.push(`${event.id}:${event.type}`));
    const stateMachineArn = register(harness, { StartAt: 'P', States: { P: { Type: 'Pass', End: true } } });

    // Act
    const first = harness.engine.startExecution({ stateMachineArn, name: 'first' });
    await harness.engine.whenSettled(first.executionArn);
    unsubscribe();
    const second = harness.engine.startExecution({ stateMachineArn, name: 'second' });
    await harness.engine.whenSettled(second.executionArn);

    // Assess
    expect(seen).toEqual([
      '1:ExecutionStarted',
      '2:PassStateEntered',
      '3:PassStateExited',
      '4:ExecutionSucceeded',
    ]);
  });
});

describe('registerStateMachine', () => {
  const lambdaTask = { Type: 'Task', Resource: LAMBDA_RESOURCE, End: true };
  const rejected: Array<[string, unknown, RegExp]> = [
    [
      'a Map state',
      { StartAt: 'M', States: { M: { Type: 'Map', ItemProcessor: {}, End: true } } },
      /State 'M'.*'Type'.*'Map' is not supported/,
    ],
    [
      'a Parallel state',
      { StartAt: 'P', States: { P: { Type: 'Parallel', Branches: [], End: true } } },
      /State 'P'.*'Parallel'/,
    ],
    [
      'JSONata at the top level',
      { QueryLanguage: 'JSONata', StartAt: 'P', States: { P: { Type: 'Pass', End: true } } },
      /QueryLanguage/,
    ],
    [
      'JSONata on a state',
      { StartAt: 'P', States: { P: { Type: 'Pass', QueryLanguage: 'JSONata', End: true } } },
      /State 'P'.*QueryLanguage/,
    ],
    [
      'Assign',
      { StartAt: 'P', States: { P: { Type: 'Pass', Assign: { x: 1 }, End: true } } },
      /State 'P'.*field 'Assign'/,
    ],
    [
      'Arguments',
      { StartAt: 'T', States: { T: { ...lambdaTask, Arguments: {} } } },
      /State 'T'.*field 'Arguments'/,
    ],
    [
      'Credentials',
      { StartAt: 'T', States: { T: { ...lambdaTask, Credentials: {} } } },
      /State 'T'.*field 'Credentials'/,
    ],
    [
      'a .sync resource',
      { StartAt: 'T', States: { T: { ...lambdaTask, Resource: 'arn:aws:states:::ecs:runTask.sync' } } },
      /State 'T'.*'Resource'.*\.sync/,
    ],
    [
      'a Lambda function ARN',
      {
        StartAt: 'T',
        States: { T: { ...lambdaTask, Resource: 'arn:aws:lambda:us-east-1:123456789012:function:f' } },
      },
      /State 'T'.*'Resource'/,
    ],
    [
      'a resource without integration',
      { StartAt: 'T', States: { T: { ...lambdaTask, Resource: 'arn:aws:states:::sqs:sendMessage' } } },
      /no local integration handles 'arn:aws:states:::sqs:sendMessage'/,
    ],
    [
      'a missing Next target',
      { StartAt: 'P', States: { P: { Type: 'Pass', Next: 'Nowhere' } } },
      /State 'P' field 'Next'/,
    ],
    [
      'an unreachable state',
      { StartAt: 'P', States: { P: { Type: 'Pass', End: true }, Q: { Type: 'Pass', End: true } } },
      /State 'Q': is not reachable/,
    ],
    [
      'States.ALL not last',
      {
        StartAt: 'T',
        States: { T: { ...lambdaTask, Retry: [{ ErrorEquals: ['States.ALL'] }, { ErrorEquals: ['X'] }] } },
      },
      /States.ALL/,
    ],
    [
      'an intrinsic syntax error',
      {
        StartAt: 'P',
        States: { P: { Type: 'Pass', Parameters: { 'x.$': "States.Format('{}', $.a" }, End: true } },
      },
      /State 'P'.*Parameters\.x\.\$/,
    ],
    [
      'an unknown intrinsic',
      { StartAt: 'P', States: { P: { Type: 'Pass', Parameters: { 'x.$': 'States.Nope()' }, End: true } } },
      /unknown function 'States.Nope'/,
    ],
    [
      'a non-reference ResultPath',
      { StartAt: 'P', States: { P: { Type: 'Pass', ResultPath: '$.a[*]', End: true } } },
      /State 'P' field 'ResultPath'/,
    ],
    [
      'an unknown Choice operator',
      {
        StartAt: 'C',
        States: { C: { Type: 'Choice', Choices: [{ Variable: '$.a', StringContains: 'x', Next: 'C' }] } },
      },
      /StringContains/,
    ],
    [
      'two Wait durations',
      {
        StartAt: 'W',
        States: { W: { Type: 'Wait', Seconds: 1, Timestamp: '2026-01-01T00:00:00Z', End: true } },
      },
      /exactly one of Seconds/,
    ],
    [
      'Next and End together',
      { StartAt: 'P', States: { P: { Type: 'Pass', Next: 'P', End: true } } },
      /exactly one of 'Next' and 'End'/,
    ],
  ];

  test.each(rejected)(
    'rejects %s with InvalidDefinition naming state and field',
    (_what, definition, message) => {
      // Prepare
      const harness = createHarness();

      // Act
      const error = captured(() => harness.engine.registerStateMachine({ name: 'Bad', definition }));

      // Assess
      expect(error).toBeInstanceOf(InvalidDefinition);
      expect((error as Error).message).toMatch(message);
    },
  );

  test('accepts the definition as a JSON string; registering it again is idempotent, a change is refused', () => {
    // Prepare
    const harness = createHarness();
    const text = JSON.stringify(WAITING);

    // Act
    const arn = harness.engine.registerStateMachine({ name: 'Cases', definition: text });
    const again = harness.engine.registerStateMachine({ name: 'Cases', definition: text });
    const changed = captured(() =>
      harness.engine.registerStateMachine({ name: 'Cases', definition: AWAITING }),
    );

    // Assess
    expect(arn).toBe('arn:aws:states:us-east-1:123456789012:stateMachine:Cases');
    expect(again).toBe(arn);
    expect(changed).toBeInstanceOf(StateMachineAlreadyExists);
    expect(harness.engine.describeStateMachine({ stateMachineArn: arn })).toEqual({
      stateMachineArn: arn,
      name: 'Cases',
      status: 'ACTIVE',
      definition: text,
      roleArn: 'arn:aws:iam::123456789012:role/Cases-role',
      type: 'STANDARD',
      creationDate: new Date(START),
    });
    expect(harness.engine.listStateMachines().stateMachines.map((machine) => machine.name)).toEqual([
      'Cases',
    ]);
  });
});

function captured(action: () => unknown): unknown {
  try {
    action();
  } catch (error) {
    return error;
  }
  return undefined;
}
