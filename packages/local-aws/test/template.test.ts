// biome-ignore-all lint/suspicious/noTemplateCurlyInString: CloudFormation's own ${…} syntax is what these tests feed in
import { SynthesizedApp, UnsupportedTemplateError } from '../src/template';

/**
 * A small hand-written template with one resource of each kind the runtime names, each named as its
 * logical id (so the expectations read easily; generated names are tested below).
 */
const app = new SynthesizedApp('/nowhere/cdk.out', {
  Resources: {
    Cases: { Type: 'AWS::DynamoDB::Table', Properties: { TableName: 'Cases' } },
    Open: { Type: 'AWS::Lambda::Function', Properties: { FunctionName: 'Open' } },
    Overdue: { Type: 'AWS::SQS::Queue', Properties: { QueueName: 'Overdue' } },
    Bus: { Type: 'AWS::Events::EventBus', Properties: { Name: 'Bus' } },
    Workflow: { Type: 'AWS::StepFunctions::StateMachine', Properties: { StateMachineName: 'Workflow' } },
    Alerts: { Type: 'AWS::SNS::Topic', Properties: { TopicName: 'Alerts' } },
    Role: { Type: 'AWS::IAM::Role', Properties: { RoleName: 'Role' } },
    Api: { Type: 'AWS::ApiGateway::RestApi' },
    Db: { Type: 'AWS::RDS::DBInstance' },
    LinkKey: { Type: 'AWS::SecretsManager::Secret', Properties: { Name: 'LinkKey' } },
  },
});

const arn = (service: string, resource: string) => `arn:aws:${service}:us-east-1:000000000000:${resource}`;

