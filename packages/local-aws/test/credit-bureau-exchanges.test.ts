import recorded from '../fixtures/zhima-gateway-exchanges.json';
import { stringToSign } from '../src/alipay-gateway';
import { FakeCreditBureau } from '../src/credit-bureau';

/**
 * The fake bureau against exchanges recorded from the gateway's documented protocol (signed with
 * OpenSSL, not with this package's code): it accepts the merchant's signatures, refuses a stranger's,
 * and answers each request with the recorded text byte for byte, signature included.
 */
let fake: FakeCreditBureau;
let endpoint: string;

beforeAll(async () => {
  fake = new FakeCreditBureau({
    appId: recorded.appId,
    merchantPublicKeyPem: recorded.keys.merchant.publicKeyPem,
    bureauPrivateKeyPem: recorded.keys.bureau.privateKeyPem,
    clock: { now: () => Date.parse(recorded.bureauClock) },
  });
  endpoint = await fake.listen();
});
afterAll(() => fake.close());

test('the recording has exchanges that succeed, that fail on business rules and on the signature', () => {
  const codes = recorded.exchanges.map(({ response }) => JSON.parse(response.nodeText).code);
  expect(codes).toEqual(expect.arrayContaining(['10000', '40004', '40002']));
});

test('the fake signs and checks the recorded string to sign of each request', () => {
  const strings = recorded.exchanges.map(({ request }) => stringToSign(new URLSearchParams(request.form)));
  expect(strings).toEqual(recorded.exchanges.map(({ request }) => request.stringToSign));
});

test('the fake answers every recorded request, in order, with the recorded answer', async () => {
  const answers: string[] = [];
  for (const { request } of recorded.exchanges) {
    const response = await fetch(endpoint, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded;charset=utf-8' },
      body: request.form,
    });
    answers.push(await response.text());
  }
  expect(answers).toEqual(recorded.exchanges.map(({ response }) => response.body));
});
