export default {
  displayName: 'jobs-examples',
  preset: '../../../jest.preset.js',
  coverageDirectory: '../../../coverage/libs/jobs/examples',
};
