import type { Static, TObject } from '@sinclair/typebox';
import type { JsonValue } from '../job';
import type { Clock } from '../ports/clock';

export interface JobRunContext {
  jobId: string;
  consumerId: string;
  /** 1 for the first claim, counting every retry. */
  attempt: number;
  clock: Clock;
  /**
   * Aborted when this run lost its claim (the job was cancelled, or its lease ran out and another
   * run took over) or reached its type's run limit: stop early, as the result would be discarded.
   */
  signal: AbortSignal;
  /**
   * Says how far the run is: `percent` from 0 to 100 and a short message. Cheap to call often: only the latest is
   * kept, and it is stored with the lease's next renewal (every third of the lease), never with a write of its own.
   * @throws PermanentJobError (INVALID_PROGRESS) for a percent outside 0–100 or a message over 200 characters.
   */
  reportProgress(progress: { percent: number; message?: string }): void;
}

/**
 * A kind of work the product runs. Its input schema is the one source for the API Gateway model,
 * the handler's validation, the job run's second validation and the TypeScript input type.
 */
export interface JobType<S extends TObject = TObject> {
  readonly name: string;
  readonly description: string;
  readonly inputSchema: S;
  /** Claims allowed before a retryable failure becomes permanent. */
  readonly maxAttempts: number;
  /**
   * The longest one run may take. The run is aborted there (its `signal` fires) and fails with
   * RUN_TIMED_OUT: retried (`onTimeout: 'retry'`, within `maxAttempts`) or failed for good. The
   * longest limit of the catalog sizes the processor's timeout, so no run is ever cut off by Lambda.
   */
  readonly runLimit: RunLimit;
  /**
   * Where a run happens. `'inline'` (the default): in the stream processor's batch, the cheapest, but a
   * batch keeps its shard position until its slowest run ends, so every job behind a long run waits for
   * it. `'runner'`: the processor claims the job and dispatches the run to the runner function, off the
   * stream (one invocation and one write more per consumer). A rule decides per job, from its input.
   */
  readonly execution?: ExecutionMode | ExecutionRule<Static<S>>;
  /**
   * Throw PermanentJobError for failures that retrying cannot fix; anything else thrown is retried
   * until `maxAttempts` is used up.
   */
  run(input: Static<S>, context: JobRunContext): Promise<JsonValue>;
}

export type ExecutionMode = 'inline' | 'runner';

export interface ExecutionRule<I> {
  byInput(input: I): ExecutionMode;
}

/** Where this job's run happens, as its type declares; inline for an input the rule cannot judge (it fails validation inline). */
export function executionOf(type: JobType, input: unknown): ExecutionMode {
  const execution = type.execution ?? 'inline';
  if (typeof execution === 'string') return execution;
  try {
    return execution.byInput(input as Static<TObject>);
  } catch {
    return 'inline';
  }
}

export interface RunLimit {
  seconds: number;
  onTimeout: 'retry' | 'fail';
}

/** Declares a job type with its input type inferred from its schema. */
export function defineJobType<S extends TObject>(definition: JobType<S>): JobType<S> {
  return definition;
}
