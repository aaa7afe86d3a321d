import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { App } from 'aws-cdk-lib';
import { DeployContextError, deployContext } from '../../lib/deploy-context';

/**
 * The sender address has no default: a deploy that forgot `-c senderEmail=…` would send from an
 * address SES has not verified, and every email would be rejected. Synth stops instead, naming the key.
 */
const ROOT = path.join(__dirname, '..', '..');
const BUREAU = { creditBureauEndpoint: 'https://openapi.alipay.com/gateway.do' };
const NAMES_THE_KEY = /CDK context "senderEmail" is required.*e\.g\. npx cdk deploy -c senderEmail=\S+@\S+/;

jest.setTimeout(120_000);

describe('senderEmail', () => {
  test('cdk.json gives no sender address', () => {
    const context = JSON.parse(readFileSync(path.join(ROOT, 'cdk.json'), 'utf8')).context;
    expect(context).not.toHaveProperty('senderEmail');
  });

  test('`cdk synth` without -c senderEmail fails with a message naming the key and an example', () => {
    // Prepare
    const output = mkdtempSync(path.join(tmpdir(), 'cdk-out-no-sender-'));

    // Act
    const synth = spawnSync(
      process.execPath,
      [require.resolve('aws-cdk/bin/cdk'), 'synth', '-q', '--output', output],
      { cwd: ROOT, encoding: 'utf8', env: { ...process.env, AWS_EC2_METADATA_DISABLED: 'true' } },
    );
    rmSync(output, { recursive: true, force: true });

    // Assess
    expect(synth.status).not.toBe(0);
    expect(synth.stderr).toMatch(NAMES_THE_KEY);
  });

  test.each<[string, Record<string, string>]>([
    ['missing', {}],
    ['empty', { senderEmail: '' }],
    ['not an address', { senderEmail: 'collections' }],
  ])('the app refuses a sender address that is %s', (_name, given) => {
    // Act
    const read = () => deployContext(new App({ context: { ...BUREAU, ...given } }));

    // Assess
    expect(read).toThrow(DeployContextError);
    expect(read).toThrow(NAMES_THE_KEY);
  });

  test('the sender address given is the one the stack uses', () => {
    // Act
    const context = deployContext(
      new App({ context: { ...BUREAU, senderEmail: 'collections@rent.example' } }),
    );

    // Assess
    expect(context).toEqual({ senderEmail: 'collections@rent.example', ...BUREAU });
  });
});
