import { RunningLocalSystem, sleep, type JobView } from '@async-jobs/local-services';
import type { BenchResult } from './bench-result';
import { round } from './statistics';

/** K jobs of D seconds on a runner of C: each job is one run per consumer. */
const RUNNER_CONCURRENCY = 4;
const JOBS = 8;
const SECONDS = 5;
const WAIT_MS = 180_000;

interface RunnerStats {
  concurrency: number;
  inFlight: number;
  waiting: number;
  maxInFlight: number;
  accepted: number;
}

async function runnerStats(system: RunningLocalSystem): Promise<RunnerStats> {
  return ((await system.admin('stats', {})) as { runner: RunnerStats }).runner;
}

/** Submits `count` sleeps at once and returns the seconds from the first submit to the last consumer's finish. */
async function wave(system: RunningLocalSystem, count: number, seconds: number): Promise<{ seconds: number; peakWaiting: number }> {
  const started = Date.now();
  const ids = await Promise.all(Array.from({ length: count }, () => system.submit({ type: 'sleep', input: { seconds } })));
  const finished = new Map<string, number>();
  let peakWaiting = 0;
  const deadline = Date.now() + WAIT_MS;
  while (finished.size < ids.length) {
    if (Date.now() > deadline) throw new Error(`${ids.length - finished.size} jobs did not finish within ${WAIT_MS / 1000} s`);
    peakWaiting = Math.max(peakWaiting, (await runnerStats(system)).waiting);
    for (const id of ids.filter((jobId) => !finished.has(jobId))) {
      const job = (await system.request('GET', `/jobs/${id}`)).body as JobView;
      if (job.status === 'FAILED' || job.status === 'CANCELLED') throw new Error(`job ${id} ended ${job.status}`);
      if (job.status === 'SUCCEEDED')
        finished.set(id, Math.max(...Object.values(job.consumers).map((c) => Date.parse(c.finishedAt ?? ''))));
    }
    await sleep(250);
  }
  return { seconds: (Math.max(...finished.values()) - started) / 1000, peakWaiting };
}

/**
 * Long-job throughput on a runner of bounded concurrency (issue #16): K jobs of D seconds, every consumer's run of
 * each on a runner of C at once, must finish within 1.25 × ⌈runs ÷ C⌉ × D. Baseline in the same run: one job of D
 * seconds alone (its runs use two of the C slots), the pipeline's own overhead around a run.
 */
export async function longThroughputBench(): Promise<BenchResult> {
  const system = await RunningLocalSystem.start(['--faults', '--runner-concurrency', String(RUNNER_CONCURRENCY)]);
  try {
    await wave(system, 1, 3); // warm every function, the runner included
    const alone = await wave(system, 1, SECONDS);
    const consumers = system.state.consumers.length;
    const runs = JOBS * consumers;
    const waves = Math.ceil(runs / RUNNER_CONCURRENCY);
    const loaded = await wave(system, JOBS, SECONDS);
    const stats = await runnerStats(system);
    const bound = 1.25 * waves * SECONDS;
    return {
      name: 'long-throughput',
      figures: {
        load: `${JOBS} jobs × ${SECONDS} s on ${consumers} consumers = ${runs} runs, runner concurrency ${RUNNER_CONCURRENCY}`,
        'one job alone, s (baseline)': round(alone.seconds),
        'all jobs, s': round(loaded.seconds),
        'ideal (⌈runs ÷ concurrency⌉ × D), s': waves * SECONDS,
        'all jobs ÷ ideal': round(loaded.seconds / (waves * SECONDS)),
        'one job alone ÷ D': round(alone.seconds / SECONDS),
        'runs in flight at most': stats.maxInFlight,
        'orders waiting at most': loaded.peakWaiting,
      },
      targets: [
        {
          name: 'long jobs finish as fast as the concurrency allows',
          goal: `≤ 1.25 × ${waves} × ${SECONDS} s = ${bound} s`,
          met: loaded.seconds <= bound,
        },
        {
          name: 'the runner never runs more than its concurrency',
          goal: `runs in flight ≤ ${RUNNER_CONCURRENCY} (measured ${stats.maxInFlight}), and orders beyond it waited`,
          met: stats.maxInFlight <= RUNNER_CONCURRENCY && loaded.peakWaiting > 0,
        },
      ],
      notes: [
        "The runner's pool is the local stand-in for its reserved concurrency in AWS; orders beyond it wait in Lambda's queue.",
        'Times run from the first submit to the last consumer finishedAt (the same machine clock).',
      ],
    };
  } finally {
    await system.stop();
    system.cleanUp();
  }
}
