import { checkPattern, matchesPattern, UnsupportedPatternError } from '../src/event-patterns';

/**
 * The documented examples of EventBridge content filtering: the user guide's "Content filtering in
 * event patterns", "Comparison operators", "Arrays in event patterns" and "Null values and empty
 * strings" pages, and the README of aws/event-ruler (the matcher EventBridge runs) for `$or`, exists
 * on intermediate nodes and arrays of objects. Each pattern is checked as a rule would be, then matched.
 */
type Json = Record<string, unknown>;

/** The sample event of the docs (an EC2 state change), with its detail replaced or extended. */
const ec2Event = (detail: Json = {}): Json => ({
  version: '0',
  id: 'ddddd4-aaaa-7777-4444-345dd43cc333',
  'detail-type': 'EC2 Instance State-change Notification',
  source: 'aws.ec2',
  account: '012345679012',
  time: '2017-10-02T16:24:49Z',
  region: 'us-east-1',
  resources: ['arn:aws:ec2:us-east-1:123456789012:instance/i-000000aaaaaa00000'],
  detail: {
    'c-count': 5,
    'd-count': 3,
    'x-limit': 301.8,
    'source-ip': '10.0.0.33',
    'instance-id': 'i-000000aaaaaa00000',
    state: 'running',
    ...detail,
  },
});

const withoutDetail = (...keys: string[]): Json => {
  const event = ec2Event();
  const detail = { ...(event.detail as Json) };
  for (const key of keys) delete detail[key];
  return { ...event, detail };
};

const field = (name: string, value: unknown): Json => ({ detail: { [name]: value } });

const employees = {
  employees: [
    { firstName: 'John', lastName: 'Doe' },
    { firstName: 'Anna', lastName: 'Smith' },
    { firstName: 'Peter', lastName: 'Jones' },
  ],
};

const cloudWatchOr = {
  source: ['aws.cloudwatch'],
  $or: [{ metricName: ['CPUUtilization', 'ReadLatency'] }, { namespace: ['AWS/EC2', 'AWS/ES'] }],
};

const complex = {
  time: [{ prefix: '2017-10-02' }],
  detail: {
    state: [{ 'anything-but': 'initializing' }],
    'c-count': [{ numeric: ['>', 0, '<=', 5] }],
    'd-count': [{ numeric: ['<', 10] }],
    'x-limit': [{ 'anything-but': [100, 200, 300] }],
  },
};

