/** Configuration from the environment, read once when a module loads. A missing variable is a deploy bug. */
export class MissingConfigError extends Error {
  override readonly name = 'MissingConfigError';
}

export function requireEnv(name: string): string {
  const value = process.env[name];
  if (value === undefined || value === '')
    throw new MissingConfigError(`environment variable ${name} is not set`);
  return value;
}

export function optionalEnv(name: string): string | undefined {
  const value = process.env[name];
  return value === undefined || value === '' ? undefined : value;
}

/**
 * The environment variables of this project. Each means the same thing in every function (the local
 * runtime hosts them all in one process), and the CDK binds each together with its grant.
 */
export const ENV = {
  casesTable: 'CASES_TABLE',
  timelineTable: 'TIMELINE_TABLE',
  customersTable: 'CUSTOMERS_TABLE',
  workItemsTable: 'WORK_ITEMS_TABLE',
  idempotencyTable: 'IDEMPOTENCY_TABLE',
  stateMachineArn: 'CASE_STATE_MACHINE_ARN',
  senderEmail: 'SENDER_EMAIL',
  emailConfigurationSet: 'EMAIL_CONFIGURATION_SET',
  smsSenderId: 'SMS_SENDER_ID',
  /** Secrets Manager secret holding the key that signs opt-out links. */
  signingSecretArn: 'SIGNING_SECRET_ARN',
  /** Where opt-out links point: the API's public base URL. */
  optOutBaseUrl: 'OPT_OUT_BASE_URL',
  legalTopicArn: 'LEGAL_TOPIC_ARN',
  eventBusName: 'EVENT_BUS_NAME',
} as const;
