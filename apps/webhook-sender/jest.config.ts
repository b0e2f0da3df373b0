export default {
  displayName: 'webhook-sender',
  preset: '../../jest.preset.js',
  coverageDirectory: '../../coverage/apps/webhook-sender',
  // In memory: the adapters' specs prove fetch, Secrets Manager and SQS; the local system's e2e the whole path.
  testTimeout: 10_000,
};