const cases: Array<[string, Json, Json, boolean]> = [
  // Exact values, AND across fields, OR within a list
  [
    'simple matching',
    {
      'detail-type': ['EC2 Instance State-change Notification'],
      resources: ['arn:aws:ec2:us-east-1:123456789012:instance/i-000000aaaaaa00000'],
      detail: { state: ['initializing', 'running'] },
    },
    ec2Event(),
    true,
  ],
  ['a value not in the list', { detail: { state: ['initializing'] } }, ec2Event(), false],
  ['a field the event lacks', { detail: { zone: ['a'] } }, ec2Event(), false],
  ['every field must match', { source: ['aws.ec2'], region: ['eu-west-1'] }, ec2Event(), false],
  ['a number matches a number', { detail: { 'c-count': [5] } }, ec2Event(), true],
  ['a string does not match a number', { detail: { 'c-count': ['5'] } }, ec2Event(), false],
  ['empty string', { detail: { eventVersion: [''] } }, field('eventVersion', ''), true],
  ['null', { detail: { responseElements: [null] } }, field('responseElements', null), true],
  ['an empty string does not match null', { detail: { x: [''] } }, field('x', null), false],
  ['null does not match an empty string', { detail: { x: [null] } }, field('x', ''), false],
  ['null does not match an absent field', { detail: { x: [null] } }, field('y', 1), false],
  // prefix, suffix, equals-ignore-case
  ['prefix', { time: [{ prefix: '2017-10-02' }] }, ec2Event(), true],
  ['prefix, other value', { region: [{ prefix: 'eu-' }] }, ec2Event(), false],
  ['prefix on a number', { detail: { 'c-count': [{ prefix: '5' }] } }, ec2Event(), false],
  [
    'prefix ignoring case',
    { detail: { service: [{ prefix: { 'equals-ignore-case': 'EventB' } }] } },
    field('service', 'eventbridge'),
    true,
  ],
  [
    'prefix ignoring case, other value',
    { detail: { service: [{ prefix: { 'equals-ignore-case': 'EventB' } }] } },
    field('service', 'sqs'),
    false,
  ],
  ['suffix', { detail: { FileName: [{ suffix: '.png' }] } }, field('FileName', 'image.png'), true],
  [
    'suffix is case sensitive',
    { detail: { FileName: [{ suffix: '.png' }] } },
    field('FileName', 'a.PNG'),
    false,
  ],
  [
    'suffix ignoring case',
    { detail: { FileName: [{ suffix: { 'equals-ignore-case': '.png' } }] } },
    field('FileName', 'a.PNG'),
    true,
  ],
  [
    'equals-ignore-case',
    { detail: { Name: [{ 'equals-ignore-case': 'alice' }] } },
    field('Name', 'ALICE'),
    true,
  ],
  [
    'equals-ignore-case, other value',
    { detail: { Name: [{ 'equals-ignore-case': 'alice' }] } },
    field('Name', 'Alicia'),
    false,
  ],
  // anything-but
  ['anything-but a string', { detail: { state: [{ 'anything-but': 'initializing' }] } }, ec2Event(), true],
  [
    'anything-but the value itself',
    { detail: { state: [{ 'anything-but': 'initializing' }] } },
    ec2Event({ state: 'initializing' }),
    false,
  ],
  [
    'anything-but needs the field',
    { detail: { state: [{ 'anything-but': 'initializing' }] } },
    withoutDetail('state'),
    false,
  ],
  ['anything-but a number', { detail: { 'x-limit': [{ 'anything-but': 123 }] } }, ec2Event(), true],
  [
    'anything-but the number itself',
    { detail: { 'x-limit': [{ 'anything-but': 123 }] } },
    ec2Event({ 'x-limit': 123 }),
    false,
  ],
  [
    'anything-but a list of strings',
    { detail: { state: [{ 'anything-but': ['stopped', 'overloaded'] }] } },
    ec2Event(),
    true,
  ],
  [
    'anything-but a list of strings, listed value',
    { detail: { state: [{ 'anything-but': ['stopped', 'overloaded'] }] } },
    ec2Event({ state: 'overloaded' }),
    false,
  ],
  [
    'anything-but a list of numbers, listed value',
    { detail: { 'x-limit': [{ 'anything-but': [100, 200, 300] }] } },
    ec2Event({ 'x-limit': 200 }),
    false,
  ],
  [
    'anything-but a prefix',
    { detail: { state: [{ 'anything-but': { prefix: 'init' } }] } },
    ec2Event(),
    true,
  ],
  [
    'anything-but a prefix, value with it',
    { detail: { state: [{ 'anything-but': { prefix: 'init' } }] } },
    ec2Event({ state: 'initializing' }),
    false,
  ],
  [
    'anything-but a prefix: our own events, not AWS ones',
    { source: [{ 'anything-but': { prefix: 'aws.' } }] },
    { source: 'rental.platform' },
    true,
  ],
  [
    'anything-but a suffix',
    { detail: { FileName: [{ 'anything-but': { suffix: '.png' } }] } },
    field('FileName', 'notes.txt'),
    true,
  ],
  [
    'anything-but a suffix, value with it',
    { detail: { FileName: [{ 'anything-but': { suffix: '.png' } }] } },
    field('FileName', 'image.png'),
    false,
  ],
  [
    'anything-but ignoring case',
    { detail: { state: [{ 'anything-but': { 'equals-ignore-case': 'initializing' } }] } },
    ec2Event({ state: 'INITIALIZING' }),
    false,
  ],
  [
    'anything-but ignoring case, other value',
    { detail: { state: [{ 'anything-but': { 'equals-ignore-case': 'initializing' } }] } },
    ec2Event(),
    true,
  ],
  // numeric
  [
    'numeric ranges and equality',
    {
      detail: {
        'c-count': [{ numeric: ['>', 0, '<=', 5] }],
        'd-count': [{ numeric: ['<', 10] }],
        'x-limit': [{ numeric: ['=', 3.018e2] }],
      },
    },
    ec2Event(),
    true,
  ],
  [
    'numeric, above the range',
    { detail: { 'c-count': [{ numeric: ['>', 0, '<=', 5] }] } },
    ec2Event({ 'c-count': 6 }),
    false,
  ],
  [
    'numeric, open bound',
    { detail: { 'c-count': [{ numeric: ['>', 0, '<=', 5] }] } },
    ec2Event({ 'c-count': 0 }),
    false,
  ],
  ['numeric, >= bound', { detail: { 'c-count': [{ numeric: ['>=', 5] }] } }, ec2Event(), true],
  [
    'numeric needs a JSON number',
    { detail: { 'c-count': [{ numeric: ['>', 0] }] } },
    ec2Event({ 'c-count': '5' }),
    false,
  ],
  // exists
  ['exists', { detail: { state: [{ exists: true }] } }, ec2Event(), true],
  ['exists, field absent', { detail: { state: [{ exists: true }] } }, withoutDetail('state'), false],
  ['exists with a null value (a leaf)', { detail: { x: [{ exists: true }] } }, field('x', null), true],
  ['does not exist', { detail: { 'c-count': [{ exists: false }] } }, withoutDetail('c-count'), true],
  ['does not exist, field present', { detail: { 'c-count': [{ exists: false }] } }, ec2Event(), false],
  [
    'does not exist: an intermediate node is not a field',
    { detail: { 'c-count': [{ exists: false }] } },
    ec2Event({ 'c-count': { c1: 100 } }),
    true,
  ],
  [
    'exists: an intermediate node is not a field',
    { detail: { 'c-count': [{ exists: true }] } },
    ec2Event({ 'c-count': { c1: 100 } }),
    false,
  ],
  [
    'does not exist: nor does it when its parent is absent',
    { detail: { 'c-count': [{ exists: false }] } },
    { source: 'aws.ec2' },
    true,
  ],
  // arrays in events
  [
    'an event array matches when it intersects the pattern list',
    {
      resources: [
        'arn:aws:ec2:us-east-1:123456789012:instance/i-b188560f',
        'arn:aws:ec2:us-east-1:111122223333:instance/i-b188560f',
        'arn:aws:ec2:us-east-1:444455556666:instance/i-b188560f',
      ],
    },
    {
      resources: [
        'arn:aws:autoscaling:us-east-1:123456789012:autoScalingGroup:eb56d16b-bbf0-401d-b893-d5978ed4a025:autoScalingGroupName/ASGTerminate',
        'arn:aws:ec2:us-east-1:123456789012:instance/i-b188560f',
      ],
    },
    true,
  ],
  [
    'an event array without a common value',
    { resources: ['arn:b'] },
    { resources: ['arn:a', 'arn:c'] },
    false,
  ],
  [
    'an event array with any matcher',
    { detail: { state: [{ prefix: 'run' }] } },
    ec2Event({ state: ['initializing', 'running'] }),
    true,
  ],
  ['objects in an array: one element matches', { employees: { firstName: ['Anna'] } }, employees, true],
  [
    'objects in an array: fields from different elements do not combine',
    { employees: { firstName: ['Anna'], lastName: ['Jones'] } },
    employees,
    false,
  ],
  [
    'objects in nested arrays',
    { employees: { firstName: ['Peter'] } },
    { employees: [[employees.employees[0]], [employees.employees[2]]] },
    true,
  ],
  // $or
  ['$or, first branch', cloudWatchOr, { source: 'aws.cloudwatch', metricName: 'CPUUtilization' }, true],
  ['$or, second branch', cloudWatchOr, { source: 'aws.cloudwatch', namespace: 'AWS/ES' }, true],
  [
    '$or, no branch',
    cloudWatchOr,
    { source: 'aws.cloudwatch', metricName: 'Other', namespace: 'Custom' },
    false,
  ],
  [
    '$or, AND with the other fields',
    cloudWatchOr,
    { source: 'aws.ec2', metricName: 'CPUUtilization' },
    false,
  ],
  [
    '$or with an AND and a nested $or inside',
    {
      source: ['aws.cloudwatch'],
      $or: [
        { metricName: ['CPUUtilization', 'ReadLatency'] },
        {
          metricType: ['MetricType'],
          namespace: ['AWS/EC2', 'AWS/ES'],
          $or: [{ metricId: [1234] }, { spaceId: [1000] }],
        },
        { scope: ['Service'] },
      ],
    },
    { source: 'aws.cloudwatch', metricType: 'MetricType', namespace: 'AWS/EC2', spaceId: 1000 },
    true,
  ],
  [
    '$or inside a nested object',
    {
      detail: { $or: [{ source: ['aws.cloudwatch'] }, { 'detail-type': ['CloudWatch Alarm State Change'] }] },
    },
    { detail: { 'detail-type': 'CloudWatch Alarm State Change' } },
    true,
  ],
  // combined
  ['the complex example', complex, ec2Event(), true],
  ['the complex example, one field off', complex, ec2Event({ 'd-count': 10 }), false],
];

