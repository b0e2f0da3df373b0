import { DynamoDBClient, ScanCommand } from '@aws-sdk/client-dynamodb';
import { unmarshall } from '@aws-sdk/util-dynamodb';
import type { Job } from '@async-jobs/domain';
import { RunningLocalSystem, sleep, waitUntil } from '@async-jobs/local-services';
import type { BenchResult } from './bench-result';
import { round } from './statistics';

export interface SoakOptions {
  jobs: number;
  /** Share of the calibrated completion rate to offer: below 1, so that the backlog stays bounded. */
  loadFactor: number;
  /** Every n-th job's stream record is delivered once more, as at-least-once delivery may. */
  duplicateEvery: number;
  maxInFlight: number;
}

export const DEFAULT_SOAK: SoakOptions = { jobs: 10_000, loadFactor: 0.9, duplicateEvery: 50, maxInFlight: 32 };

/** Counts "job succeeded" lines as the system prints them, without parsing the whole output again. */
class CompletionCounter {
  private scanned = 0;
  count = 0;
  constructor(private readonly system: RunningLocalSystem) {}
  update(): number {
    const output = this.system.output;
    const end = output.lastIndexOf('\n') + 1;
    for (let at = output.indexOf('"job succeeded"', this.scanned); at !== -1 && at < end; at = output.indexOf('"job succeeded"', at + 1))
      this.count += 1;
    this.scanned = Math.max(this.scanned, end);
    return this.count;
  }
}

interface Verdict {
  problems: string[];
  checked: number;
}

/**
 * The soak: many jobs through the whole local system at the highest rate it sustains, then proof
 * that every one finished, that no job ran under two claims at once and that no update was lost.
 * Phase 1 measures the completion rate (closed loop). Phase 2 offers `loadFactor` of it, open loop,
 * for `jobs` jobs, redelivering some records, and watches the backlog.
 */
export async function soak(
  options: SoakOptions = DEFAULT_SOAK,
  progress: (line: string) => void = () => undefined,
): Promise<BenchResult & { verdict: Verdict }> {
  const system = await RunningLocalSystem.start(['--faults']);
  const client = new DynamoDBClient({
    endpoint: system.state.dynamodbEndpoint,
    region: system.state.region,
    credentials: { accessKeyId: 's', secretAccessKey: 's' },
  });
  try {
    const completions = new CompletionCounter(system);
    const consumers = system.state.consumers.length;
    const answers = new Map<number, number>();
    const submit = async (): Promise<string | undefined> => {
      const response = await system.request('POST', '/jobs', '{"type":"noop","input":{}}').catch(() => ({ status: 0, body: undefined }));
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
    const inFlight = new Set<Promise<void>>();
    let duplicates = 0;
    let maxBacklog = 0;
    const baseline = completions.update();
    const started = Date.now();
    let lastReport = started;
    for (let i = 0; i < options.jobs; i++) {
      const due = started + (i * 1000) / rate;
      if (due > Date.now()) await sleep(due - Date.now());
      while (inFlight.size >= options.maxInFlight) await Promise.race(inFlight);
      const send: Promise<void> = submit().then(async (id) => {
        if (!id) return;
        soaked.push(id);
        if (soaked.length % options.duplicateEvery === 0) {
          await sleep(200);
          const redelivered = (await system.admin('redeliver', { jobId: id })) as { redelivered: boolean[] };
          duplicates += redelivered.redelivered.filter(Boolean).length;
        }
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

    const verdict = await verify(system, client, soaked, answers, options.jobs);
    const sustained = soaked.length / totalSeconds;
    return {
      name: 'soak',
      figures: {
        jobs: soaked.length,
        saturatedJobsPerSecond: round(saturatedRate, 1),
        offeredJobsPerSecond: round(rate, 1),
        sustainedJobsPerSecond: round(sustained, 1),
        maxBacklogJobs: Math.round(maxBacklog),
        submitSeconds: round(submitSeconds, 1),
        drainSecondsAfterLastSubmit: round(drainSeconds, 1),
        duplicateDeliveriesInjected: duplicates,
        apiAnswers: Object.fromEntries([...answers].map(([status, count]) => [String(status), count])),
      },
      targets: [
        {
          name: 'every accepted job finished on every consumer',
          goal: `${options.jobs} of ${options.jobs}`,
          met: verdict.problems.length === 0,
        },
        {
          name: 'no job ran under two claims; no lost or doubled write',
          goal: 'one claim and one completion per job and consumer; version = 1 + 2 per consumer',
          met: verdict.problems.length === 0,
        },
        { name: 'the offered rate was sustained', goal: `drained within 10 s of the last submit`, met: drainSeconds <= 10 },
      ],
      notes: verdict.problems,
      verdict,
    };
  } finally {
    client.destroy();
    await system.stop();
    system.cleanUp();
  }
}

/** Every job finished on every consumer, exactly one claim and one completion each, and its version counts every write. */
async function verify(
  system: RunningLocalSystem,
  client: DynamoDBClient,
  ids: string[],
  answers: Map<number, number>,
  submitted: number,
): Promise<Verdict> {
  const problems: string[] = [];
  const unexpected = [...answers].filter(([status]) => status !== 202);
  if (unexpected.length) problems.push(`the API answered other than 202: ${JSON.stringify(Object.fromEntries(unexpected))}`);
  if (ids.length !== submitted) problems.push(`${submitted - ids.length} submissions were not accepted`);

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

  // One claim and one completion per job and consumer: a second claim while the first ran would show here.
  // The last completions are logged just after their writes: give their lines a moment to arrive (a shortfall is reported below).
  const completions = ids.length * system.state.consumers.length;
  await system.waitForLines((line) => line['message'] === 'job succeeded', completions).catch(() => undefined);
  const story = new Map<string, { claimed: number; succeeded: number }>();
  for (const line of system.logLines()) {
    const message = line['message'];
    if (message !== 'job claimed' && message !== 'job succeeded') continue;
    const key = `${line['jobId']}/${line['consumerId']}`;
    const entry = story.get(key) ?? { claimed: 0, succeeded: 0 };
    if (message === 'job claimed') entry.claimed += 1;
    else entry.succeeded += 1;
    story.set(key, entry);
  }

  const consumers = system.state.consumers;
  for (const id of ids) {
    const job = stored.get(id);
    if (!job) {
      problems.push(`${id}: accepted (202) but not stored`);
      continue;
    }
    for (const consumerId of consumers) {
      const entry = job.consumers[consumerId];
      if (entry?.status !== 'SUCCEEDED' || entry.attempts !== 1 || entry.result === undefined)
        problems.push(`${id}/${consumerId}: ${JSON.stringify(entry)}`);
      const told = story.get(`${id}/${consumerId}`);
      if (told?.claimed !== 1 || told.succeeded !== 1)
        problems.push(`${id}/${consumerId}: claimed ${told?.claimed ?? 0} times, succeeded ${told?.succeeded ?? 0} times`);
    }
    // Created at 1, then a claim and a completion per consumer: any other version means a write was lost or doubled.
    if (job.version !== 1 + 2 * consumers.length) problems.push(`${id}: version ${job.version}, expected ${1 + 2 * consumers.length}`);
  }
  return {
    problems: problems.slice(0, 50).concat(problems.length > 50 ? [`… and ${problems.length - 50} more`] : []),
    checked: ids.length,
  };
}
