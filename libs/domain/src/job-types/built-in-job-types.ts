import { flakyJobType } from './flaky-job';
import { JobTypeRegistry } from './job-type-registry';
import { noopJobType } from './noop-job';
import { sampleExportJobType } from './sample-export-job';
import { createSleepJobType } from './sleep-job';

export interface BuiltInJobTypeOptions {
  /** The longest sleep one run may take (the processor's timeout, 300 s in the reference). */
  sleepMaxSeconds: number;
}

/** The registry every app builds: the same types, so the API accepts exactly what processors run. */
export function builtInJobTypes(options: BuiltInJobTypeOptions): JobTypeRegistry {
  return new JobTypeRegistry([createSleepJobType({ maxSeconds: options.sleepMaxSeconds }), noopJobType, flakyJobType, sampleExportJobType]);
}
