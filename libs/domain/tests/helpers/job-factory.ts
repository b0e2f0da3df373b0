import type { ConsumerEntry, Job } from '../../src';
import { alice } from './callers';

let sequence = 0;

/** A job as stored, alice's, PENDING on consumers a and b unless overridden. */
export function aJob(overrides: Partial<Job> = {}): Job {
  sequence += 1;
  const at = '2026-01-01T00:00:00.000Z';
  return {
    id: `00000000-0000-4000-8000-${String(sequence).padStart(12, '0')}`,
    type: 'sleep',
    input: { seconds: 1 },
    consumers: { a: anEntry(), b: anEntry() },
    version: 1,
    createdAt: at,
    updatedAt: at,
    expiresAt: 1_800_000_000,
    owner: alice.owner,
    ...overrides,
  };
}

export function anEntry(overrides: Partial<ConsumerEntry> = {}): ConsumerEntry {
  return { status: 'PENDING', attempts: 0, updatedAt: '2026-01-01T00:00:00.000Z', ...overrides };
}
