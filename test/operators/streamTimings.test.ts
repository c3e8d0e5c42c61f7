import type { StreamChunk } from '../../src/core/types.js';
import { streamTimings } from '../../src/operators/streamTimings.js';
import { chunkValues } from '../../src/testing/marbles.js';
import { marbles } from './virtualTime.js';

const values = chunkValues({ e: '', a: 'Hi', b: ' there', c: '!', d: '' }, 'd');
const withMetrics = { ...values, d: { ...values.d, metrics: { evalCount: 10, evalMs: 200 } } };

describe('streamTimings', () => {
  it('emits measured timings once, on completion, after the whole stream', () => {
    marbles().run(({ cold, expectObservable, expectSubscriptions }) => {
      const source = cold('e-a-b---c-d|', values);
      expectObservable(source.pipe(streamTimings())).toBe('-----------(t|)', {
        t: { firstTokenMs: 2, totalMs: 11, chunks: 5, tokens: 3, tokensPerSecond: (2 / 6) * 1000 },
      });
      expectSubscriptions(source.subscriptions).toBe('^----------!');
    });
  });

  it("prefers the server's evalCount and evalMs", () => {
    const testScheduler = marbles();
    testScheduler.run(({ cold, expectObservable }) => {
      expectObservable(cold('-a-b-d|', withMetrics).pipe(streamTimings(testScheduler))).toBe('------(t|)', {
        t: { firstTokenMs: 1, totalMs: 6, chunks: 3, tokens: 10, tokensPerSecond: 50 },
      });
    });
  });

  it('leaves out what it cannot measure', () => {
    marbles().run(({ cold, expectObservable }) => {
      expectObservable(cold('e-d|', values).pipe(streamTimings())).toBe('---(t|)', { t: { totalMs: 3, chunks: 2, tokens: 0 } });
      expectObservable(cold('--a|', values).pipe(streamTimings())).toBe('---(t|)', {
        t: { firstTokenMs: 2, totalMs: 3, chunks: 1, tokens: 1 },
      });
    });
  });

  it('measures from its own subscription, and reads an empty stream', () => {
    marbles().run(({ hot, cold, expectObservable }) => {
      expectObservable(hot('---a--b-d|', values).pipe(streamTimings()), '-^').toBe('---------(t|)', {
        t: { firstTokenMs: 2, totalMs: 8, chunks: 3, tokens: 2, tokensPerSecond: (1 / 3) * 1000 },
      });
      expectObservable(cold<StreamChunk>('--|').pipe(streamTimings())).toBe('--(t|)', { t: { totalMs: 2, chunks: 0, tokens: 0 } });
    });
  });

  it('gives no rate it would have to divide by zero for: tokens in one instant, or metrics without evalMs', () => {
    marbles().run(({ cold, expectObservable }) => {
      expectObservable(cold('(ab)-d|', values).pipe(streamTimings())).toBe('------(t|)', {
        t: { firstTokenMs: 0, totalMs: 6, chunks: 3, tokens: 2 },
      });
      for (const metrics of [{ evalCount: 5 }, { evalCount: 5, evalMs: 0 }]) {
        const counted = { ...values, d: { ...values.d, metrics } };
        expectObservable(cold('a-b-d|', counted).pipe(streamTimings())).toBe('-----(t|)', {
          t: { firstTokenMs: 0, totalMs: 5, chunks: 3, tokens: 5, tokensPerSecond: (1 / 2) * 1000 },
        });
      }
      const timed = { ...values, d: { ...values.d, metrics: { evalMs: 100 } } };
      expectObservable(cold('a-b-d|', timed).pipe(streamTimings())).toBe('-----(t|)', {
        t: { firstTokenMs: 0, totalMs: 5, chunks: 3, tokens: 2, tokensPerSecond: (1 / 2) * 1000 },
      });
    });
  });

  it('passes an error through without timings', () => {
    marbles().run(({ cold, expectObservable }) => {
      const error = new Error('boom');
      expectObservable(cold('a-#', values, error).pipe(streamTimings())).toBe('--#', undefined, error);
    });
  });

  it('unsubscribes from the source when unsubscribed', () => {
    marbles().run(({ hot, expectObservable, expectSubscriptions }) => {
      const source = hot('-a-b-d|', values);
      expectObservable(source.pipe(streamTimings()), '^--!').toBe('----');
      expectSubscriptions(source.subscriptions).toBe('^--!');
    });
  });
});
