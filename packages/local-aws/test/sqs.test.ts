import { createHash } from 'node:crypto';
import type { SQSEvent } from 'aws-lambda';
import { VirtualClock } from '../src/clock';
import { Ids } from '../src/ids';
import { functionsOf, LambdaHost } from '../src/lambda-host';
import { script, scriptedFunctions } from '../src/scripted-functions';
import { LocalQueues } from '../src/sqs';
import { localArn, SynthesizedApp } from '../src/template';

const START = Date.parse('2026-03-02T00:00:00Z');
const VISIBILITY_MS = 90_000;
const WORK = localArn('sqs', 'Work');
const DEAD_LETTERS = localArn('sqs', 'WorkDeadLetters');

const functions = scriptedFunctions('Consumer');
afterAll(() => functions.remove());

interface Delivery {
  at: number;
  bodies: string[];
  receiveCounts: string[];
}

interface Mapping {
  batchSize?: number;
  maxConcurrency?: number;
  reportFailures?: boolean;
  maxReceiveCount?: number;
}

/** A queue `Work` (90 s visibility, DLQ `WorkDeadLetters`) consumed by the scripted `Consumer`. */
function queuesWith(mapping: Mapping = {}) {
  const app = new SynthesizedApp(functions.cdkOut, {
    Resources: {
      ...functions.resources,
      Work: {
        Type: 'AWS::SQS::Queue',
        Properties: {
          QueueName: 'Work',
          VisibilityTimeout: VISIBILITY_MS / 1000,
          RedrivePolicy: {
            deadLetterTargetArn: { 'Fn::GetAtt': ['WorkDeadLetters', 'Arn'] },
            maxReceiveCount: mapping.maxReceiveCount ?? 3,
          },
        },
      },
      WorkDeadLetters: { Type: 'AWS::SQS::Queue', Properties: { QueueName: 'WorkDeadLetters' } },
      Mapping: {
        Type: 'AWS::Lambda::EventSourceMapping',
        Properties: {
          EventSourceArn: { 'Fn::GetAtt': ['Work', 'Arn'] },
          FunctionName: { Ref: 'Consumer' },
          BatchSize: mapping.batchSize ?? 10,
          ScalingConfig: { MaximumConcurrency: mapping.maxConcurrency ?? 5 },
          FunctionResponseTypes: mapping.reportFailures === false ? [] : ['ReportBatchItemFailures'],
        },
      },
    },
  });
  const clock = new VirtualClock({ start: START, speed: 0 });
  const ids = new Ids(1);
  const queues = new LocalQueues(
    app,
    clock,
    ids,
    new LambdaHost(functionsOf(app, functions.cdkOut), ids, {
      source: 'source',
      runtimeEnvironment: () => ({}),
    }),
  );
  const deliveries: Delivery[] = [];
  /** Scripts the consumer: it records each batch, then answers with `reply`. */
  const consume = (reply: (event: SQSEvent) => unknown) =>
    script('Consumer', (event) => {
      const { Records } = event as SQSEvent;
      deliveries.push({
        at: clock.now(),
        bodies: Records.map((record) => record.body),
        receiveCounts: Records.map((record) => record.attributes.ApproximateReceiveCount),
      });
      return reply(event as SQSEvent);
    });
  const sendAll = async (...bodies: string[]) => {
    const messageIds = bodies.map((body) => queues.send(WORK, body));
    await clock.whenQuiet();
    return messageIds;
  };
  const depth = (arn: string) => queues.depths().find((queue) => queue.arn === arn);
  return { clock, queues, deliveries, consume, sendAll, depth };
}

/** The messages received at `at` (redeliveries due at one instant may arrive in separate batches). */
const redeliveredAt = (deliveries: Delivery[], at: number) =>
  deliveries.filter((delivery) => delivery.at === at).flatMap((delivery) => delivery.bodies);

const failing =
  (...bodies: string[]) =>
  (event: SQSEvent) => ({
    batchItemFailures: event.Records.filter((record) => bodies.includes(record.body)).map((record) => ({
      itemIdentifier: record.messageId,
    })),
  });

