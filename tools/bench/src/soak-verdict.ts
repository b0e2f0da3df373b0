import type { Job } from '@async-jobs/domain';
import type { Target } from './bench-result';

/**
 * How long the backlog may take to clear after the last submit. At 0.9 of the rate the same run
 * measured as saturating, the system keeps up and little is left at the end: the last batches,
 * a batching window and a retried batch take a few seconds. A backlog that grew all along, because
 * the offered rate was not sustained, takes far longer.
 */
export const DRAIN_LIMIT_SECONDS = 10;

/** What one consumer's log told about one job: its claims, completions, and deliveries it turned away. */
export interface ConsumerStory {
  claimed: number;
  succeeded: number;
  skipped: number;
}

/** Everything the soak saw, gathered; `soakVerdict` judges it without touching the system. */
export interface SoakObservations {
  /** Submissions attempted. */
  submitted: number;
  /** Ids of the jobs the API accepted (202), in order. */
  accepted: string[];
  /** How many answers of each HTTP status the API gave (0: no answer). */
  answers: Map<number, number>;
  consumers: string[];
  /**
   * The jobs that ran on the runner (long sleeps): their writes are the claim, the runner's adoption, the
   * completion, and a lease renewal every `renewEveryMs` while the run lasted. They get no duplicate delivery.
   */
  long: { ids: ReadonlySet<string>; renewEveryMs: number };
  duplicateEvery: number;
  /** Each job picked for a duplicate delivery, with how many duplicates each consumer's source took, in `consumers` order. */
  duplicates: Map<string, number[]>;
  /** The table's items by job id. */
  stored: Map<string, Job>;
  /** The log's story by `${jobId}/${consumerId}`. */
  story: Map<string, ConsumerStory>;
  drainSeconds: number;
}

export interface SoakVerdict {
  targets: Target[];
  /** Every shortfall, named; empty only when every target was met. */
  problems: string[];
  checked: number;
}

/** The soak's targets, each with the problems that make it unmet. */
export function soakVerdict(seen: SoakObservations): SoakVerdict {
  const finished: string[] = [];
  const once: string[] = [];
  const duplicates: string[] = [];
  const sustained: string[] = [];
  const { consumers, accepted } = seen;

  const unexpected = [...seen.answers].filter(([status]) => status !== 202);
  if (unexpected.length) finished.push(`the API answered other than 202: ${JSON.stringify(Object.fromEntries(unexpected))}`);
  if (accepted.length !== seen.submitted) finished.push(`${seen.submitted - accepted.length} submissions were not accepted`);

  for (const id of accepted) {
    const job = seen.stored.get(id);
    if (!job) {
      finished.push(`${id}: accepted (202) but not stored`);
      continue;
    }
    for (const consumerId of consumers) {
      const entry = job.consumers[consumerId];
      if (entry?.status !== 'SUCCEEDED' || entry.attempts !== 1 || entry.result === undefined)
        finished.push(`${id}/${consumerId}: ${JSON.stringify(entry)}`);
      // A second claim while the first ran would show here, duplicates included.
      const told = seen.story.get(`${id}/${consumerId}`);
      if (told?.claimed !== 1 || told.succeeded !== 1)
        once.push(`${id}/${consumerId}: claimed ${told?.claimed ?? 0} times, succeeded ${told?.succeeded ?? 0} times`);
    }
    // Created at 1, then a claim and a completion per consumer (on the runner, an adoption too, and a renewal per beat
    // while it ran): any other version means a write was lost or doubled.
    const inline = 1 + 2 * consumers.length;
    const [fewest, most] = seen.long.ids.has(id) ? runnerVersions(job, consumers, seen.long.renewEveryMs) : [inline, inline];
    if (job.version < fewest || job.version > most)
      once.push(`${id}: version ${job.version}, expected ${fewest === most ? fewest : `${fewest} to ${most}`}`);
  }

  // Every duplicateEvery-th accepted job had its record delivered again to every consumer. A duplicate
  // that never arrived proves nothing, so a shortfall fails; one that arrived must have been turned away
  // (one "delivery skipped" line per delivery that found the job claimed or finished) without a second claim.
  const picked = Math.floor(accepted.filter((id) => !seen.long.ids.has(id)).length / seen.duplicateEvery);
  if (seen.duplicates.size !== picked) duplicates.push(`${seen.duplicates.size} jobs were picked for a duplicate delivery, not ${picked}`);
  for (const [id, perConsumer] of seen.duplicates) {
    for (const [i, consumerId] of consumers.entries()) {
      const injected = perConsumer[i] ?? 0;
      const skipped = seen.story.get(`${id}/${consumerId}`)?.skipped ?? 0;
      if (injected === 0) duplicates.push(`${id}/${consumerId}: the duplicate delivery was never injected`);
      else if (skipped < injected) duplicates.push(`${id}/${consumerId}: ${injected} duplicate deliveries, ${skipped} turned away`);
    }
  }

  if (seen.drainSeconds > DRAIN_LIMIT_SECONDS)
    sustained.push(`the backlog took ${seen.drainSeconds} s to drain after the last submit (at most ${DRAIN_LIMIT_SECONDS} s)`);

  const injected = [...seen.duplicates.values()].flat().reduce((sum, n) => sum + n, 0);
  const targets: Target[] = [
    { name: 'every accepted job finished on every consumer', goal: `${seen.submitted} of ${seen.submitted}`, met: finished.length === 0 },
    {
      name: 'no job ran under two claims; no lost or doubled write',
      goal: 'one claim and one completion per job and consumer; version = 1 + 2 per consumer (on the runner: + its adoption and renewals)',
      met: once.length === 0,
    },
    {
      name: 'every injected duplicate delivery arrived and was turned away',
      goal: `${picked} jobs × ${consumers.length} consumers delivered again (${injected} deliveries), each skipped`,
      met: duplicates.length === 0,
    },
    {
      name: 'the offered rate was sustained',
      goal: `drained within ${DRAIN_LIMIT_SECONDS} s of the last submit`,
      met: sustained.length === 0,
    },
  ];
  return { targets, problems: [...finished, ...once, ...duplicates, ...sustained], checked: accepted.length };
}

/** The versions a job run on the runner may end at: claim, adopt and complete per consumer, plus at most a renewal per beat of its run. */
function runnerVersions(job: Job, consumers: string[], renewEveryMs: number): [number, number] {
  const beats = consumers.map((c) => {
    const entry = job.consumers[c];
    const ran = Date.parse(entry?.finishedAt ?? '') - Date.parse(entry?.startedAt ?? '');
    return Number.isFinite(ran) ? Math.ceil(ran / renewEveryMs) : 0;
  });
  return [1 + 3 * consumers.length, 1 + 3 * consumers.length + beats.reduce((a, b) => a + b, 0)];
}
