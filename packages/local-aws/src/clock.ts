/**
 * The local runtime's virtual clock: an ordered queue of deadlines plus a tracker of in-flight work.
 *
 * Nothing here touches the global timers' notion of time: Node turns any delay over 2^31-1 ms
 * (~24.8 days) into 1 ms, and faking timers process-wide would also speed up the servers' and the
 * SDK's own timers. Every Wait state, task timeout, retry backoff and queue redelivery is a deadline
 * on this queue instead.
 *
 * - `advanceTo(t)` pops due deadlines in time order (ties in scheduling order); before each one
 *   the clock stands at that deadline and the previous one's work has settled ("quiet").
 * - In real-time mode (speed > 0) virtual time flows at `speed` x wall time and a driver fires
 *   deadlines as they fall due. Speed 0 freezes the clock: only `advanceTo` moves it.
 */

export interface Scheduler {
  /** Virtual epoch milliseconds. */
  now(): number;
  /** Runs `run` when virtual time reaches `at` (at once, on the next turn, if `at` is not in the future). */
  schedule(at: number, label: string, run: () => unknown): TimerHandle;
  /** Registers work in flight so that `advance` waits for it before moving on. */
  track<T>(work: Promise<T>): Promise<T>;
}

export interface TimerHandle {
  readonly at: number;
  readonly label: string;
  cancel(): void;
}

interface Timer extends TimerHandle {
  readonly seq: number;
  readonly run: () => unknown;
  cancelled: boolean;
}

export interface ClockOptions {
  /** Virtual start instant, epoch ms. */
  start: number;
  /** Virtual ms per wall ms. 0 freezes the clock between advances. */
  speed: number;
  /** Wall clock source, injectable for tests. */
  wallNow?: () => number;
  /** Reports an error thrown by a deadline's work (the clock carries on). */
  onError?: (label: string, error: unknown) => void;
}

const MAX_DRIVER_SLEEP_MS = 1000;

export class VirtualClock implements Scheduler {
  private readonly timers: Timer[] = [];
  private seq = 0;
  private inFlight = 0;
  private quietWaiters: Array<() => void> = [];
  private anchorVirtual: number;
  private anchorWall: number;
  private frozen = 0;
  private readonly speed: number;
  private readonly wallNow: () => number;
  private readonly onError: (label: string, error: unknown) => void;
  private lock: Promise<void> = Promise.resolve();
  private driver: NodeJS.Timeout | undefined;
  private running = false;

  constructor(options: ClockOptions) {
    if (!Number.isFinite(options.start)) throw new RangeError('clock start must be a finite epoch ms');
    if (!(options.speed >= 0)) throw new RangeError('clock speed must be >= 0');
    this.speed = options.speed;
    this.wallNow = options.wallNow ?? Date.now;
    this.onError = options.onError ?? (() => undefined);
    this.anchorVirtual = Math.floor(options.start);
    this.anchorWall = this.wallNow();
  }

  now(): number {
    if (this.frozen > 0 || this.speed === 0) return this.anchorVirtual;
    return this.anchorVirtual + Math.floor((this.wallNow() - this.anchorWall) * this.speed);
  }

  schedule(at: number, label: string, run: () => unknown): TimerHandle {
    const timer: Timer = {
      at: Math.floor(at),
      label,
      seq: this.seq++,
      run,
      cancelled: false,
      cancel: () => {
        timer.cancelled = true;
        const index = this.timers.indexOf(timer);
        if (index >= 0) this.timers.splice(index, 1);
      },
    };
    // Insert keeping (at, seq) order; most inserts land near the end.
    let index = this.timers.length;
    while (index > 0 && (this.timers[index - 1] as Timer).at > timer.at) index--;
    this.timers.splice(index, 0, timer);
    if (timer.at <= this.now()) this.kick();
    else this.rearmDriver();
    return timer;
  }

  track<T>(work: Promise<T>): Promise<T> {
    this.inFlight++;
    const done = () => {
      this.inFlight--;
      if (this.inFlight === 0) this.checkQuiet();
    };
    work.then(done, done);
    return work;
  }

