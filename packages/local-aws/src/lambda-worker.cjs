'use strict';
// One Lambda instance of the local runtime: a worker thread with the function's own environment
// (only the variables its template gives it, plus the runtime's endpoints), loading its bundle once
// and running one event at a time, like a Lambda execution environment.
const { parentPort, workerData } = require('node:worker_threads');

const module_ = require(workerData.file);
const handler = module_[workerData.exportName];

parentPort.on('message', async ({ id, event, context }) => {
  const deadline = Date.now() + context.timeoutMs;
  const lambdaContext = {
    callbackWaitsForEmptyEventLoop: true,
    functionName: context.functionName,
    functionVersion: '$LATEST',
    invokedFunctionArn: context.invokedFunctionArn,
    memoryLimitInMB: '512',
    awsRequestId: context.awsRequestId,
    logGroupName: `/aws/lambda/${context.functionName}`,
    logStreamName: 'local',
    getRemainingTimeInMillis: () => Math.max(0, deadline - Date.now()),
    done: () => undefined,
    fail: () => undefined,
    succeed: () => undefined,
  };
  try {
    if (typeof handler !== 'function')
      throw new TypeError(`${workerData.file} exports no ${workerData.exportName}`);
    const result = await handler(event, lambdaContext);
    parentPort.postMessage({
      id,
      ok: true,
      result: result === undefined ? null : JSON.parse(JSON.stringify(result)),
    });
  } catch (error) {
    const failure = error instanceof Error ? error : new Error(String(error));
    parentPort.postMessage({
      id,
      ok: false,
      errorType: failure.name,
      errorMessage: failure.message,
      trace: (failure.stack ?? '').split('\n').slice(1, 6),
    });
  }
});