describe('LocalQueues: delivery to the event-source mapping', () => {
  test('delivers an SQS event with the message as sent', async () => {
    // Prepare
    const { consume, clock, queues } = queuesWith();
    let received: SQSEvent | undefined;
    consume((event) => {
      received = event;
      return { batchItemFailures: [] };
    });

    // Act
    const messageId = queues.send(WORK, '{"hello":"world"}');
    await clock.whenQuiet();

    // Assess
    expect(received?.Records).toEqual([
      expect.objectContaining({
        messageId,
        body: '{"hello":"world"}',
        md5OfBody: createHash('md5').update('{"hello":"world"}').digest('hex'),
        eventSource: 'aws:sqs',
        eventSourceARN: WORK,
        awsRegion: 'us-east-1',
        attributes: expect.objectContaining({
          ApproximateReceiveCount: '1',
          SentTimestamp: String(START),
          ApproximateFirstReceiveTimestamp: String(START),
        }),
      }),
    ]);
  });

  test('batches hold at most BatchSize messages, and every message arrives once', async () => {
    // Prepare: the first messages start invocations at once; those sent meanwhile wait and batch up
    const { consume, sendAll, deliveries } = queuesWith({ batchSize: 3, maxConcurrency: 2 });
    consume(() => new Promise((resolve) => setTimeout(() => resolve(null), 5)));
    const bodies = ['m1', 'm2', 'm3', 'm4', 'm5', 'm6', 'm7', 'm8', 'm9'];

    // Act
    await sendAll(...bodies);

    // Assess
    const sizes = deliveries.map((delivery) => delivery.bodies.length);
    expect(Math.max(...sizes)).toBe(3);
    expect(deliveries.flatMap((delivery) => delivery.bodies).sort()).toEqual(bodies);
  });

  test('at most MaximumConcurrency batches are in flight at once', async () => {
    // Prepare
    const { consume, clock, queues, depth, deliveries } = queuesWith({ batchSize: 1, maxConcurrency: 2 });
    consume(() => null);

    // Act
    for (const body of ['a', 'b', 'c', 'd', 'e', 'f']) queues.send(WORK, body);
    const whileSending = depth(WORK);
    await clock.whenQuiet();

    // Assess
    expect(whileSending).toMatchObject({ inFlight: 2, visible: 4 });
    expect(deliveries).toHaveLength(6);
    expect(depth(WORK)).toMatchObject({ inFlight: 0, visible: 0 });
  });
});

