import { JobsApiError, JobsClient, localSystemClientOptions } from '@async-jobs/client';
import { RunningLocalSystem } from '@async-jobs/local-services';

/**
 * Jobs that only their owner sees, through the whole local system with `--auth`: alice (an IAM
 * user) and bob (a session of the callers' role) never see each other's jobs; ops (a session of
 * the operators' role) sees, lists and cancels every job, and each such action is logged.
 */
describe('owners (npm start -- --auth)', () => {
  let system: RunningLocalSystem;
  let alice: JobsClient;
  let bob: JobsClient;
  let ops: JobsClient;
  const MISSING = '3f1c2e9a-5b7d-4c1e-9f2a-0b6d8e4c7a21';
  const principalOf = (name: string) => system.state.principals?.find((p) => p.name === name);
  const refusal = (promise: Promise<unknown>) =>
    promise.then(
      () => undefined,
      (error: unknown) => error as JobsApiError,
    );

  beforeAll(async () => {
    system = await RunningLocalSystem.start(['--auth']);
    const as = (principal: string) =>
      new JobsClient({ ...localSystemClientOptions({ principal, stateFile: system.stateFile }), maxAttempts: 1 });
    [alice, bob, ops] = [as('alice'), as('bob'), as('ops')];
  });
  afterAll(async () => {
    await system?.stop();
    system?.cleanUp();
  });

  it("answers another owner's job with the 404 of a missing one, to get and to cancel, and leaves it alone", async () => {
    const { jobId } = await alice.submitJob({ type: 'sleep', input: { seconds: 30 } });
    const foreign = await refusal(bob.getJob(jobId));
    const missing = await refusal(bob.getJob(MISSING));
    expect([foreign?.status, foreign?.code]).toEqual([404, 'JOB_NOT_FOUND']);
    expect([foreign?.code, foreign?.message.replace(jobId, '<id>')]).toEqual([missing?.code, missing?.message.replace(MISSING, '<id>')]);
    expect(await refusal(bob.cancelJob(jobId))).toMatchObject({ status: 404, code: 'JOB_NOT_FOUND' });
    expect(await alice.getJob(jobId)).toMatchObject({
      jobId,
      status: expect.stringMatching(/PENDING|RUNNING/),
      owner: principalOf('alice')?.userArn,
    });
    await alice.cancelJob(jobId);
  });

  it("lists each caller's own jobs only; operators list every owner's, or one owner's", async () => {
    const mine = (await alice.submitJob({ type: 'noop', input: {} })).jobId;
    const theirs = (await bob.submitJob({ type: 'noop', input: {} })).jobId;
    const ids = async (client: JobsClient, query = {}) => (await client.listJobs({ limit: 100, ...query })).jobs.map((j) => j.jobId);

    expect(await ids(alice)).toContain(mine);
    expect(await ids(alice)).not.toContain(theirs);
    expect(await ids(bob)).toContain(theirs);
    expect(await ids(bob)).not.toContain(mine);
    expect(await ids(ops)).toEqual(expect.arrayContaining([mine, theirs]));
    const bobsRole = (await bob.getJob(theirs)).owner;
    expect(bobsRole).toBe('arn:aws:iam::123456789012:role/async-jobs-local-callers-invoke');
    expect(await ids(ops, { owner: bobsRole })).toEqual(expect.arrayContaining([theirs]));
    expect(await ids(ops, { owner: bobsRole })).not.toContain(mine);
    expect(await refusal(alice.listJobs({ owner: bobsRole }))).toMatchObject({ status: 403, code: 'FORBIDDEN' });
  });

  it("lets an operator read and cancel anyone's job, records who cancelled, and logs the action with who did it", async () => {
    const { jobId } = await bob.submitJob({ type: 'sleep', input: { seconds: 30 } });
    expect((await ops.getJob(jobId)).jobId).toBe(jobId);
    const cancelled = await ops.cancelJob(jobId);
    expect(cancelled).toMatchObject({
      status: 'CANCELLED',
      cancelledBy: 'arn:aws:iam::123456789012:role/async-jobs-local-operators-invoke',
    });
    expect(await bob.getJob(jobId)).toMatchObject({ status: 'CANCELLED', cancelledBy: cancelled.cancelledBy });
    const actions = await system.waitForLines((l) => l['message'] === 'operator action' && l['jobId'] === jobId, 2);
    expect(actions.map((l) => [l['action'], l['operator'], l['owner']])).toEqual([
      ['get', principalOf('ops')?.userArn, 'arn:aws:iam::123456789012:role/async-jobs-local-callers-invoke'],
      ['cancel', principalOf('ops')?.userArn, 'arn:aws:iam::123456789012:role/async-jobs-local-callers-invoke'],
    ]);
  });

  it("keeps Idempotency-Keys per owner: the same key and body from another caller is that caller's own job", async () => {
    const first = await alice.submitJob({ type: 'noop', input: {} }, { idempotencyKey: 'order-42' });
    const other = await bob.submitJob({ type: 'noop', input: {} }, { idempotencyKey: 'order-42' });
    expect(other.jobId).not.toBe(first.jobId);
    expect((await bob.getJob(other.jobId)).owner).toBe('arn:aws:iam::123456789012:role/async-jobs-local-callers-invoke');
    expect((await alice.submitJob({ type: 'noop', input: {} }, { idempotencyKey: 'order-42' })).jobId).toBe(first.jobId);
  });

  it('names the principal on every line of a request', async () => {
    const { jobId } = await bob.submitJob({ type: 'noop', input: {} });
    const [submitted] = await system.waitForLines((l) => l['message'] === 'job submitted' && l['jobId'] === jobId, 1);
    expect(submitted['principal']).toBe('arn:aws:iam::123456789012:role/async-jobs-local-callers-invoke');
  });
});
