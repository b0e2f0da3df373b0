export default {
  displayName: 'stream-processor',
  preset: '../../jest.preset.js',
  coverageDirectory: '../../coverage/apps/stream-processor',
  // In memory: no Java, no moto. The adapters' specs hold the store's and the topic's half against DynamoDB Local and moto.
  testTimeout: 10_000,
};
