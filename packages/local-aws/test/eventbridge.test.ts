import type { AddressInfo } from 'node:net';
import { EventBridgeClient, ListRulesCommand, PutEventsCommand } from '@aws-sdk/client-eventbridge';
import { VirtualClock } from '../src/clock';
import { UnsupportedPatternError } from '../src/event-patterns';
import { type BusEvent, LocalEventBridge, type PutEventsEntry } from '../src/eventbridge';
import { Ids } from '../src/ids';
import { type CfnResource, localArn, SynthesizedApp, UnsupportedTemplateError } from '../src/template';

const START = Date.parse('2026-03-02T02:00:00.750Z');

const overduePattern = { source: ['rental.platform'], 'detail-type': ['Rental Overdue'] };

/** A template with the app's bus and rules on it, one rule on the default bus and a disabled one. */
function template(extraRules: Record<string, CfnResource> = {}): SynthesizedApp {
  return new SynthesizedApp('/nowhere', {
    Resources: {
      Bus: { Type: 'AWS::Events::EventBus', Properties: { Name: 'collections' } },
      Overdue: { Type: 'AWS::SQS::Queue' },
      Audit: { Type: 'AWS::Lambda::Function' },
      OverdueRule: {
        Type: 'AWS::Events::Rule',
        Properties: {
          EventBusName: { Ref: 'Bus' },
          EventPattern: overduePattern,
          Targets: [{ Arn: { 'Fn::GetAtt': ['Overdue', 'Arn'] }, Id: 'queue' }],
        },
      },
      DefaultBusRule: {
        Type: 'AWS::Events::Rule',
        Properties: {
          EventPattern: overduePattern,
          Targets: [{ Arn: { 'Fn::GetAtt': ['Audit', 'Arn'] }, Id: 'fn' }],
        },
      },
      DisabledRule: {
        Type: 'AWS::Events::Rule',
        Properties: {
          State: 'DISABLED',
          EventBusName: { Ref: 'Bus' },
          EventPattern: { source: [{ wildcard: 'not*supported' }] },
          Targets: [{ Arn: { 'Fn::GetAtt': ['Audit', 'Arn'] }, Id: 'fn' }],
        },
      },
      ...extraRules,
    },
  });
}

/** Targets and rules by the physical names the template gives them (generated, as CloudFormation does). */
const names = template();
const QUEUE = names.getAtt('Overdue', 'Arn');
const AUDIT = names.getAtt('Audit', 'Arn');
const OVERDUE_RULE = names.physicalName('OverdueRule');
const DEFAULT_BUS_RULE = names.physicalName('DefaultBusRule');

function localBus() {
  const clock = new VirtualClock({ start: START, speed: 0 });
  const delivered: Array<{ target: string; event: BusEvent }> = [];
  const bus = new LocalEventBridge(template(), clock, new Ids(3), async (target, event) => {
    delivered.push({ target, event });
  });
  return { clock, bus, delivered };
}

const overdue = (extra: PutEventsEntry = {}): PutEventsEntry => ({
  Source: 'rental.platform',
  DetailType: 'Rental Overdue',
  Detail: JSON.stringify({ rentalId: 'rental-1' }),
  EventBusName: 'collections',
  ...extra,
});

describe('LocalEventBridge.putEvents: validation', () => {
  test.each<[string, PutEventsEntry, string]>([
    ['no Source', overdue({ Source: undefined }), 'InvalidArgument'],
    ['no DetailType', overdue({ DetailType: undefined }), 'InvalidArgument'],
    ['no Detail', overdue({ Detail: undefined }), 'InvalidArgument'],
    ['a Detail that is not JSON', overdue({ Detail: '{rentalId:' }), 'MalformedDetail'],
    ['a Detail that is not an object', overdue({ Detail: '[1,2]' }), 'MalformedDetail'],
    ['an unknown bus', overdue({ EventBusName: 'elsewhere' }), 'NotFoundException'],
    ['the bus’s logical id, not its name', overdue({ EventBusName: 'Bus' }), 'NotFoundException'],
  ])('an entry with %s fails alone', async (_name, entry, errorCode) => {
    // Prepare
    const { bus, delivered, clock } = localBus();

    // Act
    const result = bus.putEvents([overdue(), entry]);
    await clock.whenQuiet();

    // Assess
    expect(result.FailedEntryCount).toBe(1);
    expect(result.Entries[0]).toEqual({ EventId: expect.any(String) });
    expect(result.Entries[1]).toEqual({ ErrorCode: errorCode, ErrorMessage: expect.any(String) });
    expect(bus.events).toHaveLength(1);
    expect(delivered).toHaveLength(1);
  });
});

