import { readFileSync, writeFileSync } from 'node:fs';
import * as path from 'node:path';
import {
  type ComplianceReport,
  checkCompliance,
  DEFAULT_NUMBERS,
  RULE_IDS,
  summarize,
} from '../../oracles/compliance';
import { generatePortfolio, type Portfolio } from '../../oracles/scenarios/portfolio';
import { type RunResult, runPortfolio } from '../../oracles/scenarios/run-local';

/**
 * A seeded random portfolio on the real local runtime (the synthesized app in `cdk.out`), checked by
 * the independent compliance checker: whatever the customers and agents do, nothing that left the
 * system may break a compliance rule.
 *
 * SCENARIO_SEED, SCENARIO_CASES and SCENARIO_DAYS override the seed, the number of cases and the
 * virtual days; the seed is printed, so a failing run can be replayed with it. SCENARIO_REPORT=<file>
 * writes the checker's whole report (every violation with its evidence) there.
 */
const ROOT = path.join(__dirname, '..', '..');
const SEED = Number(process.env.SCENARIO_SEED ?? 20_260_216);
const CASES = Number(process.env.SCENARIO_CASES ?? 200);
const DAYS = Number(process.env.SCENARIO_DAYS ?? 150);
/** 2026-02-16: the run crosses the start of daylight saving time in the US (March 8). */
const START = Date.parse('2026-02-16T00:00:00Z');

// A few minutes of wall time on two cores: see docs/compliance.md for the measurements.
jest.setTimeout(20 * 60_000);

/** The pre-notice waits of the default policy; the windows and caps are the law's (DEFAULT_NUMBERS). */
function policyNumbers() {
  const policy = JSON.parse(readFileSync(path.join(ROOT, 'policies', 'default.json'), 'utf8'));
  const preNotice = policy.stages.CREDIT_PRE_NOTICE as { waitDays: number; waitDaysUS: number };
  return {
    ...DEFAULT_NUMBERS,
    profiles: {
      CN: { ...DEFAULT_NUMBERS.profiles.CN, preNoticeDays: preNotice.waitDays },
      US: { ...DEFAULT_NUMBERS.profiles.US, preNoticeDays: preNotice.waitDaysUS },
    },
  };
}

let portfolio: Portfolio;
let run: RunResult;
let report: ComplianceReport;

beforeAll(async () => {
  portfolio = generatePortfolio({ seed: SEED, cases: CASES, start: START, days: DAYS });
  const began = performance.now();
  run = await runPortfolio(portfolio, { cdkOut: path.join(ROOT, 'cdk.out'), projectRoot: ROOT });
  report = checkCompliance(run.record, policyNumbers());
  if (process.env.SCENARIO_REPORT)
    writeFileSync(process.env.SCENARIO_REPORT, JSON.stringify(report, null, 2));
  const seconds = ((performance.now() - began) / 1000).toFixed(0);
  console.log(
    [
      `scenario seed ${SEED} (SCENARIO_SEED=${SEED} to replay): ${CASES} cases of ${portfolio.customers.length} customers over ${DAYS} days, ${seconds} s`,
      `${run.record.messages.length} messages, ${run.stats.requests['claim 200'] ?? 0} calls and visits claimed`,
      summarize(report),
    ].join('\n'),
  );
});

describe(`a random portfolio (seed ${SEED}) on the local runtime`, () => {
  test('every case opened and no request failed', () => {
    expect(run.stats.requests['open 201']).toBe(CASES);
    expect(run.stats.failures).toEqual([]);
    expect(run.record.cases).toHaveLength(CASES);
  });

  test('what left the system breaks no compliance rule', () => {
    const examples = RULE_IDS.flatMap((rule) => {
      const example = report.violations.find((violation) => violation.rule === rule);
      return example ? [`${rule} ${example.caseId} at ${example.at}: ${example.reason}`] : [];
    });

    expect({ counts: report.counts, examples }).toEqual({
      counts: Object.fromEntries(RULE_IDS.map((rule) => [rule, 0])),
      examples: [],
    });
    expect(report.unjudged).toEqual([]);
  });

  test('the checker is not blind to this run: a reminder planted at 23:00 local in its own record is caught', () => {
    // Prepare: the run's record, plus one reminder to a Shanghai customer at 23:00 her time
    const customer = run.record.customers.find((c) => c.timezone === 'Asia/Shanghai');
    const anyCase = run.record.cases.find((c) => c.customerId === customer?.customerId);
    if (!customer || !anyCase) throw new Error('the portfolio has no Shanghai customer with a case');
    const planted = {
      ...run.record,
      messages: [
        ...run.record.messages,
        {
          channel: 'SMS' as const,
          caseId: anyCase.caseId,
          customerId: customer.customerId,
          kind: 'REMINDER',
          at: '2026-03-20T15:00:00.000Z',
        },
      ],
    };

    // Act
    const plantedReport = checkCompliance(planted, policyNumbers());

    // Assess
    expect(plantedReport.counts.CONTACT_WINDOW).toBe(report.counts.CONTACT_WINDOW + 1);
  });
});
