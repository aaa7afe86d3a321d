/**
 * Static rules for the ASL file (the project's conventions): valid ASL, the local engine's subset
 * (JSONPath only), Retry and Catch habits, readable state names, no dead states, known placeholders,
 * and no state reading a path that some way into it never set. Each rule is a function returning its
 * findings; each is also shown to find a planted fault, so no rule passes by never looking.
 */
import aslValidator from 'asl-validator';
import { STAGE_STATES, STATE } from '../../statemachines/overdue-case';
import {
  LAMBDA_INVOKE,
  loadDefinition,
  PLACEHOLDERS,
  PUT_EVENTS,
  placeholdersIn,
  readAslText,
  SNS_PUBLISH,
  STEP_PLACEHOLDERS,
} from './harness';

interface Retrier {
  ErrorEquals: string[];
}
interface Catcher {
  ErrorEquals: string[];
  Next: string;
  ResultPath?: string | null;
}
interface ChoiceRule {
  Variable?: string;
  Next?: string;
  And?: ChoiceRule[];
  Or?: ChoiceRule[];
  Not?: ChoiceRule;
  [operator: string]: unknown;
}
interface AslState {
  Type: string;
  Resource?: string;
  Next?: string;
  Default?: string;
  Choices?: ChoiceRule[];
  Retry?: Retrier[];
  Catch?: Catcher[];
  Parameters?: Record<string, unknown>;
  ResultPath?: string | null;
  [field: string]: unknown;
}
interface Asl {
  StartAt: string;
  States: Record<string, AslState>;
  [field: string]: unknown;
}

const WAIT_FOR_TOKEN = `${LAMBDA_INVOKE}.waitForTaskToken`;
/** The three Lambda errors, and throttling (Lambda's own advice for its integration). */
const LAMBDA_SERVICE_ERRORS = [
  'Lambda.ServiceException',
  'Lambda.AWSLambdaException',
  'Lambda.SdkClientException',
  'Lambda.TooManyRequestsException',
];
const EVENTBRIDGE_ERRORS = ['EventBridge.AmazonEventBridgeException', 'EventBridge.InternalException'];
const SNS_ERRORS = ['SNS.InternalErrorException', 'SNS.ThrottledException'];
/** The service errors each resource's tasks must retry. */
const SERVICE_ERRORS: Record<string, string[]> = {
  [LAMBDA_INVOKE]: LAMBDA_SERVICE_ERRORS,
  [WAIT_FOR_TOKEN]: LAMBDA_SERVICE_ERRORS,
  [PUT_EVENTS]: EVENTBRIDGE_ERRORS,
  [SNS_PUBLISH]: SNS_ERRORS,
};
/** What the execution input always holds (the starter and "Continue the case…" both send it). */
const EXECUTION_INPUT = ['$.caseId'];

/** `${name}` as written in the file. */
const placeholder = (name: string): string => `\${${name}}`;
const parse = (text: string): Asl => JSON.parse(text) as Asl;
const fileText = readAslText();
const states = (asl: Asl) => Object.entries(asl.States);
const isNotification = (state: AslState) => state.Resource === PUT_EVENTS || state.Resource === SNS_PUBLISH;

function validatorFindings(asl: unknown): string[] {
  const { isValid, errors } = aslValidator(asl);
  return isValid ? [] : errors.map((error) => `${error['Error code']}: ${error.Message}`);
}

/** Every Task retries its service's errors: Lambda's for Lambda tasks, EventBridge's, SNS's. */
function missingServiceRetries(asl: Asl): string[] {
  return states(asl).flatMap(([name, state]) => {
    if (state.Type !== 'Task') return [];
    const expected = SERVICE_ERRORS[state.Resource ?? ''];
    if (expected === undefined) return [`${name}: no rule for the resource ${state.Resource}`];
    const retried = new Set((state.Retry ?? []).flatMap((retrier) => retrier.ErrorEquals));
    const missing = expected.filter((error) => !retried.has(error));
    return missing.length === 0 ? [] : [`${name}: no Retry for ${missing.join(', ')}`];
  });
}

