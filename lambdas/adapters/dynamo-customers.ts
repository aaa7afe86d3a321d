import { ConditionalCheckFailedException } from '@aws-sdk/client-dynamodb';
import { type DynamoDBDocumentClient, GetCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import type {
  CallDay,
  CallReservation,
  CallsChange,
  Customer,
  CustomerDetails,
  CustomerRepository,
  OptOutChannel,
} from '../domain/ports';

/**
 * The Customers table: the one place with personal data (name, phone, email), plus each customer's
 * opt-outs (`optOut:<channel>`), call counters (`calls:<day>:attempts|connected`), the places
 * claimed calls hold under the caps (`callReservation:<workItemId>|<agent>`) and the calls counted
 * lately (`countedCall:<contact id>`, the time it was counted), kept as flat attributes so one write
 * changes any of them however many cases the customer has. `callsVersion` goes up with every write
 * to the counters and reservations (see `changeCalls`).
 */
const OPT_OUT = 'optOut:';
const CALLS = 'calls:';
const RESERVATION = 'callReservation:';
const COUNTED = 'countedCall:';
const CLAIMS_RESERVED = 'claimsReserved';
const CALLS_VERSION = 'callsVersion';
const CHANNELS: readonly OptOutChannel[] = ['SMS', 'EMAIL', 'CALL'];

// Work item ids never hold a `|` (they are `<caseId>:<queue>:<stage>:<slot>`), so one key per item and agent.
const reservationKey = (reservation: Pick<CallReservation, 'workItemId' | 'agent'>) =>
  `${RESERVATION}${reservation.workItemId}|${reservation.agent}`;

const isReservation = (value: unknown): value is CallReservation =>
  typeof value === 'object' &&
  value !== null &&
  ['workItemId', 'agent', 'at'].every((key) => typeof (value as Record<string, unknown>)[key] === 'string');

/** Builds one UpdateExpression from its SET, ADD and REMOVE parts, naming every attribute by placeholder. */
class UpdateBuilder {
  readonly names: Record<string, string> = {};
  readonly values: Record<string, unknown> = {};
  private readonly set: string[] = [];
  private readonly add: string[] = [];
  private readonly remove: string[] = [];

  name(attribute: string): string {
    const placeholder = `#a${Object.keys(this.names).length}`;
    this.names[placeholder] = attribute;
    return placeholder;
  }

  value(value: unknown): string {
    const placeholder = `:v${Object.keys(this.values).length}`;
    this.values[placeholder] = value;
    return placeholder;
  }

  setTo(attribute: string, value: unknown): this {
    this.set.push(`${this.name(attribute)} = ${this.value(value)}`);
    return this;
  }

  addTo(attribute: string, amount: number): this {
    this.add.push(`${this.name(attribute)} ${this.value(amount)}`);
    return this;
  }

  removing(attribute: string): this {
    this.remove.push(this.name(attribute));
    return this;
  }

  expression(): string {
    return [
      this.set.length > 0 ? `SET ${this.set.join(', ')}` : '',
      this.add.length > 0 ? `ADD ${this.add.join(', ')}` : '',
      this.remove.length > 0 ? `REMOVE ${this.remove.join(', ')}` : '',
    ]
      .filter(Boolean)
      .join(' ');
  }
}

export class DynamoCustomerRepository implements CustomerRepository {
  constructor(
    private readonly client: DynamoDBDocumentClient,
    private readonly tableName: string,
  ) {}

  async put(
    customer: CustomerDetails,
    at: string,
    options: { keepStoredCountry?: boolean } = {},
  ): Promise<Pick<CustomerDetails, 'country'>> {
    const fields = {
      name: customer.name,
      phone: customer.phone,
      email: customer.email,
      locale: customer.locale,
      timezone: customer.timezone,
      country: customer.country,
      updatedAt: at,
    };
    // Placeholders for every name: several (name, timezone, …) are DynamoDB reserved words.
    const keys = Object.keys(fields);
    const assignment = (key: string) =>
      key === 'country' && options.keepStoredCountry
        ? `#${key} = if_not_exists(#${key}, :${key})`
        : `#${key} = :${key}`;
    const { Attributes } = await this.client.send(
      new UpdateCommand({
        TableName: this.tableName,
        Key: { customerId: customer.customerId },
        UpdateExpression: `SET ${keys.map(assignment).join(', ')}`,
        ExpressionAttributeNames: Object.fromEntries(keys.map((key) => [`#${key}`, key])),
        ExpressionAttributeValues: Object.fromEntries(
          Object.entries(fields).map(([key, value]) => [`:${key}`, value]),
        ),
        ReturnValues: 'ALL_NEW',
      }),
    );
    const stored = Attributes?.country;
    return { country: typeof stored === 'string' ? stored : customer.country };
  }

  async get(customerId: string): Promise<Customer | undefined> {
    const { Item } = await this.client.send(
      new GetCommand({ TableName: this.tableName, Key: { customerId }, ConsistentRead: true }),
    );
    if (!Item) return undefined;
    const optOuts: Customer['optOuts'] = {};
    for (const channel of CHANNELS) {
      const when = Item[`${OPT_OUT}${channel}`];
      if (typeof when === 'string') optOuts[channel] = when;
    }
    const callDays: Record<string, CallDay> = {};
    for (const [key, value] of Object.entries(Item)) {
      const match = /^calls:(\d{4}-\d{2}-\d{2}):(attempts|connected)$/.exec(key);
      if (!match?.[1] || typeof value !== 'number') continue;
      const day = callDays[match[1]] ?? { attempts: 0, connected: 0 };
      if (match[2] === 'attempts') day.attempts = value;
      else day.connected = value;
      callDays[match[1]] = day;
    }
    const callReservations = Object.entries(Item)
      .filter(([key, value]) => key.startsWith(RESERVATION) && isReservation(value))
      .map(([, value]) => value as CallReservation);
    const countedCalls = Object.entries(Item)
      .filter(([key, value]) => key.startsWith(COUNTED) && typeof value === 'string')
      .map(([key, value]) => ({ eventId: key.slice(COUNTED.length), at: value as string }));
    const { name, phone, email, locale, timezone, country, lastConversationAt } = Item as Customer;
    const version = Item[CALLS_VERSION];
    return {
      customerId,
      name,
      phone,
      email,
      locale,
      timezone,
      country,
      optOuts,
      callDays,
      lastConversationAt: lastConversationAt ?? null,
      callReservations,
      countedCalls,
      claimsReserved: Item[CLAIMS_RESERVED] === true,
      callsVersion: typeof version === 'number' ? version : 0,
    };
  }

  async optOut(customerId: string, channel: OptOutChannel, at: string): Promise<void> {
    await this.client.send(
      new UpdateCommand({
        TableName: this.tableName,
        Key: { customerId },
        // The first opt-out's time stays: a repeated opt-out changes nothing.
        UpdateExpression: 'SET #optOut = if_not_exists(#optOut, :at)',
        ExpressionAttributeNames: { '#optOut': `${OPT_OUT}${channel}` },
        ExpressionAttributeValues: { ':at': at },
      }),
    );
  }

  async changeCalls(customerId: string, expectedVersion: number, change: CallsChange): Promise<boolean> {
    const update = new UpdateBuilder().addTo(CALLS_VERSION, 1);
    // One path may appear once in an update expression: each reservation taken once, each given
    // back once and never one taken in the same write; a counted call is never forgotten as it is counted.
    const reserved = new Map(
      (change.reserve ?? []).map((reservation) => [reservationKey(reservation), reservation]),
    );
    for (const [key, reservation] of reserved) update.setTo(key, { ...reservation });
    const released = new Set((change.release ?? []).map(reservationKey));
    for (const key of released) if (!reserved.has(key)) update.removing(key);
    if (change.count) {
      const { eventId, at, day, connected, lastConversationAt } = change.count;
      update.setTo(`${COUNTED}${eventId}`, at);
      update.addTo(`${CALLS}${day}:attempts`, 1);
      if (connected) update.addTo(`${CALLS}${day}:connected`, 1);
      if (lastConversationAt !== null) update.setTo('lastConversationAt', lastConversationAt);
    }
    for (const eventId of new Set(change.forget ?? [])) {
      if (eventId !== change.count?.eventId) update.removing(`${COUNTED}${eventId}`);
    }
    if (change.claimsReserved) update.setTo(CLAIMS_RESERVED, true);
    const version = update.name(CALLS_VERSION);
    const customer = update.name('customerId');
    const condition =
      expectedVersion === 0
        ? `attribute_exists(${customer}) AND attribute_not_exists(${version})`
        : `attribute_exists(${customer}) AND ${version} = ${update.value(expectedVersion)}`;
    try {
      await this.client.send(
        new UpdateCommand({
          TableName: this.tableName,
          Key: { customerId },
          UpdateExpression: update.expression(),
          ConditionExpression: condition,
          ExpressionAttributeNames: update.names,
          ExpressionAttributeValues: update.values,
        }),
      );
      return true;
    } catch (error) {
      if (error instanceof ConditionalCheckFailedException) return false;
      throw error;
    }
  }

  async releaseCall(customerId: string, reservation: Pick<CallReservation, 'workItemId' | 'agent'>) {
    try {
      await this.client.send(
        new UpdateCommand({
          TableName: this.tableName,
          Key: { customerId },
          UpdateExpression: 'REMOVE #reservation',
          // Never creates a customer record that was erased meanwhile.
          ConditionExpression: 'attribute_exists(customerId)',
          ExpressionAttributeNames: { '#reservation': reservationKey(reservation) },
        }),
      );
    } catch (error) {
      if (!(error instanceof ConditionalCheckFailedException)) throw error;
    }
  }
}
