import { applyTransition, type ConflictRetryPolicy } from '../apply-transition';
import { PermanentJobError } from '../errors';
import type { Job, RunProgress } from '../job';
import { renewLeaseTransition, type StopReason } from '../job-transitions';
import type { Clock } from '../ports/clock';
import type { JobRepository } from '../ports/job-repository';

/** How long a claim holds without news from its run, and how often a live run renews it. */
export interface LeasePolicy {
  durationMs: number;
  /** 0 turns the heartbeat off (a run then holds the job for `durationMs` at most). */
  renewEveryMs: number;
}

/** A third of the lease: two beats may be lost before the claim lapses. */
export const leasePolicy = (durationMs: number): LeasePolicy => ({ durationMs, renewEveryMs: Math.floor(durationMs / 3) });

export interface LeaseKeeper {
  /** Aborted when the claim is lost: cancelled, or taken over after the lease ran out. */
  readonly signal: AbortSignal;
  /** Why the claim was lost, once it was. */
  readonly lost: StopReason | undefined;
  /** Keeps the run's latest progress for the next renewal (no write of its own). */
  reportProgress(progress: { percent: number; message?: string }): void;
  /** Stops the heartbeat, waiting for a renewal in flight, so that no write of this run follows. */
  stop(): Promise<void>;
}

export const MAX_PROGRESS_MESSAGE_LENGTH = 200;

/** A run's report, checked: a type that reports nonsense is a bug in the type, which retrying cannot fix. */
function checkedProgress(progress: { percent: number; message?: string }, at: Date): RunProgress {
  const { percent, message } = progress;
  if (typeof percent !== 'number' || !Number.isFinite(percent) || percent < 0 || percent > 100)
    throw new PermanentJobError('INVALID_PROGRESS', `A run reported progress of ${String(percent)}%; it must be from 0 to 100`);
  if (message !== undefined && (typeof message !== 'string' || message.length > MAX_PROGRESS_MESSAGE_LENGTH))
    throw new PermanentJobError(
      'INVALID_PROGRESS',
      `A progress message must be a string of at most ${MAX_PROGRESS_MESSAGE_LENGTH} characters`,
    );
  return { percent: Math.round(percent * 10) / 10, ...(message !== undefined ? { message } : {}), at: at.toISOString() };
}

/**
 * The heartbeat of a running claim: every `renewEveryMs` the lease moves `durationMs` ahead, under
 * the claim. A run whose environment dies stops beating, so the job is free again one lease later
 * rather than at the end of the longest run a function may take. A renewal the store refuses for
 * good (the entry was cancelled or taken over) aborts the run; one that fails for a passing reason
 * is reported and tried again at the next beat.
 */
export function keepLease(
  deps: { repository: JobRepository; clock: Clock; conflictPolicy?: ConflictRetryPolicy },
  claim: { job: Job; consumerId: string; claimToken: string; lease: LeasePolicy; onRenewalError?: (error: unknown) => void },
): LeaseKeeper {
  const controller = new AbortController();
  let lost: StopReason | undefined;
  let stopped = false;
  let seen = claim.job;
  // The latest report, and whether a renewal has stored it yet.
  let progress: RunProgress | undefined;
  let progressStored = true;
  // One renewal at a time: during an outage a renewal may wait a long while, and beats due
  // meanwhile are skipped rather than queued behind it.
  let beating: Promise<void> | undefined;

  const beat = async () => {
    if (lost || stopped) return;
    const now = deps.clock.now();
    const report = progressStored ? undefined : progress;
    try {
      const transition = renewLeaseTransition({
        consumerId: claim.consumerId,
        claimToken: claim.claimToken,
        leaseExpiresAt: now.getTime() + claim.lease.durationMs,
        now,
        progress: report,
      });
      const outcome = await applyTransition(deps, seen.id, transition, { seen, policy: deps.conflictPolicy });
      if (outcome.kind === 'written') {
        seen = outcome.job;
        if (report === progress) progressStored = true;
        return;
      }
      lost = outcome.reason;
      controller.abort(outcome.reason);
    } catch (error) {
      try {
        claim.onRenewalError?.(error);
      } catch {
        // A failing report must not stop the heartbeat.
      }
    }
  };
  const timer =
    claim.lease.renewEveryMs > 0
      ? setInterval(() => {
          if (beating) return;
          beating = beat().finally(() => (beating = undefined));
        }, claim.lease.renewEveryMs)
      : undefined;

  return {
    signal: controller.signal,
    get lost() {
      return lost;
    },
    reportProgress(report) {
      progress = checkedProgress(report, deps.clock.now());
      progressStored = false;
    },
    async stop() {
      stopped = true;
      if (timer) clearInterval(timer);
      await beating;
    },
  };
}
