export default {
  displayName: 'adapters',
  preset: '../../jest.preset.js',
  coverageDirectory: '../../coverage/libs/adapters',
  // Adapter tests run against real DynamoDB Local and moto_server, started once for the suite.
  globalSetup: '../local-services/src/jest/global-setup.ts',
  globalTeardown: '../local-services/src/jest/global-teardown.ts',
  testTimeout: 30_000,
};
