export default {
  displayName: 'jobs-cli',
  preset: '../../jest.preset.js',
  coverageDirectory: '../../coverage/tools/jobs-cli',
  testTimeout: 60_000,
};
