import { createHash } from 'node:crypto';
import type { SQSBatchResponse, SQSEvent } from 'aws-lambda';
import type { Scheduler } from './clock';
import type { Ids } from './ids';
import type { LambdaHost } from './lambda-host';
import { LOCAL_REGION, type SynthesizedApp } from './template';

/**
 * The app's SQS queues and their Lambda event-source mappings: batches up to `BatchSize`, at most
 * `MaximumConcurrency` invocations at once, partial batch failures, redelivery after the visibility
 * timeout (on the virtual clock) and the move to the dead-letter queue after `maxReceiveCount`.
 */
interface Message {
  messageId: string;
  body: string;
  receiveCount: number;
  sentAt: number;
  firstReceivedAt?: number;
}

interface Mapping {
  functionName: string;
  batchSize: number;
  maxConcurrency: number;
  reportBatchItemFailures: boolean;
}

interface LocalQueue {
  name: string;
  arn: string;
  visibilityTimeoutSeconds: number;
  deadLetterArn?: string;
  maxReceiveCount: number;
  visible: Message[];
  inFlight: number;
  active: number;
  mapping?: Mapping;
}

export interface QueueDepth {
  name: string;
  arn: string;
  visible: number;
  inFlight: number;
  consumer: string | null;
}

export class LocalQueues {
  private readonly queues = new Map<string, LocalQueue>();

  constructor(
    app: SynthesizedApp,
    private readonly clock: Scheduler,
    private readonly ids: Ids,
    private readonly lambdas: LambdaHost,
  ) {
    for (const [logicalId, resource] of app.ofType('AWS::SQS::Queue')) {
      const properties = resource.Properties ?? {};
      const redrive = properties.RedrivePolicy as
        | { deadLetterTargetArn?: unknown; maxReceiveCount?: number }
        | undefined;
      const queue: LocalQueue = {
        name: app.getAtt(logicalId, 'QueueName'),
        arn: app.getAtt(logicalId, 'Arn'),
        visibilityTimeoutSeconds: Number(properties.VisibilityTimeout ?? 30),
        maxReceiveCount: Number(redrive?.maxReceiveCount ?? Number.POSITIVE_INFINITY),
        visible: [],
        inFlight: 0,
        active: 0,
      };
      if (redrive?.deadLetterTargetArn) queue.deadLetterArn = app.resolveString(redrive.deadLetterTargetArn);
      this.queues.set(queue.arn, queue);
    }
    for (const [, resource] of app.ofType('AWS::Lambda::EventSourceMapping')) {
      const properties = resource.Properties ?? {};
      const queue = this.queues.get(app.resolveString(properties.EventSourceArn));
      if (!queue) continue;
      queue.mapping = {
        functionName: app.resolveString(properties.FunctionName),
        batchSize: Number(properties.BatchSize ?? 10),
        maxConcurrency: Number(
          (properties.ScalingConfig as { MaximumConcurrency?: number } | undefined)?.MaximumConcurrency ??
            1000,
        ),
        reportBatchItemFailures: ((properties.FunctionResponseTypes as string[] | undefined) ?? []).includes(
          'ReportBatchItemFailures',
        ),
      };
    }
  }

  has(arn: string): boolean {
    return this.queues.has(arn);
  }

  depths(): QueueDepth[] {
    return [...this.queues.values()].map((queue) => ({
      name: queue.name,
      arn: queue.arn,
      visible: queue.visible.length,
      inFlight: queue.inFlight,
      consumer: queue.mapping?.functionName ?? null,
    }));
  }

  /** Moves every message of a dead-letter queue back to the queue that sent it there (a redrive). */
  redrive(deadLetterArn: string): number {
    const deadLetters = this.queues.get(deadLetterArn);
    const source = [...this.queues.values()].find((queue) => queue.deadLetterArn === deadLetterArn);
    if (!deadLetters || !source) return 0;
    const moved = deadLetters.visible.splice(0);
    for (const message of moved) this.enqueue(source, { ...message, receiveCount: 0 });
    return moved.length;
  }

