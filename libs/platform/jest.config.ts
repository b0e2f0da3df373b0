export default {
  displayName: 'platform',
  preset: '../../jest.preset.js',
  coverageDirectory: '../../coverage/libs/platform',
};
