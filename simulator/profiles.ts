import { readFileSync } from 'node:fs';
import * as path from 'node:path';
import { z } from 'zod';
import { STAGES } from '../lambdas/domain/policy/schema';

/**
 * Behaviour profiles: what a kind of customer does with an overdue case, as data
 * (`simulator/profiles.json`, docs/simulator.md). The portfolio draws each case's profile from the
 * weights and then the profile's own numbers (a share, a number of days) from its ranges.
 */

const share = z.number().min(0).max(1);

/** `[min, max]` of a number drawn uniformly. */
const range = (item: z.ZodNumber) =>
  z.tuple([item, item]).refine(([min, max]) => min <= max, 'a [min, max] pair with min <= max');

const days = range(z.number().min(0).max(365));
const wholeDays = range(z.number().int().min(1).max(365));

const actionSchema = z.discriminatedUnion('type', [
  /** Never pays, returns or writes back. */
  z.strictObject({ type: z.literal('NONE') }),
  /** Pays what is outstanding then, in full. */
  z.strictObject({ type: z.literal('PAY') }),
  /** Pays a share of the outstanding amount; with `restChance`, the rest `restAfterDays` later. */
  z.strictObject({
    type: z.literal('PART_PAY'),
    // Drawn to the hundredth, so at least 0.01 and at most 0.99.
    firstShare: range(z.number().min(0.01).max(0.99)),
    restChance: share,
    restAfterDays: days,
  }),
  /** Promises to pay all of it in `inDays`; keeps the promise with `keptChance`. */
  z.strictObject({ type: z.literal('PROMISE'), inDays: wholeDays, keptChance: share }),
  /** Agrees `instalments` every `everyDays`; pays them all with `keptChance`, else stops before the last. */
  z.strictObject({
    type: z.literal('PLAN'),
    instalments: range(z.number().int().min(2).max(12)),
    everyDays: wholeDays,
    keptChance: share,
  }),
  /** Agrees to return the device in `inDays`; does so with `keptChance`. */
  z.strictObject({ type: z.literal('EXTENDED_RETURN'), inDays: wholeDays, keptChance: share }),
  z.strictObject({ type: z.literal('RETURN'), damagedChance: share }),
  /** Disputes the debt; people uphold it with `upheldChance`, `ruledAfterDays` later. */
  z.strictObject({ type: z.literal('DISPUTE'), upheldChance: share, ruledAfterDays: days }),
  /** Opts out of one channel, picked by weight; a text is stopped by a STOP reply with `stopReplyShare`. */
  z.strictObject({
    type: z.literal('OPT_OUT'),
    channels: z
      .strictObject({
        SMS: z.number().min(0),
        EMAIL: z.number().min(0),
        CALL: z.number().min(0),
      })
      .refine((weights) => weights.SMS + weights.EMAIL + weights.CALL > 0, 'at least one positive weight'),
    stopReplyShare: share,
  }),
]);

const profileSchema = z
  .strictObject({
    id: z.string().regex(/^[A-Z][A-Z0-9_]*$/, 'UPPER_SNAKE_CASE, e.g. PAYS_AFTER_NOTICE'),
    /** Relative: a profile of weight 2 is drawn twice as often as one of weight 1. */
    weight: z.number().positive().finite(),
    description: z.string().trim().min(1),
    /** When the customer acts: this many days (drawn from the range) after the stage's contact went out. */
    acts: z.strictObject({ after: z.enum(STAGES), withinDays: days }).optional(),
    action: actionSchema,
    /** The share of agents' calls to this customer that are answered. */
    calls: z.strictObject({ answeredShare: share }),
  })
  .superRefine((profile, context) => {
    if (profile.action.type === 'NONE' && profile.acts)
      context.addIssue({
        code: 'custom',
        path: ['acts'],
        message: 'a profile that does nothing has no acts',
      });
    if (profile.action.type !== 'NONE' && !profile.acts)
      context.addIssue({ code: 'custom', path: ['acts'], message: 'required: when the customer acts' });
  });

export const profileFileSchema = z
  .strictObject({
    version: z.number().int().positive(),
    description: z.string().optional(),
    profiles: z.array(profileSchema).min(1),
  })
  .superRefine((file, context) => {
    const seen = new Set<string>();
    file.profiles.forEach((profile, index) => {
      if (seen.has(profile.id))
        context.addIssue({ code: 'custom', path: ['profiles', index, 'id'], message: 'a duplicate id' });
      seen.add(profile.id);
    });
  });

export type ProfileFile = z.infer<typeof profileFileSchema>;
export type Profile = ProfileFile['profiles'][number];
export type ProfileAction = Profile['action'];

export interface ProfileIssue {
  /** Dotted path of the wrong field, the profile named by its id: `profiles[3: PROMISE_KEPT].action.keptChance`. */
  path: string;
  message: string;
}

export class ProfileFileError extends Error {
  override readonly name = 'ProfileFileError';
  constructor(
    readonly source: string,
    readonly issues: ProfileIssue[],
  ) {
    super(
      `${source} is not a valid profiles file:\n${issues.map((i) => `  ${i.path}: ${i.message}`).join('\n')}`,
    );
  }
}

/** The profiles of `input` (the parsed JSON), or a ProfileFileError naming every wrong field. */
export function parseProfiles(input: unknown, source = 'profiles'): ProfileFile {
  const parsed = profileFileSchema.safeParse(input);
  if (parsed.success) return parsed.data;
  throw new ProfileFileError(source, issuesOf(parsed.error, input));
}

export function loadProfiles(file: string): ProfileFile {
  let json: unknown;
  try {
    json = JSON.parse(readFileSync(file, 'utf8'));
  } catch (error) {
    throw new ProfileFileError(file, [{ path: '(file)', message: (error as Error).message }]);
  }
  return parseProfiles(json, file);
}

export const DEFAULT_PROFILES_FILE = path.join(__dirname, 'profiles.json');

export const loadDefaultProfiles = () => loadProfiles(DEFAULT_PROFILES_FILE);

function issuesOf(error: z.ZodError, input: unknown): ProfileIssue[] {
  return error.issues.flatMap((issue) => {
    const at =
      issue.code === 'unrecognized_keys' ? issue.keys.map((key) => [...issue.path, key]) : [issue.path];
    const message = issue.code === 'unrecognized_keys' ? 'unknown field' : issue.message;
    return at.map((keys) => ({ path: pathOf(keys, input) || '(file)', message }));
  });
}

/** `profiles[3: PROMISE_KEPT].action.keptChance`: the index and, when it has one, the profile's id. */
function pathOf(keys: readonly PropertyKey[], input: unknown): string {
  return keys
    .map((key, n) => {
      if (typeof key !== 'number') return `${n === 0 ? '' : '.'}${String(key)}`;
      const id = n === 1 && keys[0] === 'profiles' ? profileIdAt(input, key) : undefined;
      return id ? `[${key}: ${id}]` : `[${key}]`;
    })
    .join('');
}

function profileIdAt(input: unknown, index: number): string | undefined {
  const profiles = (input as { profiles?: unknown } | null)?.profiles;
  const id = Array.isArray(profiles) ? (profiles[index] as { id?: unknown } | null)?.id : undefined;
  return typeof id === 'string' ? id : undefined;
}
