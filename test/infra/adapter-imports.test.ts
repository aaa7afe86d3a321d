import { readFileSync } from 'node:fs';
import * as path from 'node:path';
import { ENV } from '../../lambdas/shared/config';
import { sourceMapPath } from '../../lib/project-function';
import { CDK_OUT } from '../support/cdk-out';
import { TemplateModel } from './template-model';

/**
 * Each function's bundle holds only the AWS SDK clients its role may call: a client in a bundle
 * whose role grants nothing of that service is dead weight in every cold start, or a call that would
 * fail on AWS. The oracle is the synthesized role, not the handler code.
 *
 * What a bundle holds is read from its source map, kept in cdk.out beside the assets (functions are
 * bundled with `sourceMap: true`, lib/project-function.ts): its `sources` name every module esbuild put
 * in the deployed index.js by path. That is the synthesized artifact itself, unlike a second esbuild run
 * with options copied from the construct, and it names packages exactly, unlike strings looked for
 * in minified code, which an SDK release may change or another module may contain.
 */
const model = new TemplateModel();
const OPENAPI = JSON.parse(
  readFileSync(path.join(__dirname, '..', '..', 'docs', 'openapi.json'), 'utf8'),
) as {
  paths: Record<string, Record<string, { operationId: string; parameters?: unknown[] }>>;
};
const ROOT = path.join(__dirname, '..', '..');

/** The IAM service prefix each SDK client package calls; a client missing here fails the test. */
const SERVICE_OF_CLIENT: Record<string, string> = {
  '@aws-sdk/client-dynamodb': 'dynamodb',
  '@aws-sdk/lib-dynamodb': 'dynamodb',
  '@aws-sdk/client-sfn': 'states',
  '@aws-sdk/client-sns': 'sns',
  '@aws-sdk/client-sesv2': 'ses',
  '@aws-sdk/client-eventbridge': 'events',
  '@aws-sdk/client-secrets-manager': 'secretsmanager',
};

/** The modules of a function's deployed bundle, as paths relative to the asset. */
function bundledModules(handler: string): string[] {
  const map = JSON.parse(readFileSync(sourceMapPath(CDK_OUT, handler), 'utf8')) as { sources: string[] };
  return map.sources;
}

/**
 * The variables a bundled adapter module requires when it is built (`requireEnv(ENV.x)` in its source):
 * a handler builds the adapters it uses when it runs, so its function must have them, or it fails on
 * AWS at the first call.
 */
function requiredVariables(modules: string[]): Array<{ module: string; variable: string }> {
  return modules
    .filter((module) => /lambdas\/adapters\/.+\.ts$/.test(module))
    .flatMap((module) => {
      const file = path.join(ROOT, module.slice(module.indexOf('lambdas/')));
      const source = readFileSync(file, 'utf8');
      // `() => requireEnv(…)` is read on use only (the ARN to start executions, the page's base URL).
      return [...source.matchAll(/(?<!\(\) => )requireEnv\(ENV\.(\w+)\)/g)].map((match) => ({
        module: path.basename(module),
        variable: ENV[match[1] as keyof typeof ENV],
      }));
    });
}

/** The SDK client packages among a bundle's modules (`@aws-sdk/client-…` and `lib-dynamodb`). */
function sdkClientsIn(modules: string[]): string[] {
  const packages = modules.flatMap(
    (module) => /node_modules\/(@aws-sdk\/(?:client-[^/]+|lib-dynamodb))\//.exec(module)?.[1] ?? [],
  );
  return [...new Set(packages)].sort();
}

/** The services a role has any Allow statement for (`dynamodb`, `states`, …). */
function grantedServices(roleId: string): Set<string> {
  const actions = model
    .statementsOf(roleId)
    .filter((statement) => statement.effect === 'Allow')
    .flatMap((statement) => statement.actions);
  return new Set(actions.map((action) => action.split(':')[0] ?? ''));
}

const functions = model.functions().map((fn) => ({ ...fn, modules: bundledModules(fn.handler) }));

