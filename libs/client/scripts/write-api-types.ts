import { writeFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { JOB_VIEW_TYPES_FILE, jobViewTypesSource } from './job-view-types-source';

/** `nx run client:api-types`: writes the client's job view types from the domain's schemas. */
const file = resolve(JOB_VIEW_TYPES_FILE);
writeFileSync(file, jobViewTypesSource());
process.stdout.write(`wrote ${file}\n`);
