import { writeFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { jobCatalog } from '@async-jobs/job-catalog';
import { deploymentSettings } from '@async-jobs/platform';
import { openApiDocument } from '../src/openapi-document';

/** `nx run jobs-api:openapi`: writes docs/openapi.json from the same schemas the API validates with. */
const registry = jobCatalog({ sleepMaxSeconds: deploymentSettings('dev').jobs.sleepMaxSeconds });
const file = resolve('docs/openapi.json');
writeFileSync(file, `${JSON.stringify(openApiDocument(registry), null, 2)}\n`);
process.stdout.write(`wrote ${file}\n`);
