export * from './job-catalog';
