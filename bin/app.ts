import { App, Validations } from 'aws-cdk-lib';
import { AwsSolutionsChecks } from 'cdk-nag';
import { CollectionsStack } from '../lib/collections-stack';
import { acknowledgeNagFindings } from '../lib/nag-acknowledgements';

const app = new App();
const senderEmail = String(app.node.tryGetContext('senderEmail') ?? '');
if (!/^[^@\s]+@[^@\s]+$/.test(senderEmail)) {
  throw new Error(
    'CDK context "senderEmail" must be the verified SES sender address, e.g. -c senderEmail=collections@example.com',
  );
}
const smsSenderId = String(app.node.tryGetContext('smsSenderId') ?? '');
const stack = new CollectionsStack(app, 'RentalCollections', {
  description: 'Overdue rental collections: one Step Functions execution per case.',
  senderEmail,
  ...(smsSenderId ? { smsSenderId } : {}),
});
acknowledgeNagFindings(stack);
Validations.of(app).addPlugins(new AwsSolutionsChecks(app, { verbose: true }));
