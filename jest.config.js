// One jest project per test kind (STYLE.md). TypeScript is transpiled per file (isolatedModules);
// `npm run typecheck` does the type checking once for the whole tree.
const tsJest = ['ts-jest', { tsconfig: 'tsconfig.json', diagnostics: false }];
// @middy/core 6 ships ESM only; jest's CommonJS runtime needs it transpiled too.
const jsEsm = [
  'ts-jest',
  {
    tsconfig: { allowJs: true, module: 'commonjs', esModuleInterop: true, isolatedModules: true },
    diagnostics: false,
  },
];

const shared = {
  testEnvironment: 'node',
  transform: { '^.+\\.ts$': tsJest, '^.+/@middy/.+\\.js$': jsEsm },
  transformIgnorePatterns: ['/node_modules/(?!@middy/)'],
  setupFiles: ['<rootDir>/test/setup/polyfills.ts'],
  moduleFileExtensions: ['ts', 'js', 'json'],
  // The local runtime is a workspace package; its tests run as its own project (below).
  moduleNameMapper: {
    '^@rental-collections/local-aws$': '<rootDir>/packages/local-aws/src/index.ts',
    '^@rental-collections/local-aws/testing$': '<rootDir>/packages/local-aws/src/testing.ts',
  },
};

const project = (name, extra = {}) => ({
  ...shared,
  displayName: name,
  testMatch: [`<rootDir>/test/${name}/**/*.test.ts`],
  ...extra,
});

module.exports = {
  projects: [
    project('unit'),
    project('handlers', {
      setupFiles: ['<rootDir>/test/setup/polyfills.ts', '<rootDir>/test/setup/quiet-functions.ts'],
    }),
    project('workflow'),
    project('local'),
    project('infra'),
    project('e2e'),
    project('oracles'),
    project('scenarios'),
    '<rootDir>/packages/local-aws/jest.config.js',
  ],
};
