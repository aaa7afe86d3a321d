import { SFNClient } from '@aws-sdk/client-sfn';
import { firstUse } from '../../shared/first-use';

/** The endpoint comes from `AWS_ENDPOINT_URL_SFN` when set (the local runtime). */
export const stepFunctionsClient = firstUse(() => new SFNClient({}));
