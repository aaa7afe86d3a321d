import { Duration } from 'aws-cdk-lib';
import * as events from 'aws-cdk-lib/aws-events';
import * as targets from 'aws-cdk-lib/aws-events-targets';
import { SqsEventSource } from 'aws-cdk-lib/aws-lambda-event-sources';
import * as sqs from 'aws-cdk-lib/aws-sqs';
import { Construct } from 'constructs';
import { ENV } from '../lambdas/shared/config';
import type { ProjectFunction } from './project-function';

/** `source` of the platform's events and of ours (docs/api.md). */
export const PLATFORM_SOURCE = 'rental.platform';
export const COLLECTIONS_SOURCE = 'rental.collections';

/** Retries before a message goes to its dead-letter queue. */
const MAX_RECEIVE_COUNT = 5;

/**
 * The `collections` bus. Inbound platform events go through SQS queues (each with a DLQ) to their
 * consumers, so a month-start burst of overdue rentals is throttled by bounded concurrency, never lost.
 */
export class CollectionsEvents extends Construct {
  readonly bus: events.EventBus;
  readonly deadLetterQueues: sqs.Queue[] = [];

  constructor(scope: Construct, id: string) {
    super(scope, id);
    this.bus = new events.EventBus(this, 'Bus', {
      // The contract's name (docs/api.md): the platform puts its events on `collections`.
      eventBusName: 'collections',
      description: 'Overdue rental collections: platform events in, case events out.',
    });
  }

  /** May put case events on the bus itself (API commands; the workflow announces through its states). */
  allowCaseEvents(fn: ProjectFunction): ProjectFunction {
    fn.fn.addEnvironment(ENV.eventBusName, this.bus.eventBusName);
    this.bus.grantPutEventsTo(fn.role);
    return fn;
  }

  /**
   * Routes the platform's `detailTypes` through a new queue to `consumer`, at most `maxConcurrency`
   * invocations at a time, with partial batch failures so only failed messages are retried.
   */
  routeToConsumer(
    id: string,
    detailTypes: string[],
    consumer: ProjectFunction,
    maxConcurrency: number,
  ): sqs.Queue {
    const deadLetters = new sqs.Queue(this, `${id}DeadLetters`, {
      encryption: sqs.QueueEncryption.SQS_MANAGED,
      enforceSSL: true,
      retentionPeriod: Duration.days(14),
    });
    this.deadLetterQueues.push(deadLetters);
    const queue = new sqs.Queue(this, `${id}Queue`, {
      encryption: sqs.QueueEncryption.SQS_MANAGED,
      enforceSSL: true,
      // Six times the consumer's timeout, as AWS recommends for Lambda event sources.
      visibilityTimeout: consumer.fn.timeout
        ? Duration.seconds(consumer.fn.timeout.toSeconds() * 6)
        : Duration.minutes(2),
      deadLetterQueue: { queue: deadLetters, maxReceiveCount: MAX_RECEIVE_COUNT },
    });
    new events.Rule(this, `${id}Rule`, {
      eventBus: this.bus,
      description: `${detailTypes.join(', ')} from the platform to ${id}`,
      eventPattern: { source: [PLATFORM_SOURCE], detailType: detailTypes },
      targets: [new targets.SqsQueue(queue, { deadLetterQueue: deadLetters, retryAttempts: 185 })],
    });
    consumer.fn.addEventSource(
      new SqsEventSource(queue, { batchSize: 10, maxConcurrency, reportBatchItemFailures: true }),
    );
    return queue;
  }
}
