/**
 * `npm start` (with `--synth` first: synthesizes, then starts) and `npm run start:synthesized`: the
 * app on the local runtime of @rental-collections/local-aws. `--help` answers before any synth.
 */
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import * as path from 'node:path';
import { runLocalCli } from '@rental-collections/local-aws';

const ROOT = path.join(__dirname, '..');
const [first, ...rest] = process.argv.slice(2);
const synthFirst = first === '--synth';

void runLocalCli(synthFirst ? rest : process.argv.slice(2), {
  command: synthFirst ? 'npm start --' : 'npm run start:synthesized --',
  name: 'rental-collections',
  projectRoot: ROOT,
  cdkOut: path.join(ROOT, 'cdk.out'),
  openApiDocument: () => readFileSync(path.join(ROOT, 'docs', 'openapi.json'), 'utf8'),
  ...(synthFirst
    ? { beforeStart: () => execFileSync('npm', ['run', 'synth'], { cwd: ROOT, stdio: 'inherit' }) }
    : {}),
  hints: (api, now) => [
    'Open a first case (docs/api.md has every route):',
    `  curl -s -X POST ${api}/cases -H 'content-type: application/json' -d '${JSON.stringify({
      rentalId: 'rental-1001',
      customer: {
        id: 'customer-42',
        name: 'Wei Zhang',
        phone: '+8613800138000',
        email: 'wei@example.com',
        locale: 'en',
        timezone: 'Asia/Shanghai',
      },
      device: { sku: 'IPH15-128', name: 'iPhone 15 128GB', serial: 'F2LXK0000001' },
      amountDue: { amount: 129900, currency: 'CNY' },
      dueAt: new Date(now.getTime() - 86_400_000).toISOString().replace(/\.\d{3}Z$/, 'Z'),
    })}'`,
    'Then: GET /_local/outbox, POST /_local/clock/advance {"days":3}, GET /cases/{caseId}.',
  ],
});
