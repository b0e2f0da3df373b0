import { DynamoDBClient, ScanCommand } from '@aws-sdk/client-dynamodb';
import { unmarshall } from '@aws-sdk/util-dynamodb';
import type { Job } from '@async-jobs/domain';
import { deploymentSettings } from '@async-jobs/platform';
import { RunningLocalSystem, sleep, waitUntil } from '@async-jobs/local-services';
import type { BenchResult } from './bench-result';
import { soakVerdict, type ConsumerStory, type SoakVerdict } from './soak-verdict';
import { round } from './statistics';

export interface SoakOptions {
  jobs: number;
  /** Share of the calibrated completion rate to offer: below 1, so that the backlog stays bounded. */
  loadFactor: number;
  /** Every n-th job's stream record is delivered once more, as at-least-once delivery may. */
  duplicateEvery: number;
  maxInFlight: number;
  /** Every n-th job is a sleep of `longSeconds`, long enough to run on the runner (issue #16); the others are noops, inline. */
  longEvery: number;
  longSeconds: number;
}

export const DEFAULT_SOAK: SoakOptions = {
  jobs: 10_000,
  loadFactor: 0.9,
  duplicateEvery: 50,
  maxInFlight: 32,
  longEvery: 100,
  longSeconds: 3,
};

/** Counts the lines with one message (e.g. "job succeeded") as the system prints them, without parsing the whole output again. */
class LineCounter {
  private scanned = 0;
  count = 0;
  private readonly needle: string;
  constructor(
    private readonly system: RunningLocalSystem,
    message: string,
  ) {
    this.needle = JSON.stringify(message);
  }
  update(): number {
    const output = this.system.output;
    const end = output.lastIndexOf('\n') + 1;
    for (let at = output.indexOf(this.needle, this.scanned); at !== -1 && at < end; at = output.indexOf(this.needle, at + 1))
      this.count += 1;
    this.scanned = Math.max(this.scanned, end);
    return this.count;
  }
}

/** A source can deliver again only a record it has read: tries this often, 200 ms apart, until every consumer's has. */
const REDELIVERY_TRIES = 10;

/**
 * The soak: many jobs through the whole local system at the highest rate it sustains, then proof
 * that every one finished, that no job ran under two claims at once and that no update was lost.
 * Phase 1 measures the completion rate (closed loop). Phase 2 offers `loadFactor` of it, open loop,
 * for `jobs` jobs, redelivering some records, and watches the backlog.
 */
