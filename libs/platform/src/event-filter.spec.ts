import { matchesFilterPattern } from './event-filter';
import { NEW_JOBS_FILTER_PATTERN } from './jobs-table-definition';

describe('matchesFilterPattern', () => {
  const record = (eventName: string, image: Record<string, unknown>) => ({ eventName, dynamodb: { NewImage: image } });

  it('lets new jobs through and keeps everything else out', () => {
    expect(matchesFilterPattern(record('INSERT', { id: { S: 'j' }, type: { S: 'sleep' } }), NEW_JOBS_FILTER_PATTERN)).toBe(true);
    expect(matchesFilterPattern(record('MODIFY', { id: { S: 'j' }, type: { S: 'sleep' } }), NEW_JOBS_FILTER_PATTERN)).toBe(false);
    expect(matchesFilterPattern(record('INSERT', { id: { S: 'idempotency#abc' }, jobId: { S: 'j' } }), NEW_JOBS_FILTER_PATTERN)).toBe(
      false,
    );
    expect(matchesFilterPattern({ eventName: 'INSERT' }, NEW_JOBS_FILTER_PATTERN)).toBe(false);
  });

  it('supports exists: false', () => {
    expect(matchesFilterPattern({ a: 1 }, { b: [{ exists: false }] })).toBe(true);
    expect(matchesFilterPattern({ a: 1 }, { a: [{ exists: false }] })).toBe(false);
  });
});
