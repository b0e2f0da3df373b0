/** End-to-end: start the whole local system (`npm start`'s own entry point) and drive it over HTTP and the AWS SDK. */
export default {
  displayName: 'e2e',
  preset: '../../jest.preset.js',
  // One file at a time: one local system at a time: the specs count its processes and metrics.
  maxWorkers: 1,
  testMatch: ['<rootDir>/e2e/**/*.e2e.spec.ts'],
  testTimeout: 120_000,
  // The local systems the specs start keep their EMF lines; the metrics contract spec, last, checks the alarms against them.
  globalSetup: '../../libs/local-services/src/jest/metrics-capture-global-setup.ts',
  testSequencer: '<rootDir>/e2e/metrics-contract-last.sequencer.js',
};
