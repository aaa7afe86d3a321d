import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import * as path from 'node:path';

/**
 * The package stands alone: every relative import of src/ stays inside the package (so nothing of
 * the app's lambdas/ is used), and the imports between its modules form no cycle.
 */
const PACKAGE = path.join(__dirname, '..');
const SRC = path.join(PACKAGE, 'src');
const SPECIFIER = /(?:\bfrom\s*|\bimport\s*\(\s*|\brequire\s*\(\s*|^\s*import\s+)['"]([^'"]+)['"]/gm;

function filesUnder(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const file = path.join(dir, name);
    if (statSync(file).isDirectory()) return filesUnder(file);
    return /\.(ts|cjs|js)$/.test(name) ? [file] : [];
  });
}

function specifiersOf(file: string): string[] {
  return [...readFileSync(file, 'utf8').matchAll(SPECIFIER)].map((match) => match[1] as string);
}

/** The file a relative specifier names, as Node and TypeScript resolve it here. */
function resolveRelative(from: string, specifier: string): string {
  const base = path.resolve(path.dirname(from), specifier);
  const candidates = [base, `${base}.ts`, path.join(base, 'index.ts')];
  const found = candidates.find((candidate) => existsSync(candidate) && statSync(candidate).isFile());
  if (!found) throw new Error(`${path.relative(PACKAGE, from)} imports ${specifier}, which does not resolve`);
  return found;
}

const sources = filesUnder(SRC);
const importsOf = new Map(
  sources.map((file) => [
    file,
    specifiersOf(file)
      .filter((specifier) => specifier.startsWith('.'))
      .map((specifier) => resolveRelative(file, specifier)),
  ]),
);

test('the walk sees the modules and their imports (it would notice a cycle if there were one)', () => {
  expect(sources.map((file) => path.relative(SRC, file))).toEqual(
    expect.arrayContaining(['index.ts', 'runtime.ts', 'local-routes.ts', 'stepfunctions/engine.ts']),
  );
  expect(importsOf.get(path.join(SRC, 'runtime.ts'))).toContain(path.join(SRC, 'local-routes.ts'));
});

test('every relative import in src/ stays inside the package: nothing of lambdas/ or the app', () => {
  const outside = [...importsOf].flatMap(([file, targets]) =>
    targets
      .filter((target) => path.relative(PACKAGE, target).startsWith('..'))
      .map((target) => `${path.relative(PACKAGE, file)} -> ${path.relative(PACKAGE, target)}`),
  );
  expect(outside).toEqual([]);
});

test('no src/ module imports a bare name that is not a declared dependency or a Node built-in', () => {
  const manifest = JSON.parse(readFileSync(path.join(PACKAGE, 'package.json'), 'utf8')) as {
    dependencies?: Record<string, string>;
    devDependencies?: Record<string, string>;
  };
  const declared = new Set([
    ...Object.keys(manifest.dependencies ?? {}),
    ...Object.keys(manifest.devDependencies ?? {}),
  ]);
  const packageName = (specifier: string) =>
    specifier.startsWith('@')
      ? specifier.split('/').slice(0, 2).join('/')
      : (specifier.split('/')[0] as string);
  const undeclared = sources.flatMap((file) =>
    specifiersOf(file)
      .filter((specifier) => !specifier.startsWith('.') && !specifier.startsWith('node:'))
      // Type-only packages are named by their @types/ entry.
      .filter((specifier) => !declared.has(packageName(specifier)) && !declared.has(`@types/${specifier}`))
      .map((specifier) => `${path.relative(PACKAGE, file)}: ${specifier}`),
  );
  expect(undeclared).toEqual([]);
});

test('the imports between src/ modules form no cycle', () => {
  const cycles: string[] = [];
  const done = new Set<string>();
  const visit = (file: string, trail: string[]) => {
    const seen = trail.indexOf(file);
    if (seen >= 0) {
      cycles.push([...trail.slice(seen), file].map((step) => path.relative(SRC, step)).join(' -> '));
      return;
    }
    if (done.has(file)) return;
    for (const target of importsOf.get(file) ?? []) visit(target, [...trail, file]);
    done.add(file);
  };
  for (const file of sources) visit(file, []);
  expect(cycles).toEqual([]);
});
