export default {
  displayName: 'client',
  preset: '../../jest.preset.js',
  // One file at a time: the local systems the tests start share two cores.
  maxWorkers: 1,
  coverageDirectory: '../../coverage/libs/client',
  // The client is tested against the whole local system, started by the tests themselves.
  testTimeout: 60_000,
};
