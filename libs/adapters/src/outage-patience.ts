/** How long a background worker keeps trying a dependency that is down, and how it spaces the tries. */
export interface OutagePatience {
  /** Give up (rethrow) once this much time has passed since the first failure. */
  patienceMs: number;
  /** The first wait; it doubles up to `maxDelayMs`. */
  baseDelayMs: number;
  maxDelayMs: number;
  sleep(ms: number): Promise<void>;
  /** Told before each wait: the log line that makes an outage visible while it is ridden out. */
  onWait?(event: { operation: string; jobId?: string; attempt: number; delayMs: number; error: unknown }): void;
}

export const outagePatience = (patienceMs: number, onWait?: OutagePatience['onWait']): OutagePatience => ({
  patienceMs,
  baseDelayMs: 250,
  maxDelayMs: 5000,
  sleep: (ms) => new Promise((resolve) => setTimeout(resolve, ms)),
  onWait,
});

/**
 * Tries `action` again while it fails with an error `isTransient` accepts, until the patience is
 * spent. Background workers (the processor, the error handler) ride out a short outage this way
 * instead of spending the event source's few retries in a second; the API never waits: it answers 503.
 */
export async function rideOutOutage<T>(
  operation: string,
  action: () => Promise<T>,
  isTransient: (error: unknown) => boolean,
  patience: OutagePatience,
  about: { jobId?: string } = {},
): Promise<T> {
  const started = Date.now();
  for (let attempt = 1; ; attempt++) {
    try {
      return await action();
    } catch (error) {
      const delayMs = Math.min(patience.maxDelayMs, patience.baseDelayMs * 2 ** (attempt - 1));
      if (!isTransient(error) || Date.now() - started + delayMs > patience.patienceMs) throw error;
      patience.onWait?.({ operation, ...about, attempt, delayMs, error });
      await patience.sleep(delayMs);
    }
  }
}
