import { ENV, requireEnv } from '../../shared/config';
import { firstUse } from '../../shared/first-use';
import { snsClient } from '../clients/sns';
import { SnsLegalReferrals } from '../sns-legal-referrals';

export const referrals = firstUse(() => new SnsLegalReferrals(snsClient(), requireEnv(ENV.legalTopicArn)));
