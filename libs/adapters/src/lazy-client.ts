import { join } from 'node:path';

/** An SDK client and the module it came from (its commands): what an adapter of a rarely used service needs. */
export interface SdkClient<M, C> {
  module: M;
  client: C;
}

/**
 * An SDK client, or how to load one when first needed. A client used only on a rare path (publishing a
 * failure, reading a failed batch back, dispatching a long run) is loaded at its first use from a bundle of
 * its own (`sdkModule`), so that no cold start parses it (docs/benchmarks.md, cold start).
 */
export type ClientSource<C extends object> = C | (() => Promise<C>);

/** The client, loading it once on first call when given a loader (a failed load is tried again at the next use). */
export function clientFrom<C extends object>(source: ClientSource<C>): () => Promise<C> {
  if (typeof source !== 'function') return () => Promise.resolve(source);
  let loaded: Promise<C> | undefined;
  return () =>
    (loaded ??= (source as () => Promise<C>)().catch((error: unknown) => {
      loaded = undefined;
      throw error;
    }));
}

/**
 * Loads an SDK module built as a bundle of its own beside the function's `main.js` (`apps/<app>/src/sdk-*.ts`,
 * an additional entry point of the app's build). Only a built bundle calls it: `__dirname` is then the bundle's folder.
 */
export function sdkModule<M>(file: `sdk-${string}.js`): M {
  // A path the bundler cannot follow, on purpose: the module must stay out of main.js.
  return require(join(__dirname, file)) as M;
}
