import { BENCH_CALLER, BENCH_DEADLINES } from './bench-deadlines';
import { randomUUID } from 'node:crypto';
import { CreateTableCommand, DynamoDBClient, ScanCommand } from '@aws-sdk/client-dynamodb';
import { unmarshall } from '@aws-sdk/util-dynamodb';
import { DynamoDbJobRepository } from '@async-jobs/adapters';
import { applyTransition, claimTransition, completeTransition, newJob, systemClock, type Job } from '@async-jobs/domain';
import { RunningLocalSystem } from '@async-jobs/local-services';
import { jobsTableDefinition } from '@async-jobs/platform';
import type { BenchResult } from './bench-result';
import { percentile, round } from './statistics';

const JOBS = 300;
const CONCURRENCY = 8;
const RATE_SECONDS = 10;

/** Submit → overall SUCCEEDED, from the item's own timestamps (creation and the last consumer's finish). */
function latencyMs(job: Job): number | undefined {
  const finishes = Object.values(job.consumers).map((c) => (c.status === 'SUCCEEDED' && c.finishedAt ? Date.parse(c.finishedAt) : NaN));
  if (finishes.some(Number.isNaN)) return undefined;
  return Math.max(...finishes) - Date.parse(job.createdAt);
}

async function waitForAll(client: DynamoDBClient, table: string, ids: Set<string>, timeoutMs: number): Promise<Job[]> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const done: Job[] = [];
    let startKey: Record<string, never> | undefined;
    do {
      const page = await client.send(new ScanCommand({ TableName: table, ConsistentRead: true, ExclusiveStartKey: startKey }));
      for (const item of page.Items ?? []) {
        const job = unmarshall(item) as Job;
        if (ids.has(job.id) && latencyMs(job) !== undefined) done.push(job);
      }
      startKey = page.LastEvaluatedKey as typeof startKey;
    } while (startKey);
    if (done.length === ids.size) return done;
    if (Date.now() > deadline) throw new Error(`only ${done.length} of ${ids.size} jobs finished in ${timeoutMs} ms`);
    await new Promise((resolve) => setTimeout(resolve, 250));
  }
}

/**
 * The whole local system under load: noop jobs submitted over HTTP at a fixed concurrency, then at
 * a fixed offered rate of half the saturating one. Baseline in the same run: DynamoDB Local doing
 * the same write pattern (put, then per consumer claim and complete) with no glue at all.
 */