describe('EventBridge content filtering: the documented examples', () => {
  test.each(cases)('%s', (_name, pattern, event, expected) => {
    // Prepare: the rule is accepted as it would be when loaded
    expect(() => checkPattern(pattern)).not.toThrow();

    // Act
    const matched = matchesPattern(pattern, event);

    // Assess
    expect(matched).toBe(expected);
  });
});

const refused: Array<[string, unknown]> = [
  ['wildcard', { source: [{ wildcard: 'Simple*Service' }] }],
  ['cidr (IP address matching)', { detail: { 'source-ip': [{ cidr: '10.0.0.0/24' }] } }],
  ['anything-but with a wildcard', { detail: { FilePath: [{ 'anything-but': { wildcard: '*/lib/*' } }] } }],
  [
    'anything-but a list of prefixes',
    { detail: { state: [{ 'anything-but': { prefix: ['init', 'pend'] } }] } },
  ],
  ['anything-but a list of strings and numbers', { detail: { x: [{ 'anything-but': ['a', 1] }] } }],
  ['an unknown operator', { detail: { type: [{ contains: 'Normal' }] } }],
  ['two operators in one matcher', { detail: { FileName: [{ prefix: 'a', suffix: '.png' }] } }],
  ['a leaf value that is not a list', { source: 'aws.ec2' }],
  ['an empty list', { source: [] }],
  ['a list in a list', { source: [['aws.ec2']] }],
  ['exists with a non-boolean', { detail: { state: [{ exists: 'yes' }] } }],
  ['numeric with an unknown operator', { detail: { x: [{ numeric: ['!=', 1] }] } }],
  ['numeric with a string bound', { detail: { x: [{ numeric: ['>', '5'] }] } }],
  ['numeric without a bound', { detail: { x: [{ numeric: ['>'] }] } }],
  ['prefix with a number', { detail: { x: [{ prefix: 5 }] } }],
  ['an inherited property name as operator', { detail: { x: [{ constructor: 'x' }] } }],
  ['$or that is not a list', { $or: { source: ['a'] } }],
  ['$or with one branch', { $or: [{ source: ['a'] }] }],
  ['$or with a branch that is not a pattern', { $or: [{ source: ['a'] }, ['b']] }],
  ['a pattern that is not an object', ['aws.ec2']],
];

describe('checkPattern refuses what the local matcher does not implement', () => {
  test.each(refused)('%s', (_name, pattern) => {
    // Act and Assess
    expect(() => checkPattern(pattern, 'rule R')).toThrow(UnsupportedPatternError);
  });

  test('names the rule and the field in the error', () => {
    // Prepare
    const pattern = { detail: { FilePath: [{ wildcard: '*/lib/*' }] } };

    // Act and Assess
    expect(() => checkPattern(pattern, 'rule R')).toThrow(/^rule R\.detail\.FilePath: unsupported matcher/);
  });
});
