import type { DeadlinePolicy } from '../deadline-policy';
import type { Job } from '../job';
import type { JobTypeRegistry } from '../job-types/job-type-registry';
import { newJob } from '../new-job';
import type { Caller } from '../owner';
import type { Clock } from '../ports/clock';
import type { IdGenerator } from '../ports/id-generator';
import type { JobRepository } from '../ports/job-repository';
import { parseSubmitJobRequest, type JobRequest } from '../schemas/submit-job-request';
import type { WebhookPolicy } from '../webhooks/notify-target';

export interface SubmitJobDeps {
  repository: JobRepository;
  registry: JobTypeRegistry;
  ids: IdGenerator;
  clock: Clock;
  /** Every consumer that will run the job; each gets a PENDING entry. */
  consumers: readonly string[];
  retentionDays: number;
  /** When the sweeper looks at each consumer's entry if no run ever claims it. */
  deadlines: DeadlinePolicy;
  /** Which notify URLs this environment calls; none when unset. */
  webhooks?: WebhookPolicy;
}

/**
 * Validates a submit request and stores the new job, owned by the caller (a conditional put: an
 * id is never reused).
 * @throws ValidationError, UnknownJobTypeError before anything is written.
 */
export async function submitJob(deps: SubmitJobDeps, caller: Caller, body: unknown): Promise<Job> {
  const job = newJobOf(deps, caller, parseSubmitJobRequest(body, deps.registry, deps.webhooks));
  await deps.repository.create(job);
  return job;
}

/** The job a valid request makes for its caller: a fresh id, PENDING on every consumer of the deployment. */
export function newJobOf(deps: SubmitJobDeps, caller: Caller, request: JobRequest): Job {
  return newJob({
    id: deps.ids.newJobId(),
    request,
    owner: caller.owner,
    consumers: deps.consumers,
    now: deps.clock.now(),
    retentionDays: deps.retentionDays,
    deadlines: deps.deadlines,
  });
}
