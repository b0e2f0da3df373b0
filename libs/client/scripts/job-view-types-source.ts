import { ConsumerViewSchema, FailureReasonViewSchema, JobStatusSchema, JobViewSchema } from '@async-jobs/domain';
import { emitTypeDeclarations } from './emit-type-declarations';

/** Where the client's job view types are checked in, from the workspace root. */
export const JOB_VIEW_TYPES_FILE = 'libs/client/src/job-view.generated.ts';

export const REGENERATE_JOB_VIEW_TYPES = 'npx nx run client:api-types';

/**
 * The text of the client's job view types, generated from the domain's schemas. The client imports
 * no workspace library (it is published on its own), so the types are written into it, not imported.
 */
export function jobViewTypesSource(): string {
  const header = [
    '// Generated from the job view schema in libs/domain/src/job-view-schema.ts by libs/client/scripts/write-api-types.ts.',
    `// Do not edit: change the schema, then regenerate with \`${REGENERATE_JOB_VIEW_TYPES}\` (a test fails until then).`,
  ].join('\n');
  const declarations = emitTypeDeclarations([
    { name: 'JobStatus', schema: JobStatusSchema },
    { name: 'FailureReason', schema: FailureReasonViewSchema },
    { name: 'ConsumerView', schema: ConsumerViewSchema },
    { name: 'JobView', schema: JobViewSchema },
  ]);
  return `${header}\n\n${declarations}`;
}
