export default {
  displayName: 'stream-processor',
  preset: '../../jest.preset.js',
  coverageDirectory: '../../coverage/apps/stream-processor',
  // Handler tests use real DynamoDB Local and moto_server, started once for the suite.
  globalSetup: '../../libs/local-services/src/jest/global-setup.ts',
  globalTeardown: '../../libs/local-services/src/jest/global-teardown.ts',
  testTimeout: 30_000,
};
