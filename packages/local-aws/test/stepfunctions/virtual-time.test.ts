/**
 * Everything that depends on time, on this engine only: aws-local-stepfunctions runs timers on the
 * real clock (any over ~24.8 days fires at once) and gives every Task a 60 s default timeout.
 */
import { TaskTimedOut } from '../../src/stepfunctions';
import {
  CALLBACK_RESOURCE,
  createHarness,
  DAY,
  type Harness,
  history,
  LAMBDA_RESOURCE,
  runToEnd,
  START,
  timeline,
} from './harness';

const HOUR = 3_600_000;

function start(
  harness: Harness,
  definition: Record<string, unknown>,
  input: unknown = {},
  name = 'case-1',
): string {
  const stateMachineArn = harness.engine.registerStateMachine({ name: 'Timed', definition });
  return harness.engine.startExecution({ stateMachineArn, name, input: JSON.stringify(input) }).executionArn;
}

/** A callback task that ends the execution, with a Catch on States.Timeout. */
const callbackMachine = (task: Record<string, unknown>) => ({
  StartAt: 'Await resolution',
  States: {
    'Await resolution': {
      Type: 'Task',
      Resource: CALLBACK_RESOURCE,
      Parameters: { 'token.$': '$$.Task.Token', 'caseId.$': '$.caseId' },
      ResultPath: '$.resolution',
      Catch: [
        {
          ErrorEquals: ['States.Timeout', 'States.HeartbeatTimeout'],
          ResultPath: '$.error',
          Next: 'Escalate',
        },
      ],
      End: true,
      ...task,
    },
    Escalate: { Type: 'Pass', End: true },
  },
});

