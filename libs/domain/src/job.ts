import type { JobOwner } from './owner';
import type { StoredResult } from './ports/result-store';

/** Status of one consumer's run of a job, and (derived) of the job as a whole. */
export const JOB_STATUSES = ['PENDING', 'RUNNING', 'SUCCEEDED', 'FAILED', 'CANCELLED'] as const;
export type JobStatus = (typeof JOB_STATUSES)[number];

export type JsonValue = string | number | boolean | null | JsonValue[] | { [key: string]: JsonValue };
export type JsonObject = { [key: string]: JsonValue };

/** Why a run failed or was stopped: a stable code and a sentence for people. */
export interface FailureReason {
  code: string;
  message: string;
}

/** How far a run says it is: written with the lease's next renewal, never on its own. */
export interface RunProgress {
  /** 0 to 100. */
  percent: number;
  message?: string;
  /** When the run reported it. */
  at: string;
}

/** One consumer's view of the job: every consumer runs every job, independently. */
export interface ConsumerEntry {
  status: JobStatus;
  /** How many times this consumer has claimed the job. */
  attempts: number;
  updatedAt: string;
  /** Identifies the run that holds the claim; completions must present it. */
  claimToken?: string;
  /** Epoch milliseconds after which another delivery may take the claim over. */
  leaseExpiresAt?: number;
  /**
   * Set while the claim waits for the runner (the run was dispatched to it and no runner has adopted
   * it yet); the claim's lease then covers the runner's queue. Removed when a runner adopts the claim.
   */
  dispatchedAt?: string;
  startedAt?: string;
  finishedAt?: string;
  /** The result, when it is small enough to live on the item (`INLINE_RESULT_MAX_BYTES`). */
  result?: JsonValue;
  /** Where a larger result lives: an object in the results bucket. */
  resultRef?: StoredResult;
  /** The terminal failure (FAILED) or the reason for CANCELLED. */
  error?: FailureReason;
  /** The last retryable failure, kept while the job is retried so that retrying is visible. */
  lastError?: FailureReason;
  /** The run's last reported progress, as of its lease's last renewal. */
  progress?: RunProgress;
  /** When a caller last retried this FAILED entry: the stream delivers the retry from then. */
  retriedAt?: string;
  /** The attempts the entry had used when it was retried: the type's `maxAttempts` counts from there. */
  attemptsBeforeRetry?: number;
  /**
   * While the entry is unfinished, when the sweeper looks at it (epoch ms): past it, an entry that
   * nothing changed is one nothing but the sweeper would finish. Removed when the entry finishes.
   */
  deadline?: number;
  /**
   * The token of the write that finished the entry: the claim that completed it, or the recording
   * of its failure. A write retried after its first answer was lost recognises itself by it.
   */
  finishedBy?: string;
}

export interface Job {
  id: string;
  type: string;
  input: JsonObject;
  consumers: Record<string, ConsumerEntry>;
  /** Incremented by every write; writes that replace data derived from a read are conditional on it. */
  version: number;
  createdAt: string;
  updatedAt: string;
  /** Epoch seconds; DynamoDB's TTL removes the item some time after this. */
  expiresAt: number;
  /** Who submitted the job; absent on jobs stored before jobs had owners (operators alone see those). */
  owner?: JobOwner;
  /** Where the finished job's view is POSTed, signed: the submit's `notify`. */
  notify?: { url: string };
  cancelledAt?: string;
  /** The principal that cancelled the job: its owner, or an operator. */
  cancelledBy?: string;
  /**
   * Set by a retry and removed by the next claim: the stream's filter lets a MODIFY record through only while it is
   * in the new image, so that exactly the retry's write reaches the processors.
   */
  retryRequestedAt?: string;
  /**
   * What the write that made this version finished: set by every write that ends entries, removed by every other,
   * so that a stream record carries it exactly when its write ended something (the job events are made from it).
   */
  announce?: Announcement;
}

/** The entries a write ended, and when: the stream record of that write announces them. */
export interface Announcement {
  at: string;
  consumers: string[];
}
