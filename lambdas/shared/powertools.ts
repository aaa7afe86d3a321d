import { Logger } from '@aws-lambda-powertools/logger';
import { Metrics } from '@aws-lambda-powertools/metrics';

/**
 * One logger and metrics per function. Logs never carry personal data: no event or body is logged,
 * customers appear by id only.
 *
 * No Powertools Tracer, on purpose: it brings the X-Ray SDK into every bundle (about 120 KB, and
 * 15-20 ms of cold start per function, measured). Lambda's active tracing and the state machine's
 * tracing stay on (lib/), so X-Ray still shows each invocation's Lambda service and function segments
 * inside the execution's trace; what is lost is the subsegment per SDK call (DynamoDB, SNS, SES,
 * Step Functions, EventBridge, Secrets Manager) and handler annotations. If a slow call must be found,
 * the SDK call's latency is not in the trace: add a metric, or bring the Tracer back for that one function.
 */
export const logger = new Logger({ serviceName: 'collections' });
export const metrics = new Metrics({ namespace: 'Collections', serviceName: 'collections' });