describe('virtual time', () => {
  test('a 40-day Wait fires at day 40: not at once, not at day 39', async () => {
    // Prepare
    const harness = createHarness();
    const arn = start(harness, {
      StartAt: 'Wait',
      States: { Wait: { Type: 'Wait', Seconds: 40 * 86_400, End: true } },
    });

    // Act
    const atStart = await harness.engine.whenSettled(arn);
    await harness.clock.advanceTo(START + 39 * DAY);
    const atDay39 = await harness.engine.whenSettled(arn);
    await harness.clock.advanceTo(START + 40 * DAY);
    const atDay40 = await harness.engine.whenSettled(arn);

    // Assess
    expect(atStart.status).toBe('RUNNING');
    expect(atDay39.status).toBe('RUNNING');
    expect(atDay40.status).toBe('SUCCEEDED');
    expect(atDay40.stopDate?.getTime()).toBe(START + 40 * DAY);
    expect(timeline(history(harness, arn))).toEqual([
      ['ExecutionStarted', 0],
      ['WaitStateEntered', 0],
      ['WaitStateExited', 40 * DAY],
      ['ExecutionSucceeded', 40 * DAY],
    ]);
  });

  test('Wait with SecondsPath, TimestampPath and a past Timestamp', async () => {
    // Prepare
    const harness = createHarness();
    const arn = start(
      harness,
      {
        StartAt: 'For seconds',
        States: {
          'For seconds': { Type: 'Wait', SecondsPath: '$.seconds', Next: 'Until timestamp' },
          'Until timestamp': { Type: 'Wait', TimestampPath: '$.until', Next: 'Already past' },
          'Already past': { Type: 'Wait', Timestamp: '2020-01-01T00:00:00Z', End: true },
        },
      },
      { seconds: 30, until: '2026-03-05T12:00:00Z' },
    );

    // Act
    const described = await runToEnd(harness, arn);

    // Assess
    expect(described.status).toBe('SUCCEEDED');
    const until = Date.parse('2026-03-05T12:00:00Z') - START;
    expect(timeline(history(harness, arn))).toEqual([
      ['ExecutionStarted', 0],
      ['WaitStateEntered', 0],
      ['WaitStateExited', 30_000],
      ['WaitStateEntered', 30_000],
      ['WaitStateExited', until],
      ['WaitStateEntered', until],
      ['WaitStateExited', until],
      ['ExecutionSucceeded', until],
    ]);
  });

  test('a callback task with TimeoutSecondsPath of 200 days times out on time, caught as States.Timeout', async () => {
    // Prepare: the timeout comes from the state input after InputPath, not from Parameters.
    const harness = createHarness({ integrations: { [LAMBDA_RESOURCE]: async () => ({ StatusCode: 200 }) } });
    const arn = start(
      harness,
      callbackMachine({ InputPath: '$.case', TimeoutSecondsPath: '$.policy.awaitSeconds' }),
      { case: { caseId: 'c-1', policy: { awaitSeconds: 200 * 86_400 } } },
    );

    // Act
    await harness.engine.whenSettled(arn);
    await harness.clock.advanceTo(START + 200 * DAY - 1);
    const justBefore = await harness.engine.whenSettled(arn);
    await harness.clock.advanceTo(START + 200 * DAY);
    const after = await harness.engine.whenSettled(arn);

    // Assess
    expect(justBefore.status).toBe('RUNNING');
    expect(after.status).toBe('SUCCEEDED');
    const events = history(harness, arn);
    expect(timeline(events).slice(2)).toEqual([
      ['TaskScheduled', 0],
      ['TaskStarted', 0],
      ['TaskSubmitted', 0],
      ['TaskTimedOut', 200 * DAY],
      ['TaskStateExited', 200 * DAY],
      ['PassStateEntered', 200 * DAY],
      ['PassStateExited', 200 * DAY],
      ['ExecutionSucceeded', 200 * DAY],
    ]);
    expect(events[2]?.taskScheduledEventDetails?.timeoutInSeconds).toBe(200 * 86_400);
    expect(events[5]?.taskTimedOutEventDetails).toEqual({
      resourceType: 'lambda',
      resource: 'invoke.waitForTaskToken',
      error: 'States.Timeout',
    });
    expect(JSON.parse(after.output ?? '')).toEqual({
      case: { caseId: 'c-1', policy: { awaitSeconds: 200 * 86_400 } },
      error: { Error: 'States.Timeout', Cause: '' },
    });
  });

  test('a heartbeat resets the HeartbeatSecondsPath deadline; without one the task fails with States.HeartbeatTimeout', async () => {
    // Prepare
    const harness = createHarness({ integrations: { [LAMBDA_RESOURCE]: async () => ({}) } });
    const arn = start(
      harness,
      callbackMachine({ HeartbeatSecondsPath: '$.heartbeatSeconds', TimeoutSeconds: 86_400 }),
      {
        caseId: 'c-1',
        heartbeatSeconds: 3600,
      },
    );
    await harness.engine.whenSettled(arn);
    const token = harness.calls[0]?.taskToken as string;

    // Act
    await harness.clock.advanceTo(START + 50 * 60_000);
    harness.engine.sendTaskHeartbeat({ taskToken: token });
    await harness.clock.advanceTo(START + 109 * 60_000);
    const beforeDeadline = await harness.engine.whenSettled(arn);
    await harness.clock.advanceTo(START + 110 * 60_000);
    const afterDeadline = await harness.engine.whenSettled(arn);

    // Assess
    expect(beforeDeadline.status).toBe('RUNNING');
    expect(afterDeadline.status).toBe('SUCCEEDED');
    const timedOut = history(harness, arn).find((event) => event.type === 'TaskTimedOut');
    expect(timedOut?.timestamp.getTime()).toBe(START + 110 * 60_000);
    expect(timedOut?.taskTimedOutEventDetails?.error).toBe('States.HeartbeatTimeout');
    expect(() => harness.engine.sendTaskSuccess({ taskToken: token, output: '{}' })).toThrow(TaskTimedOut);
  });

  test('SendTaskSuccess before the timeout wins; a later SendTaskFailure on the token gets TaskTimedOut', async () => {
    // Prepare
    const harness = createHarness({ integrations: { [LAMBDA_RESOURCE]: async () => ({}) } });
    const arn = start(harness, callbackMachine({ TimeoutSeconds: 10 * 86_400 }), { caseId: 'c-1' });
    await harness.engine.whenSettled(arn);
    const token = harness.calls[0]?.taskToken as string;
    await harness.clock.advanceTo(START + 3 * DAY);

    // Act
    harness.engine.sendTaskSuccess({ taskToken: token, output: '{"outcome":"PAID"}' });
    const described = await harness.engine.whenSettled(arn);
    let lateError: unknown;
    try {
      harness.engine.sendTaskFailure({ taskToken: token, error: 'Late', cause: 'too late' });
    } catch (error) {
      lateError = error;
    }

    // Assess
    expect(described.status).toBe('SUCCEEDED');
    expect(JSON.parse(described.output ?? '')).toEqual({ caseId: 'c-1', resolution: { outcome: 'PAID' } });
    expect(lateError).toBeInstanceOf(TaskTimedOut);
    expect((lateError as Error).name).toBe('TaskTimedOut');
    expect(harness.clock.pending()).toEqual([]);
    const succeeded = history(harness, arn).find((event) => event.type === 'TaskSucceeded');
    expect(succeeded?.timestamp.getTime()).toBe(START + 3 * DAY);
  });

  test('task tokens are unique across tasks and executions, and equal $$.Task.Token', async () => {
    // Prepare
    const harness = createHarness({ integrations: { [LAMBDA_RESOURCE]: async () => ({}) } });
    const definition = {
      StartAt: 'First',
      States: {
        First: {
          Type: 'Task',
          Resource: CALLBACK_RESOURCE,
          Parameters: { 'token.$': '$$.Task.Token' },
          Next: 'Second',
        },
        Second: {
          Type: 'Task',
          Resource: CALLBACK_RESOURCE,
          Parameters: { 'token.$': '$$.Task.Token' },
          End: true,
        },
      },
    };
    const stateMachineArn = harness.engine.registerStateMachine({ name: 'Tokens', definition });
    const arns = ['a', 'b', 'c'].map(
      (name) => harness.engine.startExecution({ stateMachineArn, name }).executionArn,
    );

    // Act
    for (const arn of arns) await harness.engine.whenSettled(arn);
    for (const call of [...harness.calls])
      harness.engine.sendTaskSuccess({ taskToken: call.taskToken as string, output: '{}' });
    for (const arn of arns) await harness.engine.whenSettled(arn);
    for (const call of harness.calls.slice(3))
      harness.engine.sendTaskSuccess({ taskToken: call.taskToken as string, output: '{}' });
    const finished = await Promise.all(arns.map((arn) => harness.engine.whenSettled(arn)));

    // Assess
    expect(finished.map((described) => described.status)).toEqual(['SUCCEEDED', 'SUCCEEDED', 'SUCCEEDED']);
    const tokens = harness.calls.map((call) => call.taskToken);
    expect(tokens).toHaveLength(6);
    expect(new Set(tokens).size).toBe(6);
    for (const call of harness.calls) expect(call.parameters).toEqual({ token: call.taskToken });
  });

  test('retry backoff deadlines land 1 s, 2 s and 4 s after each failure', async () => {
    // Prepare
    const harness = createHarness({
      integrations: {
        [LAMBDA_RESOURCE]: async () => {
          throw new Error('temporarily unavailable');
        },
      },
    });
    const arn = start(harness, {
      StartAt: 'Call',
      States: {
        Call: {
          Type: 'Task',
          Resource: LAMBDA_RESOURCE,
          Retry: [{ ErrorEquals: ['States.TaskFailed'], IntervalSeconds: 1, BackoffRate: 2, MaxAttempts: 3 }],
          End: true,
        },
      },
    });

    // Act
    const described = await runToEnd(harness, arn);

    // Assess
    expect(described.status).toBe('FAILED');
    expect(described.error).toBe('States.TaskFailed');
    expect(
      timeline(history(harness, arn)).filter(([type]) => type === 'TaskScheduled' || type === 'TaskFailed'),
    ).toEqual([
      ['TaskScheduled', 0],
      ['TaskFailed', 0],
      ['TaskScheduled', 1000],
      ['TaskFailed', 1000],
      ['TaskScheduled', 3000],
      ['TaskFailed', 3000],
      ['TaskScheduled', 7000],
      ['TaskFailed', 7000],
    ]);
  });

  test('MaxDelaySeconds caps the backoff and FULL jitter stays within it', async () => {
    // Prepare
    const failing = {
      [LAMBDA_RESOURCE]: async () => {
        throw new Error('down');
      },
    };
    const definition = (jitter: 'FULL' | 'NONE') => ({
      StartAt: 'Call',
      States: {
        Call: {
          Type: 'Task',
          Resource: LAMBDA_RESOURCE,
          Retry: [
            {
              ErrorEquals: ['States.ALL'],
              IntervalSeconds: 10,
              BackoffRate: 3,
              MaxAttempts: 4,
              MaxDelaySeconds: 60,
              JitterStrategy: jitter,
            },
          ],
          End: true,
        },
      },
    });
    const capped = createHarness({ integrations: failing });
    const jittered = createHarness({ integrations: failing });
    const cappedArn = start(capped, definition('NONE'));
    const jitteredArn = start(jittered, definition('FULL'));

    // Act
    await runToEnd(capped, cappedArn);
    await runToEnd(jittered, jitteredArn);

    // Assess
    const scheduled = (harness: Harness, arn: string) =>
      timeline(history(harness, arn))
        .filter(([type]) => type === 'TaskScheduled')
        .map(([, at]) => at);
    expect(scheduled(capped, cappedArn)).toEqual([0, 10_000, 40_000, 100_000, 160_000]);
    const gaps = scheduled(jittered, jitteredArn).map((at, index, all) => at - (all[index - 1] ?? 0));
    const bounds = [0, 10_000, 30_000, 60_000, 60_000];
    gaps.forEach((gap, index) => {
      expect(gap).toBeGreaterThanOrEqual(0);
      expect(gap).toBeLessThanOrEqual(bounds[index] as number);
    });
    expect(gaps.slice(1)).not.toEqual(bounds.slice(1));
  });

  test('stopExecution cancels the pending deadline and kills the token', async () => {
    // Prepare
    const harness = createHarness({ integrations: { [LAMBDA_RESOURCE]: async () => ({}) } });
    const arn = start(harness, callbackMachine({ TimeoutSeconds: 30 * 86_400 }), { caseId: 'c-1' });
    await harness.engine.whenSettled(arn);
    const pendingBefore = harness.clock.pending().length;
    await harness.clock.advanceTo(START + DAY);

    // Act
    const { stopDate } = harness.engine.stopExecution({
      executionArn: arn,
      error: 'Case.Closed',
      cause: 'paid offline',
    });
    await harness.clock.advanceTo(START + 60 * DAY);

    // Assess
    expect(pendingBefore).toBe(2);
    expect(harness.clock.pending()).toEqual([]);
    expect(stopDate.getTime()).toBe(START + DAY);
    const described = harness.engine.describeExecution({ executionArn: arn });
    expect(described).toMatchObject({ status: 'ABORTED', error: 'Case.Closed', cause: 'paid offline' });
    const events = history(harness, arn);
    expect(events.at(-1)).toMatchObject({
      type: 'ExecutionAborted',
      executionAbortedEventDetails: { error: 'Case.Closed', cause: 'paid offline' },
    });
    expect(events.some((event) => event.type === 'TaskTimedOut')).toBe(false);
    expect(() =>
      harness.engine.sendTaskSuccess({ taskToken: harness.calls[0]?.taskToken as string, output: '{}' }),
    ).toThrow(TaskTimedOut);
  });

  test('the top-level TimeoutSeconds times the execution out at exactly that instant', async () => {
    // Prepare
    const harness = createHarness();
    const arn = start(harness, {
      TimeoutSeconds: 3600,
      StartAt: 'Wait',
      States: { Wait: { Type: 'Wait', Seconds: 7200, End: true } },
    });

    // Act
    const described = await runToEnd(harness, arn);

    // Assess
    expect(described.status).toBe('TIMED_OUT');
    expect(described.stopDate?.getTime()).toBe(START + HOUR);
    expect(described.error).toBeUndefined();
    expect(described.cause).toBeUndefined();
    expect(history(harness, arn).at(-1)).toMatchObject({
      type: 'ExecutionTimedOut',
      previousEventId: 0,
      executionTimedOutEventDetails: { error: 'States.Timeout' },
    });
    expect(harness.clock.pending()).toEqual([]);
  });

  test('an execution ends at the one-year maximum even without TimeoutSeconds', async () => {
    // Prepare
    const harness = createHarness();
    const arn = start(harness, {
      StartAt: 'Wait',
      States: { Wait: { Type: 'Wait', Seconds: 400 * 86_400, End: true } },
    });

    // Act
    const described = await runToEnd(harness, arn, START + 500 * DAY);

    // Assess
    expect(described.status).toBe('TIMED_OUT');
    expect(described.stopDate?.getTime()).toBe(START + 365 * DAY);
  });

  test('a task without TimeoutSeconds has no timeout (AWS default: none), unlike 60 s in aws-local-stepfunctions', async () => {
    // Prepare
    const harness = createHarness({ integrations: { [LAMBDA_RESOURCE]: async () => ({}) } });
    const arn = start(harness, callbackMachine({}), { caseId: 'c-1' });
    await harness.engine.whenSettled(arn);

    // Act
    await harness.clock.advanceTo(START + 300 * DAY);
    const described = await harness.engine.whenSettled(arn);

    // Assess
    expect(described.status).toBe('RUNNING');
    expect(harness.clock.pending()).toEqual([{ at: START + 365 * DAY, label: 'case-1: execution timeout' }]);
  });

  test('States.TaskFailed does not catch States.Timeout', async () => {
    // Prepare
    const harness = createHarness({ integrations: { [LAMBDA_RESOURCE]: async () => ({}) } });
    const arn = start(harness, {
      StartAt: 'Await',
      States: {
        Await: {
          Type: 'Task',
          Resource: CALLBACK_RESOURCE,
          Parameters: { 'token.$': '$$.Task.Token' },
          TimeoutSeconds: 60,
          Retry: [{ ErrorEquals: ['States.TaskFailed'], MaxAttempts: 5 }],
          Catch: [{ ErrorEquals: ['States.TaskFailed'], Next: 'Wrong' }],
          End: true,
        },
        Wrong: { Type: 'Pass', End: true },
      },
    });

    // Act
    const described = await runToEnd(harness, arn);

    // Assess
    expect(described).toMatchObject({ status: 'FAILED', error: 'States.Timeout' });
    expect(described.cause).toBeUndefined();
    expect(history(harness, arn).filter((event) => event.type === 'TaskScheduled')).toHaveLength(1);
  });

  test('the same definition, inputs, seed and clock give byte-identical histories', async () => {
    // Prepare
    const scenario = async (seed: number) => {
      let calls = 0;
      const harness = createHarness({
        seed,
        integrations: {
          [LAMBDA_RESOURCE]: async (_parameters, context) => {
            if (context.taskToken !== undefined) return { StatusCode: 200 };
            calls++;
            if (calls % 2 === 1) throw new Error('flaky');
            return { ok: calls };
          },
        },
      });
      const stateMachineArn = harness.engine.registerStateMachine({
        name: 'Deterministic',
        definition: {
          StartAt: 'Call',
          States: {
            Call: {
              Type: 'Task',
              Resource: LAMBDA_RESOURCE,
              Parameters: { 'id.$': 'States.UUID()', 'at.$': '$$.State.EnteredTime' },
              Retry: [{ ErrorEquals: ['States.ALL'], JitterStrategy: 'FULL' }],
              Next: 'Await',
            },
            Await: {
              Type: 'Task',
              Resource: CALLBACK_RESOURCE,
              Parameters: { 'token.$': '$$.Task.Token' },
              Next: 'Wait',
            },
            Wait: { Type: 'Wait', Seconds: 3 * 86_400, End: true },
          },
        },
      });
      const { executionArn } = harness.engine.startExecution({ stateMachineArn, input: '{"caseId":"c-7"}' });
      await harness.engine.whenSettled(executionArn);
      await harness.clock.advanceTo(START + HOUR);
      const token = harness.calls.find((call) => call.taskToken !== undefined)?.taskToken as string;
      harness.engine.sendTaskSuccess({ taskToken: token, output: '{"outcome":"PROMISE"}' });
      await runToEnd(harness, executionArn);
      return JSON.stringify(history(harness, executionArn));
    };

    // Act
    const first = await scenario(7);
    const second = await scenario(7);
    const otherSeed = await scenario(8);

    // Assess
    expect(second).toBe(first);
    expect(otherSeed).not.toBe(first);
  });
});
