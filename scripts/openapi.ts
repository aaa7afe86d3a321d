/** `npm run openapi`: writes docs/openapi.json from the handlers' zod schemas (scripts/openapi/). */
import { writeFileSync } from 'node:fs';
import * as path from 'node:path';
import { openApiText } from './openapi/document';

const target = path.join(__dirname, '..', 'docs', 'openapi.json');
writeFileSync(target, openApiText());
console.log(`wrote ${path.relative(process.cwd(), target)}`);
