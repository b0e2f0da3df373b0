export * from './logger';
export * from './metrics';
export * from './resource-names';
export * from './environment-settings';
export * from './jobs-table-definition';
export * from './deployment-settings';
export * from './function-environment';
export * from './replayed-events-pattern';
