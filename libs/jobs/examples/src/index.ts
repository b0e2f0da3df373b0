import type { JobType } from '@async-jobs/domain';
import { wordCountJob } from './word-count-job';

/** This team's job types, registered in the job catalog (libs/job-catalog/src/teams.ts). Generated: do not edit. */
export const jobTypes: readonly JobType[] = [wordCountJob] as unknown as readonly JobType[];
