import type { Job } from './job';

/** Who submitted a job, as the API saw them. Access is decided by `principal` alone. */
export interface JobOwner {
  /**
   * The principal that owns the job: an IAM user's ARN, or for a role session the role itself, so
   * that every session of a service's role (each Lambda instance, each container) sees the same jobs.
   */
  principal: string;
  /** The identity of the request that submitted the job, session included, as API Gateway passed it. */
  userArn?: string;
  caller?: string;
  accountId?: string;
}

/** The one owner of every job when the API runs without IAM authorization (the local system without `--auth`). */
export const ANONYMOUS_PRINCIPAL = 'anonymous';

/** Who is asking. An operator may read, list and cancel every job; anyone else only its own. */
export interface Caller {
  owner: JobOwner;
  operator: boolean;
}

/**
 * Whether the caller may see the job at all. A job stored before jobs had owners has none and is
 * an operator's alone. Callers who may not see a job are told it does not exist.
 */
export function mayAccess(caller: Caller, job: Pick<Job, 'owner'>): boolean {
  return caller.operator || (job.owner !== undefined && job.owner.principal === caller.owner.principal);
}

/** Whether the caller acts on another principal's job: an operator's action, which is logged as such. */
export function actsForAnother(caller: Caller, job: Pick<Job, 'owner'>): boolean {
  return job.owner?.principal !== caller.owner.principal;
}
