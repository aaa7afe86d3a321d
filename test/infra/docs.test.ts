import { execFileSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import * as path from 'node:path';
import { CASE_STATUSES, CREDIT_REPORT_STATUSES, RESOLUTIONS } from '../../lambdas/domain/case';
import { STAGES } from '../../lambdas/domain/policy';
import { LISTED_WORK_ITEM_STATUSES, WORK_QUEUES } from '../../lambdas/domain/requests';
import { RESOLUTION_KINDS } from '../../lambdas/domain/resolution';
import { PROBLEM_TYPE_NAMES } from '../../scripts/openapi/responses';
import { TemplateModel } from './template-model';

/**
 * The repo's own documentation says what the code and the synthesized template do: the numbers
 * the README and docs/deploy.md give, the events docs/api.md lists, every status and problem type,
 * and no reference to a file outside the repo.
 */
const ROOT = path.join(__dirname, '..', '..');
const read = (file: string) => readFileSync(path.join(ROOT, file), 'utf8');
/** Prose as one line: a phrase may wrap anywhere. */
const flat = (text: string) => text.replace(/\s+/g, ' ');
const template = new TemplateModel();
const WORDS = ['zero', 'one', 'two', 'three', 'four', 'five', 'six', 'seven', 'eight', 'nine', 'ten'];

/** The text of a markdown section from its `## heading` to the next one. */
function section(file: string, heading: string): string {
  const found = read(file)
    .split(/^## /m)
    .find((part) => part.startsWith(heading));
  if (!found) throw new Error(`${file} has no "## ${heading}" section`);
  return found;
}

const count = (type: string) => template.ofType(type).length;
const retained = (type: string) =>
  template
    .ofType(type)
    .filter(([, resource]) => (resource as { DeletionPolicy?: string }).DeletionPolicy === 'Retain').length;

describe('what `cdk destroy` keeps', () => {
  test.each([
    ['docs/deploy.md', 'Removing it'],
    ['README.md', 'Clean up'],
  ])('%s ("%s") names every kept table, key and secret, counted from the template', (file, heading) => {
    const text = flat(section(file, heading));

    expect(text).toContain(`${WORDS[retained('AWS::DynamoDB::Table')]} tables`);
    expect(text).toContain(`${WORDS[retained('AWS::KMS::Key')]} KMS keys`);
    expect(text).toContain(`${WORDS[retained('AWS::SecretsManager::Secret')]} secrets`);
  });
});

describe('the numbers the README gives', () => {
  test('tables, KMS keys, functions (by kind), API routes and states, as synthesized', () => {
    const readme = flat(read('README.md'));
    const handlers = template.functions().map((fn) => fn.handler);
    const of = (kind: string) => handlers.filter((handler) => handler.startsWith(`${kind}/`)).length;
    const asl = JSON.parse(read('statemachines/overdue-case.asl.json')) as { States: object };

    expect(readme).toContain(`${WORDS[count('AWS::DynamoDB::Table')]} tables`);
    expect(readme).toContain(`${WORDS[count('AWS::KMS::Key')]} customer-managed KMS keys`);
    expect(readme).toContain(
      `${handlers.length} Lambdas (${of('workflow')} workflow steps, ${of('api')} API routes, ${of('events')} event consumers)`,
    );
    expect(readme).toContain(`${count('AWS::ApiGateway::Method')} routes`);
    expect(readme).toContain(`(${Object.keys(asl.States).length} states`);
  });
});

describe('docs/api.md', () => {
  const apiMd = read('docs/api.md');

  /** Every event the code puts on the bus: the workflow's announcements and the handlers' own. */
  function publishedEvents(): string[] {
    const asl = JSON.parse(read('statemachines/overdue-case.asl.json')) as {
      States: Record<string, { Parameters?: { Entries?: Array<{ DetailType?: string }> } }>;
    };
    const fromWorkflow = Object.values(asl.States).flatMap(
      (state) => state.Parameters?.Entries?.map((entry) => entry.DetailType ?? '') ?? [],
    );
    const sources = execFileSync('git', ['ls-files', 'lambdas'], { cwd: ROOT, encoding: 'utf8' })
      .split('\n')
      .filter((file) => file.endsWith('.ts'));
    const fromCode = sources.flatMap((file) =>
      [...read(file).matchAll(/\.publish\(\s*'([^']+)'/g)].map(([, detailType]) => detailType as string),
    );
    return [...new Set([...fromWorkflow, ...fromCode])].sort();
  }

  /** The `| \`Detail Type\` |` rows of the "Events out" table. */
  const documentedEventsOut = () =>
    [
      ...section('docs/api.md', 'Events')
        .split(/^### /m)
        .find((part) => part.startsWith('Out'))!
        .matchAll(/^\| `([A-Z][A-Za-z ]+)` \|/gm),
    ]
      .map(([, detailType]) => detailType as string)
      .sort();

  test('lists exactly the events the code publishes', () => {
    expect(publishedEvents().length).toBeGreaterThan(10);
    expect(documentedEventsOut()).toEqual(publishedEvents());
  });

  test.each([
    ['case status', CASE_STATUSES],
    ['stage', STAGES],
    ['resolution', RESOLUTIONS],
    ['credit report status', CREDIT_REPORT_STATUSES],
    ['work item status', LISTED_WORK_ITEM_STATUSES],
    ['work queue', WORK_QUEUES],
    ['problem type', PROBLEM_TYPE_NAMES],
  ])('names every %s', (_what, values) => {
    const missing = values.filter((value) => !apiMd.includes(`\`${value}\``));

    expect(missing).toEqual([]);
  });

  test('docs/architecture.md names every resolution the workflow is woken with', () => {
    const architecture = read('docs/architecture.md');

    expect(RESOLUTION_KINDS.filter((kind) => !architecture.includes(`\`${kind}\``))).toEqual([]);
  });
});

describe('the repo refers to nothing outside it', () => {
  const tracked = execFileSync('git', ['ls-files'], { cwd: ROOT, encoding: 'utf8' })
    .split('\n')
    .filter((file) => /\.(md|ts|js|cjs|json|sh)$/.test(file) || file === '.ci/run')
    .filter((file) => file !== 'package-lock.json' && existsSync(path.join(ROOT, file)));

  test('no file names the founders’ design folder or a machine path', () => {
    const outside = tracked.filter((file) => /shared\/design|\s\/work\//.test(read(file)));

    expect(outside).toEqual([]);
  });

  test('every relative link in a markdown file points at a file of the repo', () => {
    const broken = tracked
      .filter((file) => file.endsWith('.md'))
      .flatMap((file) =>
        [...read(file).matchAll(/\]\(([^)#\s]+)(?:#[^)]*)?\)/g)]
          .map(([, target]) => target as string)
          .filter((target) => !/^[a-z]+:/.test(target))
          .filter((target) => {
            const resolved = path.resolve(ROOT, path.dirname(file), target);
            return !resolved.startsWith(`${ROOT}${path.sep}`) || !existsSync(resolved);
          })
          .map((target) => `${file} → ${target}`),
      );

    expect(broken).toEqual([]);
  });
});
