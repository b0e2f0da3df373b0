export * from './free-port';
export * from './managed-process';
export * from './dynamodb-local';
export * from './moto-server';
export * from './wait-until-ready';
export * from './local-system-state';
export * from './local-system-process';
export * from './running-service';
