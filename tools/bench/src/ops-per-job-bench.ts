import { BENCH_CALLER, BENCH_DEADLINES } from './bench-deadlines';
import { CreateTableCommand } from '@aws-sdk/client-dynamodb';
import { cryptoIdGenerator, DynamoDbJobRepository } from '@async-jobs/adapters';
import {
  builtInJobTypes,
  JobTypeRegistry,
  leasePolicy,
  noopJobType,
  processJob,
  runDispatchedJob,
  submitJob,
  systemClock,
  type RunOrder,
} from '@async-jobs/domain';
import { startDynamoDbLocal } from '@async-jobs/local-services';
import { deploymentSettings, jobsTableDefinition } from '@async-jobs/platform';
import type { BenchResult } from './bench-result';
import { costPerMillionJobs, inlineFootprint, referenceFootprint, runnerFootprint } from './cost-model';
import { countingDynamoDbClient, READS, sumOf, WRITES } from './counting-dynamodb-client';
import { round } from './statistics';

const JOBS = 50;
const CONSUMERS = ['a', 'b'];

/**
 * DynamoDB requests and write units per job on the happy path, counted at the SDK: the submit use
 * case, then each consumer's claim → run → complete from the stream image, exactly as the handlers
 * call them. The same jobs also run against a table without the sweeper's indexes (same run, same
 * writes): the difference is what the stalled-entry sweep costs when nothing stalls.
 */
