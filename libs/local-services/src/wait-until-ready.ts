/** Polls `condition` every 100 ms until it holds, failing with `what` after `timeoutMs`; a condition that throws counts as not yet. */
export async function waitUntil(
  what: string,
  condition: () => boolean | Promise<boolean>,
  timeoutMs: number,
  giveUp?: () => string | undefined,
): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    const reason = giveUp?.();
    if (reason) throw new Error(reason);
    if (
      await Promise.resolve()
        .then(condition)
        .catch(() => false)
    )
      return;
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  throw new Error(`timed out after ${timeoutMs} ms waiting until ${what}`);
}

/** Polls `probe` until the service answers, failing if it exits first or after `timeoutMs`. */
export async function waitUntilReady(
  what: string,
  probe: () => Promise<boolean>,
  timeoutMs: number,
  isAlive: () => boolean,
): Promise<void> {
  await waitUntil(`${what} is ready`, probe, timeoutMs, () => (isAlive() ? undefined : `${what} exited before it was ready`)).catch(
    (error: Error) => {
      throw error.message.startsWith('timed out') ? new Error(`${what} was not ready within ${timeoutMs} ms`) : error;
    },
  );
}

/** True once an HTTP server answers at all (any status) at `url`. */
export async function answersHttp(url: string, init?: RequestInit): Promise<boolean> {
  const response = await fetch(url, { ...init, signal: AbortSignal.timeout(1000) });
  await response.arrayBuffer();
  return true;
}
