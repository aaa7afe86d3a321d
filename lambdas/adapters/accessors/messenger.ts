import { ENV, optionalEnv, requireEnv } from '../../shared/config';
import { firstUse } from '../../shared/first-use';
import { sesClient } from '../clients/ses';
import { smsClient } from '../clients/sns';
import { SnsSesMessenger } from '../messenger';

export const messenger = firstUse(
  () =>
    new SnsSesMessenger(smsClient(), sesClient(), {
      senderEmail: requireEnv(ENV.senderEmail),
      configurationSet: requireEnv(ENV.emailConfigurationSet),
      smsSenderId: optionalEnv(ENV.smsSenderId),
    }),
);
