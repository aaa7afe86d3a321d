import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { Scheduler } from './clock';
import type { Ids } from './ids';

/**
 * A small SNS emulator: the `Publish` action of the AWS Query protocol (what `@aws-sdk/client-sns`
 * speaks), recording every SMS and topic message with the virtual time it was sent. It also keeps the
 * account's SMS opt-out list (a customer replying STOP), as SNS does.
 */
export interface PublishedMessage {
  messageId: string;
  phoneNumber?: string;
  topicArn?: string;
  subject?: string;
  message: string;
  attributes: Record<string, string>;
  at: string;
  /** Order among everything the runtime's emulators sent (SMS and email together). */
  seq: number;
}

/** A shared ordering of sent messages across emulators. */
export function counter(): () => number {
  let value = 0;
  return () => ++value;
}

/**
 * Sends let through in the current virtual second, for a provider's per-second sending limit. The
 * emulators ask `hasRoom()` before validating a request, so a send over the limit is refused as
 * throttled whatever else is wrong with it, and `take()` room only for a send the provider accepts:
 * SES and SNS count the messages they accept per second (SES's "maximum sending rate"), not
 * requests, so a throttled send or one refused as invalid does not use up the second. (The SES
 * proxy takes room as it forwards a send, so sends arriving together see each other, and gives it
 * back when the send is refused.)
 */
export class SendWindow {
  private second = Number.NaN;
  private used = 0;

  constructor(
    private readonly clock: Pick<Scheduler, 'now'>,
    private perSecond: number | undefined,
  ) {}

  /** Changes the limit from now on (undefined: none), to rehearse a provider that throttles for a while. */
  setLimit(perSecond: number | undefined): void {
    this.perSecond = perSecond;
  }

  hasRoom(): boolean {
    if (this.perSecond === undefined) return true;
    this.roll();
    return this.used < this.perSecond;
  }

  /** Counts one accepted send; the function it returns uncounts it (the send failed after all). */
  take(): () => void {
    this.roll();
    this.used++;
    const second = this.second;
    return () => {
      if (this.second === second && this.used > 0) this.used--;
    };
  }

  private roll(): void {
    const second = Math.floor(this.clock.now() / 1000);
    if (second !== this.second) {
      this.second = second;
      this.used = 0;
    }
  }
}

const E164 = /^\+[1-9]\d{6,14}$/;
/** What SNS accepts as `AWS.SNS.SMS.SenderID`: 1-11 letters, digits or hyphens, one a letter. */
const SENDER_ID = /^(?=.*[A-Za-z])[A-Za-z0-9-]{1,11}$/;
const SMS_MAX_LENGTH = 1600;

export class SnsError extends Error {
  constructor(
    readonly code: string,
    message: string,
    readonly status = 400,
  ) {
    super(message);
  }
}

const xmlEscape = (text: string) =>
  text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');

async function readBody(request: IncomingMessage): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of request) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks).toString('utf8');
}

/** `MessageAttributes.entry.N.Name` / `.Value.StringValue` pairs as a plain map. */
function messageAttributes(form: URLSearchParams): Record<string, string> {
  const attributes: Record<string, string> = {};
  for (let n = 1; form.has(`MessageAttributes.entry.${n}.Name`); n++) {
    const name = form.get(`MessageAttributes.entry.${n}.Name`) ?? '';
    attributes[name] = form.get(`MessageAttributes.entry.${n}.Value.StringValue`) ?? '';
  }
  return attributes;
}

/** Faults to rehearse what SNS does to a busy or misconfigured sender (`npm start -- --help`). */
export interface SnsFaults {
  /**
   * Accept at most this many SMS publishes per virtual second (the account's SMS throughput); the
   * rest get SNS's own throttling answer (`Throttled`, HTTP 429: `ThrottledException` in the SDK).
   * Topic publishes are not limited.
   */
  maxSmsPerSecond?: number;
  /**
   * The region (or account) cannot send SMS: every SMS publish is `InvalidParameter` "Invalid
   * parameter: PhoneNumber Reason: <number> is not valid to publish to", as SNS answers there.
   */
  smsUnavailable?: boolean;
}

export class SnsEmulator {
  readonly messages: PublishedMessage[] = [];
  private readonly optedOut = new Set<string>();
  private readonly smsWindow: SendWindow;

  /** At most `perSecond` SMS a virtual second from now on (undefined: no limit); 0 throttles every SMS. */
  throttleSms(perSecond: number | undefined): void {
    this.smsWindow.setLimit(perSecond);
  }
  readonly server: Server;

  constructor(
    private readonly clock: Scheduler,
    private readonly ids: Ids,
    private readonly knownTopics: () => ReadonlySet<string>,
    private readonly sequence: () => number = counter(),
    private readonly faults: SnsFaults = {},
  ) {
    this.smsWindow = new SendWindow(clock, faults.maxSmsPerSecond);
    this.server = createServer((request, response) => {
      void this.clock.track(
        (async () => {
          const requestId = this.ids.uuid();
          try {
            const form = new URLSearchParams(await readBody(request));
            const body = this.dispatch(form);
            response.writeHead(200, { 'content-type': 'text/xml' });
            response.end(body.replace('{requestId}', requestId));
          } catch (error) {
            const failure =
              error instanceof SnsError ? error : new SnsError('InternalError', String(error), 500);
            response.writeHead(failure.status, { 'content-type': 'text/xml' });
            response.end(
              `<ErrorResponse xmlns="http://sns.amazonaws.com/doc/2010-03-31/"><Error><Type>Sender</Type><Code>${failure.code}</Code><Message>${xmlEscape(failure.message)}</Message></Error><RequestId>${requestId}</RequestId></ErrorResponse>`,
            );
          }
        })(),
      );
    });
  }

