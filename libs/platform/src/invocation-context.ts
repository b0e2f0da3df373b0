import { AsyncLocalStorage } from 'node:async_hooks';

const storage = new AsyncLocalStorage<{ requestId: string; fields?: Record<string, string> }>();

/**
 * Runs `work` as part of one invocation, so that code wired once per environment (a patient
 * repository's wait log, say) can still name the request it is working for.
 */
export function inInvocation<T>(requestId: string, work: () => Promise<T>): Promise<T> {
  return storage.run({ requestId }, work);
}

/**
 * Runs `work` for one job of the invocation: code wired once per environment adds these fields to its
 * lines too (the consumer a runner works for, which its wiring cannot know).
 */
export function inJobStory<T>(fields: Record<string, string>, work: () => Promise<T>): Promise<T> {
  const current = storage.getStore();
  return storage.run({ requestId: current?.requestId ?? '', fields: { ...current?.fields, ...fields } }, work);
}

/** The request id of the invocation this code runs for, if any. */
export function currentRequestId(): string | undefined {
  return storage.getStore()?.requestId || undefined;
}

/** The fields of the job story this code runs in (`inJobStory`), if any. */
export function currentStoryFields(): Record<string, string> {
  return storage.getStore()?.fields ?? {};
}
