// biome-ignore-all lint/suspicious/noTemplateCurlyInString: CloudFormation's and ASL's own ${…} syntax is part of the template
import { writeFileSync } from 'node:fs';
import * as path from 'node:path';
import { GetSecretValueCommand, SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import { CheckIfPhoneNumberIsOptedOutCommand, PublishCommand, SNSClient } from '@aws-sdk/client-sns';
import { LocalRuntime, localArn } from '@rental-collections/local-aws';
import { script, scriptedFunctions } from '@rental-collections/local-aws/testing';
import { creditBureauFromEnvironment } from '../../lambdas/adapters/credit-bureau-config';
import { http } from './runtime-support';

/**
 * What the runtime adds around the functions, on a hand-written `cdk.out`: the state machine's
 * `sns:publish` integration, the function variables it rewrites (the API's execute-api URL, the
 * credit bureau's endpoint and secret), and the local routes that show topics, bureau calls and
 * SMS opt-outs.
 */
const START = Date.parse('2026-03-02T02:00:00.000Z');
const functions = scriptedFunctions('Linker', 'Bureau');
const OPS_TOPIC = localArn('sns', 'OpsTopic');
const MISSING_TOPIC = localArn('sns', 'NoSuchTopic');
const credentials = { accessKeyId: 'local', secretAccessKey: 'local' };

/** One `sns:publish` task to `topicArn`; with `catchNotFound`, SNS.NotFoundException goes to a Pass state. */
function publishing(topicArn: string, catchNotFound = false) {
  const alert = {
    Type: 'Task',
    Resource: 'arn:aws:states:::sns:publish',
    Parameters: {
      TopicArn: topicArn,
      Subject: 'Case stuck',
      Message: { 'caseId.$': '$.caseId', note: 'look' },
    },
    ResultPath: '$.published',
    End: true,
  };
  const caught = {
    Catch: [{ ErrorEquals: ['SNS.NotFoundException'], ResultPath: '$.error', Next: 'Noted' }],
  };
  return JSON.stringify({
    StartAt: 'Alert ops',
    States: catchNotFound
      ? { 'Alert ops': { ...alert, ...caught }, Noted: { Type: 'Pass', End: true } }
      : { 'Alert ops': alert },
  });
}

let runtime: LocalRuntime;
let api: ReturnType<typeof http>;
let sns: SNSClient;

beforeAll(async () => {
  const environment = (variables: Record<string, unknown>) => ({ Environment: { Variables: variables } });
  Object.assign(functions.resources.Linker?.Properties ?? {}, {
    ...environment({
      OPT_OUT_BASE_URL: {
        'Fn::Join': [
          '',
          [
            'https://',
            { Ref: 'Api' },
            '.execute-api.',
            { Ref: 'AWS::Region' },
            '.',
            { Ref: 'AWS::URLSuffix' },
            '/v1/',
          ],
        ],
      },
      API_RESOURCE_URL: 'https://abc123.execute-api.us-east-1.amazonaws.com/v1/cases',
      OTHER_URL: 'https://example.com/v1/',
      POWERTOOLS_LOG_LEVEL: 'INFO',
    }),
  });
  Object.assign(functions.resources.Bureau?.Properties ?? {}, {
    ...environment({
      CREDIT_BUREAU_ENDPOINT: 'https://openapi.alipay.com/gateway.do',
      CREDIT_BUREAU_SECRET_ARN: { Ref: 'BureauCredentials' },
    }),
  });
  writeFileSync(
    path.join(functions.cdkOut, 'manifest.json'),
    JSON.stringify({
      artifacts: {
        App: { type: 'aws:cloudformation:stack', properties: { templateFile: 'App.template.json' } },
      },
    }),
  );
  const machine = (name: string, definition: string) => ({
    Type: 'AWS::StepFunctions::StateMachine',
    Properties: {
      StateMachineName: name,
      DefinitionString: definition,
      DefinitionSubstitutions: { OpsTopicArn: { Ref: 'OpsTopic' } },
    },
  });
  writeFileSync(
    path.join(functions.cdkOut, 'App.template.json'),
    JSON.stringify({
      Resources: {
        ...functions.resources,
        Api: { Type: 'AWS::ApiGateway::RestApi' },
        OpsTopic: { Type: 'AWS::SNS::Topic', Properties: { TopicName: 'OpsTopic' } },
        BureauCredentials: { Type: 'AWS::SecretsManager::Secret', Properties: { Name: 'BureauCredentials' } },
        Alert: machine('Alert', publishing('${OpsTopicArn}')),
        AlertNowhere: machine('AlertNowhere', publishing(MISSING_TOPIC)),
        AlertNowhereCaught: machine('AlertNowhereCaught', publishing(MISSING_TOPIC, true)),
      },
    }),
  );
  runtime = await LocalRuntime.start({
    cdkOut: functions.cdkOut,
    projectRoot: functions.cdkOut,
    port: 0,
    start: START,
    speed: 0,
    seed: 3,
    handlers: 'source',
    functionLogLevel: 'ERROR',
  });
  api = http(runtime);
  sns = new SNSClient({ endpoint: runtime.endpoints.sns, region: 'us-east-1', credentials, maxAttempts: 1 });
}, 60_000);

afterAll(async () => {
  sns?.destroy();
  await runtime?.stop();
  functions.remove();
});

/** Runs the state machine `name` on `input` until it settles. */
async function run(name: string, input: unknown) {
  const { executionArn } = runtime.engine.startExecution({
    stateMachineArn: localArn('states', `stateMachine:${name}`),
    input: JSON.stringify(input),
  });
  await runtime.clock.whenQuiet();
  const description = await runtime.engine.whenSettled(executionArn);
  const history = runtime.engine.getExecutionHistory({ executionArn, maxResults: 1000 }).events;
  return { description, history };
}

describe('the engine’s sns:publish integration', () => {
  test('publishes to the topic and returns MessageId, SdkHttpMetadata and SdkResponseMetadata, as Step Functions does', async () => {
    // Act
    const { description } = await run('Alert', { caseId: 'case-1' });

    // Assess
    expect(description.status).toBe('SUCCEEDED');
    const output = JSON.parse(description.output ?? '{}');
    expect(output).toEqual({
      caseId: 'case-1',
      published: {
        MessageId: expect.stringMatching(/^[0-9a-f-]{36}$/),
        SdkHttpMetadata: { HttpStatusCode: 200 },
        SdkResponseMetadata: { RequestId: expect.stringMatching(/^[0-9a-f-]{36}$/) },
      },
    });
    const sent = runtime.sns.messages.find((message) => message.messageId === output.published.MessageId);
    expect(sent).toMatchObject({
      topicArn: OPS_TOPIC,
      subject: 'Case stuck',
      // A JSON Message is sent as its text.
      message: JSON.stringify({ caseId: 'case-1', note: 'look' }),
      at: new Date(START).toISOString(),
    });
  });

  test('an unknown topic fails the task with SNS.NotFoundException, and the execution with it', async () => {
    // Act
    const { description, history } = await run('AlertNowhere', { caseId: 'case-2' });

    // Assess
    expect(description).toMatchObject({ status: 'FAILED', error: 'SNS.NotFoundException' });
    expect(history.find((event) => event.type === 'TaskFailed')).toMatchObject({
      taskFailedEventDetails: {
        resourceType: 'sns',
        resource: 'publish',
        error: 'SNS.NotFoundException',
        cause: expect.stringContaining('Topic does not exist'),
      },
    });
    expect(runtime.sns.messages.filter((message) => message.topicArn === MISSING_TOPIC)).toEqual([]);
  });

  test('the failure can be caught by its name', async () => {
    // Act
    const { description } = await run('AlertNowhereCaught', { caseId: 'case-3' });

    // Assess
    expect(description.status).toBe('SUCCEEDED');
    expect(JSON.parse(description.output ?? '{}')).toMatchObject({
      caseId: 'case-3',
      error: { Error: 'SNS.NotFoundException', Cause: expect.stringContaining('Topic does not exist') },
    });
  });
});

describe('GET /_local/topics', () => {
  test('lists what was published to topics, not SMS, filtered by ?topic= (any case)', async () => {
    // Prepare
    await run('Alert', { caseId: 'case-topics' });
    await sns.send(new PublishCommand({ PhoneNumber: '+8613800138001', Message: 'an SMS' }));

    // Act
    const all = await api.get('/_local/topics');
    const ops = await api.get('/_local/topics?topic=opstopic');
    const legal = await api.get('/_local/topics?topic=Legal');

    // Assess
    expect(all.status).toBe(200);
    expect(all.body.items).toContainEqual({
      topicArn: OPS_TOPIC,
      subject: 'Case stuck',
      message: JSON.stringify({ caseId: 'case-topics', note: 'look' }),
      at: new Date(START).toISOString(),
    });
    expect(all.body.items.every((item: { topicArn: string }) => item.topicArn === OPS_TOPIC)).toBe(true);
    expect(ops.body.items).toEqual(all.body.items);
    expect(legal.body).toEqual({ items: [] });
  });
});

describe('POST /_local/sms/stop', () => {
  test('puts the number on the SMS opt-out list, as a customer replying STOP does', async () => {
    // Act
    const stopped = await api.post('/_local/sms/stop', { phoneNumber: '+8613900139001' });
    const check = (phoneNumber: string) =>
      sns.send(new CheckIfPhoneNumberIsOptedOutCommand({ phoneNumber })).then((result) => result.isOptedOut);

    // Assess
    expect(stopped).toMatchObject({ status: 200, body: { phoneNumber: '+8613900139001', optedOut: true } });
    expect(await check('+8613900139001')).toBe(true);
    expect(await check('+8613900139002')).toBe(false);
  });

  test('an SMS to a stopped number is accepted but never delivered', async () => {
    // Prepare
    await api.post('/_local/sms/stop', { phoneNumber: '+8613900139003' });

    // Act
    const published = await sns.send(new PublishCommand({ PhoneNumber: '+8613900139003', Message: 'hello' }));
    const outbox = await api.get('/_local/outbox?channel=SMS&to=%2B8613900139003');

    // Assess
    expect(published.MessageId).toEqual(expect.any(String));
    expect(outbox.body).toEqual({ items: [] });
  });

  test.each([
    ['a number without +', { phoneNumber: '8613900139004' }],
    ['a number starting with 0', { phoneNumber: '+0613900139004' }],
    ['letters', { phoneNumber: '+86139abc' }],
    ['too short', { phoneNumber: '+12345' }],
    ['no phoneNumber', {}],
    ['a number that is not a string', { phoneNumber: 8613900139004 }],
  ])('%s is a 400 problem naming phoneNumber', async (_case, body) => {
    // Act
    const reply = await api.post('/_local/sms/stop', body);

    // Assess
    expect(reply).toMatchObject({
      status: 400,
      type: 'application/problem+json',
      body: { status: 400, errors: [{ path: 'phoneNumber', message: 'an E.164 phone number' }] },
    });
  });

  test('a body that is not JSON is a 400 problem', async () => {
    // Act
    const reply = await api.post('/_local/sms/stop', '{phoneNumber');

    // Assess
    expect(reply).toMatchObject({ status: 400, body: { errors: [{ path: '(body)' }] } });
  });
});

describe('function variables the runtime rewrites', () => {
  test('an execute-api base URL (the opt-out links’ base) becomes this runtime’s API; other URLs stay', async () => {
    // Prepare
    script('Linker', () => ({ base: process.env.OPT_OUT_BASE_URL }));

    // Act
    const { environment } = runtime.lambdas.find('Linker');
    const seen = await runtime.lambdas.invoke('Linker', {});

    // Assess
    expect(environment).toMatchObject({
      OPT_OUT_BASE_URL: `${runtime.endpoints.api}/`,
      API_RESOURCE_URL: 'https://abc123.execute-api.us-east-1.amazonaws.com/v1/cases',
      OTHER_URL: 'https://example.com/v1/',
    });
    expect(seen).toEqual({ base: `${runtime.endpoints.api}/` });
  });

  test('the functions log at the runtime’s level (--log-level), not at the template’s', async () => {
    // Prepare
    script('Linker', () => ({ level: process.env.POWERTOOLS_LOG_LEVEL }));

    // Act
    const { environment } = runtime.lambdas.find('Linker');
    const seen = await runtime.lambdas.invoke('Linker', {});

    // Assess
    expect(environment.POWERTOOLS_LOG_LEVEL).toBe('ERROR');
    expect(seen).toEqual({ level: 'ERROR' });
  });

  test('the credit bureau endpoint is the local fake’s, and its secret holds the keys the fake shares', async () => {
    // Prepare
    const { environment } = runtime.lambdas.find('Bureau');
    const secrets = new SecretsManagerClient({
      endpoint: runtime.endpoints.secretsManager,
      region: 'us-east-1',
      credentials,
    });

    // Act
    const secret = await secrets.send(
      new GetSecretValueCommand({ SecretId: environment.CREDIT_BUREAU_SECRET_ARN }),
    );
    secrets.destroy();

    // Assess
    expect(environment.CREDIT_BUREAU_ENDPOINT).toBe(runtime.endpoints.creditBureau);
    expect(environment.CREDIT_BUREAU_SECRET_ARN).toBe(localArn('secretsmanager', 'secret:BureauCredentials'));
    expect(JSON.parse(secret.SecretString ?? '{}')).toEqual({
      appId: 'local-app',
      privateKeyPem: expect.stringContaining('-----BEGIN PRIVATE KEY-----'),
      bureauPublicKeyPem: expect.stringContaining('-----BEGIN PUBLIC KEY-----'),
    });
  });

  test('a function configured from them files a report the fake accepts; GET /_local/credit-bureau shows the call', async () => {
    // Prepare: the adapter reads its endpoint and secret from the function's variables, as deployed
    script('Bureau', async () => {
      const bureau = await creditBureauFromEnvironment();
      return bureau.report({
        caseId: 'case-bureau-1',
        subject: { customerId: 'customer-1', name: '张伟', phone: '+8613800138000' },
        amount: { amount: 129_900, currency: 'CNY' },
        overdueSince: '2026-03-01T00:00:00.000Z',
        at: new Date(START).toISOString(),
      });
    });

    // Act
    const filed = (await runtime.lambdas.invoke('Bureau', {})) as { reference: string };
    const calls = await api.get('/_local/credit-bureau');

    // Assess
    expect(filed.reference).toEqual(expect.any(String));
    expect(calls.status).toBe(200);
    expect(calls.body.items).toEqual([
      expect.objectContaining({
        method: 'zhima.credit.rental.overdue.report',
        result: expect.objectContaining({ code: '10000', reference: filed.reference }),
      }),
    ]);
    // The recording keeps no personal data.
    expect(JSON.stringify(calls.body)).not.toMatch(/张伟|8613800138000/);
  });
});