  /** Marks a number as opted out (what SNS does when the customer replies STOP). */
  optOut(phoneNumber: string): void {
    this.optedOut.add(phoneNumber);
  }

  isOptedOut(phoneNumber: string): boolean {
    return this.optedOut.has(phoneNumber);
  }

  private dispatch(form: URLSearchParams): string {
    const action = form.get('Action');
    const wrap = (name: string, result: string) =>
      `<${name}Response xmlns="http://sns.amazonaws.com/doc/2010-03-31/"><${name}Result>${result}</${name}Result><ResponseMetadata><RequestId>{requestId}</RequestId></ResponseMetadata></${name}Response>`;
    switch (action) {
      case 'Publish':
        return wrap('Publish', `<MessageId>${this.publish(form)}</MessageId>`);
      case 'CheckIfPhoneNumberIsOptedOut': {
        const phoneNumber = form.get('phoneNumber') ?? '';
        if (!E164.test(phoneNumber)) {
          throw new SnsError(
            'InvalidParameter',
            'Invalid parameter: PhoneNumber Reason: input incorrectly formatted',
          );
        }
        return wrap(
          'CheckIfPhoneNumberIsOptedOut',
          `<isOptedOut>${this.isOptedOut(phoneNumber)}</isOptedOut>`,
        );
      }
      default:
        throw new SnsError(
          'InvalidAction',
          `The local SNS emulator does not implement ${action ?? '(no action)'}.`,
        );
    }
  }

  private publish(form: URLSearchParams): string {
    const phoneNumber = form.get('PhoneNumber') ?? undefined;
    const topicArn = form.get('TopicArn') ?? form.get('TargetArn') ?? undefined;
    const subject = form.get('Subject') ?? undefined;
    return this.publishMessage({
      message: form.get('Message') ?? '',
      attributes: messageAttributes(form),
      ...(phoneNumber !== undefined ? { phoneNumber } : {}),
      ...(topicArn !== undefined ? { topicArn } : {}),
      ...(subject !== undefined ? { subject } : {}),
    });
  }

  /** What SNS refuses in a publish to a phone number, in its error shape (and words, where known). */
  private checkSms(phoneNumber: string, message: string, attributes: Record<string, string>): void {
    if (!E164.test(phoneNumber) || this.faults.smsUnavailable) {
      throw new SnsError(
        'InvalidParameter',
        `Invalid parameter: PhoneNumber Reason: ${phoneNumber} is not valid to publish to`,
      );
    }
    if (message.length > SMS_MAX_LENGTH) {
      throw new SnsError('InvalidParameter', 'Invalid parameter: Message too long');
    }
    const senderId = attributes['AWS.SNS.SMS.SenderID'];
    if (senderId !== undefined && !SENDER_ID.test(senderId)) {
      throw new SnsError(
        'InvalidParameter',
        'Invalid parameter: MessageAttributes Reason: AWS.SNS.SMS.SenderID must be 1-11 letters, digits or hyphens, at least one a letter',
      );
    }
  }

  /** `Publish` itself, shared by the Query protocol and the state machine's `sns:publish` integration. */
  publishMessage(input: {
    message: string;
    phoneNumber?: string;
    topicArn?: string;
    subject?: string;
    attributes?: Record<string, string>;
  }): string {
    const { message, phoneNumber, topicArn, subject } = input;
    if (phoneNumber !== undefined && !this.smsWindow.hasRoom()) {
      throw new SnsError('Throttled', 'Rate exceeded', 429);
    }
    if (!message) throw new SnsError('InvalidParameter', 'Invalid parameter: Empty message');
    if ((phoneNumber === undefined) === (topicArn === undefined)) {
      throw new SnsError(
        'InvalidParameter',
        'Invalid parameter: exactly one of PhoneNumber, TopicArn or TargetArn',
      );
    }
    if (topicArn !== undefined && !this.knownTopics().has(topicArn)) {
      throw new SnsError('NotFound', 'Topic does not exist', 404);
    }
    if (phoneNumber !== undefined) this.checkSms(phoneNumber, message, input.attributes ?? {});
    const messageId = this.ids.uuid();
    if (phoneNumber !== undefined) this.smsWindow.take();
    // An opted-out number is accepted by Publish but never delivered, as on AWS.
    if (phoneNumber !== undefined && this.optedOut.has(phoneNumber)) return messageId;
    this.messages.push({
      messageId,
      ...(phoneNumber !== undefined ? { phoneNumber } : {}),
      ...(topicArn !== undefined ? { topicArn } : {}),
      ...(subject !== undefined ? { subject } : {}),
      message,
      attributes: input.attributes ?? {},
      at: new Date(this.clock.now()).toISOString(),
      seq: this.sequence(),
    });
    return messageId;
  }
}