/** An announcement or alert never ends the case: it catches everything and goes on where it would have. */
function notificationsThatCanStopTheCase(asl: Asl): string[] {
  return states(asl).flatMap(([name, state]) => {
    if (!isNotification(state)) return [];
    const catchAll = (state.Catch ?? []).find((catcher) => catcher.ErrorEquals.includes('States.ALL'));
    if (catchAll === undefined) return [`${name}: does not catch States.ALL`];
    return catchAll.Next === state.Next
      ? []
      : [`${name}: its Catch goes to ${catchAll.Next}, not ${state.Next}`];
  });
}

/** A Catch without ResultPath (or with `$`) replaces the state's input with the error. */
function catchesLosingInput(asl: Asl): string[] {
  return states(asl).flatMap(([name, state]) =>
    (state.Catch ?? [])
      .filter((catcher) => !('ResultPath' in catcher) || catcher.ResultPath === '$')
      .map((catcher) => `${name}: Catch ${catcher.ErrorEquals.join('|')} has no ResultPath`),
  );
}

/** A callback that nobody answers must not wait forever: a timeout, and a Catch for it. */
function awaitsWithoutTimeout(asl: Asl): string[] {
  return states(asl).flatMap(([name, state]) => {
    if (state.Resource !== WAIT_FOR_TOKEN) return [];
    const findings: string[] = [];
    if (state.TimeoutSeconds === undefined && state.TimeoutSecondsPath === undefined)
      findings.push(`${name}: no timeout`);
    if (!(state.Catch ?? []).some((catcher) => catcher.ErrorEquals.includes('States.Timeout')))
      findings.push(`${name}: does not catch States.Timeout`);
    return findings;
  });
}

function namesThatAreNotSentences(asl: Asl): string[] {
  return Object.keys(asl.States).filter((name) => !/^[A-Z]/.test(name) || !name.includes(' '));
}

/** JSONata and variables: asl-validator accepts them, the local engine does not run them. */
function jsonataOrVariables(asl: Asl): string[] {
  const findings: string[] = [];
  const visit = (value: unknown, where: string): void => {
    if (typeof value === 'string' && /^\{%[\s\S]*%\}$/.test(value.trim())) {
      findings.push(`${where}: JSONata expression`);
    } else if (Array.isArray(value)) {
      value.forEach((item, index) => {
        visit(item, `${where}[${index}]`);
      });
    } else if (typeof value === 'object' && value !== null) {
      for (const [key, child] of Object.entries(value)) {
        if (key === 'QueryLanguage' && child !== 'JSONPath')
          findings.push(`${where}: QueryLanguage ${child}`);
        if (key === 'Assign') findings.push(`${where}: Assign`);
        visit(child, `${where}.${key}`);
      }
    }
  };
  visit(asl, '$');
  return findings;
}

/** Where each state can go: Next, Default, Choices, and each Catch (with the path it writes). */
function transitions(state: AslState): Array<{ to: string; writes: string | null | undefined }> {
  const normal = state.Type === 'Task' || state.Type === 'Pass' ? state.ResultPath : null;
  return [
    ...(state.Next === undefined ? [] : [{ to: state.Next, writes: normal }]),
    ...(state.Default === undefined ? [] : [{ to: state.Default, writes: null }]),
    ...(state.Choices ?? []).flatMap((rule) =>
      rule.Next === undefined ? [] : [{ to: rule.Next, writes: null }],
    ),
    ...(state.Catch ?? []).map((catcher) => ({ to: catcher.Next, writes: catcher.ResultPath })),
  ];
}

function unreachableStates(asl: Asl): string[] {
  const reached = new Set<string>();
  const queue = [asl.StartAt];
  for (let name = queue.shift(); name !== undefined; name = queue.shift()) {
    const state = asl.States[name];
    if (reached.has(name) || state === undefined) continue;
    reached.add(name);
    queue.push(...transitions(state).map(({ to }) => to));
  }
  return Object.keys(asl.States).filter((name) => !reached.has(name));
}

/**
 * The `$.…` paths a state reads: Choice variables (but for IsPresent, and but for a path an earlier
 * rule `Not IsPresent` already sent elsewhere: rules are tried in order), *Path fields, Parameters.
 */
