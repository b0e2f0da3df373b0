/**
 * An SDK client, or how to load one when first needed. A client used only on a rare path (publishing a
 * failure, reading a failed batch back) is loaded with a dynamic import at its first use: the bundler keeps
 * the module but defers running it, so no cold start pays for it (docs/benchmarks.md, cold start).
 */
export type ClientSource<C extends object> = C | (() => Promise<C>);

/** The client, loading it once on first call when given a loader. */
export function clientFrom<C extends object>(source: ClientSource<C>): () => Promise<C> {
  if (typeof source !== 'function') return () => Promise.resolve(source);
  let loaded: Promise<C> | undefined;
  return () =>
    (loaded ??= (source as () => Promise<C>)().catch((error: unknown) => {
      loaded = undefined; // a failed load is tried again at the next use
      throw error;
    }));
}
