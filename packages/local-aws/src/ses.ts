import {
  createServer,
  request as httpRequest,
  type IncomingMessage,
  type Server,
  type ServerResponse,
} from 'node:http';
import type { AddressInfo } from 'node:net';
import startSesEmulator from 'aws-ses-v2-local';
import type { Scheduler } from './clock';
import { counter, SendWindow } from './sns';

const counterIds = () => {
  const next = counter();
  return () => `local-${String(next()).padStart(10, '0')}`;
};

/**
 * SES through `aws-ses-v2-local` (v1 and v2 APIs), behind a thin proxy of ours that notes the
 * virtual time at which each message was accepted: the emulator itself stamps wall-clock time.
 */
export interface StoredEmail {
  messageId: string;
  from: string;
  destination: { to: string[]; cc: string[]; bcc: string[] };
  subject: string;
  body: { text?: string; html?: string };
  headers?: Array<{ name: string; value: string }>;
}

export interface SentEmail extends StoredEmail {
  at: string;
  seq: number;
}

/**
 * Faults to rehearse what SES does to a busy or misconfigured sender (`npm start -- --help`), on the
 * v2 `SendEmail` the adapter calls, answered in SES's own error shape so the SDK names them the same.
 */
export interface SesFaults {
  /**
   * Accept at most this many emails per virtual second (the account's maximum sending rate); the rest
   * get HTTP 429 `TooManyRequestsException` "Maximum sending rate exceeded.".
   */
  maxSendsPerSecond?: number;
  /** The sender is not a verified identity: every send is `MessageRejected` "Email address is not verified". */
  unverifiedSender?: boolean;
  /**
   * The SES sandbox: only these recipients are verified identities, each an email address or a
   * domain (`example.com`, which verifies every address at that domain; `@example.com` is read the
   * same); a send to anyone else is `MessageRejected` "Email address is not verified", as the
   * sandbox answers.
   */
  sandboxVerified?: readonly string[];
}

const SEND_EMAIL_V2 = /^\/v2\/email\/outbound-emails\/?(\?|$)/;

/** What the SES API answers instead of sending, as status, error type and message. */
interface SesRefusal {
  status: number;
  type: string;
  message: string;
}

/**
 * Whether an address is a verified identity of the sandbox: listed itself, or at a listed domain
 * (an identity without a local part; a leading `@` is allowed). Domains match whole, case-insensitive.
 */
export function isVerifiedIdentity(address: string, identities: readonly string[]): boolean {
  const wanted = address.trim().toLowerCase();
  const domain = wanted.slice(wanted.lastIndexOf('@') + 1);
  return identities.some((identity) => {
    const listed = identity.trim().toLowerCase();
    if (listed.startsWith('@')) return domain === listed.slice(1);
    return listed.includes('@') ? wanted === listed : domain === listed;
  });
}

export class SesEmulator {
  readonly server: Server;
  private emulatorPort = 0;
  private emulator: Server | undefined;
  private readonly sentAt = new Map<string, { messageId: string; at: string; seq: number }>();
  private readonly window: SendWindow;

  /** At most `perSecond` emails a virtual second from now on (undefined: no limit); 0 throttles every email. */
  throttle(perSecond: number | undefined): void {
    this.window.setLimit(perSecond);
  }

  /** From now on the sender is (or is no longer) an unverified identity: every send `MessageRejected`. */
  rejectSender(rejected: boolean): void {
    this.faults.unverifiedSender = rejected;
  }

  constructor(
    private readonly clock: Scheduler,
    private readonly sequence: () => number = counter(),
    private readonly messageIds: () => string = counterIds(),
    private readonly faults: SesFaults = {},
  ) {
    this.window = new SendWindow(clock, faults.maxSendsPerSecond);
    this.server = createServer((incoming, outgoing) => {
      void this.clock.track(
        new Promise<void>((done) => {
          const chunks: Buffer[] = [];
          incoming.on('data', (chunk: Buffer) => chunks.push(chunk));
          incoming.on('end', () => this.forward(incoming, Buffer.concat(chunks), outgoing, done));
        }),
      );
    });
  }

