import { BENCH_CALLER, BENCH_DEADLINES } from './bench-deadlines';
import { CreateTableCommand } from '@aws-sdk/client-dynamodb';
import { DynamoDbJobRepository } from '@async-jobs/adapters';
import {
  applyTransition,
  cancelTransition,
  claimTransition,
  completeTransition,
  failTransition,
  JobConflictError,
  newJob,
  releaseTransition,
  systemClock,
  type Transition,
} from '@async-jobs/domain';
import { startDynamoDbLocal } from '@async-jobs/local-services';
import { jobsTableDefinition } from '@async-jobs/platform';
import { randomUUID } from 'node:crypto';
import type { BenchResult } from './bench-result';
import { countingDynamoDbClient } from './counting-dynamodb-client';
import { round } from './statistics';

const JOBS = 40;
const ROUNDS = 3; // claim/release cycles before a consumer completes

interface Tally {
  writes: number;
  conflicts: number;
  stops: number;
  conflictErrors: number;
}

/**
 * Two consumers (each claiming, releasing and completing a job several times), the error handler
 * and cancels, all writing the same jobs at once against DynamoDB Local; then the same writers
 * each on a job of its own. Lost updates are counted from the versions: every successful write
 * must have produced its own.
 */
export async function contentionBench(): Promise<BenchResult> {
  const dynamodb = await startDynamoDbLocal();
  try {
    const counting = countingDynamoDbClient(dynamodb.endpoint);
    const contended = await run(counting, 'contended', true);
    const uncontended = await run(counting, 'uncontended', false);
    counting.client.destroy();
    const ratio = contended.decidedPerSecond / uncontended.decidedPerSecond;
    return {
      name: 'contention',
      figures: {
        jobs: JOBS,
        contended: contended.figures,
        uncontended: uncontended.figures,
        'throughput ratio, operations decided per second (contended ÷ uncontended)': round(ratio),
      },
      targets: [
        { name: 'lost updates', goal: `0 (measured ${contended.lost + uncontended.lost})`, met: contended.lost + uncontended.lost === 0 },
        {
          name: 'throughput under contention',
          goal: `≥ 0.8× uncontended, operations decided per second (measured ${round(ratio)}×)`,
          met: ratio >= 0.8,
        },
      ],
    };
  } finally {
    await dynamodb.stop();
  }
}

async function run(counting: ReturnType<typeof countingDynamoDbClient>, label: string, shared: boolean) {
  const { client } = counting;
  const table = `bench-${label}`;
  await client.send(new CreateTableCommand(jobsTableDefinition(table, ['a', 'b'])));
  const repository = new DynamoDbJobRepository(client, table);
  const tally: Tally = { writes: 0, conflicts: 0, stops: 0, conflictErrors: 0 };
  const writesByJob = new Map<string, number>();
  const newJobId = async () => {
    const job = newJob({
      id: randomUUID(),
      request: { type: 'noop', input: {} },
      owner: BENCH_CALLER.owner,
      consumers: ['a', 'b'],
      now: new Date(),
      retentionDays: 1,
      deadlines: BENCH_DEADLINES,
    });
    await repository.create(job);
    return job.id;
  };
  const attempt = async (jobId: string, transition: Transition) => {
    try {
      const outcome = await applyTransition({ repository, clock: systemClock }, jobId, transition);
      tally.conflicts += outcome.conflicts;
      if (outcome.kind === 'written') {
        tally.writes += 1;
        writesByJob.set(jobId, (writesByJob.get(jobId) ?? 0) + 1);
      } else tally.stops += 1;
      return outcome;
    } catch (error) {
      if (!(error instanceof JobConflictError)) throw error;
      tally.conflictErrors += 1;
      return undefined;
    }
  };
  const consumer = async (jobId: string, consumerId: string) => {
    for (let round = 1; round <= ROUNDS * 3; round++) {
      const token = randomUUID();
      const claim = await attempt(
        jobId,
        claimTransition({ consumerId, claimToken: token, now: new Date(), leaseExpiresAt: Date.now() + 60_000 }),
      );
      if (!claim || claim.kind === 'stopped') {
        if (claim?.kind === 'stopped' && claim.reason.code !== 'CLAIM_HELD') return;
        continue;
      }
      const attempts = claim.job.consumers[consumerId].attempts;
      await attempt(
        jobId,
        attempts >= ROUNDS
          ? completeTransition({ consumerId, claimToken: token, placed: { result: { attempts } }, now: new Date() })
          : releaseTransition({ consumerId, claimToken: token, lastError: { code: 'BENCH', message: 'retry' }, now: new Date() }),
      );
    }
  };
  const writers: ((jobId: string) => Promise<unknown>)[] = [
    (jobId) => consumer(jobId, 'a'),
    (jobId) => consumer(jobId, 'b'),
    (jobId) =>
      attempt(
        jobId,
        failTransition({
          consumerId: 'b',
          reason: { code: 'GAVE_UP', message: 'on-failure record' },
          origin: { kind: 'delivery', evidenceRequired: false },
          token: randomUUID(),
          now: new Date(),
        }),
      ),
    (jobId) => attempt(jobId, cancelTransition({ now: new Date(), by: BENCH_CALLER })),
  ];
  // Contended: all writers on each job. Uncontended: each writer on a job of its own.
  const work: { writer: (jobId: string) => Promise<unknown>; jobId: string }[] = [];
  for (let i = 0; i < JOBS; i++) {
    const sharedId = shared ? await newJobId() : undefined;
    for (const writer of writers) work.push({ writer, jobId: sharedId ?? (await newJobId()) });
  }
  counting.reset();
  const started = process.hrtime.bigint();
  await Promise.all(work.map(({ writer, jobId }) => writer(jobId)));
  const seconds = Number(process.hrtime.bigint() - started) / 1e9;
  const requests = Object.values(counting.counts).reduce((sum, n) => sum + n, 0);

  let lost = 0;
  for (const [jobId, writes] of writesByJob) {
    const job = await repository.get(jobId);
    if ((job?.version ?? 0) !== writes + 1) lost += 1;
  }
  // Every operation ends decided: written, or stopped with a reason (or, never seen so far, given up).
  const decided = tally.writes + tally.stops + tally.conflictErrors;
  return {
    lost,
    decidedPerSecond: decided / seconds,
    figures: {
      'operations decided': decided,
      'operations decided/s': round(decided / seconds, 1),
      'DynamoDB requests': requests,
      'requests per decided operation': round(requests / decided),
      'successful writes': tally.writes,
      'conflicts re-planned': tally.conflicts,
      'stopped with a reason': tally.stops,
      'gave up (JobConflictError)': tally.conflictErrors,
      'lost updates': lost,
      'successful writes/s': round(tally.writes / seconds, 1),
      seconds: round(seconds),
    },
  };
}
