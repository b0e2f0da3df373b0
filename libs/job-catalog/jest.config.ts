export default {
  displayName: 'job-catalog',
  preset: '../../jest.preset.js',
  coverageDirectory: '../../coverage/libs/job-catalog',
};