function pathsRead(state: AslState): string[] {
  const reads: string[] = [];
  const absentGoesElsewhere = new Set<string>();
  const rule = (choice: ChoiceRule): void => {
    for (const inner of [...(choice.And ?? []), ...(choice.Or ?? []), ...(choice.Not ? [choice.Not] : [])])
      rule(inner);
    if (
      choice.Variable !== undefined &&
      !('IsPresent' in choice) &&
      !absentGoesElsewhere.has(choice.Variable)
    )
      reads.push(choice.Variable);
  };
  for (const choice of state.Choices ?? []) {
    rule(choice);
    const absent = choice.Not?.IsPresent === true ? choice.Not.Variable : undefined;
    if (absent !== undefined) absentGoesElsewhere.add(absent);
  }
  for (const field of ['TimeoutSecondsPath', 'HeartbeatSecondsPath', 'TimestampPath', 'SecondsPath']) {
    const value = state[field];
    if (typeof value === 'string') reads.push(value);
  }
  const visit = (value: unknown, key: string): void => {
    if (typeof value === 'string' && key.endsWith('.$')) {
      reads.push(...(value.match(/(?<![$\w])\$\.[\w.]+/g) ?? []));
    } else if (typeof value === 'object' && value !== null) {
      for (const [childKey, child] of Object.entries(value)) visit(child, childKey);
    }
  };
  visit(state.Parameters, '');
  return reads.filter((read) => read.startsWith('$.'));
}

/**
 * A path read that some way into the state never wrote: AWS fails the execution with States.Runtime
 * ("Invalid path"), which no Catch can catch. The paths every way into a state sets (a must-analysis
 * over Next, Choices, Default and Catch, writing each ResultPath) must cover every path it reads.
 */
function pathsReadButNotAlwaysSet(asl: Asl): string[] {
  const written = (before: ReadonlySet<string>, writes: string | null | undefined): Set<string> => {
    if (writes === null) return new Set(before);
    if (writes === undefined || writes === '$') return new Set();
    return new Set([...before, writes]);
  };
  const setOnEntry = new Map<string, Set<string>>([[asl.StartAt, new Set(EXECUTION_INPUT)]]);
  const queue = [asl.StartAt];
  for (let name = queue.shift(); name !== undefined; name = queue.shift()) {
    const state = asl.States[name];
    const entry = setOnEntry.get(name);
    if (state === undefined || entry === undefined) continue;
    for (const { to, writes } of transitions(state)) {
      const arriving = written(entry, writes);
      const known = setOnEntry.get(to);
      const next = known === undefined ? arriving : new Set([...known].filter((path) => arriving.has(path)));
      if (known === undefined || next.size < known.size) {
        setOnEntry.set(to, next);
        queue.push(to);
      }
    }
  }
  return states(asl).flatMap(([name, state]) => {
    const set = [...(setOnEntry.get(name) ?? [])];
    return [...new Set(pathsRead(state))]
      .filter((read) => !set.some((path) => read === path || read.startsWith(`${path}.`)))
      .map((read) => `${name}: reads ${read}, which not every way into it sets`);
  });
}

function unknownPlaceholders(text: string): string[] {
  const known: readonly string[] = PLACEHOLDERS;
  return [...new Set(placeholdersIn(text))].filter((name) => !known.includes(name));
}

/** The field each integration's target is named by, and the placeholder pattern it must use. */
function targetsNotSubstituted(asl: Asl): string[] {
  return states(asl).flatMap(([name, state]) => {
    const parameters = (state.Parameters ?? {}) as {
      FunctionName?: string;
      TopicArn?: string;
      Entries?: Array<{ EventBusName?: string }>;
    };
    const targets: Array<[string | undefined, RegExp]> = [];
    if (state.Resource?.startsWith(LAMBDA_INVOKE))
      targets.push([parameters.FunctionName, /^\$\{[A-Za-z]+FunctionArn\}$/]);
    if (state.Resource === SNS_PUBLISH) targets.push([parameters.TopicArn, /^\$\{OpsTopicArn\}$/]);
    if (state.Resource === PUT_EVENTS)
      for (const entry of parameters.Entries ?? [])
        targets.push([entry.EventBusName, /^\$\{EventBusName\}$/]);
    return targets
      .filter(([target, pattern]) => target === undefined || !pattern.test(target))
      .map(([target]) => `${name}: targets ${String(target)}`);
  });
}

