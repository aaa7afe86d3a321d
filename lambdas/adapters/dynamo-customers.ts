import { type DynamoDBDocumentClient, GetCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import type { Customer, CustomerRepository } from '../domain/ports';

/** The Customers table: the one place with personal data (name, phone, email). */
export class DynamoCustomerRepository implements CustomerRepository {
  constructor(
    private readonly client: DynamoDBDocumentClient,
    private readonly tableName: string,
  ) {}

  /** Latest contact details win; anything else on the item (opt-outs, counters) is kept. */
  async put(customer: Customer, at: string): Promise<void> {
    await this.client.send(
      new UpdateCommand({
        TableName: this.tableName,
        Key: { customerId: customer.customerId },
        UpdateExpression:
          'SET #name = :name, #phone = :phone, #email = :email, #locale = :locale, #timezone = :timezone, #country = :country, #updatedAt = :at',
        // Several of these are DynamoDB reserved words (name, timezone, …): always use placeholders.
        ExpressionAttributeNames: {
          '#name': 'name',
          '#phone': 'phone',
          '#email': 'email',
          '#locale': 'locale',
          '#timezone': 'timezone',
          '#country': 'country',
          '#updatedAt': 'updatedAt',
        },
        ExpressionAttributeValues: {
          ':name': customer.name,
          ':phone': customer.phone,
          ':email': customer.email,
          ':locale': customer.locale,
          ':timezone': customer.timezone,
          ':country': customer.country,
          ':at': at,
        },
      }),
    );
  }

  async get(customerId: string): Promise<Customer | undefined> {
    const { Item } = await this.client.send(
      new GetCommand({ TableName: this.tableName, Key: { customerId }, ConsistentRead: true }),
    );
    if (!Item) return undefined;
    const { name, phone, email, locale, timezone, country } = Item as Customer;
    return { customerId, name, phone, email, locale, timezone, country };
  }
}
