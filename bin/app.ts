import { App, Validations } from 'aws-cdk-lib';
import { AwsSolutionsChecks } from 'cdk-nag';
import { CollectionsStack } from '../lib/collections-stack';
import { deployContext } from '../lib/deploy-context';
import { loadPolicies } from '../lib/policies';

// A bad policy stops the synth here, with every problem listed (docs/policy.md).
loadPolicies();

const app = new App();
// Missing or malformed context (e.g. no -c senderEmail=…) stops the synth here, naming the key.
new CollectionsStack(app, 'RentalCollections', {
  description: 'Overdue rental collections: one Step Functions execution per case.',
  ...deployContext(app),
});
Validations.of(app).addPlugins(new AwsSolutionsChecks(app, { verbose: true }));
