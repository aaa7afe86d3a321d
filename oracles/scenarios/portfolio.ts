import { DAY, HOUR } from '../../test/support/time';
import { SeededRandom } from './random';

/**
 * A seeded portfolio of overdue cases and what their customers and the collections staff will do
 * with them: the same seed gives the same portfolio. Only intentions are planned here (pay the
 * outstanding amount, promise in 5 days, claim the due calls); the runner turns them into requests
 * with what the system answers at the time (a case id, the amount outstanding).
 */

export { DAY, HOUR } from '../../test/support/time';

export interface PortfolioOptions {
  seed: number;
  /** How many cases. */
  cases: number;
  /** Virtual start instant, epoch ms. */
  start: number;
  /** How many virtual days the run lasts. */
  days: number;
  /** Cases open during the first this-many days. */
  openWithinDays?: number;
  /** The share of claimed calls and visits made a while (5 minutes to 2 hours) after the claim. */
  lateCallShare?: number;
}

export type Country = 'CN' | 'US';

export interface PlannedCustomer {
  customerId: string;
  name: string;
  phone: string;
  email: string;
  locale: 'zh-CN' | 'en';
  timezone: string;
  country: Country;
  currency: 'CNY' | 'USD';
}

export const BEHAVIOURS = {
  NEVER_PAYS: 18,
  PAYS_IN_FULL: 18,
  PAYS_IN_PART: 10,
  PROMISE_KEPT: 8,
  PROMISE_BROKEN: 7,
  PLAN_KEPT: 6,
  PLAN_BROKEN: 6,
  EXTENDED_RETURN_KEPT: 3,
  EXTENDED_RETURN_BROKEN: 3,
  DISPUTE_UPHELD: 5,
  DISPUTE_REJECTED: 7,
  RETURNS: 9,
} as const;
export type Behaviour = keyof typeof BEHAVIOURS;

export type LegalOutcome = 'JUDGMENT' | 'SETTLED' | 'LOST' | 'WITHDRAWN';

export interface PlannedCase {
  rentalId: string;
  customerId: string;
  /** Minor units of the customer's currency. */
  amountDue: number;
  dueAt: number;
  openAt: number;
  behaviour: Behaviour;
  /** What legal staff decide if the case comes up for legal review, and what the court says after. */
  legal: { decision: 'APPROVE' | 'DECLINE'; outcome: LegalOutcome | null; outcomeAfterDays: number };
}

export type Intent =
  | { type: 'OPEN'; rentalId: string }
  | { type: 'PAY'; rentalId: string; share: number | 'OUTSTANDING' }
  | { type: 'RETURN'; rentalId: string; condition: 'GOOD' | 'DAMAGED' }
  | { type: 'PROMISE'; rentalId: string; inDays: number }
  | { type: 'PLAN'; rentalId: string; instalments: number; everyDays: number }
  | { type: 'PAY_INSTALMENT'; rentalId: string; index: number }
  | { type: 'EXTENDED_RETURN'; rentalId: string; inDays: number }
  | { type: 'DISPUTE'; rentalId: string }
  | { type: 'RULE_DISPUTE'; rentalId: string; outcome: 'UPHELD' | 'REJECTED' }
  | { type: 'OPT_OUT'; customerId: string; channel: 'SMS' | 'EMAIL' | 'CALL'; via: 'API' | 'STOP_REPLY' }
  | { type: 'AGENT_SHIFT'; queue: 'CALLS' | 'VISITS'; agent: string; debtors: number; shift: number }
  | { type: 'MAIL_LETTERS' }
  | { type: 'LEGAL_DESK' }
  | { type: 'LEGAL_OUTCOME'; rentalId: string; outcome: LegalOutcome }
  /** An agent who claimed a call or visit makes it later than the claim, and completes it then. */
  | { type: 'COMPLETE_LATER'; workItemId: string; outcome: string };

export interface Step {
  at: number;
  intent: Intent;
}

export interface Portfolio {
  seed: number;
  start: number;
  end: number;
  customers: PlannedCustomer[];
  cases: PlannedCase[];
  /** In time order. */
  steps: Step[];
  lateCallShare: number;
}

/** Where customers live: the profile follows the country, the contact window the time zone. */
export const HOMES: ReadonlyArray<{ weight: number; timezone: string; country: Country }> = [
  { weight: 30, timezone: 'Asia/Shanghai', country: 'CN' },
  { weight: 10, timezone: 'Asia/Urumqi', country: 'CN' },
  { weight: 5, timezone: 'America/Los_Angeles', country: 'CN' },
  { weight: 20, timezone: 'America/New_York', country: 'US' },
  { weight: 10, timezone: 'America/Chicago', country: 'US' },
  { weight: 15, timezone: 'America/Los_Angeles', country: 'US' },
  { weight: 10, timezone: 'Pacific/Honolulu', country: 'US' },
];

