import type { ConsumerView, JobView } from './api-types';
import { groupFailures } from './failure-groups';
import { countByTypeAndStatus } from './status-counts';

const consumer = (
  status: ConsumerView['status'],
  code?: string,
  at = '2026-11-30T10:00:00.000Z',
  message = `${code} happened`,
): ConsumerView => ({
  status,
  attempts: 1,
  updatedAt: at,
  finishedAt: at,
  ...(code ? { error: { code, message } } : {}),
});
const job = (
  jobId: string,
  type: string,
  status: JobView['status'],
  consumers: Record<string, ConsumerView>,
  createdAt = '2026-11-30T10:00:00.000Z',
): JobView => ({
  jobId,
  id: jobId,
  type,
  status,
  input: {},
  consumers,
  version: 1,
  createdAt,
  updatedAt: createdAt,
});

describe('failures grouped by reason', () => {
  it('groups by error code, a job once per reason, largest group first, with the newest message', () => {
    const groups = groupFailures([
      job('1', 'sleep', 'FAILED', {
        a: consumer('FAILED', 'SLEEP_TOO_LONG', '2026-11-30T10:00:01.000Z', '301s'),
        b: consumer('FAILED', 'SLEEP_TOO_LONG'),
      }),
      job('2', 'sleep', 'FAILED', {
        a: consumer('FAILED', 'SLEEP_TOO_LONG', '2026-11-30T10:00:05.000Z', '999s'),
        b: consumer('SUCCEEDED'),
      }),
      job('3', 'flaky', 'FAILED', {
        a: consumer('FAILED', 'ATTEMPTS_EXHAUSTED', '2026-11-30T10:00:09.000Z'),
        b: consumer('FAILED', 'RETRIES_EXHAUSTED'),
      }),
      job('4', 'noop', 'SUCCEEDED', { a: consumer('SUCCEEDED') }),
    ]);
    expect(groups.map((g) => [g.code, g.jobIds, g.types, g.message, g.latestAt.slice(11, 19)])).toEqual([
      ['SLEEP_TOO_LONG', ['1', '2'], ['sleep'], '999s', '10:00:05'],
      ['ATTEMPTS_EXHAUSTED', ['3'], ['flaky'], 'ATTEMPTS_EXHAUSTED happened', '10:00:09'],
      ['RETRIES_EXHAUSTED', ['3'], ['flaky'], 'RETRIES_EXHAUSTED happened', '10:00:00'],
    ]);
  });

  it('counts the jobs created since a time by status per type, types in name order', () => {
    const since = new Date('2026-11-30T09:00:00.000Z');
    const rows = countByTypeAndStatus(
      [
        job('1', 'sleep', 'SUCCEEDED', {}),
        job('2', 'sleep', 'FAILED', {}),
        job('3', 'sleep', 'SUCCEEDED', {}),
        job('4', 'flaky', 'RUNNING', {}),
        job('5', 'noop', 'SUCCEEDED', {}, '2026-11-30T08:59:59.999Z'),
      ],
      since,
    );
    expect(rows).toEqual([
      { type: 'flaky', counts: { PENDING: 0, RUNNING: 1, SUCCEEDED: 0, FAILED: 0, CANCELLED: 0 }, total: 1 },
      { type: 'sleep', counts: { PENDING: 0, RUNNING: 0, SUCCEEDED: 2, FAILED: 1, CANCELLED: 0 }, total: 3 },
    ]);
  });
});
