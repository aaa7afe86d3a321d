import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import type { Context } from 'aws-lambda';
import type { CfnResource } from './template';

/**
 * Lambda functions whose behaviour each test scripts: a CommonJS file in a `cdk.out`-like folder,
 * named by the function's metadata and loaded by `LambdaHost` in source mode (in this process, with
 * `projectRoot` = that folder), handing each invocation to the script registered for its name (its
 * `FunctionName`, the same as its logical id).
 */
export type Script = (event: unknown, context: Context) => unknown;

const REGISTRY = '__localTestScripts';
const scripts = new Map<string, Script>();
(globalThis as Record<string, unknown>)[REGISTRY] = scripts;

const HANDLER = `exports.handler = async (event, context) => {
  const script = globalThis.${REGISTRY}.get(context.functionName);
  if (!script) throw new Error('no script for ' + context.functionName);
  return script(event, context);
};
`;

export interface ScriptedFunctions {
  /** The folder to pass to `SynthesizedApp` as its `cdk.out`. */
  cdkOut: string;
  /** Template resources for the functions, to spread into `Resources`. */
  resources: Record<string, CfnResource>;
  remove(): void;
}

export function scriptedFunctions(...names: string[]): ScriptedFunctions {
  const cdkOut = mkdtempSync(path.join(tmpdir(), 'local-functions-'));
  const resources: Record<string, CfnResource> = {};
  for (const name of names) {
    mkdirSync(path.join(cdkOut, `asset.${name}`));
    writeFileSync(path.join(cdkOut, `asset.${name}`, 'index.js'), HANDLER);
    resources[name] = {
      Type: 'AWS::Lambda::Function',
      // Loaded in this process (source mode) so the scripts registered here are visible to them.
      Metadata: { 'aws:asset:path': `asset.${name}`, 'collections:entry': `asset.${name}/index.js` },
      Properties: { FunctionName: name, Handler: 'index.handler', Timeout: 30 },
    };
  }
  return { cdkOut, resources, remove: () => rmSync(cdkOut, { recursive: true, force: true }) };
}

/** What the function named `name` does from now on. */
export function script(name: string, run: Script): void {
  scripts.set(name, run);
}