  /** Answers a fault itself, or passes the request on to the emulator and notes what it sent. */
  private forward(incoming: IncomingMessage, body: Buffer, outgoing: ServerResponse, done: () => void): void {
    const sending = incoming.method === 'POST' && SEND_EMAIL_V2.test(incoming.url ?? '');
    const refusal = sending ? this.refusal(body) : undefined;
    if (refusal) {
      outgoing.writeHead(refusal.status, {
        'content-type': 'application/json',
        'x-amzn-errortype': refusal.type,
      });
      outgoing.end(JSON.stringify({ message: refusal.message }));
      done();
      return;
    }
    // Counted before the send is forwarded, so sends arriving together see each other; given back
    // if the emulator refuses it after all.
    const giveBack = sending ? this.window.take() : () => {};
    const upstream = httpRequest(
      {
        host: '127.0.0.1',
        port: this.emulatorPort,
        method: incoming.method,
        path: incoming.url,
        headers: incoming.headers,
      },
      (response) => {
        const chunks: Buffer[] = [];
        response.on('data', (chunk: Buffer) => chunks.push(chunk));
        response.on('end', () => {
          if ((response.statusCode ?? 500) >= 400) giveBack();
          const body = Buffer.from(this.noteSent(Buffer.concat(chunks).toString('utf8')));
          outgoing.writeHead(response.statusCode ?? 500, {
            ...response.headers,
            'content-length': body.length,
          });
          outgoing.end(body);
          done();
        });
      },
    );
    upstream.on('error', (error) => {
      giveBack();
      outgoing.writeHead(502, { 'content-type': 'application/json' });
      outgoing.end(JSON.stringify({ message: `SES emulator unreachable: ${error.message}` }));
      done();
    });
    upstream.end(body);
  }

  /** The fault a v2 `SendEmail` meets, if any: the sending rate first, then identity checks, as SES. */
  private refusal(body: Buffer): SesRefusal | undefined {
    if (!this.window.hasRoom()) {
      return { status: 429, type: 'TooManyRequestsException', message: 'Maximum sending rate exceeded.' };
    }
    let request: { FromEmailAddress?: string; Destination?: Record<string, string[] | undefined> };
    try {
      request = JSON.parse(body.toString('utf8'));
    } catch {
      return undefined; // the emulator itself answers a malformed request
    }
    const notVerified = (identities: string[]): SesRefusal => ({
      status: 400,
      type: 'MessageRejected',
      message: `Email address is not verified. The following identities failed the check in region US-EAST-1: ${identities.join(', ')}`,
    });
    if (this.faults.unverifiedSender) return notVerified([request.FromEmailAddress ?? '']);
    const verified = this.faults.sandboxVerified;
    if (verified) {
      const { ToAddresses = [], CcAddresses = [], BccAddresses = [] } = request.Destination ?? {};
      const refused = [...ToAddresses, ...CcAddresses, ...BccAddresses].filter(
        (address) => !isVerifiedIdentity(address, verified),
      );
      if (refused.length > 0) return notVerified(refused);
    }
    return undefined;
  }

  /** Starts the emulator on a private port; the caller listens `server` where the SDK should go. */
  async start(port = 0): Promise<void> {
    this.emulator = await startSesEmulator({ host: '127.0.0.1', port });
    this.emulatorPort = (this.emulator.address() as AddressInfo).port;
  }

  async stop(): Promise<void> {
    await new Promise<void>((resolve) => (this.emulator ? this.emulator.close(() => resolve()) : resolve()));
  }

  /** Every email this emulator accepted, in order, with the virtual time it was sent. */
  async sent(): Promise<SentEmail[]> {
    const response = await fetch(`http://127.0.0.1:${this.emulatorPort}/store`);
    const store = (await response.json()) as { emails: StoredEmail[] };
    // aws-ses-v2-local keeps one store per process: only mail that went through this proxy is ours.
    return store.emails.flatMap((email) => {
      const noted = this.sentAt.get(email.messageId);
      return noted ? [{ ...email, ...noted }] : [];
    });
  }

  /**
   * Notes when a message was accepted and gives it an id from the runtime's seeded ids (the
   * emulator's own are random), so a replayed scenario records the same ids.
   */
  private noteSent(responseBody: string): string {
    const found =
      /"MessageId"\s*:\s*"([^"]+)"/.exec(responseBody) ??
      /<MessageId>([^<]+)<\/MessageId>/.exec(responseBody);
    const original = found?.[1];
    if (!original) return responseBody;
    const messageId = this.messageIds();
    this.sentAt.set(original, {
      messageId,
      at: new Date(this.clock.now()).toISOString(),
      seq: this.sequence(),
    });
    return responseBody.replace(original, messageId);
  }
}