  /** Deadlines not yet fired, earliest first. */
  pending(): Array<{ at: number; label: string }> {
    return this.timers.map(({ at, label }) => ({ at, label }));
  }

  /** Resolves when no tracked work is in flight and none has started for two event-loop turns. */
  whenQuiet(): Promise<void> {
    return new Promise((resolve) => {
      this.quietWaiters.push(resolve);
      this.checkQuiet();
    });
  }

  /**
   * Fires every deadline up to `target` in time order, each one's work settling before the next,
   * then leaves the clock at `target` (or later, in real-time mode). Calls are serialised.
   */
  advanceTo(target: number): Promise<number> {
    return this.exclusive(async () => {
      this.freeze();
      try {
        await this.whenQuiet();
        let next = this.timers[0];
        while (next !== undefined && next.at <= target) {
          this.anchorVirtual = Math.max(this.anchorVirtual, next.at);
          await this.fire(next);
          await this.whenQuiet();
          next = this.timers[0];
        }
        this.anchorVirtual = Math.max(this.anchorVirtual, Math.floor(target));
      } finally {
        this.unfreeze();
      }
      return this.now();
    });
  }

  /** Starts the real-time driver (no-op at speed 0). */
  start(): void {
    this.running = true;
    this.rearmDriver();
  }

  stop(): void {
    this.running = false;
    if (this.driver) clearTimeout(this.driver);
    this.driver = undefined;
  }

  private freeze(): void {
    if (this.frozen === 0) {
      this.anchorVirtual = this.now();
      this.anchorWall = this.wallNow();
    }
    this.frozen++;
  }

  private unfreeze(): void {
    this.frozen--;
    if (this.frozen === 0) this.anchorWall = this.wallNow();
    this.rearmDriver();
  }

  private async fire(timer: Timer): Promise<void> {
    const index = this.timers.indexOf(timer);
    if (index >= 0) this.timers.splice(index, 1);
    if (timer.cancelled) return;
    try {
      await this.track(Promise.resolve().then(timer.run));
    } catch (error) {
      this.onError(timer.label, error);
    }
  }

  /** Fires deadlines already due (a timer scheduled in the past, or the real-time driver waking). */
  private kick(): void {
    setImmediate(() => {
      void this.exclusive(async () => {
        let next = this.timers[0];
        while (next !== undefined && next.at <= this.now()) {
          await this.fire(next);
          next = this.timers[0];
        }
      }).finally(() => {
        this.rearmDriver();
        this.checkQuiet();
      });
    });
  }

  private rearmDriver(): void {
    if (!this.running || this.speed === 0 || this.frozen > 0) return;
    if (this.driver) clearTimeout(this.driver);
    this.driver = undefined;
    const next = this.timers[0];
    if (next === undefined) return;
    const wallDelay = Math.max(0, (next.at - this.now()) / this.speed);
    this.driver = setTimeout(
      () => {
        this.driver = undefined;
        if (this.timers[0] !== undefined && this.timers[0].at <= this.now()) this.kick();
        else this.rearmDriver();
      },
      Math.min(MAX_DRIVER_SLEEP_MS, Math.ceil(wallDelay)),
    );
    this.driver.unref();
  }

  private exclusive<T>(work: () => Promise<T>): Promise<T> {
    const result = this.lock.then(work);
    this.lock = result.then(
      () => undefined,
      () => undefined,
    );
    return result;
  }

  /** A deadline already due is work about to start (its kick is queued), so not quiet yet. */
  private busy(): boolean {
    const next = this.timers[0];
    return this.inFlight > 0 || (this.frozen === 0 && next !== undefined && next.at <= this.now());
  }

  private checkQuiet(): void {
    if (this.quietWaiters.length === 0) return;
    // Two macrotask turns without tracked work: continuations chained on settled promises have run.
    setImmediate(() => {
      if (this.busy()) return;
      setImmediate(() => {
        if (this.busy()) return;
        const waiters = this.quietWaiters;
        this.quietWaiters = [];
        for (const resolve of waiters) resolve();
      });
    });
  }
}
