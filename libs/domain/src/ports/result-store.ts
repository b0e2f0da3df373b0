/** Where a result too large for the job item lives: an object in the environment's results bucket. */
export interface StoredResult {
  /** The object's key in the results bucket (the bucket is the environment's, known to every function). */
  key: string;
  /** The size of the stored document, in bytes. */
  bytes: number;
  contentType: string;
}

/** Keeps results that do not fit on the job item. */
export interface ResultStore {
  /**
   * Writes one run's result under a key of its own (job, consumer, claim), so that a run which loses its claim
   * never overwrites the result of the run that completes; what nothing references expires with the bucket's rule.
   */
  put(result: { jobId: string; consumerId: string; claimToken: string; body: Uint8Array; contentType: string }): Promise<StoredResult>;
}

/** The key of one run's result: by job, consumer and claim, so that runs never overwrite each other's. */
export function resultKey(run: { jobId: string; consumerId: string; claimToken: string }): string {
  return `results/${run.jobId}/${run.consumerId}/${run.claimToken}.json`;
}
