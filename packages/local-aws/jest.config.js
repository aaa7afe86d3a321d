// The runtime's own tests: the emulators, the engine and the clock, on hand-written templates only
// (no synthesized app, nothing of the app's code). The root `npm test` runs them as project local-aws.
const tsJest = ['ts-jest', { tsconfig: '<rootDir>/tsconfig.json', diagnostics: false }];

module.exports = {
  displayName: 'local-aws',
  rootDir: __dirname,
  testEnvironment: 'node',
  transform: { '^.+\\.ts$': tsJest },
  setupFiles: ['<rootDir>/test/setup.ts'],
  moduleFileExtensions: ['ts', 'js', 'json'],
  testMatch: ['<rootDir>/test/**/*.test.ts'],
};
