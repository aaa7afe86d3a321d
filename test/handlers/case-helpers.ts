import type { PublishedMessage, SentEmail } from '@rental-collections/local-aws';
import type { SQSEvent, SQSRecord } from 'aws-lambda';
import type { OpenCaseRequest } from '../../lambdas/domain/requests';
import { handler as getCase } from '../../lambdas/handlers/api/get-case';
import { handler as openCase } from '../../lambdas/handlers/api/open-case';
import { handler as recordPayment } from '../../lambdas/handlers/api/record-payment';
import { handler as awaitResolution } from '../../lambdas/handlers/workflow/await-resolution';
import { handler as writeOffCase } from '../../lambdas/handlers/workflow/write-off-case';
import { openCaseBody } from '../support/fixtures';
import { type ApiCall, callApi, type LocalAws, lambdaContext, START } from '../support/local-aws';
import { iso } from '../support/time';
import { adapters } from './adapters';

export { DAY, iso } from '../support/time';

/** Shared steps of the handler tests: every call goes through a real handler and the local services. */

export interface TimelineItem {
  at: string;
  type: string;
  channel?: string;
  detail: Record<string, unknown>;
}

/** Opens a case through `POST /cases` and returns the case as the API answered it. */
export async function openCaseAt(overrides: Partial<OpenCaseRequest> = {}, at = START) {
  const body = openCaseBody(overrides);
  const reply = await callApi(openCase, { method: 'POST', resource: '/cases', body, at });
  if (reply.status !== 201) throw new Error(`opening a case failed: ${JSON.stringify(reply.body)}`);
  return { request: body, view: reply.body, caseId: reply.body.caseId as string };
}

export const readCase = (caseId: string, at = START) =>
  callApi(getCase, { method: 'GET', resource: '/cases/{caseId}', pathParameters: { caseId }, at });

export async function timelineOf(caseId: string, at = START): Promise<TimelineItem[]> {
  const reply = await readCase(caseId, at);
  if (reply.status !== 200) throw new Error(`reading case ${caseId} failed: ${reply.status}`);
  return reply.body.timeline as TimelineItem[];
}

export const typesOf = (timeline: TimelineItem[]) => timeline.map((entry) => entry.type);

export const pay = (caseId: string, body: unknown, at = START) =>
  callApi(recordPayment, {
    method: 'POST',
    resource: '/cases/{caseId}/payments',
    pathParameters: { caseId },
    body,
    at,
  });

/** Pays what the case owes as of `at`, through the API: the case is RESOLVED / PAID afterwards. */
export async function payInFull(caseId: string, at = START, paymentId = `full-${caseId}`) {
  const owed = (await readCase(caseId, at)).body.outstanding;
  const reply = await pay(caseId, { paymentId, amount: owed, paidAt: iso(at) }, at);
  if (reply.body.status !== 'RESOLVED') throw new Error(`payment did not resolve: ${JSON.stringify(reply)}`);
  return reply.body;
}

/** SMS the SNS emulator accepted for a case (tied to it by the message attribute, never by text). */
export const smsOf = (aws: LocalAws, caseId: string): PublishedMessage[] =>
  aws.sns.messages.filter((message) => message.attributes['collections.caseId'] === caseId);

const headerOf = (email: SentEmail, name: string) =>
  email.headers?.find((header) => header.name.toLowerCase() === name.toLowerCase())?.value;

/** Emails the SES emulator accepted for a case, by the `X-Collections-Case` header. */
export async function emailsOf(aws: LocalAws, caseId: string): Promise<SentEmail[]> {
  return (await aws.ses.sent()).filter((email) => headerOf(email, 'X-Collections-Case') === caseId);
}

export const emailHeader = headerOf;

export const executionArnOf = (aws: LocalAws, caseId: string) =>
  `${aws.stateMachineArn.replace(':stateMachine:', ':execution:')}:${caseId}`;

export const executionsOf = (aws: LocalAws, caseId: string) =>
  aws.engine
    .listExecutions({ stateMachineArn: aws.stateMachineArn })
    .executions.filter((e) => e.name === caseId);

/** The executions that close a written-off case paid or returned later (`<caseId>-recovered`). */
export const recoveredExecutionsOf = (aws: LocalAws, caseId: string) =>
  executionsOf(aws, `${caseId}-recovered`);

