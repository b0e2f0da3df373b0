import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { jobLine, RunningLocalSystem, sleep, waitUntil, type JobView } from '@async-jobs/local-services';

const TERMINAL = ['SUCCEEDED', 'FAILED', 'CANCELLED'];
const storyOf = (system: RunningLocalSystem, jobId: string, message: string) => system.logLines().filter(jobLine(jobId, message));

const until = (what: string, condition: () => boolean | Promise<boolean>, timeoutMs = 30_000) => waitUntil(what, condition, timeoutMs);

describe('faults: the local system loses its parts and its jobs are not lost', () => {
  let system: RunningLocalSystem;
  const dataDir = mkdtempSync(join(tmpdir(), 'async-jobs-faults-'));

  beforeAll(async () => {
    system = await RunningLocalSystem.start(['--faults', '--data-dir', dataDir]);
  });
  afterAll(async () => {
    await system?.stop();
    system?.cleanUp();
    rmSync(dataDir, { recursive: true, force: true });
  });

  it('DynamoDB Local killed and restarted mid-load: the API answers 503 with Retry-After meanwhile, and every accepted job finishes', async () => {
    const accepted: string[] = [];
    const refused: { status: number; retryAfter: string | null; code?: string }[] = [];
    let loading = true;
    // Two clients submitting steadily, as callers do: a 503 is retried after its Retry-After.
    const client = async (body: unknown) => {
      while (loading) {
        const response = await system
          .request('POST', '/jobs', JSON.stringify(body))
          .catch((error: Error) => ({ status: 0, body: { error: { code: error.message } }, headers: new Headers() }));
        if (response.status === 202) accepted.push(response.body.jobId);
        else {
          refused.push({ status: response.status, retryAfter: response.headers.get('retry-after'), code: response.body?.error?.code });
          await sleep(Number(response.headers.get('retry-after') ?? 1) * 1000);
        }
        await sleep(25);
      }
    };
    const load = Promise.all([client({ type: 'noop', input: {} }), client({ seconds: 1 })]);

    await until('20 jobs are accepted', () => accepted.length >= 20);
    expect(await system.admin('services', { dynamodb: 'kill' })).toEqual({ dynamodb: false, moto: true });
    const acceptedBeforeKill = accepted.length;
    await until('the API refuses work while the store is down', () => refused.length >= 2);
    await sleep(2000);
    const acceptedWhileDown = accepted.length - acceptedBeforeKill;
    expect(await system.admin('services', { dynamodb: 'restart' })).toEqual({ dynamodb: true, moto: true });
    await until('20 more jobs are accepted', () => accepted.length >= acceptedBeforeKill + acceptedWhileDown + 20);
    loading = false;
    await load;

    // While the store was down nothing was accepted, and every refusal said when to come back.
    expect(acceptedWhileDown).toBeLessThanOrEqual(2); // requests already past their write when the store went
    expect(refused.length).toBeGreaterThanOrEqual(2);
    for (const refusal of refused) expect(refusal).toEqual({ status: 503, retryAfter: '1', code: 'SERVICE_UNAVAILABLE' });

    // Every job answered 202 is there and reaches a terminal state: here all succeed, on both consumers.
    const finished: JobView[] = [];
    for (const jobId of accepted) finished.push(await system.waitForJob(jobId, (j) => TERMINAL.includes(j.status), 90_000));
    expect(finished.filter((j) => j.status !== 'SUCCEEDED')).toEqual([]);
    expect(new Set(accepted).size).toBe(accepted.length);
  });

  it('the processor killed mid-job: the job is run again once the lease runs out, and finishes once', async () => {
    // A 2 s sleep runs inline, in the processor's batch (longer ones go to the runner: the next test).
    const jobId = await system.submit({ seconds: 2 });
    await system.waitForJob(jobId, (j) => Object.values(j.consumers).every((c) => c.status === 'RUNNING'));
    // Each claim is logged just after it lands: crash only once both lines are out, or the crash could swallow one.
    await system.waitForLines(jobLine(jobId, 'job claimed'), 2);

    const crash = (await system.admin('crash', {})) as { lostInvocations: number[] };
    expect(crash.lostInvocations).toEqual([expect.any(Number), expect.any(Number)]); // one per consumer
    expect(Math.min(...crash.lostInvocations)).toBeGreaterThanOrEqual(1);

    // The dead run renews nothing: its lease (6 s locally) runs out, the redelivered batch waits for that and takes over.
    const job = await system.waitForJob(jobId, (j) => j.status === 'SUCCEEDED', 45_000);
    for (const consumer of Object.values(job.consumers))
      expect(consumer).toMatchObject({ status: 'SUCCEEDED', attempts: 2, result: { sleptSeconds: 2 } });
    const claims = (await system.waitForLines(jobLine(jobId, 'job claimed'), 4)).map((l) => `${l['consumerId']}:${l['attempt']}`);
    expect(claims.sort()).toEqual(['a:1', 'a:2', 'b:1', 'b:2']);
    const succeeded = await system.waitForLines(jobLine(jobId, 'job succeeded'), 2);
    expect(succeeded.map((l) => l['consumerId']).sort()).toEqual(['a', 'b']);
  });

  it("the runner killed mid-run: Lambda's retry of the order takes the run over once the lease runs out, and it finishes once", async () => {
    const jobId = await system.submit({ seconds: 5 });
    await system.waitForLines(jobLine(jobId, 'run adopted'), 2);

    const crash = (await system.admin('crash', { function: 'runner' })) as { lostInvocations: number[] };
    expect(crash.lostInvocations[0]).toBeGreaterThanOrEqual(2); // both consumers' runs were in that environment

    // The dead runs renew nothing: Lambda retries each order, whose claim waits out the lease (6 s) and takes over.
    const job = await system.waitForJob(jobId, (j) => j.status === 'SUCCEEDED', 45_000);
    for (const consumer of Object.values(job.consumers))
      expect(consumer).toMatchObject({ status: 'SUCCEEDED', attempts: 2, result: { sleptSeconds: 5 } });
    const takeovers = await system.waitForLines(jobLine(jobId, 'run taken over: the previous runner stopped renewing'), 2);
    expect(takeovers.map((l) => `${l['consumerId']}:${l['attempt']}`).sort()).toEqual(['a:2', 'b:2']);
    expect((await system.waitForLines(jobLine(jobId, 'job succeeded'), 2)).every((l) => l['service'] === 'job-runner')).toBe(true);
  });

  it('moto down: a failure is retried, visibly, while the topic cannot be reached, and delivered once it is back', async () => {
    expect(await system.admin('services', { moto: 'kill' })).toEqual({ dynamodb: true, moto: false });
    let restarted = false;
    try {
      const jobId = await system.submit({ seconds: 301 });
      // A job that ends meanwhile: its events cannot reach the bus, visibly, and are published once moto is back.
      const finished = await system.submit({ type: 'noop', input: {} });
      await until(
        'the finished job failed to announce',
        () => storyOf(system, finished, 'job events not published: the record will be delivered again').length > 0,
      );

      await until(
        'both runs (on the runner: a 301 s sleep) report the unreachable topic for the job',
        () => new Set(storyOf(system, jobId, 'dependency unavailable: waiting').map((l) => l['consumerId'])).size === 2,
      );
      const waiting = await system.waitForJob(jobId, () => true);
      expect(Object.values(waiting.consumers).map((c) => c.status)).toEqual(['RUNNING', 'RUNNING']);

      expect(await system.admin('services', { moto: 'restart' })).toEqual({ dynamodb: true, moto: true });
      restarted = true;

      const job = await system.waitForJob(jobId, (j) => j.status === 'FAILED', 60_000);
      // One run each: the runs held their claims and waited; nothing was handed back.
      for (const consumer of Object.values(job.consumers))
        expect(consumer).toMatchObject({ status: 'FAILED', attempts: 1, error: { code: 'SLEEP_TOO_LONG' } });
      const recorded = await system.waitForLines(jobLine(jobId, 'failure recorded'), 2);
      expect(recorded.map((l) => l['consumerId']).sort()).toEqual(['a', 'b']);
      // Delivered again by the mapping, or (its retries spent while moto was down) from its failed range by the error handler.
      await until(
        "the finished job's events published after all",
        () =>
          storyOf(system, finished, 'job event published').length >= 3 ||
          system.logLines().some((l) => l['message'] === 'job events of a failed range published' && l['jobId'] === finished),
        60_000,
      );
    } finally {
      if (!restarted) await system.admin('services', { moto: 'restart' });
    }
  });
});
