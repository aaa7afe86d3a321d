/**
 * Errors of two kinds:
 * - ASL errors (`States.*` and task errors) that travel through Retry/Catch inside an execution;
 * - API errors, named exactly as the Step Functions API names them (`__type`), so the facade can hand
 *   them to `@aws-sdk/client-sfn`, which raises the exception class of the same name.
 */

/** Thrown by a task integration to fail the task with an ASL error name, as a Lambda error would. */
export class TaskFailedError extends Error {
  constructor(
    readonly error: string,
    readonly errorCause?: string,
  ) {
    super(errorCause === undefined ? error : `${error}: ${errorCause}`);
    this.name = 'TaskFailedError';
  }
}

export const StatesErrors = {
  ALL: 'States.ALL',
  Runtime: 'States.Runtime',
  DataLimitExceeded: 'States.DataLimitExceeded',
  TaskFailed: 'States.TaskFailed',
  Timeout: 'States.Timeout',
  HeartbeatTimeout: 'States.HeartbeatTimeout',
  NoChoiceMatched: 'States.NoChoiceMatched',
} as const;

/** An ASL error raised while interpreting a state: it becomes a failure event, then Retry/Catch apply. */
export class StatesError extends Error {
  constructor(
    readonly error: string,
    readonly errorCause?: string,
  ) {
    super(errorCause === undefined ? error : `${error}: ${errorCause}`);
    this.name = 'StatesError';
  }
}

/** Base of the errors the Step Functions API returns; `name` is the API's error code. */
export abstract class StepFunctionsApiError extends Error {
  abstract readonly code: string;
}

function apiError(code: string) {
  return class extends StepFunctionsApiError {
    readonly code = code;
    constructor(message: string) {
      super(message);
      this.name = code;
    }
  };
}

export class ExecutionAlreadyExists extends apiError('ExecutionAlreadyExists') {}
export class ExecutionDoesNotExist extends apiError('ExecutionDoesNotExist') {}
export class InvalidExecutionInput extends apiError('InvalidExecutionInput') {}
export class InvalidName extends apiError('InvalidName') {}
export class InvalidArn extends apiError('InvalidArn') {}
export class InvalidDefinition extends apiError('InvalidDefinition') {}
export class InvalidToken extends apiError('InvalidToken') {}
export class InvalidOutput extends apiError('InvalidOutput') {}
export class StateMachineDoesNotExist extends apiError('StateMachineDoesNotExist') {}
export class StateMachineAlreadyExists extends apiError('StateMachineAlreadyExists') {}
export class TaskDoesNotExist extends apiError('TaskDoesNotExist') {}
export class TaskTimedOut extends apiError('TaskTimedOut') {}
export class ValidationException extends apiError('ValidationException') {}
