import type { Stage } from '../lambdas/domain/policy/schema';
import { HOMES } from '../oracles/scenarios/portfolio';
import type { SeededRandom } from '../oracles/scenarios/random';
import type { Profile, ProfileAction, ProfileFile } from './profiles';
import { randomFor } from './seeds';

/**
 * The simulator's synthetic portfolio: debtors (CN and US, in their time zones) with one to three
 * overdue rentals each, every case with its device, amount, due date and the behaviour drawn for its
 * customer. Plain data, no ids from the system: a backend turns it into requests.
 *
 * Every draw comes from a generator named by what it is for (`seeds.ts`): the debtors from
 * (seed, debtor d), a case from (seed, case i), its profile by a weighted race in which each profile
 * draws from (seed, case i, profile id), and that profile's numbers from (seed, case i, draws, id).
 * So the same seed gives the same portfolio whatever policy it is run under, and adding a profile only
 * moves to it the cases it wins, in its share: every other case keeps its profile and its numbers.
 */

export const DAY_MS = 86_400_000;

export type { Country } from '../oracles/scenarios/portfolio';

import type { Country } from '../oracles/scenarios/portfolio';
export type DeviceClass = 'PHONE' | 'LAPTOP' | 'TABLET' | 'CAMERA';

export interface PortfolioOptions {
  seed: number;
  cases: number;
  /** The first instant of the run, ISO 8601. */
  start: string;
  profiles: ProfileFile;
  /** Cases fall due within this many days of the start (the debtor's later rentals up to 20 days after). */
  dueWithinDays?: number;
}

export interface Debtor {
  index: number;
  country: Country;
  timezone: string;
  locale: 'zh-CN' | 'en';
  currency: 'CNY' | 'USD';
  /** Its cases' indexes. */
  cases: number[];
}

export interface SimulatedCase {
  index: number;
  debtor: number;
  /** 1 for the debtor's first rental, 2 for the second, … */
  rental: number;
  device: { class: DeviceClass; model: string };
  /** Minor units of the debtor's currency. */
  amountDue: number;
  dueAt: string;
  /** When the platform hands the case over (opens it): a few days after `dueAt`, for a backlog months. */
  openAt: string;
  profile: string;
  /** When the customer acts: `afterDays` after the contact of stage `after` went out; null: never. */
  acts: { after: Stage; afterDays: number } | null;
  action: CaseAction;
  /** The share of agents' calls this customer answers. */
  callsAnsweredShare: number;
  /** A seed for the backend's own draws for this case (is this call answered?). */
  seed: number;
}

/** A profile's action with its numbers drawn. Shares are of what is outstanding when it happens. */
export type CaseAction =
  | { type: 'NONE' }
  | { type: 'PAY' }
  | { type: 'PART_PAY'; firstShare: number; rest: { afterDays: number } | null }
  | { type: 'PROMISE'; inDays: number; kept: boolean }
  | { type: 'PLAN'; instalments: number; everyDays: number; instalmentsPaid: number }
  | { type: 'EXTENDED_RETURN'; inDays: number; kept: boolean }
  | { type: 'RETURN'; condition: 'GOOD' | 'DAMAGED' }
  | { type: 'DISPUTE'; upheld: boolean; ruledAfterDays: number }
  | { type: 'OPT_OUT'; channel: 'SMS' | 'EMAIL' | 'CALL'; via: 'API' | 'STOP_REPLY' };

export interface SimulatedPortfolio {
  seed: number;
  start: string;
  profilesVersion: number;
  debtors: Debtor[];
  cases: SimulatedCase[];
}

// Where debtors live: the homes of the scenario portfolio (the profile follows the country, the
// contact window the zone).

const CASES_PER_DEBTOR = { '1': 60, '2': 28, '3': 12 } as const;

/** Amounts in whole units of each currency, either side of the default policy's visit and legal thresholds. */
const DEVICES: Record<
  DeviceClass,
  { weight: number; models: readonly string[]; CNY: [number, number]; USD: [number, number] }
> = {
  PHONE: {
    weight: 50,
    models: ['iPhone 15 128GB', 'Pixel 8', 'Galaxy S24', 'Xiaomi 14'],
    CNY: [800, 6_000],
    USD: [120, 900],
  },
  LAPTOP: {
    weight: 20,
    models: ['MacBook Air 13', 'ThinkPad X1 Carbon', 'Dell XPS 13'],
    CNY: [3_000, 15_000],
    USD: [450, 2_200],
  },
  TABLET: { weight: 15, models: ['iPad Air', 'Galaxy Tab S9'], CNY: [1_000, 7_000], USD: [150, 1_000] },
  CAMERA: {
    weight: 15,
    models: ['Sony A7 IV', 'Fujifilm X-T5', 'DJI Osmo Pocket 3'],
    CNY: [1_500, 9_000],
    USD: [250, 1_400],
  },
};

const DEVICE_WEIGHTS = Object.fromEntries(
  Object.entries(DEVICES).map(([name, device]) => [name, device.weight]),
) as Record<DeviceClass, number>;

/** Rounded so the JSON stays short: days to about a minute and a half, shares to a hundredth. */
const roundDays = (days: number) => Math.round(days * 1000) / 1000;
const roundShare = (value: number) => Math.round(value * 100) / 100;
const drawDays = (random: SeededRandom, [min, max]: readonly [number, number]) =>
  roundDays(random.between(min, max));

