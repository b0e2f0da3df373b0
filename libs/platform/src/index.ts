export * from './logger';
export * from './metrics';
export * from './resource-names';
export * from './environment-settings';
export * from './jobs-table-definition';