export async function opsPerJobBench(): Promise<BenchResult> {
  const dynamodb = await startDynamoDbLocal();
  try {
    const counting = countingDynamoDbClient(dynamodb.endpoint);
    const measured = await happyPath(counting, 'bench-jobs', CONSUMERS);
    const baseline = await happyPath(counting, 'bench-jobs-without-sweep-indexes', []);
    // The same jobs with their runs dispatched to the runner: the hand-over's cost, in the same run.
    const handedOver = await happyPath(counting, 'bench-jobs-on-the-runner', CONSUMERS, 'runner');
    counting.client.destroy();

    const { submit, perConsumer } = measured;
    const consumerWrites = Math.max(...Object.values(perConsumer).map((c) => c.writes));
    const consumerReads = Math.max(...Object.values(perConsumer).map((c) => c.reads));
    const total = submit.writes + submit.reads + Object.values(perConsumer).reduce((sum, c) => sum + c.reads + c.writes, 0);
    const reference = 1 + CONSUMERS.length * (2 + 2);
    // Dollars per million jobs at list prices, prod's shape, from the write units counted here.
    const prod = deploymentSettings('prod');
    const costs = (jobSeconds: number) => {
      const shape = {
        consumers: CONSUMERS.length,
        jobSeconds,
        processorGb: prod.functions.streamProcessor.memoryMb / 1024,
        apiGb: prod.functions.jobsApi.memoryMb / 1024,
        apiSeconds: 0.05,
      };
      const inline = inlineFootprint(shape, {
        writeUnits: measured.writeUnits.total,
        batchSize: prod.stream.batchSize,
        leaseSeconds: prod.jobs.leaseSeconds,
        writeUnitsPerRenewal: 1, // the lease is no index key: one unit for the item
      });
      const runner = runnerFootprint(
        { ...shape, runnerGb: prod.runner.memoryMb / 1024, dispatchSeconds: 0.05 },
        {
          writeUnits: handedOver.writeUnits.total,
          batchSize: prod.stream.batchSize,
          leaseSeconds: prod.jobs.leaseSeconds,
          writeUnitsPerRenewal: 1,
          runnerInvocationsPerRun: handedOver.runnerInvocationsPerRun,
        },
      );
      return {
        'ours, inline': costPerMillionJobs(inline).total,
        'ours, on the runner': costPerMillionJobs(runner).total,
        reference: costPerMillionJobs(referenceFootprint(shape)).total,
      };
    };
    const runnerConsumerWrites = Math.max(...Object.values(handedOver.perConsumer).map((c) => c.writes));
    return {
      name: 'ops-per-job',
      figures: {
        jobs: JOBS,
        'submit (per job)': submit,
        ...Object.fromEntries(Object.entries(perConsumer).map(([id, c]) => [`consumer ${id} (per job)`, c])),
        'requests per job, all consumers': round(total),
        'reference design, same two consumers': `${reference} (1 write + per consumer 2 reads + 2 writes)`,
        'ratio to the reference': round(total / reference),
        'write units per job (table + indexes)': measured.writeUnits,
        'write units per job without the sweep indexes (same run)': baseline.writeUnits,
        'sweep indexes, write units per job': round(measured.writeUnits.total - baseline.writeUnits.total),
        'on the runner: requests per job, all consumers': round(handedOver.total),
        ...Object.fromEntries(
          Object.entries(handedOver.perConsumer).map(([id, c]) => [`on the runner: consumer ${id} (per job; claim, adopt, complete)`, c]),
        ),
        'on the runner: write units per job': handedOver.writeUnits,
        'on the runner: runner invocations per run': handedOver.runnerInvocationsPerRun,
        'hand-over, extra requests per job (runner − inline, same run)': round(handedOver.total - total),
        '$ per million jobs of 1 s (inline in batches of 10, as a 1 s sleep runs; reference: batch size 1)': costs(1),
        '$ per million jobs of 5 minutes (on the runner, as a 5-minute sleep runs)': costs(300),
      },
      targets: [
        {
          name: 'writes',
          goal: `≤ 1 write to submit + 2 writes per consumer (measured ${submit.writes} + ${consumerWrites})`,
          met: submit.writes <= 1 && consumerWrites <= 2,
        },
        {
          name: 'reads',
          goal: `0 reads on the happy path (measured ${submit.reads + consumerReads})`,
          met: submit.reads + consumerReads === 0,
        },
        {
          name: 'the hand-over costs one write per consumer and one invocation per run',
          goal: `on the runner ≤ 3 writes and 0 reads per consumer, 1 runner invocation per run (measured ${runnerConsumerWrites} writes, ${handedOver.runnerInvocationsPerRun} invocations)`,
          met:
            runnerConsumerWrites <= 3 &&
            Object.values(handedOver.perConsumer).every((c) => c.reads === 0) &&
            handedOver.runnerInvocationsPerRun === 1,
        },
        {
          name: 'requests unchanged by the sweeper',
          goal: `the same requests with and without its indexes (${total} and ${baseline.total})`,
          met: total === baseline.total,
        },
      ],
      notes: [
        'Lambda invocations per job per consumer under load are measured by the pipeline benchmark; the runner invocations per run here are the orders dispatched, counted.',
        'A 5-minute run costs its compute wherever it runs; the runner bills it per run (the reference too), inline a batch shared it but held its shard for five minutes.',
        "Cost: tools/bench/src/cost-model.ts (list prices, us-east-1); inline, a batch's records share one invocation, so a batch of equally long jobs bills its duration once; stream reads by Lambda are free.",
        'The sweeper itself, when nothing is overdue: one Query per shard (4) and consumer every interval (a minute in AWS), whatever the traffic.',
        'A result over 32 KiB (issue #15) adds one S3 PUT per consumer run (its KMS data key comes from the bucket key, not a request per object) and nothing on DynamoDB: the completing write carries a reference instead of the body, so it uses fewer write units, not more. GET signs its link locally, with no request.',
        "Job events (issue #15) add no DynamoDB request: the write that ends an entry carries what it ended (`announce`) and every other write removes it in the same request. Per job with two consumers: three events (one per consumer, one for the job) in two PutEvents calls (one per ending write), and two more records (batched) for the announcing consumer's mapping.",
        'A webhook (issue #15) adds no DynamoDB request either: per job that asked for one, the rule puts its Job Finished event on the webhook queue, and the sender receives and deletes it (SQS) and POSTs once per attempt; a job without notify adds nothing.',
        'Progress (issue #15) adds no request: the latest report rides on a lease renewal that happens anyway. A retry is one write, then per consumer retried a claim and a completion, as a new delivery.',
      ],
    };
  } finally {
    await dynamodb.stop();
  }
}

