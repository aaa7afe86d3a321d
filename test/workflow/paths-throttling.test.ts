/**
 * What AWS does to a burst of messages, on the real ASL and handlers: the local SNS and SES emulators
 * throttle like an account's sending rate (2 SMS and 2 emails a second here, `faults`), so the send
 * steps' Retry (jittered, about an hour of budget) is what gets every message out without failing a
 * case; and contacts deferred by the night wake spread over the window's first 30 minutes instead of
 * all at 08:00:00.000.
 */
import { STAGE_STATES } from '../../statemachines/overdue-case';
import { usePathsRuntime } from './paths-support';

jest.setTimeout(120_000);

const world = usePathsRuntime({
  faults: { sns: { maxSmsPerSecond: 2 }, ses: { maxSendsPerSecond: 2 } },
});

const CASES = 24;
const names = (prefix: string) => Array.from({ length: CASES }, (_, n) => `${prefix}-${n}`);

test(`${CASES} cases opened in the same instant: throttled messages are retried with jitter until all go out, and no case fails`, async () => {
  // Prepare: every notice tries to go out at 09:00:00.000 local
  const group = await world().scenarios(names('burst'), '09:00');
  for (const s of group) await s.open(129_900);

  // Act
  await world().advanceTo(group[0]?.at(0, 2) ?? 0);

  // Assess
  const outboxes = await Promise.all(group.map((s) => s.outbox()));
  expect(outboxes.map((lines) => lines.map((line) => line.replace(/^\S+ \S+ /, '')))).toEqual(
    group.map(() => ['SMS OVERDUE_NOTICE', 'EMAIL OVERDUE_NOTICE']),
  );
  const executions = await Promise.all(group.map((s) => s.execution()));
  expect(executions.map((execution) => execution.status)).toEqual(group.map(() => 'RUNNING'));
  // The throttling happened (the retries were needed) and spread the sends out.
  const traces = await Promise.all(group.map((s) => s.trace()));
  const failures = traces
    .flat()
    .filter((line) => line.includes(` TaskFailed ${STAGE_STATES.OVERDUE_NOTICE.send}`));
  expect(failures.length).toBeGreaterThan(CASES / 2);
  const sentAt = new Set(outboxes.flat().map((line) => line.split(' ').slice(0, 2).join(' ')));
  expect(sentAt.size).toBeGreaterThan(CASES / 2);
  expect(await world().opsAlerts()).toEqual([]);
});

test(`${CASES} cases opened at 23:00 local: their notices wake spread over 08:00–08:30, one by one, none throttled for good`, async () => {
  // Prepare
  const group = await world().scenarios(names('night'), '23:00');
  for (const s of group) await s.open(129_900);

  // Act
  await world().advanceTo(group[0]?.at(1) ?? 0);

  // Assess: each notice went out once, between 08:00 and about 08:30 local (0d 09:00 here)
  const first = group[0];
  if (!first) throw new Error('no scenario');
  const sent = (await Promise.all(group.map((s) => s.outboxAt()))).flat();
  expect(sent).toHaveLength(2 * CASES);
  for (const at of sent) {
    expect(at).toBeGreaterThanOrEqual(first.at(0, 9));
    expect(at).toBeLessThan(first.at(0, 9, 45));
  }
  expect(new Set(sent.map((at) => Math.floor(at / 60_000))).size).toBeGreaterThan(CASES / 2);
  const executions = await Promise.all(group.map((s) => s.execution()));
  expect(executions.map((execution) => execution.status)).toEqual(group.map(() => 'RUNNING'));
});

test('a notice the provider throttles across 22:00 never goes out at night: tried again, deferred to the window, and recorded when it goes out', async () => {
  // Prepare: 21:50 local; from now on SNS and SES refuse every send (throttled)
  const [s] = await world().scenarios(['across-22'], '21:50');
  if (!s) throw new Error('no scenario');
  world().runtime.sns.throttleSms(0);
  world().runtime.ses.throttle(0);
  await s.open(129_900);

  // Act: the provider recovers at 22:20 local
  await s.advanceTo(s.at(0, 0, 30));
  world().runtime.sns.throttleSms(2);
  world().runtime.ses.throttle(2);
  await s.advanceTo(s.at(1));

  // Assess: both messages went out once, between 08:00 and 08:30 local the next morning
  const sent = await s.outboxAt();
  expect(sent).toHaveLength(2);
  for (const at of sent) {
    expect(at).toBeGreaterThanOrEqual(s.at(0, 10, 10)); // 08:00 local
    expect(at).toBeLessThan(s.at(0, 10, 40));
  }
  // The timeline says when they really went out.
  const recorded = (await s.view()).timeline
    .filter((entry: { type: string }) => entry.type === 'MESSAGE_SENT')
    .map((entry: { at: string }) => Date.parse(entry.at));
  expect(recorded).toEqual(sent);
  expect((await s.execution()).status).toBe('RUNNING');
});

test('email refused for our setup (sender not verified) for days: ops alerted every 2 h in the window, then the email is recorded as not sent and the ladder goes on', async () => {
  // Prepare
  const [s] = await world().scenarios(['sender-unverified'], '09:00');
  if (!s) throw new Error('no scenario');
  world().runtime.ses.rejectSender(true);

  // Act
  await s.open(129_900);
  await s.advanceTo(s.at(6));
  world().runtime.ses.rejectSender(false);

  // Assess: the SMS went at once; the email was given up after two days of tries, recorded as such
  const outbox = await s.outbox();
  expect(outbox[0]).toBe('0d 00:00 SMS OVERDUE_NOTICE');
  expect(outbox.filter((line) => line.includes('EMAIL OVERDUE_NOTICE'))).toEqual([]);
  const skipped = (await s.timeline()).filter((line) => line.includes('CONTACT_SKIPPED EMAIL'));
  expect(skipped).toEqual([
    expect.stringMatching(/^2d \S+ CONTACT_SKIPPED EMAIL .*reason=PROVIDER_MISCONFIGURED/),
  ]);
  // The ladder went on from then: the first reminder 3 days after the notice was given up
  expect(outbox).toContainEqual(expect.stringMatching(/^5d \S+ SMS REMINDER$/));
  expect((await s.execution()).status).toBe('RUNNING');
  // Every 2 hours while the window is open (the nights only defer): bounded, never a flood.
  const alerts = (await world().opsAlerts()).filter((subject) => subject === 'Messages not sent');
  expect(alerts.length).toBeGreaterThanOrEqual(10);
  expect(alerts.length).toBeLessThanOrEqual(24);
});
