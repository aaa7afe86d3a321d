import { existsSync, readFileSync } from 'node:fs';
import { SourceMap, type SourceMapPayload } from 'node:module';
import * as path from 'node:path';
import { PROJECT_ROOT, sourceMapPath } from '../lib/project-function';
import { CDK_OUT, type SynthesizedFunction, synthesizedFunctions } from './synthesized-functions';

/**
 * `npm run decode-stack -- <function logical id | asset dir> < stack.txt`: the functions run without
 * `--enable-source-maps`, so their stacks point into the minified bundle (`/var/task/index.js:1:2345`).
 * This prints the stack again with each such frame followed by its place in the TypeScript source,
 * from the source map synth kept in cdk.out/sourcemaps/. The map must come from the synth that built
 * the deployed bundle (same commit).
 */

/** A frame's position in the bundle: `index.js:<line>:<column>`, 1-based as V8 prints them. */
const BUNDLE_POSITION = /index\.js:(\d+):(\d+)/;

export interface BundleMap {
  mapFile: string;
  /** The directory the map's sources are relative to: the bundle's own. */
  assetDir: string;
}

/** The map of a function named by its logical id (or a prefix of it) or by its asset directory. */
export function sourceMapOf(target: string, cdkOut = CDK_OUT): BundleMap {
  const functions = synthesizedFunctions(cdkOut);
  const dirs = new Set([path.resolve(cdkOut, target), path.resolve(target)]);
  const byAsset = functions.filter((fn) => dirs.has(path.resolve(fn.assetDir)));
  const matches = byAsset.length > 0 ? byAsset : functions.filter((fn) => fn.logicalId.startsWith(target));
  if (matches.length !== 1) {
    throw new Error(`${target} names ${matches.length} functions of cdk.out; give a logical id or asset dir`);
  }
  const [fn] = matches as [SynthesizedFunction];
  const mapFile = sourceMapPath(cdkOut, fn.handler);
  if (!existsSync(mapFile)) throw new Error(`${mapFile} is missing: run \`npm run synth\` first`);
  return { mapFile, assetDir: fn.assetDir };
}

/** The stack with the source position (project-relative) after each frame in the bundle. */
export function decodeStack(stack: string, { mapFile, assetDir }: BundleMap): string {
  const map = new SourceMap(JSON.parse(readFileSync(mapFile, 'utf8')) as SourceMapPayload);
  return stack
    .split('\n')
    .map((line) => {
      const position = BUNDLE_POSITION.exec(line);
      if (!position) return line;
      const entry = map.findEntry(Number(position[1]) - 1, Number(position[2]) - 1);
      if (!('originalSource' in entry) || !entry.originalSource) return `${line}\n        -> (no mapping)`;
      const source = path.relative(PROJECT_ROOT, path.resolve(assetDir, entry.originalSource));
      const name = 'name' in entry && entry.name ? ` ${entry.name}` : '';
      return `${line}\n        ->${name} ${source}:${entry.originalLine + 1}:${entry.originalColumn + 1}`;
    })
    .join('\n');
}

function main(): void {
  const target = process.argv[2];
  if (!target) {
    process.stderr.write('usage: npm run decode-stack -- <function logical id | asset dir> < stack.txt\n');
    process.exit(2);
  }
  process.stdout.write(`${decodeStack(readFileSync(0, 'utf8'), sourceMapOf(target))}\n`);
}

if (require.main === module) main();
