import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { Scheduler } from './clock';
import type { Ids } from './ids';
import type { SynthesizedApp } from './template';

/**
 * Secrets Manager's `GetSecretValue` (AWS JSON 1.1) for the app's secrets: a `SecretString` from the
 * template, else a value generated from the runtime's seed, else one the runtime sets (`put`).
 */
export class LocalSecretsManager {
  readonly server: Server;
  private readonly values = new Map<string, string>();

  constructor(
    app: SynthesizedApp,
    ids: Ids,
    private readonly clock: Scheduler,
  ) {
    for (const [logicalId, resource] of app.ofType('AWS::SecretsManager::Secret')) {
      const given = resource.Properties?.SecretString;
      this.values.set(app.ref(logicalId), typeof given === 'string' ? given : ids.hex(64));
    }
    this.server = createServer((request, response) => {
      void this.clock.track(this.serve(request, response));
    });
  }

  /** Sets a secret's value (the runtime fills the credit bureau's with the local fake's keys). */
  put(secretArn: string, value: string): void {
    if (!this.values.has(secretArn)) throw new Error(`no secret ${secretArn} in the template`);
    this.values.set(secretArn, value);
  }

  private async serve(request: IncomingMessage, response: ServerResponse): Promise<void> {
    const chunks: Buffer[] = [];
    for await (const chunk of request) chunks.push(chunk as Buffer);
    const reply = (status: number, body: unknown) => {
      response.writeHead(status, { 'content-type': 'application/x-amz-json-1.1' });
      response.end(JSON.stringify(body));
    };
    const target = String(request.headers['x-amz-target'] ?? '');
    if (target !== 'secretsmanager.GetSecretValue') {
      return reply(400, {
        __type: 'UnknownOperationException',
        message: `not implemented locally: ${target}`,
      });
    }
    let secretId = '';
    try {
      secretId = String(
        (JSON.parse(Buffer.concat(chunks).toString('utf8')) as { SecretId?: unknown }).SecretId ?? '',
      );
    } catch {
      return reply(400, {
        __type: 'InvalidRequestException',
        message: 'The request body is not valid JSON.',
      });
    }
    const value = this.values.get(secretId);
    if (value === undefined) {
      return reply(400, {
        __type: 'ResourceNotFoundException',
        message: "Secrets Manager can't find the specified secret.",
      });
    }
    return reply(200, {
      ARN: secretId,
      Name: secretId.split(':').at(-1),
      SecretString: value,
      VersionId: 'local',
      VersionStages: ['AWSCURRENT'],
      CreatedDate: this.clock.now() / 1000,
    });
  }
}