/** The file with a fault planted, for the rules' self-checks. */
function planted(change: (asl: Asl) => void): Asl {
  const asl = parse(fileText);
  change(asl);
  return asl;
}
const state = (asl: Asl, name: string): AslState => {
  const found = asl.States[name];
  if (!found) throw new Error(`no state '${name}' in the ASL file`);
  return found;
};

describe('statemachines/overdue-case.asl.json', () => {
  it('passes asl-validator, as written and with the placeholders substituted', () => {
    // Prepare
    const asWritten = parse(fileText);
    const substituted = parse(loadDefinition());

    // Act
    const findings = [...validatorFindings(asWritten), ...validatorFindings(substituted)];

    // Assess
    expect(findings).toEqual([]);
  });

  it('every Task retries its service errors: Lambda (also for callbacks), EventBridge, SNS', () => {
    // Prepare
    const asl = parse(fileText);

    // Act
    const findings = missingServiceRetries(asl);

    // Assess
    expect(findings).toEqual([]);
    const resources = new Set(states(asl).flatMap(([, s]) => (s.Type === 'Task' ? [s.Resource] : [])));
    expect(resources).toEqual(new Set(Object.keys(SERVICE_ERRORS)));
  });

  it('every announcement (putEvents) and ops alert (sns:publish) catches everything and goes on where it would have', () => {
    // Prepare
    const asl = parse(fileText);

    // Act
    const findings = notificationsThatCanStopTheCase(asl);

    // Assess
    expect(findings).toEqual([]);
    expect(states(asl).filter(([, s]) => isNotification(s))).toHaveLength(28);
  });

  it('every Catch has a ResultPath, so the input survives', () => {
    // Prepare
    const asl = parse(fileText);

    // Act
    const findings = catchesLosingInput(asl);

    // Assess
    expect(findings).toEqual([]);
    expect(states(asl).some(([, s]) => (s.Catch ?? []).length > 0)).toBe(true);
  });

  it('every callback task (.waitForTaskToken) has a timeout and catches it', () => {
    // Prepare
    const asl = parse(fileText);

    // Act
    const findings = awaitsWithoutTimeout(asl);

    // Assess
    expect(findings).toEqual([]);
    expect(states(asl).filter(([, s]) => s.Resource === WAIT_FOR_TOKEN)).toHaveLength(10);
  });

  it('every state name is a sentence ops staff can read (capital first, more than one word)', () => {
    // Prepare
    const asl = parse(fileText);

    // Act
    const findings = namesThatAreNotSentences(asl);

    // Assess
    expect(findings).toEqual([]);
  });

  it('uses JSONPath only: no JSONata, no Assign', () => {
    // Prepare
    const asl = parse(fileText);

    // Act
    const findings = jsonataOrVariables(asl);

    // Assess
    expect(findings).toEqual([]);
  });

  it('every state is reachable from StartAt', () => {
    // Prepare
    const asl = parse(fileText);

    // Act
    const findings = unreachableStates(asl);

    // Assess
    expect(findings).toEqual([]);
    expect(Object.keys(asl.States)).toHaveLength(125);
  });

  it('every path a state reads is set on every way into it (else States.Runtime, which nothing catches)', () => {
    // Prepare
    const asl = parse(fileText);

    // Act
    const findings = pathsReadButNotAlwaysSet(asl);

    // Assess
    expect(findings).toEqual([]);
  });

  it('a read of $.continueAt is safe only behind the rule that sends a fresh case (no continueAt) to "Open case"', () => {
    // Prepare: the first Choice without its `Not IsPresent` guard
    const asl = parse(fileText);
    const start = asl.States[asl.StartAt];
    if (!start?.Choices) throw new Error('the first state is not a Choice');
    start.Choices = start.Choices.filter((choice) => choice.Not === undefined);

    // Act
    const findings = pathsReadButNotAlwaysSet(asl);

    // Assess
    // (with the guard gone nothing leads to "Open case" any more, so its reads show up too)
    expect(findings).toContain(`${asl.StartAt}: reads $.continueAt, which not every way into it sets`);
    expect(pathsReadButNotAlwaysSet(parse(fileText))).toEqual([]);
  });

  it('the placeholders are exactly the 19 the stack substitutes, and every target is named by one', () => {
    // Prepare
    const asl = parse(fileText);

    // Act
    const unknown = unknownPlaceholders(fileText);
    const targets = targetsNotSubstituted(asl);

    // Assess
    expect(unknown).toEqual([]);
    expect(targets).toEqual([]);
    expect(new Set(placeholdersIn(fileText))).toEqual(new Set(PLACEHOLDERS));
    expect(PLACEHOLDERS).toHaveLength(19);
    expect(Object.keys(STEP_PLACEHOLDERS)).toHaveLength(17);
  });

  describe('each rule finds a planted fault', () => {
    it.each<[string, () => string[], string[]]>([
      [
        'asl-validator: a Next to no state',
        () =>
          validatorFindings(
            planted((asl) => {
              state(asl, STATE.closeCase).Next = 'Nowhere';
            }),
          ),
        [
          `MISSING_TRANSITION_TARGET: State ${STATE.wasRestrictionLifted} is not reachable`,
          "MISSING_TRANSITION_TARGET: Missing 'StartAt'|'Next'|'Default' target: Nowhere",
        ],
      ],
      [
        'service retries: a Lambda task without Retry',
        () =>
          missingServiceRetries(
            planted((asl) => {
              delete state(asl, STATE.writeOff).Retry;
            }),
          ),
        [`${STATE.writeOff}: no Retry for ${LAMBDA_SERVICE_ERRORS.join(', ')}`],
      ],
      [
        'service retries: a callback task retrying only States.TaskFailed',
        () =>
          missingServiceRetries(
            planted((asl) => {
              state(asl, STATE.holdForRuling).Retry = [{ ErrorEquals: ['States.TaskFailed'] }];
            }),
          ),
        [`${STATE.holdForRuling}: no Retry for ${LAMBDA_SERVICE_ERRORS.join(', ')}`],
      ],
      [
        'service retries: a putEvents task retrying only States.TaskFailed',
        () =>
          missingServiceRetries(
            planted((asl) => {
              state(asl, STATE.announceCaseOpened).Retry = [{ ErrorEquals: ['States.TaskFailed'] }];
            }),
          ),
        [`${STATE.announceCaseOpened}: no Retry for ${EVENTBRIDGE_ERRORS.join(', ')}`],
      ],
      [
        'service retries: an sns:publish task without Retry',
        () =>
          missingServiceRetries(
            planted((asl) => {
              delete state(asl, STATE.remindOpsOfReview).Retry;
            }),
          ),
        [`${STATE.remindOpsOfReview}: no Retry for ${SNS_ERRORS.join(', ')}`],
      ],
      [
        'service retries: a resource no rule knows',
        () =>
          missingServiceRetries(
            planted((asl) => {
              state(asl, STATE.closeCase).Resource = 'arn:aws:states:::dynamodb:updateItem';
            }),
          ),
        [`${STATE.closeCase}: no rule for the resource arn:aws:states:::dynamodb:updateItem`],
      ],
      [
        'notifications: an alert catching only its service errors, an announcement catching elsewhere',
        () =>
          notificationsThatCanStopTheCase(
            planted((asl) => {
              const alert = state(asl, STATE.alertRulingOverdue);
              alert.Catch = [{ ErrorEquals: SNS_ERRORS, Next: STATE.prepareDisputeWait }];
              const announcement = state(asl, STATE.announceReportFiled);
              announcement.Catch = [{ ErrorEquals: ['States.ALL'], Next: STATE.unknownResolution }];
            }),
          ),
        [
          `${STATE.announceReportFiled}: its Catch goes to ${STATE.unknownResolution}, not ${STATE.restrictAccount}`,
          `${STATE.alertRulingOverdue}: does not catch States.ALL`,
        ],
      ],
      [
        'Catch: no ResultPath',
        () =>
          catchesLosingInput(
            planted((asl) => {
              for (const catcher of state(asl, STAGE_STATES.OVERDUE_NOTICE.await).Catch ?? [])
                delete catcher.ResultPath;
            }),
          ),
        [`${STAGE_STATES.OVERDUE_NOTICE.await}: Catch States.Timeout has no ResultPath`],
      ],
      [
        'callback timeouts: an await without a timeout, another without its Catch',
        () =>
          awaitsWithoutTimeout(
            planted((asl) => {
              delete state(asl, STATE.awaitLegalOutcome).TimeoutSecondsPath;
              delete state(asl, STATE.awaitInstalment).Catch;
            }),
          ),
        [`${STATE.awaitLegalOutcome}: no timeout`, `${STATE.awaitInstalment}: does not catch States.Timeout`],
      ],
      [
        'sentences: a camelCase name',
        () =>
          namesThatAreNotSentences(
            planted((asl) => {
              asl.States.closeCase = { Type: 'Succeed' };
            }),
          ),
        ['closeCase'],
      ],
      [
        'JSONPath only: JSONata and Assign',
        () =>
          jsonataOrVariables(
            planted((asl) => {
              Object.assign(state(asl, STATE.closeCase), {
                QueryLanguage: 'JSONata',
                Assign: { at: '{% $now() %}' },
              });
            }),
          ),
        [
          `$.States.${STATE.closeCase}: QueryLanguage JSONata`,
          `$.States.${STATE.closeCase}: Assign`,
          `$.States.${STATE.closeCase}.Assign.at: JSONata expression`,
        ],
      ],
      [
        'reachability: an orphan state',
        () =>
          unreachableStates(
            planted((asl) => {
              asl.States['Orphan state'] = { Type: 'Succeed' };
            }),
          ),
        ['Orphan state'],
      ],
      [
        'paths set: a Catch that drops its result, a read of what the state itself writes',
        () => {
          // Only what the plant adds: the rule's findings on the file as it is are the test above.
          const before = new Set(pathsReadButNotAlwaysSet(parse(fileText)));
          const after = pathsReadButNotAlwaysSet(
            planted((asl) => {
              state(asl, STATE.restrictAccount).Catch = [
                {
                  ErrorEquals: ['States.ALL'],
                  ResultPath: '$.restrictionFailure',
                  Next: STATE.wasAccountRestricted,
                },
              ];
              const start = state(asl, STATE.startLegalAction).Parameters as {
                Payload: Record<string, string>;
              };
              start.Payload['reference.$'] = '$.legal.reference';
            }),
          );
          return after.filter((finding) => !before.has(finding));
        },
        [
          `${STATE.wasAccountRestricted}: reads $.restriction.outcome, which not every way into it sets`,
          `${STATE.announceRestrictionRequested}: reads $.restriction.detail, which not every way into it sets`,
          `${STATE.isAboveLegalThreshold}: reads $.restriction.legalReview, which not every way into it sets`,
          `${STATE.startLegalAction}: reads $.legal.reference, which not every way into it sets`,
        ],
      ],
      [
        'placeholders: a misspelt substitution',
        () =>
          unknownPlaceholders(
            fileText.replace(placeholder('CloseCaseFunctionArn'), placeholder('CloseCaseFunction')),
          ),
        ['CloseCaseFunction'],
      ],
      [
        'targets: a hard-coded function, topic and bus',
        () =>
          targetsNotSubstituted(
            planted((asl) => {
              const close = state(asl, STATE.closeCase).Parameters as { FunctionName: string };
              close.FunctionName = 'arn:aws:lambda:us-east-1:123456789012:function:close';
              const alert = state(asl, STATE.remindOpsOfReview).Parameters as {
                TopicArn: string;
              };
              alert.TopicArn = 'arn:aws:sns:us-east-1:123456789012:ops';
              const announce = state(asl, STATE.announceCaseOpened).Parameters as {
                Entries: Array<{ EventBusName: string }>;
              };
              for (const entry of announce.Entries) entry.EventBusName = 'default';
            }),
          ),
        [
          `${STATE.announceCaseOpened}: targets default`,
          `${STATE.remindOpsOfReview}: targets arn:aws:sns:us-east-1:123456789012:ops`,
          `${STATE.closeCase}: targets arn:aws:lambda:us-east-1:123456789012:function:close`,
        ],
      ],
    ])('%s', (_rule, check, expected) => {
      // Prepare: the fault is planted inside `check`, on a copy of the file

      // Act
      const findings = check();

      // Assess
      expect(findings).toEqual(expected);
    });
  });
});
