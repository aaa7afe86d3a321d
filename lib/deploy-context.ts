import type { App } from 'aws-cdk-lib';

/** A deploy input missing from CDK context, or not of its form: synth stops with what to pass. */
export class DeployContextError extends Error {
  override readonly name = 'DeployContextError';
}

export interface DeployContext {
  senderEmail: string;
  smsSenderId?: string;
  creditBureauEndpoint: string;
}

/**
 * The stack's inputs from CDK context (docs/deploy.md). `senderEmail` has no default on purpose: SES
 * rejects every email from an unverified address, so a deploy must name its own verified sender.
 * (`npm run synth` passes a local one for the local runtime and the tests.)
 */
export function deployContext(app: App): DeployContext {
  const senderEmail = String(app.node.tryGetContext('senderEmail') ?? '').trim();
  if (!/^[^@\s]+@[^@\s]+$/.test(senderEmail)) {
    throw new DeployContextError(
      `CDK context "senderEmail" is required: the verified SES identity customer emails come from, e.g. npx cdk deploy -c senderEmail=collections@your-domain.example${senderEmail ? ` (got "${senderEmail}")` : ''}`,
    );
  }
  const smsSenderId = String(app.node.tryGetContext('smsSenderId') ?? '');
  const creditBureauEndpoint = String(app.node.tryGetContext('creditBureauEndpoint') ?? '');
  if (!/^https?:\/\//.test(creditBureauEndpoint)) {
    throw new DeployContextError(
      'CDK context "creditBureauEndpoint" must be the credit bureau gateway URL, e.g. -c creditBureauEndpoint=https://openapi.alipay.com/gateway.do',
    );
  }
  return { senderEmail, creditBureauEndpoint, ...(smsSenderId ? { smsSenderId } : {}) };
}
