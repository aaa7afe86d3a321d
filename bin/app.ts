import { App, Validations } from 'aws-cdk-lib';
import { AwsSolutionsChecks } from 'cdk-nag';
import { CollectionsStack } from '../lib/collections-stack';
import { loadPolicies } from '../lib/policies';

// A bad policy stops the synth here, with every problem listed (docs/policy.md).
loadPolicies();

const app = new App();
const senderEmail = String(app.node.tryGetContext('senderEmail') ?? '');
if (!/^[^@\s]+@[^@\s]+$/.test(senderEmail)) {
  throw new Error(
    'CDK context "senderEmail" must be the verified SES sender address, e.g. -c senderEmail=collections@example.com',
  );
}
const smsSenderId = String(app.node.tryGetContext('smsSenderId') ?? '');
const creditBureauEndpoint = String(app.node.tryGetContext('creditBureauEndpoint') ?? '');
if (!/^https?:\/\//.test(creditBureauEndpoint)) {
  throw new Error('CDK context "creditBureauEndpoint" must be the credit bureau gateway URL');
}
new CollectionsStack(app, 'RentalCollections', {
  description: 'Overdue rental collections: one Step Functions execution per case.',
  senderEmail,
  creditBureauEndpoint,
  ...(smsSenderId ? { smsSenderId } : {}),
});
Validations.of(app).addPlugins(new AwsSolutionsChecks(app, { verbose: true }));
