/**
 * Static rules for the ASL file (STYLE.md, ARCHITECTURE.md): valid ASL, the local engine's subset
 * (JSONPath only), Retry and Catch habits, readable state names, no dead states, known placeholders.
 * Each rule is a function returning its findings; each is also shown to find a planted fault, so no
 * rule passes by never looking.
 */
import aslValidator from 'asl-validator';
import { LAMBDA_INVOKE, loadDefinition, PLACEHOLDERS, placeholdersIn, readAslText } from './harness';

interface Retrier {
  ErrorEquals: string[];
}
interface Catcher {
  ErrorEquals: string[];
  Next: string;
  ResultPath?: string | null;
}
interface AslState {
  Type: string;
  Resource?: string;
  Next?: string;
  Default?: string;
  Choices?: Array<{ Next?: string }>;
  Retry?: Retrier[];
  Catch?: Catcher[];
  [field: string]: unknown;
}
interface Asl {
  StartAt: string;
  States: Record<string, AslState>;
  [field: string]: unknown;
}

const LAMBDA_SERVICE_ERRORS = [
  'Lambda.ServiceException',
  'Lambda.AWSLambdaException',
  'Lambda.SdkClientException',
];
const EVENTBRIDGE_ERRORS = ['EventBridge.AmazonEventBridgeException', 'EventBridge.InternalException'];

/** `${name}` as written in the file. */
const placeholder = (name: string): string => `\${${name}}`;
const parse = (text: string): Asl => JSON.parse(text) as Asl;
const fileText = readAslText();
const states = (asl: Asl) => Object.entries(asl.States);

function validatorFindings(asl: unknown): string[] {
  const { isValid, errors } = aslValidator(asl);
  return isValid ? [] : errors.map((error) => `${error['Error code']}: ${error.Message}`);
}

/** Every Lambda Task retries the Lambda service errors; every other Task retries its service's. */
function missingServiceRetries(asl: Asl): string[] {
  return states(asl).flatMap(([name, state]) => {
    if (state.Type !== 'Task') return [];
    const expected = state.Resource?.startsWith(LAMBDA_INVOKE) ? LAMBDA_SERVICE_ERRORS : EVENTBRIDGE_ERRORS;
    const retried = new Set((state.Retry ?? []).flatMap((retrier) => retrier.ErrorEquals));
    const missing = expected.filter((error) => !retried.has(error));
    return missing.length === 0 ? [] : [`${name}: no Retry for ${missing.join(', ')}`];
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

function unreachableStates(asl: Asl): string[] {
  const reached = new Set<string>();
  const queue = [asl.StartAt];
  for (let name = queue.shift(); name !== undefined; name = queue.shift()) {
    const state = asl.States[name];
    if (reached.has(name) || state === undefined) continue;
    reached.add(name);
    const targets = [
      state.Next,
      state.Default,
      ...(state.Choices ?? []).map((rule) => rule.Next),
      ...(state.Catch ?? []).map((catcher) => catcher.Next),
    ];
    for (const target of targets) if (target !== undefined) queue.push(target);
  }
  return Object.keys(asl.States).filter((name) => !reached.has(name));
}

function unknownPlaceholders(text: string): string[] {
  const known: readonly string[] = PLACEHOLDERS;
  return [...new Set(placeholdersIn(text))].filter((name) => !known.includes(name));
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

  it('every Task retries its service errors (Lambda.ServiceException, AWSLambdaException, SdkClientException)', () => {
    // Prepare
    const asl = parse(fileText);

    // Act
    const findings = missingServiceRetries(asl);

    // Assess
    expect(findings).toEqual([]);
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
  });

  it('every substitution placeholder is one of the six the stack substitutes, and every Lambda is named by one', () => {
    // Prepare
    const asl = parse(fileText);

    // Act
    const unknown = unknownPlaceholders(fileText);
    const functionNames = states(asl)
      .filter(([, s]) => s.Resource?.startsWith(LAMBDA_INVOKE))
      .map(([, s]) => (s.Parameters as { FunctionName?: string } | undefined)?.FunctionName ?? '');

    // Assess
    expect(unknown).toEqual([]);
    expect(new Set(placeholdersIn(fileText))).toEqual(new Set(PLACEHOLDERS));
    for (const name of functionNames) expect(name).toMatch(/^\$\{[A-Za-z]+FunctionArn\}$/);
  });

  describe('each rule finds a planted fault', () => {
    it.each<[string, () => string[], string[]]>([
      [
        'asl-validator: a Next to no state',
        () =>
          validatorFindings(
            planted((asl) => {
              state(asl, 'Close case').Next = 'Nowhere';
            }),
          ),
        [
          'MISSING_TRANSITION_TARGET: State Announce case resolved is not reachable',
          "MISSING_TRANSITION_TARGET: Missing 'StartAt'|'Next'|'Default' target: Nowhere",
        ],
      ],
      [
        'service retries: a Lambda task without Retry',
        () =>
          missingServiceRetries(
            planted((asl) => {
              delete state(asl, 'Write off the debt').Retry;
            }),
          ),
        [`Write off the debt: no Retry for ${LAMBDA_SERVICE_ERRORS.join(', ')}`],
      ],
      [
        'service retries: a putEvents task retrying only States.TaskFailed',
        () =>
          missingServiceRetries(
            planted((asl) => {
              state(asl, 'Announce case opened').Retry = [{ ErrorEquals: ['States.TaskFailed'] }];
            }),
          ),
        [`Announce case opened: no Retry for ${EVENTBRIDGE_ERRORS.join(', ')}`],
      ],
      [
        'Catch: no ResultPath',
        () =>
          catchesLosingInput(
            planted((asl) => {
              for (const catcher of state(asl, 'Await resolution after notice').Catch ?? [])
                delete catcher.ResultPath;
            }),
          ),
        ['Await resolution after notice: Catch States.Timeout has no ResultPath'],
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
              Object.assign(state(asl, 'Close case'), {
                QueryLanguage: 'JSONata',
                Assign: { at: '{% $now() %}' },
              });
            }),
          ),
        [
          '$.States.Close case: QueryLanguage JSONata',
          '$.States.Close case: Assign',
          '$.States.Close case.Assign.at: JSONata expression',
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
        'placeholders: a misspelt substitution',
        () =>
          unknownPlaceholders(
            fileText.replace(placeholder('CloseCaseFunctionArn'), placeholder('CloseCaseFunction')),
          ),
        ['CloseCaseFunction'],
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
