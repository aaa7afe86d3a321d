import { injectLambdaContext } from '@aws-lambda-powertools/logger/middleware';
import { MetricUnit } from '@aws-lambda-powertools/metrics';
import { logMetrics } from '@aws-lambda-powertools/metrics/middleware';
import middy from '@middy/core';
import { fieldErrors } from '../domain/field-errors';
import * as z from '../domain/zod';
import { logger, metrics } from './powertools';

/** A business instant from the workflow (`$$.State.EnteredTime`), normalised to ISO with milliseconds. */
export const stepTime = z.pipe(
  z.iso.datetime({ offset: true }),
  z.transform((value: string) => new Date(value).toISOString()),
);

/** The workflow passed a payload this step does not accept: a bug in the ASL, so the task fails loudly. */
export class InvalidStepInputError extends Error {
  override readonly name = 'InvalidStepInputError';
}

/**
 * A Lambda task of the case workflow. Its input is the task's `Payload` (business time included as
 * `at`, from `$$.State.EnteredTime`); its result goes back to the state machine.
 */
export function workflowStep<S extends z.ZodMiniType, R>(schema: S, run: (input: z.infer<S>) => Promise<R>) {
  const handle = async (event: unknown): Promise<R> => {
    metrics.addMetric('WorkflowStep', MetricUnit.Count, 1);
    const parsed = schema.safeParse(event);
    if (!parsed.success) {
      const problems = fieldErrors(parsed.error).map((error) => `${error.path}: ${error.message}`);
      throw new InvalidStepInputError(problems.join('; '));
    }
    return run(parsed.data);
  };
  return middy(handle)
    .use(injectLambdaContext(logger, { resetKeys: true }))
    .use(logMetrics(metrics));
}
