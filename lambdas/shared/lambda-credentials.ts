/**
 * Stands in for `@aws-sdk/credential-provider-node` in the Lambda bundles (an esbuild alias,
 * lib/project-function.ts). Lambda hands a function its role's credentials in the environment
 * (AWS_ACCESS_KEY_ID, AWS_SECRET_ACCESS_KEY, AWS_SESSION_TOKEN), the first source the SDK's default
 * chain tries; the rest of the chain (SSO, STS web identity, ini files, IMDS, processes) never answers
 * there but weighs about 100 KB in every bundle and in its cold start. The local runtime gives each
 * function's worker its credentials the same way.
 */
export { fromEnv as defaultProvider } from '@aws-sdk/credential-provider-env';
