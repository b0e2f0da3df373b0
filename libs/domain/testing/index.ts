/*
 * The domain's test doubles and factories: an in-memory repository with the store's semantics, one fake clock,
 * callers and jobs. They live beside the domain (imported as `@async-jobs/domain/testing`) because the domain's own
 * specs use them and the domain may depend on no other project; `@async-jobs/testing` re-exports them for
 * everyone else. Never imported by production code.
 */
export * from './callers';
export * from './fake-clock';
export * from './in-memory-job-repository';
export * from './in-memory-result-store';
export * from './job-factory';
export * from './recording-publishers';
export * from './recording-run-dispatcher';
export * from './run-context';
export * from './unavailable-repository';