describe('LocalEventBridge.putEvents: events and rules', () => {
  test('an event has the shape targets receive, its time in whole seconds of the virtual clock', () => {
    // Prepare
    const { bus } = localBus();

    // Act
    const { Entries } = bus.putEvents([overdue({ Resources: ['arn:aws:rental:1'] })]);

    // Assess
    expect(bus.events[0]?.event).toEqual({
      version: '0',
      id: (Entries[0] as { EventId: string }).EventId,
      'detail-type': 'Rental Overdue',
      source: 'rental.platform',
      account: '000000000000',
      time: '2026-03-02T02:00:00Z',
      region: 'us-east-1',
      resources: ['arn:aws:rental:1'],
      detail: { rentalId: 'rental-1' },
    });
    expect((Entries[0] as { EventId: string }).EventId).toMatch(
      /^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/,
    );
  });

  test('an entry may set its own time', () => {
    // Prepare
    const { bus } = localBus();

    // Act
    bus.putEvents([overdue({ Time: '2026-03-01T12:34:56.789Z' }), overdue({ Time: 1772427967.25 })]);

    // Assess
    expect(bus.events.map(({ event }) => event.time)).toEqual([
      '2026-03-01T12:34:56Z',
      '2026-03-02T05:06:07Z',
    ]);
  });

  test('a rule matches only events on its own bus, named or given by ARN', async () => {
    // Prepare
    const { bus, delivered, clock } = localBus();

    // Act
    bus.putEvents([
      overdue(),
      overdue({ EventBusName: localArn('events', 'event-bus/collections') }),
      overdue({ EventBusName: undefined }),
    ]);
    await clock.whenQuiet();

    // Assess
    expect(bus.events.map(({ bus: name, matchedRules }) => [name, matchedRules])).toEqual([
      ['collections', [OVERDUE_RULE]],
      ['collections', [OVERDUE_RULE]],
      ['default', [DEFAULT_BUS_RULE]],
    ]);
    expect(delivered.map(({ target }) => target)).toEqual([QUEUE, QUEUE, AUDIT]);
    expect(delivered[0]?.event).toBe(bus.events[0]?.event);
  });

  test('an event no rule matches is recorded and goes nowhere', async () => {
    // Prepare
    const { bus, delivered, clock } = localBus();

    // Act
    const result = bus.putEvents([overdue({ DetailType: 'Device Returned' })]);
    await clock.whenQuiet();

    // Assess
    expect(result.FailedEntryCount).toBe(0);
    expect(bus.events.map(({ matchedRules }) => matchedRules)).toEqual([[]]);
    expect(delivered).toEqual([]);
  });

  test('a rule with a pattern the local matcher does not implement is refused at load', () => {
    // Prepare
    const unsupported = {
      Wildcard: {
        Type: 'AWS::Events::Rule',
        Properties: { EventPattern: { source: [{ wildcard: 'rental.*' }] }, Targets: [] },
      },
    };

    // Act and Assess
    expect(
      () =>
        new LocalEventBridge(
          template(unsupported),
          new VirtualClock({ start: START, speed: 0 }),
          new Ids(1),
          async () => undefined,
        ),
    ).toThrow(UnsupportedPatternError);
  });

  test('a target with an input transformer is refused at load', () => {
    // Prepare
    const transformed = {
      Transformed: {
        Type: 'AWS::Events::Rule',
        Properties: {
          EventPattern: overduePattern,
          Targets: [{ Arn: { 'Fn::GetAtt': ['Audit', 'Arn'] }, Id: 'fn', InputPath: '$.detail' }],
        },
      },
    };

    // Act and Assess
    expect(
      () =>
        new LocalEventBridge(
          template(transformed),
          new VirtualClock({ start: START, speed: 0 }),
          new Ids(1),
          async () => undefined,
        ),
    ).toThrow(UnsupportedTemplateError);
  });
});

describe('LocalEventBridge: the AWS JSON 1.1 server, called with the SDK', () => {
  const { bus, delivered, clock } = localBus();
  let client: EventBridgeClient;

  beforeAll(async () => {
    await new Promise<void>((resolve) => bus.server.listen(0, '127.0.0.1', resolve));
    client = new EventBridgeClient({
      endpoint: `http://127.0.0.1:${(bus.server.address() as AddressInfo).port}`,
      region: 'us-east-1',
      credentials: { accessKeyId: 'local', secretAccessKey: 'local' },
    });
  });
  afterAll(async () => {
    client.destroy();
    await new Promise((resolve) => bus.server.close(resolve));
  });

  test('PutEventsCommand puts the events and reports each entry', async () => {
    // Prepare
    const sdkEntry = {
      Source: 'rental.platform',
      DetailType: 'Rental Overdue',
      Detail: JSON.stringify({ rentalId: 'rental-1' }),
      EventBusName: 'collections',
    };

    // Act
    const result = await client.send(
      new PutEventsCommand({
        Entries: [
          { ...sdkEntry, Time: new Date('2026-03-02T05:06:07.250Z') },
          { ...sdkEntry, Detail: 'not json' },
        ],
      }),
    );
    await clock.whenQuiet();

    // Assess
    expect(result.FailedEntryCount).toBe(1);
    expect(result.Entries).toEqual([
      { EventId: bus.events[0]?.event.id },
      { ErrorCode: 'MalformedDetail', ErrorMessage: expect.any(String) },
    ]);
    expect(bus.events.map(({ event }) => event.time)).toEqual(['2026-03-02T05:06:07Z']);
    expect(delivered.map(({ target, event }) => [target, event.detail])).toEqual([
      [QUEUE, { rentalId: 'rental-1' }],
    ]);
  });

  test('any other operation is refused as unknown', async () => {
    // Act
    const call = client.send(new ListRulesCommand({}));

    // Assess
    await expect(call).rejects.toMatchObject({ name: 'UnknownOperationException' });
  });
});
