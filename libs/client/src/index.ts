export * from './api-types';
export * from './jobs-api-error';
export * from './jobs-client';
export * from './node-sha256';
export * from './local-system-options';
export * from './result-download';
