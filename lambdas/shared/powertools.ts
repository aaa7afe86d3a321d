import { Logger } from '@aws-lambda-powertools/logger';
import { Metrics } from '@aws-lambda-powertools/metrics';
import { Tracer } from '@aws-lambda-powertools/tracer';

/**
 * One logger, metrics and tracer per function. Logs never carry personal data: no event or body is
 * logged, customers appear by id only.
 */
export const logger = new Logger({ serviceName: 'collections' });
export const metrics = new Metrics({ namespace: 'Collections', serviceName: 'collections' });
export const tracer = new Tracer({ serviceName: 'collections' });