  send(queueArn: string, body: string): string {
    const queue = this.queues.get(queueArn);
    if (!queue) throw new Error(`no queue ${queueArn}`);
    const message: Message = { messageId: this.ids.uuid(), body, receiveCount: 0, sentAt: this.clock.now() };
    this.enqueue(queue, message);
    return message.messageId;
  }

  private enqueue(queue: LocalQueue, message: Message): void {
    queue.visible.push(message);
    this.pump(queue);
  }

  private pump(queue: LocalQueue): void {
    const mapping = queue.mapping;
    if (!mapping) return;
    while (queue.visible.length > 0 && queue.active < mapping.maxConcurrency) {
      const batch = queue.visible.splice(0, mapping.batchSize);
      queue.active++;
      queue.inFlight += batch.length;
      void this.clock.track(
        this.consume(queue, mapping, batch).finally(() => {
          queue.active--;
          queue.inFlight -= batch.length;
          this.pump(queue);
        }),
      );
    }
  }

  private async consume(queue: LocalQueue, mapping: Mapping, batch: Message[]): Promise<void> {
    const now = this.clock.now();
    for (const message of batch) {
      message.receiveCount++;
      message.firstReceivedAt ??= now;
    }
    const all = new Set(batch.map((message) => message.messageId));
    let failed: Set<string>;
    try {
      const result = await this.lambdas.invoke(mapping.functionName, this.event(queue, batch));
      failed = mapping.reportBatchItemFailures ? failedItems(result, all) : new Set();
    } catch {
      failed = all;
    }
    for (const message of batch.filter((candidate) => failed.has(candidate.messageId)))
      this.retry(queue, message);
  }

  private retry(queue: LocalQueue, message: Message): void {
    const deadLetters = queue.deadLetterArn ? this.queues.get(queue.deadLetterArn) : undefined;
    if (deadLetters && message.receiveCount >= queue.maxReceiveCount) {
      this.enqueue(deadLetters, { ...message, receiveCount: 0 });
      return;
    }
    this.clock.schedule(
      this.clock.now() + queue.visibilityTimeoutSeconds * 1000,
      `sqs redelivery ${queue.name}`,
      () => this.enqueue(queue, message),
    );
  }

  private event(queue: LocalQueue, batch: Message[]): SQSEvent {
    return {
      Records: batch.map((message) => ({
        messageId: message.messageId,
        receiptHandle: `${message.messageId}#${message.receiveCount}`,
        body: message.body,
        attributes: {
          ApproximateReceiveCount: String(message.receiveCount),
          SentTimestamp: String(message.sentAt),
          SenderId: 'events.amazonaws.com',
          ApproximateFirstReceiveTimestamp: String(message.firstReceivedAt ?? message.sentAt),
        },
        messageAttributes: {},
        md5OfBody: createHash('md5').update(message.body).digest('hex'),
        eventSource: 'aws:sqs',
        eventSourceARN: queue.arn,
        awsRegion: LOCAL_REGION,
      })),
    };
  }
}

/**
 * The messages a partial batch response reports as failed, as Lambda reads it: no response, no or
 * an empty `batchItemFailures` is a complete success; an item whose `itemIdentifier` is missing,
 * empty, null or not a message of the batch makes the whole batch a failure.
 */
function failedItems(result: unknown, batch: Set<string>): Set<string> {
  if (result === null || typeof result !== 'object') return new Set();
  const items = (result as Partial<SQSBatchResponse>).batchItemFailures;
  if (items === undefined || items === null) return new Set();
  if (!Array.isArray(items)) return batch;
  const failed = new Set<string>();
  for (const item of items as unknown[]) {
    const id = (item as { itemIdentifier?: unknown } | null)?.itemIdentifier;
    if (typeof id !== 'string' || !batch.has(id)) return batch;
    failed.add(id);
  }
  return failed;
}
