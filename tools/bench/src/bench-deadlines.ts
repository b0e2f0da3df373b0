import type { DeadlinePolicy } from '@async-jobs/domain';

/** The deployed environments' deadlines: the benchmarks write what production writes. */
export const BENCH_DEADLINES: DeadlinePolicy = { pickupMs: 3_600_000, marginMs: 120_000, handOverMs: 600_000 };
