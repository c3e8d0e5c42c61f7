// PhaseTimers on Jest's fake clock (setTimeout and performance.now both), so each deadline is exact.
import type { OllamaError } from '../../src/core/errors.js';
import { PhaseTimers, timeoutError } from '../../src/http/timers.js';

beforeEach(() => jest.useFakeTimers());
afterEach(() => jest.useRealTimers());

function timers(timeouts: ConstructorParameters<typeof PhaseTimers>[0]) {
  const expired: OllamaError[] = [];
  const phase = new PhaseTimers(timeouts, (error) => expired.push(error));
  return { phase, expired };
}

describe('the idle limit', () => {
  it('expires `idle` after the last chunk, not a full period after the timer noticed a chunk (issue 21)', () => {
    const { phase, expired } = timers({ idle: 100 });
    phase.start();
    phase.chunk(); // t = 0: the first chunk arms the timer for t = 100
    jest.advanceTimersByTime(60);
    phase.chunk(); // t = 60: the deadline moves to t = 160
    jest.advanceTimersByTime(99); // t = 159
    expect(expired).toEqual([]);
    jest.advanceTimersByTime(1); // t = 160, not 200
    expect(expired.map((error) => error.phase)).toEqual(['idle']);
    phase.stop();
  });

  it('after many chunks, still `idle` after the last one', () => {
    const { phase, expired } = timers({ idle: 100 });
    phase.start();
    for (let t = 0; t < 1_000; t += 30) {
      phase.chunk();
      jest.advanceTimersByTime(30);
    }
    expect(expired).toEqual([]);
    // The last chunk was at t = 990; now t = 1020.
    jest.advanceTimersByTime(69);
    expect(expired).toEqual([]);
    jest.advanceTimersByTime(1);
    expect(expired.map((error) => error.phase)).toEqual(['idle']);
    phase.stop();
  });
});

describe('the first-token and total limits', () => {
  it('firstToken expires at its limit when no chunk came, with the phase and limit in the message', () => {
    const { phase, expired } = timers({ firstToken: 50 });
    phase.start();
    jest.advanceTimersByTime(49);
    expect(expired).toEqual([]);
    jest.advanceTimersByTime(1);
    expect(expired.map((error) => [error.kind, error.phase, error.message])).toEqual([
      ['timeout', 'firstToken', 'timeout: no first token within 50 ms (firstToken)'],
    ]);
    jest.advanceTimersByTime(1_000);
    expect(expired).toHaveLength(1);
  });

  it('a chunk ends the first-token wait; later chunks without an idle limit arm nothing', () => {
    const { phase, expired } = timers({ firstToken: 50 });
    phase.start();
    jest.advanceTimersByTime(40);
    phase.chunk();
    phase.chunk();
    jest.advanceTimersByTime(1_000);
    expect(expired).toEqual([]);
    expect(jest.getTimerCount()).toBe(0);
  });

  it('total expires at its limit however many chunks arrive, and stop() cancels every deadline', () => {
    const { phase, expired } = timers({ total: 100, idle: 30 });
    phase.start();
    for (let t = 0; t < 99; t += 11) {
      phase.chunk();
      jest.advanceTimersByTime(11);
    }
    expect(expired).toEqual([]);
    jest.advanceTimersByTime(1);
    expect(expired.map((error) => error.message)).toEqual(['timeout: the stream did not finish within 100 ms (total)']);
    expect(jest.getTimerCount()).toBe(0);

    const stopped = timers({ firstToken: 10, total: 20 });
    stopped.phase.start();
    stopped.phase.stop();
    expect(jest.getTimerCount()).toBe(0);
  });

  it.each([0, -1, 2 ** 31])('a limit of %p is no limit', (ms) => {
    const { phase, expired } = timers({ firstToken: ms, idle: ms, total: ms });
    phase.start();
    phase.chunk();
    expect(jest.getTimerCount()).toBe(0);
    expect(expired).toEqual([]);
  });

  it('the largest timer delay is still a limit', () => {
    const { phase } = timers({ firstToken: 2 ** 31 - 1 });
    phase.start();
    expect(jest.getTimerCount()).toBe(1);
    phase.stop();
  });
});

