import { cases } from '../../adapters/accessors/cases';
import { AWAITING } from '../../domain/case';
import { checkCase } from '../../domain/services/ladder';
import * as z from '../../domain/zod';
import { workflowStep } from '../../shared/step';

const input = z.object({ caseId: z.string().check(z.minLength(1)), awaiting: z.enum(AWAITING) });

/** "Check what happened to the case": after a step found the case changed under it. */
export const handler = workflowStep(input, (step) => checkCase({ cases: cases() }, step));
