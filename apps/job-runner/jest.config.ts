export default {
  displayName: 'job-runner',
  preset: '../../jest.preset.js',
  coverageDirectory: '../../coverage/apps/job-runner',
  // In memory: no Java, no moto. The dispatcher's wire is the adapters' spec against moto.
  testTimeout: 10_000,
};
