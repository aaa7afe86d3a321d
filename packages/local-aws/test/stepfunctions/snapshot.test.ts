/** Executions are plain records: a snapshot taken mid-flight resumes in a fresh engine after a restart. */
import {
  CALLBACK_RESOURCE,
  createHarness,
  DAY,
  history,
  LAMBDA_RESOURCE,
  runToEnd,
  SDK_RESOURCE,
  START,
  timeline,
} from './harness';

const DEFINITION = {
  StartAt: 'Route',
  States: {
    Route: {
      Type: 'Choice',
      Choices: [
        { Variable: '$.kind', StringEquals: 'wait', Next: 'Wait 40 days' },
        { Variable: '$.kind', StringEquals: 'callback', Next: 'Await resolution' },
        { Variable: '$.kind', StringEquals: 'retry', Next: 'Flaky call' },
      ],
      Default: 'Slow call',
    },
    'Wait 40 days': { Type: 'Wait', Seconds: 40 * 86_400, End: true },
    'Await resolution': {
      Type: 'Task',
      Resource: CALLBACK_RESOURCE,
      Parameters: { 'token.$': '$$.Task.Token' },
      TimeoutSeconds: 10 * 86_400,
      End: true,
    },
    'Flaky call': {
      Type: 'Task',
      Resource: SDK_RESOURCE,
      Retry: [{ ErrorEquals: ['States.ALL'], IntervalSeconds: 2 * 86_400 }],
      End: true,
    },
    'Slow call': { Type: 'Task', Resource: LAMBDA_RESOURCE, End: true },
  },
};

describe('snapshot and restore', () => {
  test('waiting, backing-off, callback and in-flight executions resume after a restart', async () => {
    // Prepare: before the restart, the slow call never answers and the flaky call fails once.
    const before = createHarness({
      integrations: {
        [LAMBDA_RESOURCE]: (_parameters, context) =>
          context.taskToken === undefined ? new Promise(() => undefined) : Promise.resolve({}),
        [SDK_RESOURCE]: async () => {
          throw new Error('flaky');
        },
      },
    });
    const stateMachineArn = before.engine.registerStateMachine({ name: 'Cases', definition: DEFINITION });
    const begin = (kind: string) =>
      before.engine.startExecution({ stateMachineArn, name: kind, input: JSON.stringify({ kind }) })
        .executionArn;
    const arns: Record<string, string> = {
      wait: begin('wait'),
      callback: begin('callback'),
      retry: begin('retry'),
    };
    await before.clock.advanceTo(START + DAY);
    // The slow call starts last and is still in flight when the snapshot is taken.
    arns.slow = begin('slow');
    while (!before.calls.some((call) => call.stateName === 'Slow call'))
      await new Promise((resolve) => setImmediate(resolve));
    const token = before.calls.find((call) => call.taskToken !== undefined)?.taskToken as string;
    const saved = JSON.stringify(before.engine.snapshot());

    // Act: a new process, a new clock standing where the old one stopped.
    const after = createHarness({
      start: START + DAY,
      integrations: {
        [LAMBDA_RESOURCE]: async () => ({ done: true }),
        [SDK_RESOURCE]: async () => ({ ok: true }),
      },
    });
    after.engine.restore(JSON.parse(saved));
    after.engine.sendTaskSuccess({ taskToken: token, output: '{"outcome":"PAID"}' });
    const results = await Promise.all(Object.values(arns).map((arn) => runToEnd(after, arn)));

    // Assess
    expect(results.map((result) => [result.name, result.status, result.output])).toEqual([
      ['wait', 'SUCCEEDED', '{"kind":"wait"}'],
      ['callback', 'SUCCEEDED', '{"outcome":"PAID"}'],
      ['retry', 'SUCCEEDED', '{"ok":true}'],
      ['slow', 'SUCCEEDED', '{"done":true}'],
    ]);
    expect(timeline(history(after, arns.wait as string)).slice(-2)).toEqual([
      ['WaitStateExited', 40 * DAY],
      ['ExecutionSucceeded', 40 * DAY],
    ]);
    expect(
      timeline(history(after, arns.retry as string)).filter(([type]) => type === 'TaskScheduled'),
    ).toEqual([
      ['TaskScheduled', 0],
      ['TaskScheduled', 2 * DAY],
    ]);
    // The call lost with the old process is made again, at the restart.
    expect(
      timeline(history(after, arns.slow as string)).filter(([type]) => type === 'TaskScheduled'),
    ).toEqual([
      ['TaskScheduled', DAY],
      ['TaskScheduled', DAY],
    ]);
    const ids = history(after, arns.callback as string).map((event) => event.id);
    expect(ids).toEqual(ids.map((_id, index) => index + 1));
    expect(after.engine.listExecutions({ stateMachineArn }).executions.map((item) => item.name)).toEqual([
      'slow',
      'retry',
      'callback',
      'wait',
    ]);
    expect(before.engine.describeExecution({ executionArn: arns.slow as string }).status).toBe('RUNNING');
  });
});
