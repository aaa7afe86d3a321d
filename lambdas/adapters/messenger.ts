import { MetricUnit } from '@aws-lambda-powertools/metrics';
import { type SESv2Client, SendEmailCommand } from '@aws-sdk/client-sesv2';
import { CheckIfPhoneNumberIsOptedOutCommand, PublishCommand, type SNSClient } from '@aws-sdk/client-sns';
import {
  MessageDeliveryError,
  MessagingConfigurationError,
  type Messenger,
  type OutgoingMessage,
  type SendResult,
} from '../domain/ports';
import { metrics } from '../shared/powertools';
import { classifyProviderError, providerErrorName } from './messaging-errors';

export interface MessengerConfig {
  senderEmail: string;
  configurationSet: string;
  smsSenderId?: string;
}

/**
 * SMS by SNS `Publish` to a phone number (transactional), email by SES v2. The case and template kind
 * travel as message attributes / headers and SES tags (never the address or text), so delivery
 * events and the local outbox can be tied back to the case.
 */
export class SnsSesMessenger implements Messenger {
  constructor(
    private readonly sns: SNSClient,
    private readonly ses: SESv2Client,
    private readonly config: MessengerConfig,
  ) {}

  async send(message: OutgoingMessage): Promise<SendResult> {
    try {
      return await this.deliver(message);
    } catch (error) {
      const name = providerErrorName(error);
      switch (classifyProviderError(message.channel, error, message.to)) {
        case 'RECIPIENT':
          return { status: 'UNDELIVERABLE', reason: name };
        case 'CONFIGURATION':
          countMisconfiguration(message.channel, name);
          throw new MessagingConfigurationError(message.channel, name);
        default:
          throw new MessageDeliveryError(message.channel, name);
      }
    }
  }

  private async deliver(message: OutgoingMessage): Promise<SendResult> {
    // SNS keeps the account's SMS opt-out list (numbers that replied STOP); a publish to one of them
    // is accepted but never delivered, so ask first and report it as the customer's opt-out.
    if (message.channel === 'SMS') {
      const { isOptedOut } = await this.sns.send(
        new CheckIfPhoneNumberIsOptedOutCommand({ phoneNumber: message.to }),
      );
      if (isOptedOut) return { status: 'OPTED_OUT' };
    }
    const messageId = message.channel === 'SMS' ? await this.sendSms(message) : await this.sendEmail(message);
    const metric = metrics.singleMetric();
    metric.addDimension('channel', message.channel);
    metric.addMetric('MessageSent', MetricUnit.Count, 1);
    return { status: 'SENT', messageId };
  }

  private async sendSms(message: OutgoingMessage): Promise<string> {
    const attribute = (value: string) => ({ DataType: 'String', StringValue: value });
    const result = await this.sns.send(
      new PublishCommand({
        PhoneNumber: message.to,
        Message: message.body,
        MessageAttributes: {
          'AWS.SNS.SMS.SMSType': attribute('Transactional'),
          ...(this.config.smsSenderId ? { 'AWS.SNS.SMS.SenderID': attribute(this.config.smsSenderId) } : {}),
          'collections.caseId': attribute(message.caseId),
          'collections.kind': attribute(message.kind),
        },
      }),
    );
    return result.MessageId ?? '';
  }

  private async sendEmail(message: OutgoingMessage): Promise<string> {
    const result = await this.ses.send(
      new SendEmailCommand({
        FromEmailAddress: this.config.senderEmail,
        Destination: { ToAddresses: [message.to] },
        ConfigurationSetName: this.config.configurationSet,
        EmailTags: [
          { Name: 'caseId', Value: message.caseId },
          { Name: 'kind', Value: message.kind },
        ],
        Content: {
          Simple: {
            Subject: { Data: message.subject ?? '', Charset: 'UTF-8' },
            Body: { Text: { Data: message.body, Charset: 'UTF-8' } },
            Headers: [
              { Name: 'X-Collections-Case', Value: message.caseId },
              { Name: 'X-Collections-Kind', Value: message.kind },
              // RFC 8058 one-click: mail providers POST `List-Unsubscribe=One-Click` to the link.
              ...(message.optOutUrl
                ? [
                    { Name: 'List-Unsubscribe', Value: `<${message.optOutUrl}>` },
                    { Name: 'List-Unsubscribe-Post', Value: 'List-Unsubscribe=One-Click' },
                  ]
                : []),
            ],
          },
        },
      }),
    );
    return result.MessageId ?? '';
  }
}

/**
 * `MessagingMisconfigured`, once without extra dimensions (what the alarm watches) and once by
 * channel and provider error (what ops read to find the cause).
 */
function countMisconfiguration(channel: string, providerError: string): void {
  metrics.singleMetric().addMetric('MessagingMisconfigured', MetricUnit.Count, 1);
  const detailed = metrics.singleMetric();
  detailed.addDimension('channel', channel);
  detailed.addDimension('error', providerError);
  detailed.addMetric('MessagingMisconfigured', MetricUnit.Count, 1);
}
