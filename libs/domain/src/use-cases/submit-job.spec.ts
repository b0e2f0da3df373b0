import { ValidationError } from '../errors';
import { builtInJobTypes } from '../job-types/built-in-job-types';
import { submitJob } from './submit-job';
import { getJob } from './get-job';
import { FakeClock, InMemoryJobRepository, alice, deployedDeadlines } from '../../testing';

function setUp() {
  const repository = new InMemoryJobRepository();
  const deps = {
    repository,
    registry: builtInJobTypes({ sleepMaxSeconds: 300 }),
    ids: { newJobId: () => '3f1c2e9a-5b7d-4c1e-9f2a-0b6d8e4c7a21', newToken: () => 't' },
    clock: new FakeClock(new Date('2026-03-01T00:00:00.000Z')),
    consumers: ['a', 'b'],
    retentionDays: 7,
    deadlines: deployedDeadlines,
  };
  return { repository, deps };
}

describe('submitJob', () => {
  it('stores a PENDING job at version 1 with an entry per consumer, each due for the sweeper once the stream can no longer deliver it, and a TTL', async () => {
    const { repository, deps } = setUp();
    const job = await submitJob(deps, alice, { seconds: 3 });
    // An hour's record age and two minutes' margin after creation.
    const deadline = Date.parse('2026-03-01T01:02:00.000Z');
    expect(repository.jobs.get(job.id)).toEqual({
      id: '3f1c2e9a-5b7d-4c1e-9f2a-0b6d8e4c7a21',
      type: 'sleep',
      input: { seconds: 3 },
      owner: alice.owner,
      consumers: {
        a: { status: 'PENDING', attempts: 0, updatedAt: '2026-03-01T00:00:00.000Z', deadline },
        b: { status: 'PENDING', attempts: 0, updatedAt: '2026-03-01T00:00:00.000Z', deadline },
      },
      version: 1,
      createdAt: '2026-03-01T00:00:00.000Z',
      updatedAt: '2026-03-01T00:00:00.000Z',
      expiresAt: Date.parse('2026-03-08T00:00:00.000Z') / 1000,
    });
  });

  it('writes nothing for an invalid request', async () => {
    const { repository, deps } = setUp();
    await expect(submitJob(deps, alice, { seconds: 0 })).rejects.toBeInstanceOf(ValidationError);
    expect(repository.jobs.size).toBe(0);
  });
});

describe('getJob', () => {
  it('refuses a malformed id before reading, and reports an unknown one', async () => {
    const { deps } = setUp();
    await expect(getJob(deps, alice, '../etc/passwd')).rejects.toMatchObject({ code: 'INVALID_JOB_ID' });
    await expect(getJob(deps, alice, '3f1c2e9a-5b7d-4c1e-9f2a-0b6d8e4c7a21')).rejects.toMatchObject({ code: 'JOB_NOT_FOUND' });
  });
});