export function generatePortfolio(options: PortfolioOptions): SimulatedPortfolio {
  const start = Date.parse(options.start);
  if (!Number.isFinite(start)) throw new RangeError(`start is not an ISO 8601 instant: ${options.start}`);
  if (!Number.isInteger(options.cases) || options.cases < 0) throw new RangeError('cases: a whole number');
  const dueWithinDays = options.dueWithinDays ?? 30;
  const debtors: Debtor[] = [];
  const cases: SimulatedCase[] = [];
  while (cases.length < options.cases) {
    const random = randomFor(options.seed, 'debtor', debtors.length);
    const home = random.pickWeighted(HOMES);
    const wanted = Number(random.weighted(CASES_PER_DEBTOR));
    const firstDueDay = random.between(0, dueWithinDays);
    const debtor: Debtor = {
      index: debtors.length,
      country: home.country,
      timezone: home.timezone,
      locale: home.country === 'CN' ? 'zh-CN' : 'en',
      currency: home.country === 'CN' ? 'CNY' : 'USD',
      cases: [],
    };
    debtors.push(debtor);
    for (let rental = 1; rental <= wanted && cases.length < options.cases; rental++) {
      const planned = simulatedCase(options, start, debtor, rental, firstDueDay, cases.length);
      debtor.cases.push(planned.index);
      cases.push(planned);
    }
  }
  return {
    seed: options.seed,
    start: options.start,
    profilesVersion: options.profiles.version,
    debtors,
    cases,
  };
}

function simulatedCase(
  options: PortfolioOptions,
  start: number,
  debtor: Debtor,
  rental: number,
  firstDueDay: number,
  index: number,
): SimulatedCase {
  const random = randomFor(options.seed, 'case', index);
  const deviceClass = random.weighted(DEVICE_WEIGHTS);
  const device = DEVICES[deviceClass];
  const [least, most] = device[debtor.currency];
  const dueDay = rental === 1 ? firstDueDay : firstDueDay + random.between(0, 20);
  // Due at a whole minute at any time of day; handed over 1-5 days later, or (a backlog) 100-170.
  const dueAt = start + Math.floor((dueDay * DAY_MS) / 60_000) * 60_000;
  const handoverDays = random.chance(0.05) ? random.int(100, 170) : random.int(1, 5);
  const openAt = dueAt + handoverDays * DAY_MS + random.int(0, 23 * 60) * 60_000;
  const caseSeed = random.int(0, 0xffffffff);
  const profile = drawProfile(options.seed, index, options.profiles.profiles);
  const draws = randomFor(options.seed, 'case', index, 'draws', profile.id);
  return {
    index,
    debtor: debtor.index,
    rental,
    device: { class: deviceClass, model: random.pick(device.models) },
    amountDue: random.int(least, most) * 100,
    dueAt: new Date(dueAt).toISOString(),
    openAt: new Date(openAt).toISOString(),
    profile: profile.id,
    acts: profile.acts
      ? { after: profile.acts.after, afterDays: drawDays(draws, profile.acts.withinDays) }
      : null,
    action: drawAction(draws, profile.action),
    callsAnsweredShare: profile.calls.answeredShare,
    seed: caseSeed,
  };
}

/**
 * A weighted race: each profile draws an exponential time with its weight as the rate and the
 * earliest wins, which picks each profile with probability weight / total. Each profile's draw is
 * its own, so a new profile takes only the cases it wins and leaves the others where they were.
 */
function drawProfile(seed: number, index: number, profiles: readonly Profile[]): Profile {
  let winner = profiles[0] as Profile;
  let earliest = Number.POSITIVE_INFINITY;
  for (const profile of profiles) {
    const time = -Math.log(1 - randomFor(seed, 'case', index, 'profile', profile.id).next()) / profile.weight;
    if (time < earliest) {
      earliest = time;
      winner = profile;
    }
  }
  return winner;
}

function drawAction(random: SeededRandom, action: ProfileAction): CaseAction {
  switch (action.type) {
    case 'NONE':
    case 'PAY':
      return { type: action.type };
    case 'PART_PAY': {
      const firstShare = roundShare(random.between(...action.firstShare));
      const rest = random.chance(action.restChance)
        ? { afterDays: drawDays(random, action.restAfterDays) }
        : null;
      return { type: 'PART_PAY', firstShare, rest };
    }
    case 'PROMISE':
      return {
        type: 'PROMISE',
        inDays: random.int(...action.inDays),
        kept: random.chance(action.keptChance),
      };
    case 'PLAN': {
      const instalments = random.int(...action.instalments);
      const everyDays = random.int(...action.everyDays);
      const instalmentsPaid = random.chance(action.keptChance) ? instalments : random.int(0, instalments - 1);
      return { type: 'PLAN', instalments, everyDays, instalmentsPaid };
    }
    case 'EXTENDED_RETURN':
      return {
        type: 'EXTENDED_RETURN',
        inDays: random.int(...action.inDays),
        kept: random.chance(action.keptChance),
      };
    case 'RETURN':
      return { type: 'RETURN', condition: random.chance(action.damagedChance) ? 'DAMAGED' : 'GOOD' };
    case 'DISPUTE':
      return {
        type: 'DISPUTE',
        upheld: random.chance(action.upheldChance),
        ruledAfterDays: drawDays(random, action.ruledAfterDays),
      };
    case 'OPT_OUT': {
      const channel = random.weighted(action.channels);
      const via = channel === 'SMS' && random.chance(action.stopReplyShare) ? 'STOP_REPLY' : 'API';
      return { type: 'OPT_OUT', channel, via };
    }
  }
}