describe('SynthesizedApp.resolve: intrinsics to local names', () => {
  test.each<[string, unknown, unknown]>([
    ['Ref of a table is its name', { Ref: 'Cases' }, 'Cases'],
    ['Ref of a function is its name', { Ref: 'Open' }, 'Open'],
    ['Ref of a queue is its URL', { Ref: 'Overdue' }, 'http://sqs.us-east-1.localhost/000000000000/Overdue'],
    ['Ref of a topic is its ARN', { Ref: 'Alerts' }, arn('sns', 'Alerts')],
    ['Ref of a state machine is its ARN', { Ref: 'Workflow' }, arn('states', 'stateMachine:Workflow')],
    ['Ref of a secret is its ARN', { Ref: 'LinkKey' }, arn('secretsmanager', 'secret:LinkKey')],
    ['Ref of a REST API is its id', { Ref: 'Api' }, 'Api'],
    ['Ref AWS::Region', { Ref: 'AWS::Region' }, 'us-east-1'],
    ['Ref AWS::AccountId', { Ref: 'AWS::AccountId' }, '000000000000'],
    ['Ref AWS::Partition', { Ref: 'AWS::Partition' }, 'aws'],
    ['Ref AWS::URLSuffix', { Ref: 'AWS::URLSuffix' }, 'amazonaws.com'],
    ['GetAtt function Arn', { 'Fn::GetAtt': ['Open', 'Arn'] }, arn('lambda', 'function:Open')],
    ['GetAtt table Arn', { 'Fn::GetAtt': ['Cases', 'Arn'] }, arn('dynamodb', 'table/Cases')],
    ['GetAtt queue Arn', { 'Fn::GetAtt': ['Overdue', 'Arn'] }, arn('sqs', 'Overdue')],
    ['GetAtt queue QueueName', { 'Fn::GetAtt': ['Overdue', 'QueueName'] }, 'Overdue'],
    ['GetAtt bus Arn', { 'Fn::GetAtt': ['Bus', 'Arn'] }, arn('events', 'event-bus/Bus')],
    ['GetAtt bus Name', { 'Fn::GetAtt': ['Bus', 'Name'] }, 'Bus'],
    ['GetAtt state machine Name', { 'Fn::GetAtt': ['Workflow', 'Name'] }, 'Workflow'],
    [
      'GetAtt role Arn (IAM has no region)',
      { 'Fn::GetAtt': ['Role', 'Arn'] },
      'arn:aws:iam::000000000000:role/Role',
    ],
    ['GetAtt in its short form', { 'Fn::GetAtt': 'Open.Arn' }, arn('lambda', 'function:Open')],
    [
      'GetAtt short form with a dotted attribute',
      { 'Fn::GetAtt': 'Db.Endpoint.Address' },
      'Db.Endpoint.Address',
    ],
    ['GetAtt RestApi RootResourceId', { 'Fn::GetAtt': ['Api', 'RootResourceId'] }, 'ApiRoot'],
    [
      'Join, with intrinsics among the parts',
      {
        'Fn::Join': [
          '',
          [
            'arn:',
            { Ref: 'AWS::Partition' },
            ':apigateway:',
            { Ref: 'AWS::Region' },
            ':lambda:path/',
            { 'Fn::GetAtt': ['Open', 'Arn'] },
          ],
        ],
      },
      `arn:aws:apigateway:us-east-1:lambda:path/${arn('lambda', 'function:Open')}`,
    ],
    [
      'Join of an API’s execute-api base URL (as CollectionsApi.baseUrl writes it)',
      {
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
      'https://Api.execute-api.us-east-1.amazonaws.com/v1/',
    ],
    ['Join with a separator', { 'Fn::Join': ['-', ['a', { Ref: 'Cases' }, 'b']] }, 'a-Cases-b'],
    [
      'Sub without variables: logical ids, attributes and pseudo parameters',
      { 'Fn::Sub': 'arn:${AWS::Partition}:logs:${AWS::Region}:${AWS::AccountId}:${Cases}/${Open.Arn}' },
      `arn:aws:logs:us-east-1:000000000000:Cases/${arn('lambda', 'function:Open')}`,
    ],
    [
      'Sub with variables, which win over logical ids',
      { 'Fn::Sub': ['${Cases}:${Name}:${AWS::Region}', { Cases: 'overridden', Name: { Ref: 'Bus' } }] },
      'overridden:Bus:us-east-1',
    ],
    ['Sub with a dotted attribute', { 'Fn::Sub': 'host=${Db.Endpoint.Address}' }, 'host=Db.Endpoint.Address'],
    [
      'Sub writes ${!Literal} as ${Literal}',
      { 'Fn::Sub': 'echo ${!HOME} in ${AWS::Region}' },
      'echo ${HOME} in us-east-1',
    ],
    ['Select', { 'Fn::Select': [1, ['a', { Ref: 'Cases' }, 'c']] }, 'Cases'],
    ['Select a string index', { 'Fn::Select': ['0', ['a', 'b']] }, 'a'],
    [
      'Split',
      { 'Fn::Split': ['/', { 'Fn::GetAtt': ['Bus', 'Arn'] }] },
      ['arn:aws:events:us-east-1:000000000000:event-bus', 'Bus'],
    ],
    [
      'Select over Split (as CDK writes it)',
      { 'Fn::Select': [1, { 'Fn::Split': ['/', { 'Fn::GetAtt': ['Bus', 'Arn'] }] }] },
      'Bus',
    ],
    [
      'nested in objects and arrays',
      { Variables: { TABLE: { Ref: 'Cases' }, LIST: [{ Ref: 'Bus' }, 'plain', 3] } },
      { Variables: { TABLE: 'Cases', LIST: ['Bus', 'plain', 3] } },
    ],
    ['a plain object with one non-intrinsic key', { Name: { Ref: 'Cases' } }, { Name: 'Cases' }],
  ])('%s', (_name, input, expected) => {
    // Act
    const resolved = app.resolve(input);

    // Assess
    expect(resolved).toEqual(expected);
  });
});

describe('SynthesizedApp: physical names, as CloudFormation gives them', () => {
  /** The same kinds of resources, some named by the template and the rest left to CloudFormation. */
  const unnamed = new SynthesizedApp(
    '/nowhere/cdk.out',
    {
      Resources: {
        Bus: { Type: 'AWS::Events::EventBus', Properties: { Name: 'collections' } },
        Cases: { Type: 'AWS::DynamoDB::Table' },
        Overdue: { Type: 'AWS::SQS::Queue' },
        Alerts: { Type: 'AWS::SNS::Topic' },
        Workflow: { Type: 'AWS::StepFunctions::StateMachine' },
        UpdateCreditReportFunction4D6B3B8A: { Type: 'AWS::Lambda::Function' },
        Key: { Type: 'AWS::KMS::Key' },
      },
    },
    'RentalCollections',
  );
  const generated = (logicalId: string) => new RegExp(`^RentalCollections-${logicalId}-[A-Z0-9]{12}$`);

  test('a resource the template names has that name, and Ref and GetAtt give it, never the logical id', () => {
    expect([
      unnamed.physicalName('Bus'),
      unnamed.resolve({ Ref: 'Bus' }),
      unnamed.resolve({ 'Fn::GetAtt': ['Bus', 'Name'] }),
      unnamed.resolve({ 'Fn::GetAtt': ['Bus', 'Arn'] }),
    ]).toEqual(['collections', 'collections', 'collections', arn('events', 'event-bus/collections')]);
  });

  test('a resource the template leaves unnamed gets <stack>-<logical id>-<suffix>, the same every time', () => {
    // Act
    const names = ['Cases', 'Overdue', 'Alerts', 'Workflow'].map((id) => unnamed.physicalName(id));

    // Assess
    expect(names).toEqual([
      expect.stringMatching(generated('Cases')),
      expect.stringMatching(generated('Overdue')),
      expect.stringMatching(generated('Alerts')),
      expect.stringMatching(generated('Workflow')),
    ]);
    expect(new Set(names.map((name) => name.slice(-12))).size).toBe(4);
    const again = new SynthesizedApp('/elsewhere', { Resources: unnamed.resources }, 'RentalCollections');
    expect(again.physicalName('Cases')).toBe(names[0]);
  });

  test('Ref and GetAtt of unnamed resources resolve to their generated names', () => {
    // Prepare
    const [table, queue, topic, machine] = ['Cases', 'Overdue', 'Alerts', 'Workflow'].map((id) =>
      unnamed.physicalName(id),
    );

    // Act
    const resolved = unnamed.resolve([
      { Ref: 'Cases' },
      { 'Fn::GetAtt': ['Cases', 'Arn'] },
      { Ref: 'Overdue' },
      { 'Fn::GetAtt': ['Overdue', 'Arn'] },
      { Ref: 'Alerts' },
      { 'Fn::GetAtt': ['Workflow', 'Name'] },
      { Ref: 'Key' },
    ]);

    // Assess
    expect(resolved).toEqual([
      table,
      arn('dynamodb', `table/${table}`),
      `http://sqs.us-east-1.localhost/000000000000/${queue}`,
      arn('sqs', `${queue}`),
      arn('sns', `${topic}`),
      machine,
      'Key',
    ]);
  });

  test('a generated name keeps within the limit of its type (64 for a function), trimming the middle', () => {
    // Act
    const name = unnamed.physicalName('UpdateCreditReportFunction4D6B3B8A');

    // Assess
    expect(name.length).toBeLessThanOrEqual(64);
    expect(name).toMatch(/^RentalCollections-UpdateCreditReportFunction4D6B3B[\w]*-[A-Z0-9]{12}$/);
  });

  test('logicalIdOf reads the logical id back from a generated name', () => {
    expect(unnamed.logicalIdOf(unnamed.resolveString({ 'Fn::GetAtt': ['Cases', 'Arn'] }))).toBe('Cases');
  });
});

describe('SynthesizedApp refuses what it cannot resolve', () => {
  test.each<[string, unknown]>([
    ['Fn::If', { 'Fn::If': ['IsProd', 'a', 'b'] }],
    ['Fn::ImportValue', { 'Fn::ImportValue': 'SharedBus' }],
    ['Fn::FindInMap', { 'Fn::FindInMap': ['Map', 'Key', 'Value'] }],
    ['Fn::Base64', { 'Fn::Base64': 'text' }],
    ['Fn::GetAZs', { 'Fn::GetAZs': '' }],
    ['an intrinsic nested in a Join', { 'Fn::Join': ['', ['a', { 'Fn::If': ['C', 'x', 'y'] }]] }],
    ['a Ref to an unknown resource', { Ref: 'Missing' }],
    ['a GetAtt of an unknown resource', { 'Fn::GetAtt': ['Missing', 'Arn'] }],
    ['a Sub naming an unknown resource', { 'Fn::Sub': 'x-${Missing}' }],
  ])('%s', (_name, input) => {
    // Act and Assess
    expect(() => app.resolve(input)).toThrow(UnsupportedTemplateError);
  });

  test('resolveString refuses a value that does not resolve to a string', () => {
    expect(() => app.resolveString({ 'Fn::Split': [',', 'a,b'] })).toThrow(/expected a string/);
  });
});

describe('SynthesizedApp: resources', () => {
  test('ofType lists the resources of one type with their logical ids', () => {
    expect(app.ofType('AWS::SQS::Queue').map(([logicalId]) => logicalId)).toEqual(['Overdue']);
  });

  test('logicalIdOf reads the logical id back from a local name, URL or ARN', () => {
    // Prepare
    const names = [
      app.resolveString({ 'Fn::GetAtt': ['Open', 'Arn'] }),
      app.resolveString({ Ref: 'Overdue' }),
      app.resolveString({ Ref: 'Workflow' }),
      app.resolveString({ 'Fn::GetAtt': ['Bus', 'Arn'] }),
      'Cases',
    ];

    // Act
    const ids = names.map((name) => app.logicalIdOf(name));

    // Assess
    expect(ids).toEqual(['Open', 'Overdue', 'Workflow', 'Bus', 'Cases']);
  });

  test('load refuses a cdk.out that was never synthesized', () => {
    expect(() => SynthesizedApp.load('/nowhere/cdk.out')).toThrow(/npm run synth/);
  });
});