/** A random instant on day `day` (0 = the start's day) at any time of day, night included. */
const anyTimeOn = (random: SeededRandom, start: number, day: number) =>
  start + day * DAY + Math.floor(random.between(0, DAY) / 60_000) * 60_000;

export function generatePortfolio(options: PortfolioOptions): Portfolio {
  const random = new SeededRandom(options.seed);
  const end = options.start + options.days * DAY;
  const openWithin = options.openWithinDays ?? 40;
  const customers: PlannedCustomer[] = [];
  const cases: PlannedCase[] = [];
  const steps: Step[] = [];
  const add = (at: number, intent: Intent) => {
    if (at < end) steps.push({ at, intent });
  };

  while (cases.length < options.cases) {
    const customer = plannedCustomer(random, customers.length + 1);
    customers.push(customer);
    const firstOpen = anyTimeOn(random, options.start, random.between(0, openWithin));
    const caseCount = Math.min(options.cases - cases.length, random.pick([1, 1, 1, 2, 2, 3]));
    for (let n = 0; n < caseCount; n++) {
      const openAt = n === 0 ? firstOpen : Math.min(end - DAY, firstOpen + random.between(0, 20) * DAY);
      const planned = plannedCase(random, customer, `${customer.customerId}-rental-${n + 1}`, openAt);
      cases.push(planned);
      add(openAt, { type: 'OPEN', rentalId: planned.rentalId });
      for (const step of behaviourSteps(random, planned)) add(step.at, step.intent);
    }
    if (random.chance(0.12)) {
      const channel = random.weighted({ SMS: 4, EMAIL: 3, CALL: 3 } as const);
      // Some texts are stopped by replying STOP to the carrier rather than through the API.
      const via = channel === 'SMS' && random.chance(0.3) ? 'STOP_REPLY' : 'API';
      const at = firstOpen + random.between(0.5, 40) * DAY;
      add(at, { type: 'OPT_OUT', customerId: customer.customerId, channel, via });
    }
  }
  for (const step of staffSteps(random.fork(1), options.start, options.days)) add(step.at, step.intent);
  // Stable: steps of the same instant keep the order they were planned in.
  steps.sort((a, b) => a.at - b.at);
  const lateCallShare = options.lateCallShare ?? 0.15;
  return { seed: options.seed, start: options.start, end, customers, cases, steps, lateCallShare };
}

function plannedCustomer(random: SeededRandom, n: number): PlannedCustomer {
  const { timezone, country } = random.pickWeighted(HOMES);
  const serial = String(n).padStart(7, '0');
  return {
    customerId: `customer-${serial}`,
    name: country === 'CN' ? '王芳' : 'Alex Morgan',
    phone: country === 'CN' ? `+86139${serial}0` : `+1202${serial}`,
    email: `customer-${serial}@example.com`,
    locale: country === 'CN' ? 'zh-CN' : 'en',
    timezone,
    country,
    currency: country === 'CN' ? 'CNY' : 'USD',
  };
}

function plannedCase(
  random: SeededRandom,
  customer: PlannedCustomer,
  rentalId: string,
  openAt: number,
): PlannedCase {
  // Amounts either side of the field-visit and legal-review thresholds of the default policy.
  const amountDue = customer.currency === 'CNY' ? random.int(500, 9_000) * 100 : random.int(80, 1_200) * 100;
  const approve = random.chance(0.4);
  return {
    rentalId,
    customerId: customer.customerId,
    amountDue,
    // A few are a backlog handed over long after the due date: they reach the write-off in the run.
    dueAt: openAt - (random.chance(0.06) ? random.int(100, 170) : random.int(1, 5)) * DAY,
    openAt,
    behaviour: random.weighted(BEHAVIOURS),
    legal: {
      decision: approve ? 'APPROVE' : 'DECLINE',
      outcome: approve
        ? random.pick<LegalOutcome | null>(['JUDGMENT', 'SETTLED', 'LOST', 'WITHDRAWN', null])
        : null,
      outcomeAfterDays: random.between(10, 60),
    },
  };
}