describe('settleWithin', () => {
  /** From now, `calls` stays empty for `ms - 1` and has one call at `ms`. */
  const settlesAt = (calls: unknown[], ms: number) => {
    jest.advanceTimersByTime(ms - 1);
    expect(calls).toHaveLength(0);
    jest.advanceTimersByTime(1);
    expect(calls).toHaveLength(1);
  };
  const settled = () => {
    const calls: number[] = [];
    return { calls, onSettle: () => calls.push(performance.now()) };
  };
  /** The calls of a PhaseTimers started now (given a chunk at once with `chunk`) told to settle within `ms`. */
  const settling = (timeouts: ConstructorParameters<typeof PhaseTimers>[0], ms: number, gapsToo: boolean, chunk = false) => {
    const { phase } = timers(timeouts);
    phase.start();
    if (chunk) phase.chunk();
    const { calls, onSettle } = settled();
    phase.settleWithin(ms, onSettle, gapsToo);
    return calls;
  };

  it('replaces the deadlines by one call after `ms` when no limit is nearer', () => {
    const { phase, expired } = timers({ firstToken: 1_000, total: 1_000 });
    phase.start();
    const { calls, onSettle } = settled();
    phase.settleWithin(30, onSettle, true);
    expect(jest.getTimerCount()).toBe(1);
    settlesAt(calls, 30);
    expect(expired).toEqual([]);
  });

  it('comes sooner when total is nearer, and never below zero', () => {
    const { phase } = timers({ total: 100 });
    phase.start();
    jest.advanceTimersByTime(80);
    const near = settled();
    phase.settleWithin(1_000, near.onSettle);
    settlesAt(near.calls, 20);
  });

  it('counts the first-token gap only with gapsToo, and only before a chunk', () => {
    settlesAt(settling({ firstToken: 20 }, 50, false), 50);
    settlesAt(settling({ firstToken: 20 }, 50, true), 20);
    settlesAt(settling({ firstToken: 20 }, 50, true, true), 50);
  });

  it('counts the idle gap from the last chunk with gapsToo, and only after a chunk', () => {
    const { phase } = timers({ idle: 40 });
    phase.start();
    phase.chunk();
    jest.advanceTimersByTime(10);
    phase.chunk(); // the idle deadline is now t = 50
    jest.advanceTimersByTime(20); // t = 30
    const soon = settled();
    phase.settleWithin(100, soon.onSettle, true);
    settlesAt(soon.calls, 20);

    settlesAt(settling({ idle: 40 }, 60, true), 60);
  });

  it('a settle timer already elapsed fires at once', () => {
    const { phase } = timers({ total: 10 });
    phase.start();
    jest.advanceTimersByTime(9);
    const soon = settled();
    phase.settleWithin(-5, soon.onSettle);
    jest.advanceTimersByTime(0);
    expect(soon.calls).toHaveLength(1);
  });
});

describe('timeoutError', () => {
  it('names the phase in words, the limit when known, and keeps the cause', () => {
    const cause = new Error('socket');
    const error = timeoutError('connect', undefined, cause);
    expect([error.message, error.phase, error.cause]).toEqual(['timeout: could not connect (connect)', 'connect', cause]);
    expect(timeoutError('idle', 5).message).toBe('timeout: no chunk within 5 ms (idle)');
  });
});

describe('the timer slack', () => {
  it('expires idle a millisecond early rather than re-arming for one (Node may fire that early)', () => {
    const { phase, expired } = timers({ idle: 100 });
    phase.start();
    phase.chunk(); // the idle timer fires at t = 100
    jest.advanceTimersByTime(1);
    phase.chunk(); // t = 1: the deadline is t = 101, but 99 ms quiet at t = 100 is within the slack
    jest.advanceTimersByTime(99);
    expect(expired.map((error) => error.phase)).toEqual(['idle']);
  });
});