export async function pipelineBench(): Promise<BenchResult> {
  const system = await RunningLocalSystem.start(['--faults']);
  try {
    const { tableName } = system.state.resources;
    const client = new DynamoDBClient({
      endpoint: system.state.dynamodbEndpoint,
      region: system.state.region,
      credentials: { accessKeyId: 'b', secretAccessKey: 'b' },
    });
    const body = JSON.stringify({ type: 'noop', input: {} });
    const stats = async () => ((await system.admin('stats', {})) as { invocations: Record<string, number> }).invocations;
    await system.submit({ type: 'noop', input: {} }); // warm every function once
    await new Promise((resolve) => setTimeout(resolve, 1500));
    const before = await stats();

    // Saturation: a fixed number of clients submitting as fast as answers come.
    const saturated = new Set<string>();
    const submitStarted = Date.now();
    await Promise.all(
      Array.from({ length: CONCURRENCY }, async () => {
        while (saturated.size < JOBS) saturated.add(await system.submit(JSON.parse(body)));
      }),
    );
    const submitSeconds = (Date.now() - submitStarted) / 1000;
    const finished = await waitForAll(client, tableName, saturated, 120_000);
    const firstCreated = Math.min(...finished.map((j) => Date.parse(j.createdAt)));
    const lastDone = Math.max(...finished.map((j) => Date.parse(j.createdAt) + (latencyMs(j) ?? 0)));
    const completionsPerSecond = finished.length / ((lastDone - firstCreated) / 1000);
    const after = await stats();
    const processorInvocations = Object.entries(after).filter(([name]) => name.includes('-processor-'));
    const invocationsPerJobPerConsumer =
      processorInvocations.reduce((sum, [name, count]) => sum + count - (before[name] ?? 0), 0) /
      processorInvocations.length /
      finished.length;

    // Offered load: half the saturating rate, open loop (sends on schedule whatever the answers).
    const rate = Math.max(1, Math.floor(completionsPerSecond / 2));
    const offered = new Set<string>();
    const sends: Promise<void>[] = [];
    for (let i = 0; i < rate * RATE_SECONDS; i++) {
      sends.push(
        new Promise((resolve) => setTimeout(resolve, (i * 1000) / rate)).then(
          async () => void offered.add(await system.submit(JSON.parse(body))),
        ),
      );
    }
    await Promise.all(sends);
    const offeredJobs = await waitForAll(client, tableName, offered, 120_000);
    const latencies = offeredJobs.map((j) => latencyMs(j) ?? NaN);

    // Baseline: the same writes straight to DynamoDB Local, same concurrency, no glue.
    const baselineTable = `baseline-${randomUUID().slice(0, 8)}`;
    await client.send(new CreateTableCommand(jobsTableDefinition(baselineTable, ['a', 'b'])));
    const repository = new DynamoDbJobRepository(client, baselineTable);
    let baselineDone = 0;
    const baselineStarted = Date.now();
    await Promise.all(
      Array.from({ length: CONCURRENCY }, async () => {
        while (baselineDone < JOBS) {
          baselineDone += 1;
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
          await Promise.all(
            ['a', 'b'].map(async (consumerId) => {
              const claimToken = randomUUID();
              const claim = await applyTransition(
                { repository, clock: systemClock },
                job.id,
                claimTransition({ consumerId, claimToken, now: new Date(), leaseExpiresAt: Date.now() + 60_000 }),
                { seen: job },
              );
              if (claim.kind !== 'written') throw new Error('baseline claim failed');
              await applyTransition(
                { repository, clock: systemClock },
                job.id,
                completeTransition({ consumerId, claimToken, placed: { result: { done: true } }, now: new Date() }),
                { seen: claim.job },
              );
            }),
          );
        }
      }),
    );
    const baselinePerSecond = JOBS / ((Date.now() - baselineStarted) / 1000);
    client.destroy();

    const ratio = completionsPerSecond / baselinePerSecond;
    const p99 = percentile(latencies, 99);
    return {
      name: 'pipeline',
      figures: {
        'jobs (saturation phase)': JOBS,
        'client concurrency': CONCURRENCY,
        'submits/s': round(JOBS / submitSeconds, 1),
        'completions/s (both consumers SUCCEEDED)': round(completionsPerSecond, 1),
        'baseline: DynamoDB Local alone, jobs/s': round(baselinePerSecond, 1),
        'ratio completions/s ÷ baseline': round(ratio),
        'latency at saturation ms p50/p95/p99': `${percentile(
          finished.map((j) => latencyMs(j) ?? NaN),
          50,
        )}/${percentile(
          finished.map((j) => latencyMs(j) ?? NaN),
          95,
        )}/${percentile(
          finished.map((j) => latencyMs(j) ?? NaN),
          99,
        )}`,
        'offered rate jobs/s (half of saturation)': rate,
        'latency at offered rate ms p50/p95/p99': `${percentile(latencies, 50)}/${percentile(latencies, 95)}/${p99}`,
        'processor invocations per job per consumer (saturation)': round(invocationsPerJobPerConsumer, 3),
      },
      targets: [
        { name: 'throughput', goal: `completions/s ≥ 0.8× baseline (measured ${round(ratio)}×)`, met: ratio >= 0.8 },
        { name: 'latency', goal: `p99 ≤ 1000 ms at half the saturating rate (measured ${p99} ms)`, met: p99 <= 1000 },
        {
          name: 'invocations',
          goal: `≤ 0.1 processor invocations per job per consumer under load (measured ${round(invocationsPerJobPerConsumer, 3)})`,
          met: invocationsPerJobPerConsumer <= 0.1,
        },
      ],
    };
  } finally {
    await system.stop();
    system.cleanUp();
  }
}
