import { ConditionalCheckFailedException } from '@aws-sdk/client-dynamodb';
import { type DynamoDBDocumentClient, GetCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import type { CallDay, Customer, CustomerDetails, CustomerRepository, OptOutChannel } from '../domain/ports';

/**
 * The Customers table: the one place with personal data (name, phone, email), plus each customer's
 * opt-outs (`optOut:<channel>`) and call counters (`calls:<day>:attempts|connected`), kept as flat
 * attributes so one atomic `ADD` counts a call however many cases the customer has.
 */
const OPT_OUT = 'optOut:';
const CALLS = 'calls:';
const CHANNELS: readonly OptOutChannel[] = ['SMS', 'EMAIL', 'CALL'];

export class DynamoCustomerRepository implements CustomerRepository {
  constructor(
    private readonly client: DynamoDBDocumentClient,
    private readonly tableName: string,
  ) {}

  async put(customer: CustomerDetails, at: string): Promise<void> {
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
    await this.client.send(
      new UpdateCommand({
        TableName: this.tableName,
        Key: { customerId: customer.customerId },
        UpdateExpression: `SET ${keys.map((key) => `#${key} = :${key}`).join(', ')}`,
        ExpressionAttributeNames: Object.fromEntries(keys.map((key) => [`#${key}`, key])),
        ExpressionAttributeValues: Object.fromEntries(
          Object.entries(fields).map(([key, value]) => [`:${key}`, value]),
        ),
      }),
    );
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
    const { name, phone, email, locale, timezone, country, lastConversationAt } = Item as Customer;
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

  async recordCall(customerId: string, day: string, connected: boolean, at: string): Promise<void> {
    await this.client.send(
      new UpdateCommand({
        TableName: this.tableName,
        Key: { customerId },
        UpdateExpression: connected ? 'ADD #attempts :one, #connected :one' : 'ADD #attempts :one',
        ExpressionAttributeNames: {
          '#attempts': `${CALLS}${day}:attempts`,
          ...(connected ? { '#connected': `${CALLS}${day}:connected` } : {}),
        },
        ExpressionAttributeValues: { ':one': 1 },
      }),
    );
    if (!connected) return;
    // The last conversation only moves forward: a call logged late must not shorten the quiet days.
    try {
      await this.client.send(
        new UpdateCommand({
          TableName: this.tableName,
          Key: { customerId },
          UpdateExpression: 'SET #last = :at',
          ConditionExpression: 'attribute_not_exists(#last) OR #last < :at',
          ExpressionAttributeNames: { '#last': 'lastConversationAt' },
          ExpressionAttributeValues: { ':at': at },
        }),
      );
    } catch (error) {
      if (!(error instanceof ConditionalCheckFailedException)) throw error;
    }
  }
}
