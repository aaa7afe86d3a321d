import {
  ExecutionAlreadyExists,
  InvalidToken,
  SendTaskSuccessCommand,
  type SFNClient,
  StartExecutionCommand,
  TaskDoesNotExist,
  TaskTimedOut,
} from '@aws-sdk/client-sfn';
import type { CaseWorkflow } from '../domain/ports';
import type { WorkflowResolution } from '../domain/resolution';

/**
 * One Step Functions execution per case, named by the case id. Resuming needs only the task token;
 * the state machine's ARN is read when an execution is started, so the workflow's own steps (which
 * cannot be given the ARN: that would be a deployment cycle) can still resume it.
 */
export class StepFunctionsCaseWorkflow implements CaseWorkflow {
  constructor(
    private readonly client: SFNClient,
    private readonly stateMachineArn: () => string,
  ) {}

  async start(caseId: string): Promise<void> {
    try {
      await this.client.send(
        new StartExecutionCommand({
          stateMachineArn: this.stateMachineArn(),
          name: caseId,
          input: JSON.stringify({ caseId }),
        }),
      );
    } catch (error) {
      // Same name and input while running is accepted by the service itself; a finished execution
      // of the case means the workflow already ran.
      if (!(error instanceof ExecutionAlreadyExists)) throw error;
    }
  }

  async continueAs(stateMachineArn: string, name: string, input: Record<string, unknown>): Promise<void> {
    try {
      await this.client.send(
        new StartExecutionCommand({ stateMachineArn, name, input: JSON.stringify(input) }),
      );
    } catch (error) {
      if (!(error instanceof ExecutionAlreadyExists)) throw error;
    }
  }

  closeRecovered(caseId: string): Promise<void> {
    return this.startNamed(`${caseId}-recovered`, { caseId, continueAt: 'CLOSE' });
  }

  startNamed(name: string, input: Record<string, unknown>): Promise<void> {
    return this.continueAs(this.stateMachineArn(), name, input);
  }

  async resume(token: string, resolution: WorkflowResolution): Promise<'resumed' | 'stale'> {
    try {
      await this.client.send(
        new SendTaskSuccessCommand({ taskToken: token, output: JSON.stringify(resolution) }),
      );
      return 'resumed';
    } catch (error) {
      if (
        error instanceof TaskTimedOut ||
        error instanceof TaskDoesNotExist ||
        error instanceof InvalidToken
      ) {
        return 'stale';
      }
      throw error;
    }
  }
}
