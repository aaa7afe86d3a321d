/**
 * Validates every ASL file with asl-validator, and checks it uses only what the local engine runs the
 * same as AWS: JSONPath (no JSONata, no Assign/variables). Exits 1 with the problems listed.
 */
import { readdirSync, readFileSync } from 'node:fs';
import * as path from 'node:path';
import aslValidator from 'asl-validator';

const folder = path.join(__dirname, '..', 'statemachines');
let failed = false;
for (const file of readdirSync(folder).filter((name) => name.endsWith('.asl.json'))) {
  const text = readFileSync(path.join(folder, file), 'utf8');
  const definition: unknown = JSON.parse(text);
  const { isValid, errors } = aslValidator(definition);
  const problems = isValid ? [] : errors.map((error) => `${error['Error code']}: ${error.Message}`);
  if (/"QueryLanguage"\s*:\s*"JSONata"/.test(text))
    problems.push('JSONata is not supported by the local engine');
  if (/"Assign"\s*:/.test(text)) problems.push('Assign (variables) is not supported by the local engine');
  if (problems.length > 0) {
    failed = true;
    console.error(`${file}: invalid\n${problems.map((problem) => `  - ${problem}`).join('\n')}`);
  } else {
    console.log(`${file}: valid`);
  }
}
process.exit(failed ? 1 : 0);
