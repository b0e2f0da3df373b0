import type { Caller, DeadlinePolicy } from '@async-jobs/domain';

/** The deployed environments' deadlines: the benchmarks write what production writes. */
export const BENCH_DEADLINES: DeadlinePolicy = { pickupMs: 3_600_000, marginMs: 120_000, handOverMs: 600_000 };

/** The one caller the benchmarks submit as: the cost of owners (an index key per job) is in every number. */
export const BENCH_CALLER: Caller = { owner: { principal: 'arn:aws:iam::123456789012:role/bench' }, operator: false };
