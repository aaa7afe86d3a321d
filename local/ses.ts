import { createServer, request as httpRequest, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import startSesEmulator from 'aws-ses-v2-local';
import type { Scheduler } from './clock';

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
}

export class SesEmulator {
  readonly server: Server;
  private emulatorPort = 0;
  private emulator: Server | undefined;
  private readonly sentAt = new Map<string, string>();

  constructor(private readonly clock: Scheduler) {
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
                const body = Buffer.concat(chunks);
                this.noteSent(body.toString('utf8'));
                outgoing.writeHead(response.statusCode ?? 500, response.headers);
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

  /** Every email accepted so far, in order, with the virtual time it was sent. */
  async sent(): Promise<SentEmail[]> {
    const response = await fetch(`http://127.0.0.1:${this.emulatorPort}/store`);
    const store = (await response.json()) as { emails: StoredEmail[] };
    return store.emails.map((email) => ({ ...email, at: this.sentAt.get(email.messageId) ?? '' }));
  }

  private noteSent(responseBody: string): void {
    const json = /"MessageId"\s*:\s*"([^"]+)"/.exec(responseBody);
    const xml = /<MessageId>([^<]+)<\/MessageId>/.exec(responseBody);
    const messageId = json?.[1] ?? xml?.[1];
    if (messageId) this.sentAt.set(messageId, new Date(this.clock.now()).toISOString());
  }
}
