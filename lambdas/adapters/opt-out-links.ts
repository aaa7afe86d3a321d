import { openOptOut, sealOptOut } from '../domain/compliance/opt-out-token';
import type { OptOutLinks } from '../domain/ports';
import { secretString } from './secrets';

/** Links to `GET /opt-out?token=…` on the API, sealed with the signing secret. */
export class SealedOptOutLinks implements OptOutLinks {
  /** The base URL is only needed to make links (reading a token needs the secret alone). */
  constructor(
    private readonly baseUrl: () => string,
    private readonly secretArn: string,
  ) {}

  async link(customerId: string, channel: 'SMS' | 'EMAIL'): Promise<string> {
    const token = sealOptOut({ customerId, channel }, await secretString(this.secretArn));
    return `${this.baseUrl().replace(/\/+$/, '')}/opt-out?token=${token}`;
  }

  async read(token: string): Promise<{ customerId: string; channel: 'SMS' | 'EMAIL' } | null> {
    return openOptOut(token, await secretString(this.secretArn));
  }
}
