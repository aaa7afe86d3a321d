import { RemovalPolicy, Validations } from 'aws-cdk-lib';
import * as secretsmanager from 'aws-cdk-lib/aws-secretsmanager';
import { Construct } from 'constructs';

/**
 * The two secrets: the key that seals opt-out links (generated), and the credit bureau's credentials
 * (an operator fills them in before going live: docs/deploy.md). Functions read them at cold start.
 */
export class CollectionsSecrets extends Construct {
  readonly signing: secretsmanager.Secret;
  readonly creditBureau: secretsmanager.Secret;

  constructor(scope: Construct, id: string) {
    super(scope, id);
    this.signing = new secretsmanager.Secret(this, 'OptOutLinkKey', {
      description: 'Seals the opt-out links in customer messages (AES-GCM key material).',
      generateSecretString: { passwordLength: 64, excludePunctuation: true },
      removalPolicy: RemovalPolicy.RETAIN,
    });
    this.creditBureau = new secretsmanager.Secret(this, 'CreditBureauCredentials', {
      description:
        'Credit bureau credentials: JSON {"appId","privateKeyPem","bureauPublicKeyPem"}. Fill in before going live.',
      removalPolicy: RemovalPolicy.RETAIN,
    });
    Validations.of(this).acknowledge({
      id: 'AwsSolutions::AwsSolutions-SMG4',
      reason:
        'Not rotated automatically: the link key would invalidate every opt-out link already sent, and the bureau credentials are issued by the bureau; both are rotated by hand (docs/deploy.md).',
    });
  }
}
