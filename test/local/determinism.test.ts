import { GetSecretValueCommand, SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import type { LocalRuntime } from '@rental-collections/local-aws';
import { openOptOut } from '../../lambdas/domain/compliance/opt-out-token';
import { ENV } from '../../lambdas/shared/config';
import { openCaseBody } from '../support/fixtures';
import { http, rentalOverdue, startRuntime } from './runtime-support';

/**
 * The local runtime promises: same scenario, same seed → same timeline, byte for byte. Two runtimes, one after
 * the other, each from a fresh module registry (the functions' SDK clients bind to the first
 * runtime's endpoints when their modules load).
 *
 * Two things in the outbox differ on purpose, so the opt-out links are compared by what they mean:
 * each runtime's API has its own port, and a link's token is sealed with AES-GCM under a fresh random
 * nonce (a reused nonce would break the cipher). Each link must point at its runtime's API and open,
 * with the seeded signing key, to the customer and channel it was sent to; it is then replaced by that.
 */
const byEvent = openCaseBody({ rentalId: 'rental-same-1', dueAt: '2026-03-01T00:00:00Z' });
const byApi = openCaseBody({
  rentalId: 'rental-same-2',
  dueAt: '2026-02-27T00:00:00Z',
  customer: {
    ...byEvent.customer,
    id: 'customer-same-2',
    phone: '+8613900139000',
    email: 'li.na@example.com',
  },
});

interface Observed {
  caseByEvent: string;
  caseByApi: string;
  outbox: string;
  events: string;
}

/** The runtime's signing key, read as the functions read it. */
async function signingKey(runtime: LocalRuntime): Promise<string> {
  const secretArn = runtime.lambdas.list().find((fn) => fn.environment[ENV.signingSecretArn])?.environment[
    ENV.signingSecretArn
  ];
  const client = new SecretsManagerClient({
    endpoint: runtime.endpoints.secretsManager,
    region: 'us-east-1',
    credentials: { accessKeyId: 'local', secretAccessKey: 'local' },
  });
  try {
    return (await client.send(new GetSecretValueCommand({ SecretId: secretArn }))).SecretString ?? '';
  } finally {
    client.destroy();
  }
}

/** Every opt-out link of `text` replaced by its meaning; a link elsewhere, or one that does not open, stays. */
function withOpenedLinks(text: string, api: string, key: string): string {
  return text.replace(/(http:\/\/[\d.:]+)\/opt-out\?token=([\w-]+)/g, (link, base: string, token: string) => {
    const claim = base === api ? openOptOut(token, key) : null;
    return claim ? `<opt-out ${claim.customerId} ${claim.channel}>` : link;
  });
}

/** Opens one case by event and one by API, lets days pass, pays one in full; returns the raw replies. */
async function scenario(seed: number): Promise<Observed> {
  const runtime: LocalRuntime = await startRuntime(seed);
  try {
    const api = http(runtime);
    const raw = async (route: string) => (await fetch(`${runtime.endpoints.api}${route}`)).text();
    await api.post('/_local/events', { Entries: [rentalOverdue(runtime, byEvent)] });
    const first = (await api.get(`/cases?rentalId=${byEvent.rentalId}`)).body.items[0].caseId as string;
    const second = (await api.post('/cases', byApi)).body.caseId as string;
    await api.post('/_local/clock/advance', { days: 3 });
    const { outstanding } = (await api.get(`/cases/${second}`)).body;
    const now = (await api.get('/_local/clock')).body.now as string;
    await api.post(`/cases/${second}/payments`, {
      paymentId: 'pay-same-1',
      amount: outstanding,
      paidAt: now,
    });
    await api.post('/_local/clock/advance', { days: 4 });
    return {
      caseByEvent: await raw(`/cases/${first}`),
      caseByApi: await raw(`/cases/${second}`),
      outbox: withOpenedLinks(await raw('/_local/outbox'), runtime.endpoints.api, await signingKey(runtime)),
      events: await raw('/_local/events'),
    };
  } finally {
    await runtime.stop();
  }
}

test('the same scenario with the same seed gives the same cases, outbox and events, byte for byte', async () => {
  // Prepare
  const first = await scenario(11);
  jest.resetModules();

  // Act
  const second = await scenario(11);

  // Assess: the scenario did something worth comparing
  const paid = JSON.parse(first.caseByApi);
  expect(paid).toMatchObject({ status: 'RESOLVED', resolution: 'PAID' });
  expect(JSON.parse(first.caseByEvent).timeline.length).toBeGreaterThan(1);
  expect(JSON.parse(first.outbox).items.length).toBeGreaterThan(4);
  expect(first.outbox).toContain(`<opt-out ${byApi.customer.id} SMS>`);
  expect(first.outbox).toContain(`<opt-out ${byEvent.customer.id} EMAIL>`);
  expect(first.outbox).not.toContain('/opt-out?token=');
  expect(second.caseByEvent).toBe(first.caseByEvent);
  expect(second.caseByApi).toBe(first.caseByApi);
  expect(second.outbox).toBe(first.outbox);
  expect(second.events).toBe(first.events);
}, 60_000);
