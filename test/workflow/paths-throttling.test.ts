/**
 * What AWS does to a burst of messages, on the real ASL and handlers: the local SNS and SES emulators
 * throttle like an account's sending rate (2 SMS and 2 emails a second here, `faults`), so the send
 * steps' Retry (jittered, about an hour of budget) is what gets every message out without failing a
 * case; and contacts deferred by the night wake spread over the window's first 30 minutes instead of
 * all at 08:00:00.000.
 */
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
  const failures = traces.flat().filter((line) => line.includes(' TaskFailed Send overdue notice'));
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
