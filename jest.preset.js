// Shared Jest settings: TypeScript transpiled by SWC, file by file, without type checking (the typecheck target
// does that once; SWC halves a suite's time against ts-jest), and Nx's resolver so that the tsconfig path aliases of
// the libraries resolve to their sources.
const nxPreset = require('@nx/jest/preset').default;

module.exports = {
  ...nxPreset,
  testEnvironment: 'node',
  transform: {
    '^.+\\.ts$': [
      '@swc/jest',
      {
        jsc: { parser: { syntax: 'typescript' }, target: 'es2022' },
        module: { type: 'commonjs' },
        sourceMaps: 'inline',
      },
    ],
  },
  moduleFileExtensions: ['ts', 'js', 'json'],
};
