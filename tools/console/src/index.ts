export * from './server/console-assets';
export * from './server/console-handler';
export * from './server/console-server';
export * from './server/console-types';
export * from './server/environment-backend';
export * from './server/failed-events-archive';
export * from './server/local-backend';
