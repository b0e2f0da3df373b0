export default {
  displayName: 'workspace-plugin',
  preset: '../../jest.preset.js',
  // One file at a time: each test runs nx in a scratch workspace.
  maxWorkers: 1,
  coverageDirectory: '../../coverage/tools/workspace-plugin',
  testTimeout: 120_000,
};
