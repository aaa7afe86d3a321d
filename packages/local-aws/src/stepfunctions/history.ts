/** Execution history events, shaped as GetExecutionHistory returns them. */

export type StateType = 'Task' | 'Pass' | 'Choice' | 'Wait' | 'Succeed' | 'Fail';

export type HistoryEventType =
  | 'ExecutionStarted'
  | 'ExecutionSucceeded'
  | 'ExecutionFailed'
  | 'ExecutionAborted'
  | 'ExecutionTimedOut'
  | `${StateType}StateEntered`
  | `${Exclude<StateType, 'Fail'>}StateExited`
  | 'TaskScheduled'
  | 'TaskStarted'
  | 'TaskSubmitted'
  | 'TaskSucceeded'
  | 'TaskFailed'
  | 'TaskTimedOut';

export interface DataDetails {
  truncated: boolean;
}

export interface ErrorDetails {
  error?: string;
  cause?: string;
}

export interface TaskResourceDetails {
  resourceType: string;
  resource: string;
}

export interface HistoryEventDetails {
  executionStartedEventDetails?: { input?: string; inputDetails?: DataDetails; roleArn: string };
  executionSucceededEventDetails?: { output?: string; outputDetails?: DataDetails };
  executionFailedEventDetails?: ErrorDetails;
  executionAbortedEventDetails?: ErrorDetails;
  executionTimedOutEventDetails?: ErrorDetails;
  stateEnteredEventDetails?: { name: string; input?: string; inputDetails?: DataDetails };
  stateExitedEventDetails?: { name: string; output?: string; outputDetails?: DataDetails };
  taskScheduledEventDetails?: TaskResourceDetails & {
    region: string;
    parameters: string;
    timeoutInSeconds?: number;
    heartbeatInSeconds?: number;
  };
  taskStartedEventDetails?: TaskResourceDetails;
  taskSubmittedEventDetails?: TaskResourceDetails & { output?: string; outputDetails?: DataDetails };
  taskSucceededEventDetails?: TaskResourceDetails & { output?: string; outputDetails?: DataDetails };
  taskFailedEventDetails?: TaskResourceDetails & ErrorDetails;
  taskTimedOutEventDetails?: TaskResourceDetails & ErrorDetails;
}

export interface HistoryEvent extends HistoryEventDetails {
  id: number;
  previousEventId: number;
  timestamp: Date;
  type: HistoryEventType;
}

/** What the interpreter asks to record; the engine numbers and stamps it. */
export type NewEvent = HistoryEventDetails & {
  type: HistoryEventType;
  /** Overrides the default link to the preceding event. */
  previousEventId?: number;
};

export const TERMINAL_EVENT_TYPES: ReadonlySet<HistoryEventType> = new Set([
  'ExecutionSucceeded',
  'ExecutionFailed',
  'ExecutionAborted',
  'ExecutionTimedOut',
]);

/** AWS: "Maximum execution history size: 25,000 events"; the 25,000th event is the failure itself. */
export const MAX_HISTORY_EVENTS = 25_000;

/** A deep copy (details hold only JSON values; the timestamp is copied as a Date). */
export function copyEvent(event: HistoryEvent): HistoryEvent {
  const { timestamp, ...rest } = event;
  return {
    timestamp: new Date(timestamp.getTime()),
    ...(JSON.parse(JSON.stringify(rest)) as Omit<HistoryEvent, 'timestamp'>),
  };
}

const DATA_KEYS = ['input', 'output', 'parameters'] as const;

/** The event without its payloads (GetExecutionHistory with includeExecutionData: false). */
export function withoutExecutionData(event: HistoryEvent): HistoryEvent {
  const copy = copyEvent(event);
  for (const [key, value] of Object.entries(copy)) {
    if (key === 'timestamp' || typeof value !== 'object' || value === null) continue;
    const details = value as Record<string, unknown>;
    for (const dataKey of DATA_KEYS) {
      delete details[dataKey];
      delete details[`${dataKey}Details`];
    }
  }
  return copy;
}
