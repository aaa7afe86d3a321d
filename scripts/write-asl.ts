/**
 * `npm run asl`: writes each state machine's ASL file from its TypeScript source. The files are what
 * CDK deploys and the local engine runs; test/workflow/asl-source.test.ts fails when one differs
 * from its source, so edit the source and run this, never the JSON.
 */
import { writeFileSync } from 'node:fs';
import * as path from 'node:path';
import { aslText } from '../statemachines/asl';
import { OVERDUE_CASE } from '../statemachines/overdue-case';

const folder = path.join(__dirname, '..', 'statemachines');
const file = path.join(folder, 'overdue-case.asl.json');
writeFileSync(file, aslText(OVERDUE_CASE));
console.log(`wrote ${path.relative(process.cwd(), file)}`);