export async function soak(
  options: SoakOptions = DEFAULT_SOAK,
  progress: (line: string) => void = () => undefined,
): Promise<BenchResult & { verdict: SoakVerdict }> {
  const system = await RunningLocalSystem.start(['--faults']);
  const client = new DynamoDBClient({
    endpoint: system.state.dynamodbEndpoint,
    region: system.state.region,
    credentials: { accessKeyId: 's', secretAccessKey: 's' },
  });
  try {
    const completions = new LineCounter(system, 'job succeeded');
    const skips = new LineCounter(system, 'delivery skipped');
    const consumers = system.state.consumers.length;
    const answers = new Map<number, number>();
    const NOOP = '{"type":"noop","input":{}}';
    const LONG = JSON.stringify({ type: 'sleep', input: { seconds: options.longSeconds } });
    const submit = async (body = NOOP): Promise<string | undefined> => {
      const response = await system.request('POST', '/jobs', body).catch(() => ({ status: 0, body: undefined }));
      answers.set(response.status, (answers.get(response.status) ?? 0) + 1);
      return response.status === 202 ? (response.body.jobId as string) : undefined;
    };
    const waitForCompletions = (target: number, timeoutMs: number) =>
      waitUntil(`${target} consumer runs finished`, () => completions.update() >= target, timeoutMs).catch(() => {
        throw new Error(`only ${completions.count} of ${target} consumer runs finished in ${timeoutMs} ms`);
      });

    // Phase 1: calibration, 8 clients as fast as answers come.
    const calibration: string[] = [];
    const calibrationStarted = Date.now();
    await Promise.all(
      Array.from({ length: 8 }, async () => {
        while (calibration.length < 400) {
          const id = await submit();
          if (id) calibration.push(id);
        }
      }),
    );
    await waitForCompletions(calibration.length * consumers, 120_000);
    const saturatedRate = calibration.length / ((Date.now() - calibrationStarted) / 1000);
    const rate = Math.max(1, saturatedRate * options.loadFactor);
    progress(`calibration: ${round(saturatedRate, 1)} jobs/s at saturation; offering ${round(rate, 1)} jobs/s`);

    // Phase 2: open loop at the chosen rate, bounded in flight.
    const soaked: string[] = [];
    const long: string[] = [];
    const inFlight = new Set<Promise<void>>();
    /** Per picked job, the duplicates each consumer's source took. */
    const duplicates = new Map<string, number[]>();
    const deliverAgain = async (jobId: string) => {
      const taken = system.state.consumers.map(() => 0);
      duplicates.set(jobId, taken);
      // Each try redelivers to every source that has read the record, so one may take two duplicates: both must be turned away.
      for (let i = 0; i < REDELIVERY_TRIES && taken.includes(0); i++) {
        await sleep(200);
        const { redelivered } = (await system.admin('redeliver', { jobId })) as { redelivered: boolean[] };
        redelivered.forEach((done, consumer) => (taken[consumer] += done ? 1 : 0));
      }
    };
    let maxBacklog = 0;
    const baseline = completions.update();
    const skipsBaseline = skips.update();
    const started = Date.now();
    let lastReport = started;
    for (let i = 0; i < options.jobs; i++) {
      const due = started + (i * 1000) / rate;
      if (due > Date.now()) await sleep(due - Date.now());
      while (inFlight.size >= options.maxInFlight) await Promise.race(inFlight);
      const isLong = i % options.longEvery === options.longEvery - 1;
      const send: Promise<void> = submit(isLong ? LONG : NOOP).then(async (id) => {
        if (!id) return;
        soaked.push(id);
        if (isLong) long.push(id);
        // A long job's redelivery sends its order again rather than being turned away: the duplicates are the noops'.
        else if ((soaked.length - long.length) % options.duplicateEvery === 0) await deliverAgain(id);
      });
      const tracked = send.finally(() => inFlight.delete(tracked));
      inFlight.add(tracked);
      if (Date.now() - lastReport > 1000) {
        lastReport = Date.now();
        const backlog = soaked.length - (completions.update() - baseline) / consumers;
        maxBacklog = Math.max(maxBacklog, backlog);
        if (i % 1000 < rate) progress(`  ${soaked.length} submitted, backlog ${Math.round(backlog)} jobs`);
      }
    }
    await Promise.all(inFlight);
    const submitSeconds = (Date.now() - started) / 1000;
    const drainStarted = Date.now();
    await waitForCompletions(baseline + soaked.length * consumers, 300_000);
    const drainSeconds = (Date.now() - drainStarted) / 1000;
    const totalSeconds = (Date.now() - started) / 1000;
    progress(`soaked ${soaked.length} jobs in ${round(totalSeconds, 1)} s (drain ${round(drainSeconds, 1)} s); verifying`);

    // The last duplicates are turned away after their jobs finished: wait for their lines (a shortfall is judged below).
    const injected = [...duplicates.values()].flat().reduce((sum, n) => sum + n, 0);
    await waitUntil('duplicates turned away', () => skips.update() - skipsBaseline >= injected, 30_000).catch(() => undefined);
    const verdict = soakVerdict({
      submitted: options.jobs,
      accepted: soaked,
      answers,
      consumers: system.state.consumers,
      // Locally a lease of 6 s, renewed every third of it (deploymentSettings('local')).
      long: { ids: new Set(long), renewEveryMs: (deploymentSettings('local').jobs.leaseSeconds * 1000) / 3 },
      duplicateEvery: options.duplicateEvery,
      duplicates,
      stored: await storedJobs(system, client),
      story: await consumerStories(system, soaked.length * consumers),
      drainSeconds,
    });
    const sustained = soaked.length / totalSeconds;
    return {
      name: 'soak',
      figures: {
        jobs: soaked.length,
        [`of which long (a ${options.longSeconds} s sleep, on the runner)`]: long.length,
        saturatedJobsPerSecond: round(saturatedRate, 1),
        offeredJobsPerSecond: round(rate, 1),
        sustainedJobsPerSecond: round(sustained, 1),
        maxBacklogJobs: Math.round(maxBacklog),
        submitSeconds: round(submitSeconds, 1),
        drainSecondsAfterLastSubmit: round(drainSeconds, 1),
        duplicateDeliveriesInjected: injected,
        apiAnswers: Object.fromEntries([...answers].map(([status, count]) => [String(status), count])),
      },
      targets: verdict.targets,
      notes: verdict.problems.slice(0, 50).concat(verdict.problems.length > 50 ? [`… and ${verdict.problems.length - 50} more`] : []),
      verdict,
    };
  } finally {
    client.destroy();
    await system.stop();
    system.cleanUp();
  }
}

/** Every item of the table that is a job, by id (a consistent scan). */
async function storedJobs(system: RunningLocalSystem, client: DynamoDBClient): Promise<Map<string, Job>> {
  const stored = new Map<string, Job>();
  let startKey: Record<string, never> | undefined;
  do {
    const page = await client.send(
      new ScanCommand({ TableName: system.state.resources.tableName, ConsistentRead: true, ExclusiveStartKey: startKey }),
    );
    for (const item of page.Items ?? []) {
      const job = unmarshall(item) as Job;
      if (job.type) stored.set(job.id, job);
    }
    startKey = page.LastEvaluatedKey as typeof startKey;
  } while (startKey);
  return stored;
}

/** What the processors logged per job and consumer: claims, completions and deliveries turned away. */
async function consumerStories(system: RunningLocalSystem, completions: number): Promise<Map<string, ConsumerStory>> {
  // The last completions are logged just after their writes: give their lines a moment to arrive (a shortfall is reported).
  await system.waitForLines((line) => line['message'] === 'job succeeded', completions).catch(() => undefined);
  // A runner's takeover of a dead run is a claim too: a second one would mean a second run.
  const counted = new Map<unknown, keyof ConsumerStory>([
    ['job claimed', 'claimed'],
    ['run taken over: the previous runner stopped renewing', 'claimed'],
    ['job succeeded', 'succeeded'],
    ['delivery skipped', 'skipped'],
  ]);
  const story = new Map<string, ConsumerStory>();
  for (const line of system.logLines()) {
    const field = counted.get(line['message']);
    if (!field) continue;
    const key = `${line['jobId']}/${line['consumerId']}`;
    const entry = story.get(key) ?? { claimed: 0, succeeded: 0, skipped: 0 };
    entry[field] += 1;
    story.set(key, entry);
  }
  return story;
}
