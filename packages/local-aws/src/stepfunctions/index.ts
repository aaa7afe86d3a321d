export type { StateMachineDefinition } from './definition';
export {
  type EngineEvent,
  type EngineSnapshot,
  type ExecutionDescription,
  type ExecutionListItem,
  type StateMachineDescription,
  StepFunctionsEngine,
  type StepFunctionsEngineOptions,
  type TaskContext,
  type TaskIntegration,
} from './engine';
export * from './errors';
export type { ExecutionStatus } from './execution';
export { createStepFunctionsFacade, type FacadeOptions } from './facade';
export type { HistoryEvent, HistoryEventType } from './history';
export type { JsonValue } from './json';
export { seededRandom } from './random';
