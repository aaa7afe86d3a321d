import type { MessageChannel } from '../domain/policy';

/**
 * What a provider's refusal means, by the error name the AWS SDK v3 gives it (SNS `Publish` and
 * `CheckIfPhoneNumberIsOptedOut` for SMS, SES v2 `SendEmail` for email) and, where one name covers
 * problems of both kinds, by the provider's message:
 * - RECIPIENT: this number or address cannot take the message; retrying cannot help, and the next
 *   customer is not affected (the step records an UNDELIVERABLE skip and the ladder goes on);
 * - CONFIGURATION: our setup at the provider is wrong, so every customer would get the same answer
 *   (the step fails with MessagingConfigurationError and ops are alerted);
 * - TRANSIENT: throttling, an outage, anything unknown (MessageDeliveryError; the workflow retries).
 * docs/runbook.md lists the names.
 */
export type ProviderErrorKind = 'RECIPIENT' | 'CONFIGURATION' | 'TRANSIENT';

/** SNS's names for a request parameter it refuses (`InvalidParameter`, `ParameterValueInvalid`). */
const SMS_INVALID_PARAMETER = new Set([
  'InvalidParameterException',
  'InvalidParameterValueException',
  'InvalidParameter',
  'ParameterValueInvalid',
]);

/**
 * SNS's words for a phone number that is malformed as a number ("PhoneNumber Reason: input
 * incorrectly formatted", "... does not meet the E164 format"). Intake only accepts E.164 numbers,
 * so every other refused parameter is ours: an empty or over-long message, a bad SenderID or other
 * attribute, and "PhoneNumber Reason: <number> is not valid to publish to", which SNS answers for
 * a well-formed number in a region (or account) that cannot send SMS there.
 */
const MALFORMED_NUMBER =
  /\bPhoneNumber\b.*\b(incorrectly formatted|E\.?164|not a valid phone number|invalid phone number)\b/i;
const NOT_PUBLISHABLE_HERE = /not valid to publish to/i;

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
  // The daily sending quota (SES v2 answers it with this name): only a quota increase or a quiet
  // day lifts it, so ops must hear of it; retrying within seconds cannot help.
  'LimitExceededException',
]);

/**
 * SES answers both sending limits with a throttling-style error whose message says which one
 * (the developer guide's "Errors related to the sending quotas"); where the message names one, it
 * decides over the error name: the daily quota is our account's, the per-second rate passes.
 */
const SES_LIMITS = new Set([
  'LimitExceededException',
  'TooManyRequestsException',
  'ThrottlingException',
  'Throttling',
]);
const DAILY_QUOTA = /daily message quota exceeded/i;
const SENDING_RATE = /maximum sending rate exceeded/i;

export function classifyProviderError(
  channel: MessageChannel,
  error: unknown,
  /** The number or address the message went to: a refusal that names it is about the customer. */
  recipient?: string,
): ProviderErrorKind {
  const name = providerErrorName(error);
  const text = error instanceof Error ? error.message : '';
  if (channel === 'SMS') {
    if (SMS_INVALID_PARAMETER.has(name)) {
      return MALFORMED_NUMBER.test(text) && !NOT_PUBLISHABLE_HERE.test(text) ? 'RECIPIENT' : 'CONFIGURATION';
    }
    if (SMS_CONFIGURATION.has(name)) return 'CONFIGURATION';
    return 'TRANSIENT';
  }
  if (SES_LIMITS.has(name)) {
    if (DAILY_QUOTA.test(text)) return 'CONFIGURATION';
    if (SENDING_RATE.test(text)) return 'TRANSIENT';
  }
  // A bad request cannot tell our sender from the recipient ("Illegal address"), and intake has
  // validated every recipient: it is the customer's only when it names the address we sent to.
  if (name === 'BadRequestException') return namesAddress(text, recipient) ? 'RECIPIENT' : 'CONFIGURATION';
  if (EMAIL_CONFIGURATION.has(name)) return 'CONFIGURATION';
  // TooManyRequestsException (above the sending rate), ThrottlingException,
  // InternalServiceErrorException, network errors: later may work.
  return 'TRANSIENT';
}

/** Whether `text` quotes `address` as a whole address (not as the tail of a longer one). */
function namesAddress(text: string, address: string | undefined): boolean {
  if (!address) return false;
  const escaped = address.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
  return new RegExp(`(?<![\\w.+-])${escaped}(?![\\w.-])`, 'i').test(text);
}

/** The SDK's error name; never its message, which can quote the address or number. */
export function providerErrorName(error: unknown): string {
  return error instanceof Error && /^[\w.]{1,100}$/.test(error.name) ? error.name : 'UnknownError';
}
