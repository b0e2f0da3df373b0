import type { JobView } from './api-types';
import { consumerTimeline } from './timeline';

const job = (consumer: Partial<JobView['consumers'][string]>, extra: Partial<JobView> = {}): JobView => ({
  jobId: 'j',
  id: 'j',
  type: 'sleep',
  status: consumer.status ?? 'RUNNING',
  input: {},
  version: 3,
  createdAt: '2026-11-30T10:00:00.000Z',
  updatedAt: '2026-11-30T10:00:09.000Z',
  consumers: { a: { status: 'RUNNING', attempts: 1, updatedAt: '2026-11-30T10:00:09.000Z', ...consumer } },
  ...extra,
});
const story = (view: JobView) => consumerTimeline(view, 'a').map((e) => [e.at.slice(11, 19), e.kind, e.label, e.detail]);

describe("a consumer's timeline", () => {
  it('tells a run that queued, was claimed, reported progress and succeeded, in time order', () => {
    expect(
      story(
        job({
          status: 'SUCCEEDED',
          attempts: 1,
          queuedSince: '2026-11-30T10:00:01.000Z',
          startedAt: '2026-11-30T10:00:02.000Z',
          progress: { percent: 66.6, message: 'slept 2 of 3 s', at: '2026-11-30T10:00:04.000Z' },
          finishedAt: '2026-11-30T10:00:05.000Z',
        }),
      ),
    ).toEqual([
      ['10:00:00', 'created', 'Created', undefined],
      ['10:00:01', 'queued', 'Queued for the runner', undefined],
      ['10:00:02', 'claimed', 'Claimed', undefined],
      ['10:00:04', 'progress', 'Progress 67%', 'slept 2 of 3 s'],
      ['10:00:05', 'succeeded', 'Succeeded', undefined],
    ]);
  });

  it('tells a retried attempt by its count and last error while it runs, and a failure by its reason', () => {
    const retrying = job({
      status: 'RUNNING',
      attempts: 2,
      startedAt: '2026-11-30T10:00:03.000Z',
      lastError: { code: 'JOB_RUN_ERROR', message: 'boom' },
    });
    expect(story(retrying)).toEqual([
      ['10:00:00', 'created', 'Created', undefined],
      ['10:00:03', 'claimed', 'Claimed, attempt 2', undefined],
      ['10:00:09', 'retrying', 'Attempt failed: JOB_RUN_ERROR, retrying', 'boom'],
    ]);
    const failed = job({
      status: 'FAILED',
      attempts: 3,
      finishedAt: '2026-11-30T10:00:08.000Z',
      error: { code: 'ATTEMPTS_EXHAUSTED', message: 'All 3' },
      lastError: { code: 'X', message: 'y' },
    });
    expect(story(failed).slice(-1)).toEqual([['10:00:08', 'failed', 'Failed: ATTEMPTS_EXHAUSTED', 'All 3']]);
    expect(story(failed).map((e) => e[1])).not.toContain('retrying');
  });

  it('tells a cancel by who cancelled, at the cancel', () => {
    const cancelled = job(
      { status: 'CANCELLED', finishedAt: '2026-11-30T10:00:07.000Z' },
      { cancelledAt: '2026-11-30T10:00:06.000Z', cancelledBy: 'arn:aws:iam::1:user/ops' },
    );
    expect(story(cancelled).slice(-1)).toEqual([['10:00:06', 'cancelled', 'Cancelled', 'by arn:aws:iam::1:user/ops']]);
    expect(consumerTimeline(cancelled, 'missing')).toEqual([]);
  });
});
