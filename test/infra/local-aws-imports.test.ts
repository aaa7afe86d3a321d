import { readdirSync, readFileSync, statSync } from 'node:fs';
import * as path from 'node:path';

/**
 * The local runtime is the workspace package @rental-collections/local-aws: the app, its tests, the
 * oracles, bench/ and scripts/ reach it only by its name (its index and its `/testing` entry),
 * never by a path into packages/local-aws, so its internals can change without touching them.
 */
const ROOT = path.join(__dirname, '..', '..');
const PACKAGE = path.join(ROOT, 'packages', 'local-aws');
const SKIPPED = new Set(['node_modules', 'cdk.out', 'coverage', '.git', 'packages']);
const SPECIFIER = /(?:\bfrom\s*|\bimport\s*\(\s*|\brequire\s*\(\s*|^\s*import\s+)['"]([^'"]+)['"]/gm;
const PUBLIC_ENTRIES = new Set(['@rental-collections/local-aws', '@rental-collections/local-aws/testing']);

function filesUnder(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const file = path.join(dir, name);
    if (statSync(file).isDirectory()) return SKIPPED.has(name) ? [] : filesUnder(file);
    return /\.(ts|cjs|mjs|js)$/.test(name) ? [file] : [];
  });
}

const files = filesUnder(ROOT);
const imports = files.flatMap((file) =>
  [...readFileSync(file, 'utf8').matchAll(SPECIFIER)].map((match) => ({
    file: path.relative(ROOT, file),
    specifier: match[1] as string,
    target: (match[1] as string).startsWith('.')
      ? path.resolve(path.dirname(file), match[1] as string)
      : null,
  })),
);

test('the walk reads the app, its tests and the tools, and finds their imports of the package', () => {
  expect(files.map((file) => path.relative(ROOT, file))).toEqual(
    expect.arrayContaining([
      'bench/local-runtime.ts',
      'oracles/scenarios/run-local.ts',
      'test/support/local-aws.ts',
    ]),
  );
  expect(imports.filter(({ specifier }) => PUBLIC_ENTRIES.has(specifier)).length).toBeGreaterThan(10);
});

test('no file outside packages/local-aws imports a path inside it', () => {
  const intoPackage = imports
    .filter(({ target }) => target !== null && !path.relative(PACKAGE, target).startsWith('..'))
    .map(({ file, specifier }) => `${file}: ${specifier}`);
  expect(intoPackage).toEqual([]);
});

test('imports by the package name use only its public entries', () => {
  const deep = imports
    .filter(({ specifier }) => specifier.startsWith('@rental-collections/local-aws'))
    .filter(({ specifier }) => !PUBLIC_ENTRIES.has(specifier))
    .map(({ file, specifier }) => `${file}: ${specifier}`);
  expect(deep).toEqual([]);
});
