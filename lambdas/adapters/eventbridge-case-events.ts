import { type EventBridgeClient, PutEventsCommand } from '@aws-sdk/client-eventbridge';
import type { CaseEvents } from '../domain/ports';

export const COLLECTIONS_SOURCE = 'rental.collections';

/** Outbound case events on the collections bus. */
export class EventBridgeCaseEvents implements CaseEvents {
  constructor(
    private readonly client: EventBridgeClient,
    private readonly busName: string,
  ) {}

  async publish(detailType: string, detail: Record<string, unknown>): Promise<void> {
    const result = await this.client.send(
      new PutEventsCommand({
        Entries: [
          {
            EventBusName: this.busName,
            Source: COLLECTIONS_SOURCE,
            DetailType: detailType,
            Detail: JSON.stringify(detail),
          },
        ],
      }),
    );
    if ((result.FailedEntryCount ?? 0) > 0) {
      throw new Error(`the bus refused ${detailType}: ${result.Entries?.[0]?.ErrorCode ?? 'unknown error'}`);
    }
  }
}
