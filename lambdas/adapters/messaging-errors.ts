import type { MessageChannel } from '../domain/policy';

/**
 * What a provider's refusal means, by the error name the AWS SDK v3 gives it (SNS `Publish` and
 * `CheckIfPhoneNumberIsOptedOut` for SMS, SES v2 `SendEmail` for email):
 * - RECIPIENT: this number or address cannot take the message; retrying cannot help, and the next
 *   customer is not affected (the step records an UNDELIVERABLE skip and the ladder goes on);
 * - CONFIGURATION: our setup at the provider is wrong, so every customer would get the same answer
 *   (the step fails with MessagingConfigurationError and ops are alerted);
 * - TRANSIENT: throttling, an outage, anything unknown (MessageDeliveryError; the workflow retries).
 * docs/runbook.md lists the names.
 */
export type ProviderErrorKind = 'RECIPIENT' | 'CONFIGURATION' | 'TRANSIENT';

/** SNS: `InvalidParameter` / `ParameterValueInvalid` on a publish to a phone number is the number. */
const SMS_RECIPIENT = new Set([
  'InvalidParameterException',
  'InvalidParameterValueException',
  'InvalidParameter',
]);

const SMS_CONFIGURATION = new Set([
  'AuthorizationErrorException', // IAM denies sns:Publish (or the account may not send SMS)
  'InvalidSecurityException',
  'KMSAccessDeniedException',
  'KMSDisabledException',
  'KMSInvalidStateException',
  'KMSNotFoundException',
  'KMSOptInRequired',
  'NotFoundException',
  'AccessDeniedException',
]);

const EMAIL_CONFIGURATION = new Set([
  // The sender (or, in the sandbox, a recipient) is not a verified identity, or SES refused the
  // content: either way every customer would be refused alike.
  'MessageRejected',
  'MailFromDomainNotVerifiedException',
  'AccountSuspendedException',
  'SendingPausedException', // the account's or the configuration set's sending is paused
  'NotFoundException', // the configuration set does not exist
  'AccessDeniedException',
]);

/**
 * SES v2 answers a malformed recipient with `BadRequestException` ("Illegal address"); any other bad
 * request is ours (a header or field every message shares), so it is configuration.
 */
const ADDRESS_PROBLEM = /address|domain/i;

export function classifyProviderError(channel: MessageChannel, error: unknown): ProviderErrorKind {
  const name = providerErrorName(error);
  if (channel === 'SMS') {
    if (SMS_RECIPIENT.has(name)) return 'RECIPIENT';
    if (SMS_CONFIGURATION.has(name)) return 'CONFIGURATION';
    return 'TRANSIENT';
  }
  if (name === 'BadRequestException') {
    const message = error instanceof Error ? error.message : '';
    return ADDRESS_PROBLEM.test(message) ? 'RECIPIENT' : 'CONFIGURATION';
  }
  if (EMAIL_CONFIGURATION.has(name)) return 'CONFIGURATION';
  // TooManyRequestsException (above the sending rate), LimitExceededException (the daily quota),
  // ThrottlingException, InternalServiceErrorException, network errors: later may work.
  return 'TRANSIENT';
}

/** The SDK's error name; never its message, which can quote the address or number. */
export function providerErrorName(error: unknown): string {
  return error instanceof Error && /^[\w.]{1,100}$/.test(error.name) ? error.name : 'UnknownError';
}
