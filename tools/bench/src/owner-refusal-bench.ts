import { JobsApiError, JobsClient, localSystemClientOptions } from '@async-jobs/client';
import { RunningLocalSystem } from '@async-jobs/local-services';
import type { BenchResult } from './bench-result';
import { median, round } from './statistics';

const ROUNDS = 150;
/** Foreign and missing 404s within this ratio of each other: one class of timing. */
const RATIO_BAND = [0.8, 1.25] as const;

/** Wall time of one signed GET, in ms, and its status. */
async function timed(client: JobsClient, jobId: string): Promise<{ ms: number; status: number }> {
  const started = process.hrtime.bigint();
  const status = await client.getJob(jobId).then(
    () => 200,
    (error: unknown) => (error instanceof JobsApiError ? error.status : -1),
  );
  return { ms: Number(process.hrtime.bigint() - started) / 1e6, status };
}

/**
 * Another owner's job must answer like a missing one in timing too, not only in body: bob's GET of
 * alice's job against bob's GET of an id that does not exist, interleaved through the local system
 * with SigV4, medians of 150; the owner's own GET (200) in the same run is the baseline.
 */
export async function ownerRefusalBench(): Promise<BenchResult> {
  const system = await RunningLocalSystem.start(['--auth']);
  try {
    const as = (principal: string) =>
      new JobsClient({ ...localSystemClientOptions({ principal, stateFile: system.stateFile }), maxAttempts: 1 });
    const [alice, bob] = [as('alice'), as('bob')];
    const jobs = await Promise.all(Array.from({ length: 10 }, () => alice.submitJob({ type: 'noop', input: {} })));
    const samples = { own: [] as number[], foreign: [] as number[], missing: [] as number[] };
    for (let round = 0; round < ROUNDS; round++) {
      const { jobId } = jobs[round % jobs.length];
      const missingId = `3f1c2e9a-5b7d-4c1e-9f2a-${String(round).padStart(12, '0')}`;
      const own = await timed(alice, jobId);
      const foreign = await timed(bob, jobId);
      const missing = await timed(bob, missingId);
      if (own.status !== 200 || foreign.status !== 404 || missing.status !== 404)
        throw new Error(`unexpected statuses: own ${own.status}, foreign ${foreign.status}, missing ${missing.status}`);
      samples.own.push(own.ms);
      samples.foreign.push(foreign.ms);
      samples.missing.push(missing.ms);
    }
    const medians = { own: median(samples.own), foreign: median(samples.foreign), missing: median(samples.missing) };
    const ratio = medians.foreign / medians.missing;
    return {
      name: 'owner-refusal',
      figures: {
        rounds: ROUNDS,
        'median ms': { own: round(medians.own), foreign: round(medians.foreign), missing: round(medians.missing) },
        'foreign / missing': round(ratio),
        'foreign / own': round(medians.foreign / medians.own),
      },
      targets: [
        {
          name: "another owner's job answers in the time of a missing one",
          goal: `median ratio within ${RATIO_BAND.join('–')}`,
          met: ratio >= RATIO_BAND[0] && ratio <= RATIO_BAND[1],
        },
      ],
      notes: ['Both 404s make the same single consistent GetItem; only the ownership check, in memory, differs.'],
    };
  } finally {
    await system.stop();
    system.cleanUp();
  }
}
