export default {
  displayName: 'jobs-api',
  preset: '../../jest.preset.js',
  coverageDirectory: '../../coverage/apps/jobs-api',
  // In memory: no Java, no moto. The adapters' specs hold the store's half against DynamoDB Local.
  testTimeout: 10_000,
};