/** What the customer does with a case, at random times of day (late at night too). */
function behaviourSteps(random: SeededRandom, planned: PlannedCase): Step[] {
  const { rentalId } = planned;
  const after = (days: number) => planned.openAt + Math.floor((days * DAY) / 60_000) * 60_000;
  const first = after(random.between(0.2, 45));
  switch (planned.behaviour) {
    case 'NEVER_PAYS':
      return [];
    case 'PAYS_IN_FULL':
      return [{ at: first, intent: { type: 'PAY', rentalId, share: 'OUTSTANDING' } }];
    case 'RETURNS':
      return [
        {
          at: first,
          intent: { type: 'RETURN', rentalId, condition: random.chance(0.2) ? 'DAMAGED' : 'GOOD' },
        },
      ];
    case 'PAYS_IN_PART': {
      const steps: Step[] = [
        { at: first, intent: { type: 'PAY', rentalId, share: random.between(0.2, 0.6) } },
      ];
      if (random.chance(0.5)) {
        steps.push({
          at: first + random.between(2, 40) * DAY,
          intent: { type: 'PAY', rentalId, share: 'OUTSTANDING' },
        });
      }
      return steps;
    }
    case 'PROMISE_KEPT':
    case 'PROMISE_BROKEN': {
      const inDays = random.int(2, 14);
      const steps: Step[] = [{ at: first, intent: { type: 'PROMISE', rentalId, inDays } }];
      if (planned.behaviour === 'PROMISE_KEPT') {
        steps.push({
          at: first + random.between(0.1, inDays + 1) * DAY,
          intent: { type: 'PAY', rentalId, share: 'OUTSTANDING' },
        });
      }
      return steps;
    }
    case 'PLAN_KEPT':
    case 'PLAN_BROKEN': {
      const instalments = random.int(2, 4);
      const everyDays = random.int(7, 20);
      const kept = planned.behaviour === 'PLAN_KEPT' ? instalments : random.int(0, instalments - 1);
      const steps: Step[] = [{ at: first, intent: { type: 'PLAN', rentalId, instalments, everyDays } }];
      for (let index = 0; index < kept; index++) {
        const dueAt = first + (index + 1) * everyDays * DAY;
        steps.push({
          at: dueAt - random.between(0, 1.5) * DAY,
          intent: { type: 'PAY_INSTALMENT', rentalId, index },
        });
      }
      return steps;
    }
    case 'EXTENDED_RETURN_KEPT':
    case 'EXTENDED_RETURN_BROKEN': {
      const inDays = random.int(5, 25);
      const steps: Step[] = [{ at: first, intent: { type: 'EXTENDED_RETURN', rentalId, inDays } }];
      if (planned.behaviour === 'EXTENDED_RETURN_KEPT') {
        steps.push({
          at: first + (inDays - random.between(0, 3)) * DAY,
          intent: { type: 'RETURN', rentalId, condition: 'GOOD' },
        });
      }
      return steps;
    }
    case 'DISPUTE_UPHELD':
    case 'DISPUTE_REJECTED':
      return [
        { at: first, intent: { type: 'DISPUTE', rentalId } },
        {
          at: first + random.between(1, 20) * DAY,
          intent: {
            type: 'RULE_DISPUTE',
            rentalId,
            outcome: planned.behaviour === 'DISPUTE_UPHELD' ? 'UPHELD' : 'REJECTED',
          },
        },
      ];
  }
}

/**
 * What the collections staff do: call agents two shifts a day and a visit team once a day, at
 * random times (some at night in some customers' zones: those claims must be refused), each shift
 * taking on a few debtors and claiming all of their due tasks at once (some beyond the caps); the
 * post room mails letters every day; legal staff decide reviews every other day.
 */
function staffSteps(random: SeededRandom, start: number, days: number): Step[] {
  const steps: Step[] = [];
  let shift = 0;
  for (let day = 0; day < days; day++) {
    for (let n = 0; n < 2; n++) {
      shift += 1;
      steps.push({
        at: anyTimeOn(random, start, day),
        intent: {
          type: 'AGENT_SHIFT',
          queue: 'CALLS',
          agent: `agent-${random.int(1, 9)}`,
          debtors: random.int(2, 5),
          shift,
        },
      });
    }
    shift += 1;
    steps.push({
      at: anyTimeOn(random, start, day),
      intent: {
        type: 'AGENT_SHIFT',
        queue: 'VISITS',
        agent: `visitor-${random.int(1, 3)}`,
        debtors: random.int(1, 2),
        shift,
      },
    });
    steps.push({ at: anyTimeOn(random, start, day), intent: { type: 'MAIL_LETTERS' } });
    if (day % 2 === 0) steps.push({ at: start + day * DAY + 2 * HOUR, intent: { type: 'LEGAL_DESK' } });
  }
  return steps;
}
