import type { z } from 'zod';
import {
  casePageSchema,
  caseSchema,
  caseWithTimelineSchema,
  optOutResultSchema,
  workItemPageSchema,
  workItemSchema,
} from './responses';

/**
 * Every route of the API (lib/collections-stack.ts), with the handler module that serves it: the
 * request schemas come from that handler, the answers from ./responses.ts. test/infra/openapi.test.ts
 * checks this list against the synthesized template (same routes, same handlers, same auth).
 */

export interface Answer {
  description: string;
  /** A JSON body, or `html` for a page a person reads. */
  body?: z.ZodType | 'html';
}

/** A problem the route's own code answers with; the status decides its `type` (docs/api.md). */
export type ProblemStatus = 400 | 404 | 409 | 413 | 422;

export interface ContractRoute {
  method: 'GET' | 'POST';
  /** As in the template, with `{name}` path parameters. */
  path: string;
  /** The handler module under `lambdas/handlers/`, e.g. `api/record-payment`. */
  handler: string;
  operationId: string;
  tag: 'Cases' | 'Work items' | 'Opt-outs';
  summary: string;
  description?: string;
  /** `sigv4`: IAM authorisation (every route but the signed opt-out link's). */
  auth: 'sigv4' | 'none';
  answers: Partial<Record<200 | 201, Answer>>;
  /** Why each problem status happens on this route. */
  problems: Partial<Record<ProblemStatus, string>>;
  /** The 400 can also be an HTML page (a person reads it in a browser). */
  htmlRefusal?: boolean;
}

const CASE_ANSWER: Answer = {
  description: 'The case as it is after the request (the workflow follows up right after).',
  body: caseSchema,
};
const WORK_ITEM_ANSWER: Answer = { description: 'The work item.', body: workItemSchema };

const BAD_BODY = 'Malformed JSON or a wrong field: `errors` names each one.';
const NO_CASE = 'No case with this id.';
const NO_WORK_ITEM = 'No work item with this id.';
/** Every POST that honours Idempotency-Key can answer this. */
const KEY_REUSED = 'The Idempotency-Key was used with another request, or that request is still running.';

