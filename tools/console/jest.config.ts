export default {
  displayName: 'console',
  preset: '../../jest.preset.js',
  coverageDirectory: '../../coverage/tools/console',
  // The archive's and the API finder's specs run against a real moto_server, started once for the suite.
  globalSetup: '../../libs/local-services/src/jest/global-setup.ts',
  globalTeardown: '../../libs/local-services/src/jest/global-teardown.ts',
  testTimeout: 30_000,
};
