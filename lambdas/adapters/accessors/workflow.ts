import { ENV, requireEnv } from '../../shared/config';
import { firstUse } from '../../shared/first-use';
import { stepFunctionsClient } from '../clients/sfn';
import { StepFunctionsCaseWorkflow } from '../sfn-workflow';

/** The state machine's ARN is read only to start an execution: answering a task needs none. */
export const workflow = firstUse(
  () => new StepFunctionsCaseWorkflow(stepFunctionsClient(), () => requireEnv(ENV.stateMachineArn)),
);
