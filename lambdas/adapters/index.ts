import type { CreditBureau } from '../domain/ports';
import { ENV, optionalEnv, requireEnv } from '../shared/config';
import {
  documentClient,
  eventBridgeClient,
  sesClient,
  smsClient,
  snsClient,
  stepFunctionsClient,
} from './clients';
import { creditBureauFromEnvironment } from './credit-bureau-config';
import { DynamoCaseRepository } from './dynamo-cases';
import { DynamoCustomerRepository } from './dynamo-customers';
import { DynamoTimelineRepository } from './dynamo-timeline';
import { DynamoWorkItemRepository } from './dynamo-work-items';
import { EventBridgeCaseEvents } from './eventbridge-case-events';
import { SnsSesMessenger } from './messenger';
import { SealedOptOutLinks } from './opt-out-links';
import { StepFunctionsCaseWorkflow } from './sfn-workflow';
import { SnsLegalReferrals } from './sns-legal-referrals';

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
  workItems: memo(() => new DynamoWorkItemRepository(documentClient(), requireEnv(ENV.workItemsTable))),
  links: memo(
    () => new SealedOptOutLinks(() => requireEnv(ENV.optOutBaseUrl), requireEnv(ENV.signingSecretArn)),
  ),
  referrals: memo(() => new SnsLegalReferrals(snsClient(), requireEnv(ENV.legalTopicArn))),
  events: memo(() => new EventBridgeCaseEvents(eventBridgeClient(), requireEnv(ENV.eventBusName))),
  /** Read from its secret on first use (per container). */
  bureau: () => (): Promise<CreditBureau> => creditBureauFromEnvironment(),
  messenger: memo(
    () =>
      new SnsSesMessenger(smsClient(), sesClient(), {
        senderEmail: requireEnv(ENV.senderEmail),
        configurationSet: requireEnv(ENV.emailConfigurationSet),
        smsSenderId: optionalEnv(ENV.smsSenderId),
      }),
  ),
};

type Adapters = typeof adapters;
export type AdapterName = keyof Adapters;
export type Wired<K extends AdapterName> = { [P in K]: ReturnType<Adapters[P]> };

/**
 * The named adapters as a dependency object whose members are built on first use, so a function
 * only needs the variables (and grants) of the adapters its code actually touches.
 */
export function wire<K extends AdapterName>(...names: K[]): Wired<K> {
  const wired = {} as Wired<K>;
  for (const name of names) {
    Object.defineProperty(wired, name, { enumerable: true, get: () => adapters[name]() });
  }
  return wired;
}
