import { writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { EMULATOR_PORT_OFFSETS, LocalRuntime, type LocalRuntimeOptions } from '../src/runtime';
import { scriptedFunctions } from '../src/scripted-functions';

/**
 * Where the runtime listens: free ports unless the emulators' first port is given, then each emulator
 * at its documented offset; and the API description it serves when the app passes one.
 */
const functions = scriptedFunctions();
writeFileSync(
  `${functions.cdkOut}/manifest.json`,
  JSON.stringify({
    artifacts: {
      App: { type: 'aws:cloudformation:stack', properties: { templateFile: 'App.template.json' } },
    },
  }),
);
writeFileSync(`${functions.cdkOut}/App.template.json`, JSON.stringify({ Resources: {} }));
afterAll(() => functions.remove());

const start = (options: Partial<LocalRuntimeOptions> = {}) =>
  LocalRuntime.start({
    cdkOut: functions.cdkOut,
    projectRoot: functions.cdkOut,
    port: 0,
    start: Date.parse('2026-03-02T02:00:00.000Z'),
    speed: 0,
    seed: 1,
    handlers: 'source',
    ...options,
  });

const portOf = (url: string) => Number(new URL(url).port);

const isFree = (port: number) =>
  new Promise<boolean>((resolve) => {
    const probe = createServer();
    probe.once('error', () => resolve(false));
    probe.listen(port, '127.0.0.1', () => probe.close(() => resolve(true)));
  });

/** A first port with the emulators' nine ports free after it (probed, so another process may race). */
async function freeRun(): Promise<number> {
  const size = Math.max(...Object.values(EMULATOR_PORT_OFFSETS)) + 1;
  for (let first = 41_000; first < 60_000; first += size + 7) {
    const ports = Array.from({ length: size }, (_, offset) => first + offset);
    if ((await Promise.all(ports.map(isFree))).every(Boolean)) return first;
  }
  throw new Error('no run of free ports found');
}

test('with emulatorPorts, each emulator listens at its documented offset from it', async () => {
  const first = await freeRun();
  const runtime = await start({ emulatorPorts: first });
  try {
    const { api, ...emulators } = runtime.endpoints;
    expect(Object.fromEntries(Object.entries(emulators).map(([name, url]) => [name, portOf(url)]))).toEqual({
      dynamodb: first + EMULATOR_PORT_OFFSETS.dynamodb,
      stepFunctions: first + EMULATOR_PORT_OFFSETS.stepFunctions,
      eventBridge: first + EMULATOR_PORT_OFFSETS.eventBridge,
      sns: first + EMULATOR_PORT_OFFSETS.sns,
      ses: first + EMULATOR_PORT_OFFSETS.ses,
      secretsManager: first + EMULATOR_PORT_OFFSETS.secretsManager,
      creditBureau: first + EMULATOR_PORT_OFFSETS.creditBureau,
    });
    // The private backends take the last two: nothing else may listen there now.
    expect(await isFree(first + EMULATOR_PORT_OFFSETS.dynalite)).toBe(false);
    expect(await isFree(first + EMULATOR_PORT_OFFSETS.sesBackend)).toBe(false);
    expect(portOf(api)).not.toBe(0);
  } finally {
    await runtime.stop();
  }
}, 60_000);

test('without emulatorPorts every port is a free one, so two runtimes run side by side', async () => {
  const [one, two] = await Promise.all([start(), start()]);
  try {
    const ports = [one, two].flatMap((runtime) => Object.values(runtime!.endpoints).map(portOf));
    expect(new Set(ports).size).toBe(ports.length);
  } finally {
    await Promise.all([one?.stop(), two?.stop()]);
  }
}, 60_000);

test('GET /openapi.json answers the document the app passed, as is; without one it is not a route', async () => {
  const document = '{"openapi":"3.1.0","info":{"title":"Given","version":"1"},"paths":{}}\n';
  const [described, undescribed] = await Promise.all([start({ openApiDocument: document }), start()]);
  try {
    const served = await fetch(`${described!.endpoints.api}/openapi.json`);
    expect(served.status).toBe(200);
    expect(served.headers.get('content-type')).toBe('application/json');
    expect(await served.text()).toBe(document);
    expect((await fetch(`${undescribed!.endpoints.api}/openapi.json`)).status).toBe(404);
  } finally {
    await Promise.all([described?.stop(), undescribed?.stop()]);
  }
}, 60_000);
