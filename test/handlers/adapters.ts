import { cases } from '../../lambdas/adapters/accessors/cases';
import { customers } from '../../lambdas/adapters/accessors/customers';
import { timeline } from '../../lambdas/adapters/accessors/timeline';
import { workItems } from '../../lambdas/adapters/accessors/work-items';
import { workflow } from '../../lambdas/adapters/accessors/workflow';

/**
 * The handlers' own adapters (the same instances), for tests that seed or read what a handler stored.
 * One object here so tests keep their own variables named `timeline`, `customers`, ….
 */
export const adapters = { cases, customers, timeline, workItems, workflow };
