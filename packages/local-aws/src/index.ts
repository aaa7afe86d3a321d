/**
 * The public API of @rental-collections/local-aws: what the app's start script, its tests, the
 * oracles and the bench use. Everything else in src/ is internal and may change without notice.
 */

// The command line an app's start script runs.
export { type LocalApp, runLocalCli } from './cli';
// Time and randomness: the virtual clock and the seeded ids every emulator draws from.
export { VirtualClock } from './clock';
export { type CreditBureauKeys, FakeCreditBureau } from './credit-bureau';
// The emulators, for tests that run a handler against one of them alone.
export {
  createTable,
  createTableInput,
  localDynamoClient,
  requiredPermissions,
  startDynalite,
  type TableKeys,
} from './dynamodb';
export { LocalEventBridge } from './eventbridge';
export { FunctionPermissions } from './iam';
export { Ids, seedFrom } from './ids';
export { accessKeyOf, FunctionError } from './lambda-host';
// The whole runtime: a synthesized app on this machine.
export {
  EMULATOR_PORT_OFFSETS,
  type EmulatorName,
  type Endpoints,
  LocalRuntime,
  type LocalRuntimeOptions,
} from './runtime';
export { LocalSecretsManager } from './secrets-manager';
export { type SentEmail, SesEmulator, type SesFaults } from './ses';
export { counter, type PublishedMessage, SnsEmulator, type SnsFaults } from './sns';
// The Step Functions engine and its JSON-protocol facade.
export {
  createStepFunctionsFacade,
  type ExecutionDescription,
  type HistoryEvent,
  type JsonValue,
  StepFunctionsEngine,
  seededRandom,
  TaskFailedError,
  type TaskIntegration,
  TaskTimedOut,
} from './stepfunctions';
// Reading the synthesized template: resources, the roles' permissions, a function's errors.
export { LOCAL_ACCOUNT, LOCAL_REGION, localArn, SynthesizedApp } from './template';
