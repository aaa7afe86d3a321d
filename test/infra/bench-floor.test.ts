import { clientsFor } from '../../bench/floor';
import { synthesizedFunctions } from '../../scripts/synthesized-functions';

describe('the bundle bench’s floor: role actions → the SDK clients a function calls', () => {
  test.each([
    ['dynamodb:GetItem', ['DynamoDB']],
    ['dynamodb:BatchGetItem', ['DynamoDB']],
    ['states:StartExecution', ['SFN']],
    ['states:SendTaskSuccess', ['SFN']],
    ['sns:Publish', ['SNS']],
    ['sns:CheckIfPhoneNumberIsOptedOut', ['SNS']],
    ['ses:SendEmail', ['SESv2']],
    ['events:PutEvents', ['EventBridge']],
    ['secretsmanager:GetSecretValue', ['SecretsManager']],
    // Services that act for the function, never called by its code
    ['kms:Decrypt', []],
    ['kms:GenerateDataKey*', []],
    ['logs:PutLogEvents', []],
    ['xray:PutTraceSegments', []],
    ['sqs:DeleteMessage', []],
  ])('%s → %j', (action, clients) => {
    expect(clientsFor([action])).toEqual(clients);
  });

  test('each client once, in a fixed order, whatever the order of the actions', () => {
    expect(
      clientsFor([
        'sns:Publish',
        'dynamodb:PutItem',
        'kms:Decrypt',
        'dynamodb:GetItem',
        'states:StartExecution',
      ]),
    ).toEqual(['DynamoDB', 'SFN', 'SNS']);
  });

  test('an action of a service the floor does not know is an error, not a smaller floor', () => {
    expect(() => clientsFor(['s3:GetObject'])).toThrow(/s3:GetObject/);
  });

  test('every action of every function in the template maps to a client or to none', () => {
    for (const fn of synthesizedFunctions()) expect(() => clientsFor(fn.actions)).not.toThrow();
  });
});