describe('LocalQueues: failures and redelivery on the virtual clock', () => {
  test('a partial batch failure redelivers only the failed message, after VisibilityTimeout', async () => {
    // Prepare: one invocation at a time, so the three messages sent behind the first share a batch
    const { consume, sendAll, deliveries, clock } = queuesWith({ maxConcurrency: 1 });
    consume(failing('bad'));
    await sendAll('first', 'good', 'bad', 'fine');

    // Act
    await clock.advanceTo(START + VISIBILITY_MS - 1);
    const beforeTimeout = deliveries.length;
    await clock.advanceTo(START + VISIBILITY_MS);

    // Assess
    expect(beforeTimeout).toBe(2);
    expect(deliveries).toEqual([
      { at: START, bodies: ['first'], receiveCounts: ['1'] },
      { at: START, bodies: ['good', 'bad', 'fine'], receiveCounts: ['1', '1', '1'] },
      { at: START + VISIBILITY_MS, bodies: ['bad'], receiveCounts: ['2'] },
    ]);
  });

  test('a thrown error fails the whole batch', async () => {
    // Prepare
    const { consume, sendAll, deliveries, clock } = queuesWith({ maxConcurrency: 1 });
    consume((event) => {
      if (event.Records.length > 1) throw new Error('database unavailable');
      return null;
    });
    await sendAll('first', 'one', 'two');
    consume(() => ({ batchItemFailures: [] }));

    // Act
    await clock.advanceTo(START + VISIBILITY_MS);

    // Assess
    expect(deliveries.map(({ at, bodies }) => ({ at, bodies })).slice(0, 2)).toEqual([
      { at: START, bodies: ['first'] },
      { at: START, bodies: ['one', 'two'] },
    ]);
    expect(redeliveredAt(deliveries, START + VISIBILITY_MS)).toEqual(['one', 'two']);
  });

  test.each([
    ['an itemIdentifier that is not in the batch', { batchItemFailures: [{ itemIdentifier: 'no-such-id' }] }],
    ['an empty itemIdentifier', { batchItemFailures: [{ itemIdentifier: '' }] }],
    ['a null itemIdentifier', { batchItemFailures: [{ itemIdentifier: null }] }],
    ['a misspelt key', { batchItemFailures: [{ itemId: 'x' }] }],
  ])('a response with %s fails the whole batch', async (_name, reply) => {
    // Prepare
    const { consume, sendAll, deliveries, clock } = queuesWith({ maxConcurrency: 1 });
    consume((event) => (event.Records.length > 1 ? reply : null));
    await sendAll('first', 'one', 'two');
    consume(() => null);

    // Act
    await clock.advanceTo(START + VISIBILITY_MS);

    // Assess
    expect(deliveries.map(({ bodies }) => bodies).slice(0, 2)).toEqual([['first'], ['one', 'two']]);
    expect(redeliveredAt(deliveries, START + VISIBILITY_MS)).toEqual(['one', 'two']);
  });

  test('without ReportBatchItemFailures a returned failure list is ignored', async () => {
    // Prepare
    const { consume, sendAll, deliveries, clock, depth } = queuesWith({ reportFailures: false });
    consume(() => ({ batchItemFailures: [{ itemIdentifier: 'whatever' }] }));
    await sendAll('good', 'bad');

    // Act
    await clock.advanceTo(START + 10 * VISIBILITY_MS);

    // Assess
    expect(deliveries.map(({ at, bodies }) => [at, bodies])).toEqual([
      [START, ['good']],
      [START, ['bad']],
    ]);
    expect(depth(DEAD_LETTERS)?.visible).toBe(0);
  });

  test('after maxReceiveCount receives the message moves to the dead-letter queue', async () => {
    // Prepare
    const { consume, sendAll, deliveries, clock, depth } = queuesWith({ maxReceiveCount: 3 });
    consume(failing('poison'));
    await sendAll('poison', 'fine');

    // Act
    await clock.advanceTo(START + 10 * VISIBILITY_MS);

    // Assess
    expect(deliveries.map(({ at, bodies, receiveCounts }) => [at - START, bodies, receiveCounts])).toEqual([
      [0, ['poison'], ['1']],
      [0, ['fine'], ['1']],
      [VISIBILITY_MS, ['poison'], ['2']],
      [2 * VISIBILITY_MS, ['poison'], ['3']],
    ]);
    expect(depth(WORK)).toMatchObject({ visible: 0, inFlight: 0, consumer: 'Consumer' });
    expect(depth(DEAD_LETTERS)).toMatchObject({ visible: 1, consumer: null });
  });

  test('redrive moves dead letters back to their queue, where they are received afresh', async () => {
    // Prepare
    const { consume, sendAll, deliveries, clock, queues, depth } = queuesWith({ maxReceiveCount: 1 });
    consume(failing('poison'));
    const [messageId] = await sendAll('poison');
    let redelivered: string | undefined;
    consume((event) => {
      redelivered = event.Records[0]?.messageId;
      return null;
    });

    // Act
    const moved = queues.redrive(DEAD_LETTERS);
    await clock.whenQuiet();

    // Assess
    expect(moved).toBe(1);
    expect(deliveries.map(({ bodies, receiveCounts }) => [bodies, receiveCounts])).toEqual([
      [['poison'], ['1']],
      [['poison'], ['1']],
    ]);
    expect(redelivered).toBe(messageId);
    expect(depth(DEAD_LETTERS)?.visible).toBe(0);
  });

  test('redrive of a queue that is no dead-letter queue moves nothing', () => {
    // Prepare
    const { queues } = queuesWith();

    // Act and Assess
    expect(queues.redrive(WORK)).toBe(0);
  });
});
