// Shared Jest settings: ts-jest without type checking (the typecheck target does that once, faster),
// and Nx's resolver so that the tsconfig path aliases of the libraries resolve to their sources.
const nxPreset = require('@nx/jest/preset').default;

module.exports = {
  ...nxPreset,
  testEnvironment: 'node',
  transform: {
    '^.+\\.ts$': ['ts-jest', { tsconfig: '<rootDir>/tsconfig.spec.json' }],
  },
  moduleFileExtensions: ['ts', 'js', 'json'],
};
