// PhaseTimers on Jest's fake clock (setTimeout and performance.now both), so each deadline is exact.
import type { OllamaError } from '../../src/core/errors.js';
import { PhaseTimers } from '../../src/http/timers.js';

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
