import type { DeadlinePolicy } from '../../src';

/** The deadlines of a deployed environment: an hour's record age, two minutes' margin, ten minutes to record a failure. */
export const testDeadlines: DeadlinePolicy = { pickupMs: 3_600_000, marginMs: 120_000, handOverMs: 600_000 };
