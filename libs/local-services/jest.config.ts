export default {
  displayName: 'local-services',
  preset: '../../jest.preset.js',
  coverageDirectory: '../../coverage/libs/local-services',
  // The specs start real processes (DynamoDB Local's JVM, moto) and wait on watchdogs: 5 s is too little on a busy machine.
  testTimeout: 30_000,
};
