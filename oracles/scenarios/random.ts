/**
 * A small seeded random generator (mulberry32): the same seed gives the same numbers on every
 * machine, so a scenario is reproduced from its seed alone. Not for anything secret.
 */
export class SeededRandom {
  private state: number;

  constructor(seed: number) {
    this.state = seed >>> 0;
  }

  /** A float in [0, 1). */
  next(): number {
    this.state = (this.state + 0x6d2b79f5) >>> 0;
    let t = this.state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4_294_967_296;
  }

  /** An integer in [min, max]. */
  int(min: number, max: number): number {
    return min + Math.floor(this.next() * (max - min + 1));
  }

  /** A float in [min, max). */
  between(min: number, max: number): number {
    return min + this.next() * (max - min);
  }

  chance(probability: number): boolean {
    return this.next() < probability;
  }

  pick<T>(values: readonly T[]): T {
    if (values.length === 0) throw new RangeError('nothing to pick from');
    return values[Math.floor(this.next() * values.length)] as T;
  }

  /** One of the keys, each as likely as its weight. */
  weighted<K extends string>(weights: Readonly<Record<K, number>>): K {
    const entries = Object.entries(weights) as Array<[K, number]>;
    const total = entries.reduce((sum, [, weight]) => sum + weight, 0);
    let roll = this.next() * total;
    for (const [key, weight] of entries) {
      roll -= weight;
      if (roll < 0) return key;
    }
    return (entries.at(-1) as [K, number])[0];
  }

  /** One of the values, each as likely as its `weight`. */
  pickWeighted<T extends { weight: number }>(values: readonly T[]): T {
    const total = values.reduce((sum, value) => sum + value.weight, 0);
    let roll = this.next() * total;
    for (const value of values) {
      roll -= value.weight;
      if (roll < 0) return value;
    }
    return this.pick(values);
  }

  /** `count` distinct values of `values`, in random order. */
  sample<T>(values: readonly T[], count: number): T[] {
    const pool = [...values];
    for (let i = pool.length - 1; i > 0; i--) {
      const j = Math.floor(this.next() * (i + 1));
      [pool[i], pool[j]] = [pool[j] as T, pool[i] as T];
    }
    return pool.slice(0, count);
  }

  /** A generator of its own, so one part's draws do not shift another's. */
  fork(label: number): SeededRandom {
    return new SeededRandom((this.int(0, 0xffffffff) ^ Math.imul(label + 1, 0x9e3779b1)) >>> 0);
  }
}
