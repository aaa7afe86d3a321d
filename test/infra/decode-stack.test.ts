import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { buildSync } from 'esbuild';
import { decodeStack, sourceMapOf } from '../../scripts/decode-stack';
import { synthesizedFunctions } from '../../scripts/synthesized-functions';
import { TemplateModel } from './template-model';

/** The stderr of a program that fails; its last lines are the uncaught error's stack. */
function failureOf(file: string): string {
  try {
    execFileSync(process.execPath, [file], { stdio: 'pipe' });
  } catch (error) {
    return String((error as { stderr: Buffer }).stderr);
  }
  throw new Error(`${file} did not fail`);
}

describe('npm run decode-stack', () => {
  let dir: string;

  beforeAll(() => {
    dir = mkdtempSync(path.join(tmpdir(), 'decode-stack-'));
  });

  afterAll(() => {
    rmSync(dir, { recursive: true, force: true });
  });

  test('a stack of a minified bundle gets the TypeScript line of each frame', () => {
    // Prepare: a bundle built like the functions' (minified, map without sources), that throws
    const source = path.join(dir, 'failing.ts');
    writeFileSync(
      source,
      [
        'export function settle(amount: number): number {',
        '  if (amount < 0) {',
        "    throw new Error('negative amount');",
        '  }',
        '  return amount;',
        '}',
        'settle(-1);',
        '',
      ].join('\n'),
    );
    const assetDir = path.join(dir, 'asset.test');
    mkdirSync(assetDir);
    buildSync({
      entryPoints: [source],
      bundle: true,
      minify: true,
      platform: 'node',
      target: 'node22',
      format: 'cjs',
      sourcemap: true,
      sourcesContent: false,
      outfile: path.join(assetDir, 'index.js'),
      logLevel: 'error',
    });
    const stack = failureOf(path.join(assetDir, 'index.js'));
    expect(stack).toMatch(/index\.js:1:\d+/);

    // Act
    const decoded = decodeStack(stack, { mapFile: path.join(assetDir, 'index.js.map'), assetDir });

    // Assert: the throw is line 3 of the source
    expect(decoded).toMatch(/-> .*failing\.ts:3:\d+/);
    expect(decoded).toContain('negative amount');
  });

  test('synth keeps every function’s map in cdk.out, outside the asset that deploys', () => {
    const functions = synthesizedFunctions();
    expect(functions.length).toBeGreaterThan(30);
    for (const fn of functions) {
      expect(readdirSync(fn.assetDir)).toEqual(['index.js']);
      const byId = sourceMapOf(fn.logicalId);
      expect(existsSync(byId.mapFile)).toBe(true);
      expect(sourceMapOf(path.basename(fn.assetDir))).toEqual(byId);
    }
  });

  test('no function looks up source maps when it builds a stack (no --enable-source-maps)', () => {
    const options = new TemplateModel().functions().map((fn) => String(fn.environment.NODE_OPTIONS ?? ''));
    expect(options.filter((option) => option.includes('source-maps'))).toEqual([]);
  });
});