describe('each function bundles only the SDK clients its role may call', () => {
  test('the source maps describe the bundles: each lists its own handler entry', () => {
    // Act
    const withoutEntry = functions
      .filter((fn) => !fn.modules.some((module) => module.endsWith(fn.entry)))
      .map((fn) => fn.handler);

    // Assess
    expect(functions).toHaveLength(39);
    expect(withoutEntry).toEqual([]);
  });

  test('no bundle holds a client of a service its role grants nothing of', () => {
    // Act
    const ungranted = functions.flatMap((fn) => {
      const granted = grantedServices(fn.roleId);
      return sdkClientsIn(fn.modules)
        .filter((client) => !granted.has(SERVICE_OF_CLIENT[client] ?? `unknown client ${client}`))
        .map((client) => `${fn.handler} ${client}`);
    });

    // Assess
    expect(ungranted).toEqual([]);
  });

  test('only the routes that honour Idempotency-Key carry the idempotency layer', () => {
    // Arrange: what the OpenAPI document (generated from the handlers) says takes the header
    const withHeader = new Set(
      Object.values(OPENAPI.paths).flatMap((operations) =>
        Object.values(operations)
          .filter((operation) => JSON.stringify(operation.parameters ?? []).includes('IdempotencyKey'))
          .map((operation) => operation.operationId),
      ),
    );

    // Act
    const carrying = functions
      .filter((fn) => fn.modules.some((module) => module.includes('@aws-lambda-powertools/idempotency/')))
      .map((fn) => fn.handler);

    // Assess: the same routes, by name (api/open-case is openCase)
    const asOperation = (handler: string) =>
      (handler.split('/')[1] ?? '').replace(/-(\w)/g, (_, letter: string) => letter.toUpperCase());
    expect(carrying.map(asOperation).sort()).toEqual([...withHeader].sort());
    expect(carrying).toContain('api/record-payment');
    expect(carrying).not.toContain('api/get-case');
  });

  test('the clients a function uses are found: messaging, referrals, events, executions, secrets', () => {
    // Act
    const clientsOf = (handler: string) =>
      sdkClientsIn(functions.find((fn) => fn.handler === handler)?.modules ?? []);

    // Assess
    expect(clientsOf('workflow/send-stage-contact')).toEqual([
      '@aws-sdk/client-dynamodb',
      '@aws-sdk/client-secrets-manager',
      '@aws-sdk/client-sesv2',
      '@aws-sdk/client-sns',
      '@aws-sdk/lib-dynamodb',
    ]);
    expect(clientsOf('workflow/start-legal-action')).toContain('@aws-sdk/client-sns');
    expect(clientsOf('api/record-payment')).toEqual([
      '@aws-sdk/client-dynamodb',
      '@aws-sdk/client-eventbridge',
      '@aws-sdk/client-sfn',
      '@aws-sdk/lib-dynamodb',
    ]);
    expect(clientsOf('workflow/check-case')).toEqual(['@aws-sdk/client-dynamodb', '@aws-sdk/lib-dynamodb']);
  });

  test('no bundle carries the X-Ray SDK or the Powertools Tracer (Lambda tracing stays on in lib/)', () => {
    // Act
    const traced = functions
      .filter((fn) =>
        fn.modules.some((module) =>
          /node_modules\/(aws-xray-sdk-core|@aws-lambda-powertools\/tracer)\//.test(module),
        ),
      )
      .map((fn) => fn.handler);

    // Assess
    expect(traced).toEqual([]);
  });

  test("every adapter a bundle holds finds its variables in its function's environment", () => {
    // Act
    const missing = functions.flatMap((fn) =>
      requiredVariables(fn.modules)
        .filter(({ variable }) => !(variable in fn.environment))
        .map(({ module, variable }) => `${fn.handler}: ${module} needs ${variable}`),
    );

    // Assess: and the check sees the adapters (record-payment's cases and events, at least)
    expect(missing).toEqual([]);
    const recordPayment = functions.find((fn) => fn.handler === 'api/record-payment')!;
    expect(requiredVariables(recordPayment.modules).map(({ variable }) => variable)).toEqual(
      expect.arrayContaining([ENV.casesTable, ENV.eventBusName]),
    );
  });
});
