export default {
  displayName: 'client',
  preset: '../../jest.preset.js',
  coverageDirectory: '../../coverage/libs/client',
  // The client is tested against the whole local system, started by the tests themselves.
  testTimeout: 60_000,
};
