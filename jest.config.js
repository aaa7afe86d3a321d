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
  // Workflow, e2e and handler tests run the real ASL, dynalite and emulators: a few seconds each on a
  // quiet machine, past jest's 5 s default when the 2 cores are shared. A hang still fails, later.
  testTimeout: 30_000,
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
    project('simulator'),
    '<rootDir>/packages/local-aws/jest.config.js',
  ],
};