/**
 * Submits JOBS noop jobs into a fresh table with the sweep indexes of `indexed` consumers, and runs them on every
 * consumer: inline, or dispatched to the runner (the orders are run as the runner runs them, and counted).
 */
async function happyPath(
  counting: ReturnType<typeof countingDynamoDbClient>,
  tableName: string,
  indexed: string[],
  execution: 'inline' | 'runner' = 'inline',
) {
  const { client, counts, capacity, reset } = counting;
  await client.send(new CreateTableCommand(jobsTableDefinition(tableName, indexed)));
  const repository = new DynamoDbJobRepository(client, tableName);
  const registry =
    execution === 'inline' ? builtInJobTypes({ sleepMaxSeconds: 300 }) : new JobTypeRegistry([{ ...noopJobType, execution: 'runner' }]);
  const orders: RunOrder[] = [];
  const deps = {
    repository,
    registry,
    ids: cryptoIdGenerator,
    clock: systemClock,
    consumers: CONSUMERS,
    retentionDays: 30,
    deadlines: BENCH_DEADLINES,
  };
  const units = { table: 0, indexes: {} as Record<string, number> };
  const collect = () => {
    units.table += capacity.table;
    for (const [index, used] of Object.entries(capacity.indexes)) units.indexes[index] = (units.indexes[index] ?? 0) + used;
  };

  reset();
  const jobs = [];
  for (let i = 0; i < JOBS; i++) jobs.push(await submitJob(deps, BENCH_CALLER, { type: 'noop', input: {} }));
  const submit = { reads: sumOf(counts, READS) / JOBS, writes: sumOf(counts, WRITES) / JOBS };
  collect();

  const perConsumer: Record<string, { reads: number; writes: number }> = {};
  let runsOnRunner = 0;
  for (const consumerId of CONSUMERS) {
    reset();
    const runDeps = {
      repository,
      registry,
      ids: cryptoIdGenerator,
      clock: systemClock,
      deadlines: BENCH_DEADLINES,
      publisher: { publishFailure: async () => undefined },
    };
    const dispatcher = { dispatch: async (order: RunOrder) => void orders.push(order) };
    const lease = leasePolicy(60_000);
    for (const job of jobs) {
      const outcome = await processJob(
        { ...runDeps, ...(execution === 'runner' ? { dispatch: { dispatcher, leaseMs: 3_660_000 } } : {}) },
        { job, consumerId, lease, deadline: Date.now() + 600_000 },
      );
      const expected = execution === 'inline' ? 'succeeded' : 'dispatched';
      if (outcome.kind !== expected) throw new Error(`job ${job.id} was not ${expected}: ${JSON.stringify(outcome)}`);
    }
    for (const order of orders.splice(0)) {
      runsOnRunner += 1;
      const outcome = await runDispatchedJob(
        { ...runDeps, dispatcher, dispatchLeaseMs: 3_660_000 },
        { order, lease, deadline: Date.now() + 600_000 },
      );
      if (outcome.kind !== 'succeeded') throw new Error(`order of ${order.jobId} did not succeed: ${JSON.stringify(outcome)}`);
    }
    perConsumer[consumerId] = { reads: sumOf(counts, READS) / JOBS, writes: sumOf(counts, WRITES) / JOBS };
    collect();
  }
  const total = submit.writes + submit.reads + Object.values(perConsumer).reduce((sum, c) => sum + c.reads + c.writes, 0);
  const perJob = (n: number) => round(n / JOBS);
  const writeUnits = {
    table: perJob(units.table),
    ...Object.fromEntries(
      Object.entries(units.indexes)
        .sort()
        .map(([index, used]) => [`index ${index}`, perJob(used)]),
    ),
    total: perJob(units.table + Object.values(units.indexes).reduce((a, b) => a + b, 0)),
  };
  // Orders sent for each run: one, unless a retry or a redelivery sent another (none on the happy path).
  const runnerInvocationsPerRun = execution === 'runner' ? round(runsOnRunner / (JOBS * CONSUMERS.length)) : 0;
  return { submit, perConsumer, total, writeUnits, runnerInvocationsPerRun };
}
