/** Retries `action` with capped exponential backoff until it succeeds or `isStopped` says to give up. */
export async function retryUntil<T>(
  action: () => Promise<T>,
  options: { isStopped: () => boolean; onError: (error: unknown, attempt: number) => void; maxDelayMs?: number },
): Promise<T | undefined> {
  for (let attempt = 1; !options.isStopped(); attempt++) {
    try {
      return await action();
    } catch (error) {
      options.onError(error, attempt);
      await new Promise((resolve) => setTimeout(resolve, Math.min(options.maxDelayMs ?? 5000, 100 * 2 ** attempt)));
    }
  }
  return undefined;
}