export const ROUTES: ContractRoute[] = [
  {
    method: 'POST',
    path: '/cases',
    handler: 'api/open-case',
    operationId: 'openCase',
    tag: 'Cases',
    summary: 'Open the case of an overdue rental',
    description:
      'Idempotent by rental and `dueAt`: the same pair again answers 200 with the case already open. A new case starts its workflow (one Step Functions execution, named by the case id).',
    auth: 'sigv4',
    answers: {
      201: { description: 'A new case, `OPEN` at `OVERDUE_NOTICE`.', body: caseSchema },
      200: { description: 'The case this rental and `dueAt` already have.', body: caseSchema },
    },
    problems: {
      400: `${BAD_BODY} Also an unknown \`policyId\`, a \`dueAt\` after the request, and a currency the policy has no thresholds for (on \`amountDue.currency\`).`,
      409: KEY_REUSED,
    },
  },
  {
    method: 'GET',
    path: '/cases',
    handler: 'api/list-cases',
    operationId: 'listCases',
    tag: 'Cases',
    summary: 'List cases',
    description: 'By status, stage, customer or rental; 25 a page by default. Follow `nextToken`.',
    auth: 'sigv4',
    answers: { 200: { description: 'A page of cases.', body: casePageSchema } },
    problems: { 400: 'A wrong query parameter: `errors` names it.' },
  },
  {
    method: 'GET',
    path: '/cases/{caseId}',
    handler: 'api/get-case',
    operationId: 'getCase',
    tag: 'Cases',
    summary: 'Read a case with its timeline',
    auth: 'sigv4',
    answers: { 200: { description: 'The case and its whole timeline.', body: caseWithTimelineSchema } },
    problems: { 400: 'A malformed `caseId`: `errors` names it.', 404: NO_CASE },
  },
  {
    method: 'POST',
    path: '/cases/{caseId}/payments',
    handler: 'api/record-payment',
    operationId: 'recordPayment',
    tag: 'Cases',
    summary: 'Record a payment',
    description:
      'Applied once per `paymentId`. Paying what `outstanding` shows resolves the case as `PAID`; on a closed case the payment is recorded and shows in `refundDue`.',
    auth: 'sigv4',
    answers: { 200: CASE_ANSWER },
    problems: {
      400: `${BAD_BODY} Also a currency other than the case's, or a \`paidAt\` more than five minutes ahead.`,
      404: NO_CASE,
      409: `A reused \`paymentId\` with another amount, currency or date. ${KEY_REUSED}`,
    },
  },
  {
    method: 'POST',
    path: '/cases/{caseId}/returns',
    handler: 'api/record-return',
    operationId: 'recordReturn',
    tag: 'Cases',
    summary: 'Record the return of the device',
    description:
      'Resolves the case as `RETURNED` (a written-off one too); everything paid becomes `refundDue`.',
    auth: 'sigv4',
    answers: { 200: CASE_ANSWER },
    problems: {
      400: `${BAD_BODY} Also a \`returnedAt\` more than five minutes ahead.`,
      404: NO_CASE,
      409: `The case is closed (resolved or cancelled; a written-off case does take a return). ${KEY_REUSED}`,
    },
  },
  {
    method: 'POST',
    path: '/cases/{caseId}/promises',
    handler: 'api/make-promise',
    operationId: 'makePromise',
    tag: 'Cases',
    summary: 'Record a promise to pay by a date',
    auth: 'sigv4',
    answers: { 200: { ...CASE_ANSWER, description: 'The case, `PROMISED`.' } },
    problems: {
      400: `${BAD_BODY} Also a currency other than the case's, or a \`promisedAt\` in the past.`,
      404: NO_CASE,
      409: `The case is not \`OPEN\`. ${KEY_REUSED}`,
      422: "The amount is below the policy's share of `outstanding` (20 %) or above all of it, or `promisedAt` is beyond the policy's days.",
    },
  },
  {
    method: 'POST',
    path: '/cases/{caseId}/plans',
    handler: 'api/agree-plan',
    operationId: 'agreePlan',
    tag: 'Cases',
    summary: 'Agree instalments or an extended return',
    auth: 'sigv4',
    answers: { 200: { ...CASE_ANSWER, description: 'The case, `ON_PLAN`, fees frozen.' } },
    problems: {
      400: `${BAD_BODY} Also a currency other than the case's, or instalment dates not in the future and in order.`,
      404: NO_CASE,
      409: `The case is not \`OPEN\` or \`PROMISED\`. ${KEY_REUSED}`,
      422: "Beyond the policy's limits (instalments, plan length, return date), or the instalments do not add up to `outstanding`.",
    },
  },
  {
    method: 'POST',
    path: '/cases/{caseId}/disputes',
    handler: 'api/open-dispute',
    operationId: 'openDispute',
    tag: 'Cases',
    summary: 'Open a dispute: every channel holds',
    auth: 'sigv4',
    answers: { 200: { ...CASE_ANSWER, description: 'The case, `DISPUTED`.' } },
    problems: {
      400: BAD_BODY,
      404: NO_CASE,
      409: `Already disputed, or closed with no credit report that could be wrong. ${KEY_REUSED}`,
    },
  },
  {
    method: 'POST',
    path: '/cases/{caseId}/disputes/resolution',
    handler: 'api/rule-dispute',
    operationId: 'ruleDispute',
    tag: 'Cases',
    summary: 'Rule on the open dispute',
    auth: 'sigv4',
    answers: { 200: CASE_ANSWER },
    problems: { 400: BAD_BODY, 404: NO_CASE, 409: `The case has no open dispute. ${KEY_REUSED}` },
  },
  {
    method: 'POST',
    path: '/cases/{caseId}/contacts',
    handler: 'api/record-contact',
    operationId: 'recordContact',
    tag: 'Cases',
    summary: "Log an agent's call, visit or an inbound contact",
    description: 'Once per `contactId`; an outbound call counts towards the debtor’s call caps.',
    auth: 'sigv4',
    answers: { 200: CASE_ANSWER },
    problems: {
      400: `${BAD_BODY} Also an \`occurredAt\` more than five minutes ahead.`,
      404: NO_CASE,
      409: `The customer has no contact record. ${KEY_REUSED}`,
    },
  },
  {
    method: 'POST',
    path: '/cases/{caseId}/legal-review',
    handler: 'api/decide-legal-review',
    operationId: 'decideLegalReview',
    tag: 'Cases',
    summary: 'Approve or decline legal action',
    auth: 'sigv4',
    answers: { 200: CASE_ANSWER },
    problems: {
      400: BAD_BODY,
      404: NO_CASE,
      409: `No legal review waits for a decision on the case (or it was decided otherwise). ${KEY_REUSED}`,
    },
  },
  {
    method: 'POST',
    path: '/cases/{caseId}/legal-outcome',
    handler: 'api/record-legal-outcome',
    operationId: 'recordLegalOutcome',
    tag: 'Cases',
    summary: 'Record the outcome of legal action',
    auth: 'sigv4',
    answers: { 200: CASE_ANSWER },
    problems: {
      400: `${BAD_BODY} \`judgmentRef\` is required with, and only with, a \`JUDGMENT\`.`,
      404: NO_CASE,
      409: `The case is not at law (\`LEGAL\`). ${KEY_REUSED}`,
    },
  },
  {
    method: 'POST',
    path: '/cases/{caseId}/public-disclosure/approvals',
    handler: 'api/approve-disclosure',
    operationId: 'approveDisclosure',
    tag: 'Cases',
    summary: 'Approve a public disclosure (two approvers needed)',
    auth: 'sigv4',
    answers: { 200: CASE_ANSWER },
    problems: {
      400: BAD_BODY,
      404: NO_CASE,
      409: `Not at law, no judgment, or nothing owed: \`rule\` names which (CASE_NOT_LEGAL, NO_JUDGMENT, NOTHING_OUTSTANDING). ${KEY_REUSED}`,
      422: 'Public disclosure is off in the case’s policy (the default).',
    },
  },
  {
    method: 'GET',
    path: '/work-items',
    handler: 'api/list-work-items',
    operationId: 'listWorkItems',
    tag: 'Work items',
    summary: 'List the tasks for people in a queue',
    description:
      '`OPEN` (the default) lists what can be claimed now; `HELD` the open work its case’s hold stops. A page can hold fewer than `limit`: follow `nextToken`.',
    auth: 'sigv4',
    answers: { 200: { description: 'A page of work items, oldest due first.', body: workItemPageSchema } },
    problems: { 400: 'A wrong query parameter (`queue` is required): `errors` names it.' },
  },
  {
    method: 'POST',
    path: '/work-items/{workItemId}/claim',
    handler: 'api/claim-work-item',
    operationId: 'claimWorkItem',
    tag: 'Work items',
    summary: 'Claim a work item: the compliance gate',
    auth: 'sigv4',
    answers: {
      200: { ...WORK_ITEM_ANSWER, description: 'The item, `CLAIMED` (a call or visit with `callBy`).' },
    },
    problems: {
      400: BAD_BODY,
      404: NO_WORK_ITEM,
      409: `The contact is not allowed now: \`rule\` names why (OUTSIDE_CONTACT_WINDOW, CALL_CAP_DAILY, CALL_CAP_WEEKLY, CALL_AFTER_CONVERSATION, CALL_IN_PROGRESS, OPTED_OUT, DISPUTE_HOLD, ARRANGEMENT_HOLD, NOT_DUE_YET, CASE_CLOSED), \`retryAt\` when waiting will do; or the item is not \`OPEN\`. ${KEY_REUSED}`,
    },
  },
  {
    method: 'POST',
    path: '/work-items/{workItemId}/complete',
    handler: 'api/complete-work-item',
    operationId: 'completeWorkItem',
    tag: 'Work items',
    summary: 'Complete a claimed work item',
    auth: 'sigv4',
    answers: { 200: { ...WORK_ITEM_ANSWER, description: 'The item, `DONE`.' } },
    problems: {
      400: `${BAD_BODY} Also an outcome the queue does not have, or an \`occurredAt\` outside the claim and now (± 5 min).`,
      404: NO_WORK_ITEM,
      409: `Not claimed, or already completed with another outcome. ${KEY_REUSED}`,
    },
  },
  {
    method: 'POST',
    path: '/work-items/{workItemId}/release',
    handler: 'api/release-work-item',
    operationId: 'releaseWorkItem',
    tag: 'Work items',
    summary: 'Give a claim back',
    auth: 'sigv4',
    answers: {
      200: { ...WORK_ITEM_ANSWER, description: 'The item, `OPEN` again (`CANCELLED` if its case closed).' },
    },
    problems: {
      400: BAD_BODY,
      404: NO_WORK_ITEM,
      409: `Claimed by another agent, done, or already being completed. ${KEY_REUSED}`,
    },
  },
  {
    method: 'POST',
    path: '/customers/{customerId}/opt-outs',
    handler: 'api/opt-out',
    operationId: 'optOut',
    tag: 'Opt-outs',
    summary: 'Opt a customer out of a channel',
    auth: 'sigv4',
    answers: {
      200: { description: 'The channel is never used again for collection.', body: optOutResultSchema },
    },
    problems: { 400: BAD_BODY, 404: 'No customer with this id.', 409: KEY_REUSED },
  },
  {
    method: 'GET',
    path: '/opt-out',
    handler: 'api/opt-out-page',
    operationId: 'optOutPage',
    tag: 'Opt-outs',
    summary: 'The signed opt-out link: a confirmation page',
    description:
      'The link in every SMS and email. It changes nothing (mail scanners and link previews fetch links); its form POSTs the token. The page names the channel, nothing about the customer.',
    auth: 'none',
    answers: { 200: { description: 'The confirmation page, with its form.', body: 'html' } },
    problems: {
      400: 'No `token` (a problem); a token that is not genuine answers a 400 HTML page instead.',
    },
    htmlRefusal: true,
  },
  {
    method: 'POST',
    path: '/opt-out',
    handler: 'api/opt-out-link',
    operationId: 'optOutByLink',
    tag: 'Opt-outs',
    summary: 'Opt out by the signed link (the page’s form, or RFC 8058 one-click)',
    description:
      'The token comes in the form (`token=…`) or, for a mail provider’s one-click unsubscribe (`List-Unsubscribe=One-Click`), in the query. Repeated, the same answer; `Idempotency-Key` is ignored.',
    auth: 'none',
    answers: { 200: { description: 'The page saying the customer is opted out.', body: 'html' } },
    problems: { 400: 'The token is missing or not genuine (`errors` names `token`).' },
  },
];
