import { createServer, request as httpRequest, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import startSesEmulator from 'aws-ses-v2-local';
import type { Scheduler } from './clock';
import { counter } from './sns';

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

export class SesEmulator {
  readonly server: Server;
  private emulatorPort = 0;
  private emulator: Server | undefined;
  private readonly sentAt = new Map<string, { messageId: string; at: string; seq: number }>();

  constructor(
    private readonly clock: Scheduler,
    private readonly sequence: () => number = counter(),
    private readonly messageIds: () => string = counterIds(),
  ) {
    this.server = createServer((incoming, outgoing) => {
      void this.clock.track(
        new Promise<void>((done) => {
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
            outgoing.writeHead(502, { 'content-type': 'application/json' });
            outgoing.end(JSON.stringify({ message: `SES emulator unreachable: ${error.message}` }));
            done();
          });
          incoming.pipe(upstream);
        }),
      );
    });
  }

  /** Starts the emulator on a private port; the caller listens `server` where the SDK should go. */
  async start(): Promise<void> {
    this.emulator = await startSesEmulator({ host: '127.0.0.1', port: 0 });
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
