export default {
  displayName: 'local-services',
  preset: '../../jest.preset.js',
  coverageDirectory: '../../coverage/libs/local-services',
};
