import { ENV, optionalEnv, requireEnv } from '../shared/config';
import { documentClient, sesClient, snsClient, stepFunctionsClient } from './clients';
import { DynamoCaseRepository } from './dynamo-cases';
import { DynamoCustomerRepository } from './dynamo-customers';
import { DynamoTimelineRepository } from './dynamo-timeline';
import { SnsSesMessenger } from './messenger';
import { StepFunctionsCaseWorkflow } from './sfn-workflow';

/**
 * The adapters a function uses, built on first use from the environment. A function only has the
 * variables (and grants) of what it uses, so each one is looked up when first asked for.
 */
const memo = <T>(build: () => T): (() => T) => {
  let value: T | undefined;
  return () => {
    value ??= build();
    return value;
  };
};

export const adapters = {
  cases: memo(() => new DynamoCaseRepository(documentClient(), requireEnv(ENV.casesTable))),
  timeline: memo(() => new DynamoTimelineRepository(documentClient(), requireEnv(ENV.timelineTable))),
  customers: memo(() => new DynamoCustomerRepository(documentClient(), requireEnv(ENV.customersTable))),
  workflow: memo(
    () => new StepFunctionsCaseWorkflow(stepFunctionsClient(), () => requireEnv(ENV.stateMachineArn)),
  ),
  messenger: memo(
    () =>
      new SnsSesMessenger(snsClient(), sesClient(), {
        senderEmail: requireEnv(ENV.senderEmail),
        configurationSet: requireEnv(ENV.emailConfigurationSet),
        smsSenderId: optionalEnv(ENV.smsSenderId),
      }),
  ),
};
