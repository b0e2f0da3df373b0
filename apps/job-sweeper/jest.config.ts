export default {
  displayName: 'job-sweeper',
  preset: '../../jest.preset.js',
  coverageDirectory: '../../coverage/apps/job-sweeper',
  // Handler tests use real DynamoDB Local, started once for the suite.
  globalSetup: '../../libs/local-services/src/jest/global-setup.ts',
  globalTeardown: '../../libs/local-services/src/jest/global-teardown.ts',
  testTimeout: 30_000,
};
