import type { Job } from '@async-jobs/domain';
import { DRAIN_LIMIT_SECONDS, soakVerdict, type SoakObservations } from './soak-verdict';

const CONSUMERS = ['a', 'b'];

/** A stored job as the soak expects it: SUCCEEDED on both consumers after one attempt, version 1 + 2 per consumer. */
const aFinishedJob = (id: string) =>
  ({
    id,
    type: 'noop',
    version: 1 + 2 * CONSUMERS.length,
    consumers: Object.fromEntries(CONSUMERS.map((c) => [c, { status: 'SUCCEEDED', attempts: 1, result: {} }])),
  }) as unknown as Job;

/** A run where all went well: `jobs` accepted, every `duplicateEvery`-th delivered again once per consumer and skipped once. */
function aHealthyRun(jobs = 10, duplicateEvery = 5): SoakObservations {
  const accepted = Array.from({ length: jobs }, (_, i) => `job-${i + 1}`);
  const picked = accepted.filter((_, i) => (i + 1) % duplicateEvery === 0);
  return {
    submitted: jobs,
    accepted,
    answers: new Map([[202, jobs]]),
    consumers: CONSUMERS,
    long: { ids: new Set(), renewEveryMs: 2000 },
    duplicateEvery,
    duplicates: new Map(picked.map((id) => [id, CONSUMERS.map(() => 1)])),
    stored: new Map(accepted.map((id) => [id, aFinishedJob(id)])),
    story: new Map(
      accepted.flatMap((id) => CONSUMERS.map((c) => [`${id}/${c}`, { claimed: 1, succeeded: 1, skipped: picked.includes(id) ? 1 : 0 }])),
    ),
    drainSeconds: 0.4,
  };
}

const unmet = (seen: SoakObservations) =>
  soakVerdict(seen)
    .targets.filter((t) => !t.met)
    .map((t) => t.name);

describe('the soak verdict', () => {
  it('meets every target when every job finished once and every duplicate arrived and was skipped', () => {
    const verdict = soakVerdict(aHealthyRun());

    expect(verdict.problems).toEqual([]);
    expect(verdict.targets.map((t) => [t.name, t.met])).toEqual([
      ['every accepted job finished on every consumer', true],
      ['no job ran under two claims; no lost or doubled write', true],
      ['every injected duplicate delivery arrived and was turned away', true],
      ['the offered rate was sustained', true],
    ]);
    expect(verdict.targets[2].goal).toBe('2 jobs × 2 consumers delivered again (4 deliveries), each skipped');
  });

  it('fails when the duplicates were never injected: no source had the record', () => {
    const seen = aHealthyRun();
    for (const taken of seen.duplicates.values()) taken.fill(0);
    for (const entry of seen.story.values()) entry.skipped = 0;

    expect(unmet(seen)).toEqual(['every injected duplicate delivery arrived and was turned away']);
    expect(soakVerdict(seen).problems).toContain('job-5/a: the duplicate delivery was never injected');
  });

  it('fails when fewer jobs were picked for a duplicate than one in duplicateEvery', () => {
    const seen = aHealthyRun();
    seen.duplicates.delete('job-10');

    expect(unmet(seen)).toEqual(['every injected duplicate delivery arrived and was turned away']);
    expect(soakVerdict(seen).problems).toEqual(['1 jobs were picked for a duplicate delivery, not 2']);
  });

  it('fails when a duplicate arrived but no delivery was turned away', () => {
    const seen = aHealthyRun();
    seen.story.get('job-10/b')!.skipped = 0;
    seen.duplicates.get('job-5')![0] = 2; // a source that took two duplicates must skip both
    seen.story.get('job-5/a')!.skipped = 1;

    expect(unmet(seen)).toEqual(['every injected duplicate delivery arrived and was turned away']);
    expect(soakVerdict(seen).problems).toEqual([
      'job-5/a: 2 duplicate deliveries, 1 turned away',
      'job-10/b: 1 duplicate deliveries, 0 turned away',
    ]);
  });

  it('fails a duplicate that ran the job again as a second claim', () => {
    const seen = aHealthyRun();
    seen.story.set('job-5/a', { claimed: 2, succeeded: 2, skipped: 0 });

    expect(unmet(seen)).toEqual([
      'no job ran under two claims; no lost or doubled write',
      'every injected duplicate delivery arrived and was turned away',
    ]);
  });

  it(`fails when the backlog took longer than ${DRAIN_LIMIT_SECONDS} s to drain after the last submit`, () => {
    expect(unmet({ ...aHealthyRun(), drainSeconds: DRAIN_LIMIT_SECONDS })).toEqual([]);
    expect(unmet({ ...aHealthyRun(), drainSeconds: DRAIN_LIMIT_SECONDS + 0.1 })).toEqual(['the offered rate was sustained']);
  });

  it('fails unfinished, unstored or refused jobs, and a version that counts a write too many', () => {
    const unfinished = aHealthyRun();
    unfinished.stored.set('job-1', { ...aFinishedJob('job-1'), consumers: { a: { status: 'RUNNING', attempts: 1 } } } as unknown as Job);
    unfinished.stored.delete('job-2');
    unfinished.answers.set(503, 1);
    expect(unmet(unfinished)).toEqual(['every accepted job finished on every consumer']);
    expect(soakVerdict(unfinished).problems).toEqual([
      'the API answered other than 202: {"503":1}',
      'job-1/a: {"status":"RUNNING","attempts":1}',
      'job-1/b: undefined',
      'job-2: accepted (202) but not stored',
    ]);

    const doubled = aHealthyRun();
    doubled.stored.set('job-3', { ...aFinishedJob('job-3'), version: 6 });
    expect(unmet(doubled)).toEqual(['no job ran under two claims; no lost or doubled write']);
  });

  it("accepts a long job's adoption and a renewal per beat of its run, and no write more", () => {
    // Eleven jobs, one of them long: the ten others had one in five delivered again, as the soak picks them.
    const seen = aHealthyRun(11);
    const long = seen.stored.get('job-3') as Job;
    // 3 s on the runner, renewed every 2 s: claim, adopt, complete and at most 2 renewals per consumer.
    for (const entry of Object.values(long.consumers))
      Object.assign(entry, { startedAt: '2026-01-01T00:00:00.000Z', finishedAt: '2026-01-01T00:00:03.000Z' });
    seen.long = { ids: new Set(['job-3']), renewEveryMs: 2000 };
    for (const version of [7, 9, 11]) {
      long.version = version;
      expect([version, soakVerdict(seen).problems]).toEqual([version, []]);
    }
    for (const version of [5, 6, 12]) {
      long.version = version;
      expect(soakVerdict(seen).problems).toEqual([`job-3: version ${version}, expected 7 to 11`]);
    }
  });
});
