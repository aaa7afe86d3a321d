import { VirtualClock } from '../src/clock';

const START = Date.parse('2026-03-02T00:00:00Z');
const DAY = 86_400_000;

describe('VirtualClock', () => {
  test('fires deadlines in time order, ties in scheduling order, each at its own instant', async () => {
    // Prepare
    const clock = new VirtualClock({ start: START, speed: 0 });
    const fired: Array<[string, number]> = [];
    const record = (label: string) => () => {
      fired.push([label, clock.now() - START]);
    };
    clock.schedule(START + 3 * DAY, 'c', record('c'));
    clock.schedule(START + DAY, 'a', record('a'));
    clock.schedule(START + 3 * DAY, 'd', record('d'));
    clock.schedule(START + 2 * DAY, 'b', record('b'));

    // Act
    const now = await clock.advanceTo(START + 10 * DAY);

    // Assess
    expect(fired).toEqual([
      ['a', DAY],
      ['b', 2 * DAY],
      ['c', 3 * DAY],
      ['d', 3 * DAY],
    ]);
    expect(now).toBe(START + 10 * DAY);
  });

  test('a deadline beyond 2^31-1 ms (~24.8 days) fires on time, not at once', async () => {
    const clock = new VirtualClock({ start: START, speed: 0 });
    const fired: number[] = [];
    clock.schedule(START + 40 * DAY, 'long', () => fired.push(clock.now()));

    await clock.advanceTo(START + 39 * DAY);
    expect(fired).toEqual([]);

    await clock.advanceTo(START + 41 * DAY);
    expect(fired).toEqual([START + 40 * DAY]);
  });

  test('the work of one deadline settles before the next deadline fires', async () => {
    const clock = new VirtualClock({ start: START, speed: 0 });
    const order: string[] = [];
    clock.schedule(START + 1000, 'slow', () =>
      clock.track(
        new Promise<void>((resolve) =>
          setTimeout(() => {
            order.push('slow done');
            resolve();
          }, 20),
        ),
      ),
    );
    clock.schedule(START + 2000, 'next', () => order.push('next'));

    await clock.advanceTo(START + 5000);

    expect(order).toEqual(['slow done', 'next']);
  });

  test('work started by a deadline may schedule further deadlines that fall within the same advance', async () => {
    const clock = new VirtualClock({ start: START, speed: 0 });
    const fired: number[] = [];
    const tick = () => {
      fired.push(clock.now() - START);
      if (fired.length < 4) clock.schedule(clock.now() + DAY, 'tick', tick);
    };
    clock.schedule(START + DAY, 'tick', tick);

    await clock.advanceTo(START + 3 * DAY + 1);

    expect(fired).toEqual([DAY, 2 * DAY, 3 * DAY]);
    expect(clock.pending()).toEqual([{ at: START + 4 * DAY, label: 'tick' }]);
  });

  test('a cancelled deadline never fires', async () => {
    const clock = new VirtualClock({ start: START, speed: 0 });
    const fired: string[] = [];
    const handle = clock.schedule(START + 1000, 'cancelled', () => fired.push('cancelled'));
    clock.schedule(START + 2000, 'kept', () => fired.push('kept'));

    handle.cancel();
    await clock.advanceTo(START + 3000);

    expect(fired).toEqual(['kept']);
  });

  test('an error in one deadline is reported and the clock carries on', async () => {
    const errors: string[] = [];
    const clock = new VirtualClock({ start: START, speed: 0, onError: (label) => errors.push(label) });
    const fired: string[] = [];
    clock.schedule(START + 1000, 'broken', () => {
      throw new Error('boom');
    });
    clock.schedule(START + 2000, 'fine', () => fired.push('fine'));

    await clock.advanceTo(START + 3000);

    expect(errors).toEqual(['broken']);
    expect(fired).toEqual(['fine']);
  });

  test('concurrent advances are serialised', async () => {
    const clock = new VirtualClock({ start: START, speed: 0 });
    const fired: number[] = [];
    for (let day = 1; day <= 4; day++) clock.schedule(START + day * DAY, `d${day}`, () => fired.push(day));

    const [first, second] = await Promise.all([
      clock.advanceTo(START + 2 * DAY),
      clock.advanceTo(START + 4 * DAY),
    ]);

    expect(first).toBe(START + 2 * DAY);
    expect(second).toBe(START + 4 * DAY);
    expect(fired).toEqual([1, 2, 3, 4]);
  });

  test('at speed N virtual time flows N times wall time, and stands still while an advance runs', async () => {
    let wall = 1_000_000;
    const clock = new VirtualClock({ start: START, speed: 60, wallNow: () => wall });

    wall += 1000;
    expect(clock.now()).toBe(START + 60_000);

    const advanced = await clock.advanceTo(START + DAY);
    expect(advanced).toBe(START + DAY);
    wall += 10;
    expect(clock.now()).toBe(START + DAY + 600);
  });

  test('in real-time mode the driver fires deadlines as they fall due', async () => {
    const clock = new VirtualClock({ start: Date.now(), speed: 1000 });
    const fired = new Promise<number>((resolve) =>
      clock.schedule(clock.now() + 5000, 'soon', () => resolve(1)),
    );
    clock.start();

    await expect(fired).resolves.toBe(1);
    clock.stop();
  });

  test('rejects a bad start or speed', () => {
    expect(() => new VirtualClock({ start: Number.NaN, speed: 1 })).toThrow(RangeError);
    expect(() => new VirtualClock({ start: START, speed: -1 })).toThrow(RangeError);
  });
});
