import { randomUUID } from 'node:crypto';
import {
  applyTransition,
  cancelTransition,
  claimTransition,
  completeTransition,
  failTransition,
  JobConflictError,
  releaseTransition,
  renewLeaseTransition,
  systemClock,
  type Job,
  type JobStatus,
  type Transition,
  type TransitionOutcome,
} from '@async-jobs/domain';
import { aCaller, aSubmittedJob, createTestTable, type TestTable } from '@async-jobs/testing';
import { DynamoDbJobRepository } from './dynamodb-job-repository';

/**
 * Many writers on the same jobs at once, against DynamoDB Local: two deliveries of each consumer
 * (duplicate delivery), each claiming, renewing its lease, releasing and completing several times; the error handler
 * failing consumer b; cancels. Every successful write is logged with the version it produced, and
 * the log must replay to exactly what is stored.
 */
const JOBS = 80;
const ATTEMPTS_BEFORE_SUCCESS = 5;
const LEASE_MS = 10 * 60_000;

interface Write {
  jobId: string;
  version: number;
  transition: string;
  consumerId?: string;
  token?: string;
  after: Job;
}

describe('optimistic locking under contention, against DynamoDB Local', () => {
  let table: TestTable;
  let repository: DynamoDbJobRepository;
  const writes: Write[] = [];
  const stops: string[] = [];
  let conflicts = 0;
  let conflictErrors = 0;
  /** Every call of `attempt`: each must end in `writes`, `stops` or `conflictErrors`, and nowhere else. */
  let attempted = 0;
  const deps = () => ({ repository, clock: systemClock });

  beforeAll(async () => {
    table = await createTestTable();
    repository = new DynamoDbJobRepository(table.client, table.tableName);
  });
  afterAll(() => table.drop());

  async function attempt(
    jobId: string,
    transition: Transition,
    meta: { consumerId?: string; token?: string } = {},
  ): Promise<TransitionOutcome | undefined> {
    attempted += 1;
    try {
      const outcome = await applyTransition(deps(), jobId, transition);
      conflicts += outcome.conflicts;
      // Each kind by name: an outcome of any other kind is counted nowhere, and the tally at the end shows it.
      if (outcome.kind === 'written')
        writes.push({ jobId, version: outcome.job.version, transition: transition.name, ...meta, after: outcome.job });
      if (outcome.kind === 'stopped') stops.push(outcome.reason.code);
      return outcome;
    } catch (error) {
      if (!(error instanceof JobConflictError)) throw error;
      conflictErrors += 1; // refused with a reason: the caller would retry later
      return undefined;
    }
  }

  /** One delivery of one consumer: claim, fail retryably a few times, then complete. */
  async function delivery(jobId: string, consumerId: string, delivery: number): Promise<void> {
    for (let round = 0; round < ATTEMPTS_BEFORE_SUCCESS * 4; round++) {
      const token = `${consumerId}-${delivery}-${round}`;
      const now = new Date();
      const claim = await attempt(
        jobId,
        claimTransition({ consumerId, claimToken: token, now, leaseExpiresAt: now.getTime() + LEASE_MS }),
        { consumerId, token },
      );
      if (!claim) continue;
      if (claim.kind === 'stopped') {
        if (claim.reason.code !== 'CLAIM_HELD') return; // finished, failed or cancelled: done
        await systemClock.sleep(Math.random() * 5);
        continue;
      }
      const attempts = claim.job.consumers[consumerId].attempts;
      // The run's heartbeat, racing the other writers.
      await attempt(
        jobId,
        renewLeaseTransition({ consumerId, claimToken: token, leaseExpiresAt: Date.now() + LEASE_MS, now: new Date() }),
        { consumerId, token },
      );
      const finish =
        attempts >= ATTEMPTS_BEFORE_SUCCESS
          ? completeTransition({ consumerId, claimToken: token, placed: { result: { attempts } }, now: new Date() })
          : releaseTransition({
              consumerId,
              claimToken: token,
              lastError: { code: 'FLAKY', message: `attempt ${attempts}` },
              now: new Date(),
            });
      await attempt(jobId, finish, { consumerId, token });
    }
  }

  it('loses no update and lets no two claims hold an entry at once', async () => {
    const jobs = Array.from({ length: JOBS }, () => aSubmittedJob());
    await Promise.all(jobs.map((job) => repository.create(job)));

    await Promise.all(
      jobs.flatMap((job, index) => [
        delivery(job.id, 'a', 1),
        delivery(job.id, 'a', 2),
        delivery(job.id, 'b', 1),
        delivery(job.id, 'b', 2),
        ...(index % 3 === 0
          ? [
              systemClock.sleep(index % 7).then(() =>
                attempt(
                  job.id,
                  failTransition({
                    consumerId: 'b',
                    reason: { code: 'GAVE_UP', message: 'on-failure record' },
                    origin: { kind: 'delivery', evidenceRequired: false },
                    token: randomUUID(),
                    now: new Date(),
                  }),
                  { consumerId: 'b' },
                ),
              ),
            ]
          : []),
        ...(index % 4 === 0
          ? [1, 2].map((n) =>
              systemClock
                .sleep(n * (index % 5))
                .then(() => attempt(job.id, cancelTransition({ now: new Date(), by: aCaller('alice', { operator: true }) }))),
            )
          : []),
      ]),
    );

    // Contention happened, and there was plenty of it.
    expect(writes.length).toBeGreaterThanOrEqual(1000);
    expect(conflicts).toBeGreaterThan(0);
    expect(stops).toContain('CLAIM_HELD');
    expect(writes.filter((w) => w.transition === 'renew-lease').length).toBeGreaterThan(100);

    for (const job of jobs) {
      const log = writes.filter((w) => w.jobId === job.id).sort((x, y) => x.version - y.version);
      const stored = await repository.get(job.id);
      // No lost update: every successful write produced its own version, consecutively, and the
      // stored version counts them all.
      expect(log.map((w) => w.version)).toEqual(log.map((_, i) => i + 2));
      expect(stored?.version).toBe(log.length + 1);
      // What is stored is what the last write said, field for field.
      expect(stored).toEqual(log[log.length - 1].after);

      // Replaying the log in version order: each write started from a state its transition allows,
      // so no claim was taken while another held the entry, and no stale claim completed.
      const state: Record<string, { status: JobStatus; token?: string; claims: number }> = {
        a: { status: 'PENDING', claims: 0 },
        b: { status: 'PENDING', claims: 0 },
      };
      for (const write of log) {
        const entry = write.consumerId ? state[write.consumerId] : undefined;
        switch (write.transition) {
          case 'claim':
            expect(entry?.status).toBe('PENDING');
            entry!.status = 'RUNNING';
            entry!.token = write.token;
            entry!.claims += 1;
            break;
          case 'renew-lease':
            expect([entry?.status, entry?.token]).toEqual(['RUNNING', write.token]);
            break;
          case 'release':
          case 'complete':
            expect([entry?.status, entry?.token]).toEqual(['RUNNING', write.token]);
            entry!.status = write.transition === 'release' ? 'PENDING' : 'SUCCEEDED';
            break;
          case 'fail':
            expect(['PENDING', 'RUNNING']).toContain(entry?.status);
            entry!.status = 'FAILED';
            break;
          case 'cancel':
            for (const e of Object.values(state)) if (!['SUCCEEDED', 'FAILED'].includes(e.status)) e.status = 'CANCELLED';
            break;
        }
      }
      for (const consumerId of ['a', 'b']) {
        expect(stored?.consumers[consumerId].status).toBe(state[consumerId].status);
        expect(stored?.consumers[consumerId].attempts).toBe(state[consumerId].claims);
      }
    }
    // Every attempt ended as a write, a reasoned stop, or a JobConflictError: none vanished.
    expect({ ended: writes.length + stops.length + conflictErrors }).toEqual({ ended: attempted });
    // Thousands of requests: about 20 s alone on 2 cores, more while other tasks share them.
  }, 120_000);
});
