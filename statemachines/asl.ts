/**
 * The part of Amazon States Language (JSONPath) that this project's state machines use, as plain
 * types, and the few helpers that are not about any one workflow. A definition built from these is
 * written to its `.asl.json` file by `npm run asl` (scripts/write-asl.ts); the file is what CDK
 * deploys and what the local engine runs.
 */

/** A path into the state's data (`$.…`) or the context object (`$$.…`). */
export type Path = `$${string}`;

export interface Retrier {
  ErrorEquals: readonly string[];
  IntervalSeconds?: number;
  MaxAttempts: number;
  BackoffRate?: number;
  MaxDelaySeconds?: number;
  JitterStrategy?: 'FULL' | 'NONE';
}

export interface Catcher {
  ErrorEquals: readonly string[];
  ResultPath: Path | null;
  Next: string;
}

/** The comparison part of a Choice rule (a rule is a condition and a `Next`). */
export type Condition =
  | { Variable: Path; StringEquals: string }
  | { Variable: Path; BooleanEquals: boolean }
  | { Variable: Path; IsPresent: boolean }
  | { Not: Condition }
  | { Or: Condition[] };

export type ChoiceRule = Condition & { Next: string };

/** Task parameters: a key ending in `.$` takes a path, any other a value. */
export interface Parameters {
  [key: string]: string | number | boolean | null | Parameters | Parameters[];
}

export interface TaskState {
  Comment?: string;
  Type: 'Task';
  Resource: string;
  Parameters: Parameters;
  TimeoutSecondsPath?: Path;
  ResultSelector?: Record<string, Path>;
  ResultPath: Path | null;
  Retry: readonly Retrier[];
  Catch?: Catcher[];
  Next: string;
}

export interface ChoiceState {
  Comment?: string;
  Type: 'Choice';
  Choices: ChoiceRule[];
  Default: string;
}

export interface WaitState {
  Comment?: string;
  Type: 'Wait';
  Seconds?: number;
  TimestampPath?: Path;
  Next: string;
}

export interface SucceedState {
  Comment?: string;
  Type: 'Succeed';
}

export interface FailState {
  Comment?: string;
  Type: 'Fail';
  Error: string;
  Cause: string;
}

export type State = TaskState | ChoiceState | WaitState | SucceedState | FailState;

export interface StateMachine {
  Comment: string;
  StartAt: string;
  States: Record<string, State>;
}

/** The file as `npm run asl` writes it: two-space JSON and a final newline. */
export const aslText = (definition: StateMachine): string => `${JSON.stringify(definition, null, 2)}\n`;

type KeysOf<T> = keyof T & string;
/** The fields of T that hold a boolean. */
type BooleanKeys<T> = { [K in KeysOf<T>]: T[K] extends boolean ? K : never }[KeysOf<T>];

/**
 * A place in the state's data that holds a `T`: a step's result (its `ResultPath`) or the execution
 * input. Its paths are built from T's field names, so a field renamed in the domain type fails the
 * typecheck here instead of reading nothing at run time.
 */
export interface Slot<T> {
  readonly path: Path;
  /** The path of one of T's fields. */
  field(key: KeysOf<T>): Path;
  /** The slot one field down (a field that is itself an object). */
  within<K extends KeysOf<T>>(key: K): Slot<T[K]>;
  /** A Lambda task's ResultSelector and ResultPath that keep these fields of its result here. */
  keep(...keys: KeysOf<T>[]): { ResultSelector: Record<string, Path>; ResultPath: Path };
  /** A Lambda task's ResultSelector and ResultPath that keep its whole result as the field `key`. */
  keepWholeAs(key: KeysOf<T>): { ResultSelector: Record<string, Path>; ResultPath: Path };
  is<K extends KeysOf<T>>(key: K, value: Extract<T[K], string>): Condition;
  isTrue(key: BooleanKeys<T>): Condition;
  isPresent(key: KeysOf<T>): Condition;
}

export function slot<T>(path: Path): Slot<T> {
  const field = (key: string): Path => (path === '$' ? `$.${key}` : `${path}.${key}`);
  const selecting = (entries: Array<[string, Path]>) => ({
    ResultSelector: Object.fromEntries(entries.map(([key, from]) => [`${key}.$`, from])),
    ResultPath: path,
  });
  return {
    path,
    field,
    within: <K extends KeysOf<T>>(key: K) => slot<T[K]>(field(key)),
    keep: (...keys) => selecting(keys.map((key) => [key, `$.Payload.${key}`])),
    keepWholeAs: (key) => selecting([[key, '$.Payload']]),
    is: (key, value) => ({ Variable: field(key), StringEquals: value }),
    isTrue: (key) => ({ Variable: field(key), BooleanEquals: true }),
    isPresent: (key) => ({ Variable: field(key), IsPresent: true }),
  };
}

/** A Choice rule: when `condition` holds, go to `next`. */
export const when = (condition: Condition, next: string): ChoiceRule => ({ ...condition, Next: next });

/** A Catch of `errors` that keeps the error at `resultPath` and goes to `next`. */
export const catching = (errors: readonly string[], resultPath: Path, next: string): Catcher => ({
  ErrorEquals: errors,
  ResultPath: resultPath,
  Next: next,
});

/** `States.Format('template', paths…)`: a text with `{}` filled from the state's data. */
export const format = (template: string, ...paths: Path[]): string =>
  `States.Format('${template}', ${paths.join(', ')})`;
