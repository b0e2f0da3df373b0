import { ValidationError } from '../errors';
import { builtInJobTypes } from '../job-types/built-in-job-types';
import { listJobs } from './list-jobs';
import { InMemoryJobRepository, aJob, alice, anEntry } from '../../testing';

/** `count` jobs a second apart, the i-th (oldest first) SUCCEEDED when `succeeded(i)`. */
async function setUp(count: number, succeeded = (i: number) => i % 3 === 0) {
  const repository = new InMemoryJobRepository();
  const ids: string[] = [];
  for (let i = 0; i < count; i++) {
    const job = aJob({
      type: i % 2 ? 'noop' : 'sleep',
      createdAt: new Date(Date.UTC(2026, 0, 1, 0, 0, i)).toISOString(),
      consumers: succeeded(i)
        ? { a: anEntry({ status: 'SUCCEEDED' }), b: anEntry({ status: 'SUCCEEDED' }) }
        : { a: anEntry(), b: anEntry() },
    });
    await repository.create(job);
    ids.push(job.id);
  }
  return { repository, ids: ids.reverse(), deps: { repository, registry: builtInJobTypes({ sleepMaxSeconds: 300 }) } };
}

describe('listJobs', () => {
  it('lists newest first and pages through everything exactly once with the token', async () => {
    const { deps, ids } = await setUp(7);
    const seen: string[] = [];
    let token: string | undefined;
    let pages = 0;
    do {
      const page = await listJobs(deps, alice, { limit: '3', nextToken: token });
      seen.push(...page.jobs.map((j) => j.id));
      token = page.nextToken;
      pages += 1;
    } while (token);
    expect(seen).toEqual(ids);
    expect(pages).toBe(3);
  });

  it('filters by type and by derived status', async () => {
    const { deps } = await setUp(9);
    const noop = await listJobs(deps, alice, { type: 'noop' });
    expect(noop.jobs.map((j) => j.type)).toEqual(['noop', 'noop', 'noop', 'noop']);
    const succeeded = await listJobs(deps, alice, { status: 'SUCCEEDED' });
    expect(succeeded.jobs).toHaveLength(3);
    expect(succeeded.nextToken).toBeUndefined();
  });

  it('continues a sparse status filter with a token rather than reading without end', async () => {
    // 100 jobs, one in 20 SUCCEEDED: more index pages than one request may read (PAGES_PER_REQUEST, 5) to find them all.
    const { deps, repository, ids } = await setUp(100, (i) => i % 20 === 0);
    const succeeded = ids.filter((_, newestFirst) => (99 - newestFirst) % 20 === 0);
    const callsSince = () => repository.calls.splice(0);
    callsSince();

    const first = await listJobs(deps, alice, { status: 'SUCCEEDED', limit: '10' });

    // A short page and a token, after five index reads and nothing else: no more reads, no table scan.
    expect(first.jobs.length).toBeLessThan(succeeded.length);
    expect(first.nextToken).toEqual(expect.any(String));
    expect(callsSince()).toEqual(Array(5).fill('listNewest'));

    // The token takes the listing on to the end, never more than five reads per request, skipping nothing.
    const seen = first.jobs.map((j) => j.id);
    let token = first.nextToken;
    while (token) {
      const page = await listJobs(deps, alice, { status: 'SUCCEEDED', limit: '10', nextToken: token });
      const calls = callsSince();
      expect(calls.length).toBeLessThanOrEqual(5);
      expect(new Set(calls)).toEqual(new Set(['listNewest']));
      seen.push(...page.jobs.map((j) => j.id));
      token = page.nextToken;
    }
    expect(seen).toEqual(succeeded);
  });

  it.each([
    [{ status: 'DONE' }, '?status'],
    [{ type: 'resize' }, '?type'],
    [{ limit: '0' }, '?limit'],
    [{ limit: '101' }, '?limit'],
    [{ limit: '1.5' }, '?limit'],
    [{ nextToken: 'garbage' }, '?nextToken'],
    [{ nextToken: Buffer.from('["v1","2026-01-01T00:00:00.000Z#x"]').toString('base64url') }, '?nextToken'],
  ])('refuses %j naming the parameter', async (query, field) => {
    const { deps } = await setUp(1);
    await expect(listJobs(deps, alice, query)).rejects.toBeInstanceOf(ValidationError);
    await expect(listJobs(deps, alice, query)).rejects.toMatchObject({ details: [expect.objectContaining({ field })] });
  });
});
