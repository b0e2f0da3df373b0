export default {
  displayName: 'jobs-cli',
  preset: '../../jest.preset.js',
  // One file at a time: the local systems the tests start share two cores.
  maxWorkers: 1,
  coverageDirectory: '../../coverage/tools/jobs-cli',
  testTimeout: 60_000,
};
