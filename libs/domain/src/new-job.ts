import { pickupDeadline, type DeadlinePolicy } from './deadline-policy';
import type { Job } from './job';
import type { JobOwner } from './owner';
import type { JobRequest } from './schemas/submit-job-request';

/**
 * A freshly submitted job: version 1, every consumer PENDING with the deadline by which the event
 * source must have delivered it, expiring `retentionDays` after creation.
 */
export function newJob(args: {
  id: string;
  request: JobRequest;
  owner: JobOwner;
  consumers: readonly string[];
  now: Date;
  retentionDays: number;
  deadlines: DeadlinePolicy;
}): Job {
  const at = args.now.toISOString();
  const deadline = pickupDeadline({ createdAt: at }, args.deadlines);
  return {
    id: args.id,
    type: args.request.type,
    input: args.request.input,
    ...(args.request.notify ? { notify: args.request.notify } : {}),
    owner: args.owner,
    consumers: Object.fromEntries(args.consumers.map((c) => [c, { status: 'PENDING' as const, attempts: 0, updatedAt: at, deadline }])),
    version: 1,
    createdAt: at,
    updatedAt: at,
    // Set at creation so that no consumer has to decide when the job is "finished" (which would
    // make independent consumers conflict); retention is far longer than any run may last.
    expiresAt: Math.floor(args.now.getTime() / 1000) + args.retentionDays * 86_400,
  };
}
