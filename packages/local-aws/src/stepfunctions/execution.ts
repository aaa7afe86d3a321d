/**
 * An execution as plain data: where it stands and what it waits for. Nothing here is a promise or a
 * timer, so an execution blocks on a deadline or a task token and resumes from this record alone.
 */
import type { HistoryEvent } from './history';
import type { JsonValue } from './json';

export type ExecutionStatus = 'RUNNING' | 'SUCCEEDED' | 'FAILED' | 'TIMED_OUT' | 'ABORTED';

export type Phase =
  /** About to enter the state (StateEntered not yet recorded). */
  | { kind: 'entering' }
  /** A Wait state until `until`. */
  | { kind: 'waiting'; until: number }
  /** Backing off before the next attempt of a Task. */
  | { kind: 'retrying'; until: number }
  /** A Task attempt in flight: its integration call, then (callback tasks) its token. */
  | {
      kind: 'task';
      attempt: number;
      token?: string;
      /** The integration call has returned (TaskSubmitted recorded, for a callback task). */
      submitted: boolean;
      timeoutAt?: number;
      heartbeatAt?: number;
      heartbeatSeconds?: number;
    };

export interface Cursor {
  stateName: string;
  /** The state's raw input (before InputPath). */
  input: JsonValue;
  enteredTime: number;
  enteredEventId: number;
  /** Attempts used, per retrier index. */
  retryAttempts: number[];
  /** `$$.State.RetryCount`. */
  retryCount: number;
  phase: Phase;
}

export interface ExecutionRecord {
  executionArn: string;
  stateMachineArn: string;
  stateMachineName: string;
  name: string;
  roleArn: string;
  /** The input exactly as given to StartExecution. */
  inputText: string;
  input: JsonValue;
  status: ExecutionStatus;
  startDate: number;
  stopDate?: number;
  output?: string;
  error?: string;
  cause?: string;
  /** Execution deadline: the definition's TimeoutSeconds, at most one year. */
  timeoutAt: number;
  history: HistoryEvent[];
  cursor?: Cursor;
  /** Counter of task attempts, so a late answer to an old attempt is recognised and ignored. */
  attempts: number;
  /** Start order, to sort executions started in the same millisecond. */
  sequence: number;
}
