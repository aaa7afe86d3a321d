/**
 * Messages are sent once per attempt: a throttled or failed send fails the step at once and the
 * workflow retries it (jittered, for about an hour, visible in the execution history) instead of the
 * function sleeping through the SDK's own retries, billed and all at the same moment as every other
 * case woken by the same 08:00. For the SMS and email clients only.
 */
export const SEND_ONCE = { maxAttempts: 1 };
