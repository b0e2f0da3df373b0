/**
 * Who says that an entry failed, which decides what the entry must still look like for the
 * failure to be recorded on it.
 */
export type FailureOrigin =
  /**
   * The run holding the claim failed for good and said so (the processor's notice): recorded only
   * while that claim still holds the entry, so a superseded attempt never overwrites a newer run.
   */
  | { kind: 'run'; claimToken: string }
  /**
   * The event source gave up on the job's record (retries used up, record too old): recorded unless
   * a live run holds the entry. `evidenceRequired`: the failed batch's stream range was shared with
   * other batches (parallelization), so only an entry that shows an attempt of its own is known to
   * have been in it.
   */
  | { kind: 'delivery'; evidenceRequired: boolean }
  /**
   * The runner gave up on a dispatched run (its invocations failed, or the order waited in its queue too
   * long): recorded while the dispatch still holds the entry (no runner adopted it), or else unless a live
   * run holds it (a runner that died stops renewing; a live one answers for the job itself).
   */
  | { kind: 'dispatch'; claimToken: string };
