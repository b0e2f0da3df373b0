/** End-to-end: start the whole local system (`npm start`'s own entry point) and drive it over HTTP and the AWS SDK. */
export default {
  displayName: 'e2e',
  preset: '../../jest.preset.js',
  testMatch: ['<rootDir>/e2e/**/*.e2e.spec.ts'],
  testTimeout: 120_000,
};
