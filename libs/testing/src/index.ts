export * from './test-table';
export * from './topic-capture';
export * from './lambda-events';
export * from './captured-logs';
export * from './domain-doubles';
export * from './bus-capture';
export * from './stream-records';
export * from './dynamodb-faults';
