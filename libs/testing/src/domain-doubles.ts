// The domain's doubles and factories (in-memory repository, fake clock, callers, jobs), so a test imports every helper from here.
export * from '@async-jobs/domain/testing';
