import { injectLambdaContext } from '@aws-lambda-powertools/logger/middleware';
import { logMetrics } from '@aws-lambda-powertools/metrics/middleware';
import { captureLambdaHandler } from '@aws-lambda-powertools/tracer/middleware';
import middy from '@middy/core';
import type { z } from 'zod';
import { fieldErrors } from '../domain/requests';
import { logger, metrics, tracer } from './powertools';

/** The workflow passed a payload this step does not accept: a bug in the ASL, so the task fails loudly. */
export class InvalidStepInputError extends Error {
  override readonly name = 'InvalidStepInputError';
}

/**
 * A Lambda task of the case workflow. Its input is the task's `Payload` (business time included as
 * `at`, from `$$.State.EnteredTime`); its result goes back to the state machine.
 */
export function workflowStep<S extends z.ZodType, R>(schema: S, run: (input: z.infer<S>) => Promise<R>) {
  const handle = async (event: unknown): Promise<R> => {
    const parsed = schema.safeParse(event);
    if (!parsed.success) {
      const problems = fieldErrors(parsed.error).map((error) => `${error.path}: ${error.message}`);
      throw new InvalidStepInputError(problems.join('; '));
    }
    return run(parsed.data);
  };
  return middy(handle)
    .use(injectLambdaContext(logger, { resetKeys: true }))
    .use(captureLambdaHandler(tracer))
    .use(logMetrics(metrics));
}
