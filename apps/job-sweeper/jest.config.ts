export default {
  displayName: 'job-sweeper',
  preset: '../../jest.preset.js',
  coverageDirectory: '../../coverage/apps/job-sweeper',
  // In memory: no Java. The sweep index's query against DynamoDB Local is the adapter's spec.
  testTimeout: 10_000,
};
