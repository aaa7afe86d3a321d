import { PublishCommand, type SNSClient } from '@aws-sdk/client-sns';
import type { LegalReferrals } from '../domain/ports';

/** Referrals on the encrypted legal topic, which the law firm subscribes to. */
export class SnsLegalReferrals implements LegalReferrals {
  constructor(
    private readonly sns: SNSClient,
    private readonly topicArn: string,
  ) {}

  async refer(bundle: Record<string, unknown>): Promise<void> {
    await this.sns.send(
      new PublishCommand({
        TopicArn: this.topicArn,
        Subject: `Legal referral ${String(bundle.caseId ?? '')}`.slice(0, 99),
        Message: JSON.stringify(bundle),
      }),
    );
  }
}
