import { config } from 'zod/mini';
import { fieldMessage } from './field-errors';

/**
 * The one way the Lambda code (lambdas/) reaches zod: its mini build, whose functions tree-shake,
 * instead of the classic entry that brings its fluent API and every locale into each bundle (biome.json
 * forbids `zod` elsewhere in lambdas/). Importing it sets the English messages of ./field-errors.ts, as
 * `customError`: classic zod, loaded in the same process by scripts or tests, only sets `localeError`,
 * which would otherwise replace ours depending on which was loaded last.
 */
config({ customError: fieldMessage });

export * from 'zod/mini';
