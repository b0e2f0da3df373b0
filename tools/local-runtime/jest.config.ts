export default {
  displayName: 'local-runtime',
  preset: '../../jest.preset.js',
  coverageDirectory: '../../coverage/tools/local-runtime',
  testPathIgnorePatterns: ['/e2e/'],
  globalSetup: '../../libs/local-services/src/jest/global-setup.ts',
  globalTeardown: '../../libs/local-services/src/jest/global-teardown.ts',
  testTimeout: 30_000,
};