/** Opens a case and writes it off at `at` through the real "Write off the debt" step. */
export async function writtenOffCase(
  at: number,
  overrides: Partial<OpenCaseRequest> = {},
  opened = START,
): Promise<{ caseId: string; request: OpenCaseRequest }> {
  const { caseId, request } = await openCaseAt(overrides, opened);
  await writeOffCase({ caseId, at: iso(at) }, lambdaContext('write-off-case'));
  return { caseId, request };
}

let events = 0;

/** An EventBridge event from the platform, as the SQS target receives it in a message body. */
export function platformEvent(detailType: string, detail: unknown, time: string, id = `event-${++events}`) {
  return {
    version: '0',
    id,
    'detail-type': detailType,
    source: 'rental.platform',
    account: '000000000000',
    time,
    region: 'us-east-1',
    resources: [],
    detail,
  };
}

let messages = 0;

/** One SQS record carrying `body` (an object is sent as JSON, a string as it is). */
export function sqsRecord(body: unknown, messageId = `message-${++messages}`): SQSRecord {
  return {
    messageId,
    receiptHandle: `receipt-${messageId}`,
    body: typeof body === 'string' ? body : JSON.stringify(body),
    attributes: {
      ApproximateReceiveCount: '1',
      SentTimestamp: String(START),
      SenderId: 'events.amazonaws.com',
      ApproximateFirstReceiveTimestamp: String(START),
    },
    messageAttributes: {},
    md5OfBody: '',
    eventSource: 'aws:sqs',
    eventSourceARN: 'arn:aws:sqs:us-east-1:000000000000:platform-events',
    awsRegion: 'us-east-1',
  };
}

export const sqsBatch = (...records: SQSRecord[]): SQSEvent => ({ Records: records });

type ApiHandler = Parameters<typeof callApi>[0];

/** A POST to one of the API's routes, through its real handler. */
export const post = (
  handler: ApiHandler,
  resource: string,
  pathParameters: Record<string, string>,
  body: unknown,
  at = START,
  headers?: Record<string, string>,
) =>
  callApi(handler, {
    method: 'POST',
    resource,
    pathParameters,
    body,
    at,
    ...(headers ? { headers } : {}),
  } satisfies ApiCall);

/** The stored case record, for what the API does not show (ladder position, pending callback, …). */
export async function storedCase(caseId: string) {
  const record = await adapters.cases().get(caseId);
  if (!record) throw new Error(`no case ${caseId}`);
  return record;
}

/** The work items of a case, oldest first. */
export async function workItemsOf(caseId: string) {
  const items = await adapters.workItems().listByCase(caseId);
  return items.sort((a, b) => a.workItemId.localeCompare(b.workItemId));
}

export const ofType = (timeline: TimelineItem[], type: string) =>
  timeline.filter((entry) => entry.type === type);

/** The signed opt-out link's token in a message text, if there is one. */
export function optOutTokenIn(text: string): string | undefined {
  return /\/opt-out\?token=([A-Za-z0-9_-]+)/.exec(text)?.[1];
}

/** Something that must never be in a timeline, log or step output: the customer's personal data. */
export function personalDataOf(request: OpenCaseRequest): string[] {
  const { name, phone, email } = request.customer;
  return [name, phone, phone.slice(1), email];
}

/**
 * Opens a case and parks its stand-in workflow in "await-resolution" for `awaiting`, as the real
 * workflow does between steps: the API's changes then reach the workflow through the stored token.
 */
export async function waitingCase(
  aws: LocalAws,
  awaiting = 'LADDER',
  overrides: Partial<OpenCaseRequest> = {},
  at = START,
  /** What happens to the case before the workflow reaches its wait (a dispute before a dispute hold). */
  before?: (caseId: string) => Promise<unknown>,
) {
  const opened = await openCaseAt(overrides, at);
  await aws.clock.whenQuiet();
  const token = aws.tokens.at(-1);
  if (!token) throw new Error('the stand-in workflow did not reach its callback');
  if (before) await before(opened.caseId);
  await awaitResolution(
    { caseId: opened.caseId, awaiting, token, at: iso(at), timeoutSeconds: 3 * 86_400 },
    lambdaContext('await-resolution'),
  );
  return { ...opened, token };
}

/** What the waiting workflow was told (`{ kind }`), or null while it still waits. */
export async function wokenWith(aws: LocalAws, caseId: string): Promise<{ kind: string } | null> {
  await aws.clock.whenQuiet();
  const execution = aws.engine.describeExecution({ executionArn: executionArnOf(aws, caseId) });
  return execution.status === 'SUCCEEDED' ? JSON.parse(execution.output ?? 'null') : null;
}
