import { existsSync, readFileSync } from 'node:fs';
import * as path from 'node:path';

export const CDK_OUT = path.join(__dirname, '..', '..', 'cdk.out');
export const STACK_NAME = 'RentalCollections';

export interface CfnResource {
  Type: string;
  Properties: Record<string, unknown>;
  Metadata?: Record<string, unknown>;
  DependsOn?: string | string[];
}

export interface CfnTemplate {
  Resources: Record<string, CfnResource>;
  Outputs?: Record<string, unknown>;
}

/** The synthesized template (`npm run synth` writes it; `npm test` runs synth first). */
export function synthesizedTemplate(): CfnTemplate {
  const file = path.join(CDK_OUT, `${STACK_NAME}.template.json`);
  if (!existsSync(file)) throw new Error(`${file} is missing: run \`npm run synth\` first`);
  return JSON.parse(readFileSync(file, 'utf8')) as CfnTemplate;
}

export function readCdkOut<T>(relative: string): T {
  return JSON.parse(readFileSync(path.join(CDK_OUT, relative), 'utf8')) as T;
}
