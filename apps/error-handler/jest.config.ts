export default {
  displayName: 'error-handler',
  preset: '../../jest.preset.js',
  coverageDirectory: '../../coverage/apps/error-handler',
  // In memory: no Java, no moto. The adapters' specs hold the store's, the stream reader's and the bus's half.
  testTimeout: 10_000,
};
