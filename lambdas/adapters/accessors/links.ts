import { ENV, requireEnv } from '../../shared/config';
import { firstUse } from '../../shared/first-use';
import { SealedOptOutLinks } from '../opt-out-links';

export const links = firstUse(
  () => new SealedOptOutLinks(() => requireEnv(ENV.optOutBaseUrl), requireEnv(ENV.signingSecretArn)),
);
