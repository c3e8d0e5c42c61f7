import { take } from 'rxjs';
import { throttleChunks } from '../../src/operators/throttleChunks.js';
import { chunkValues } from '../../src/testing/marbles.js';
import type { ChatChunk } from '../../src/core/types.js';
import { marbles, trackTimers } from './virtualTime.js';

const metrics = { evalCount: 4, evalMs: 80 };
const values = chunkValues({ a: 'Hel', b: 'lo', c: ' wor', d: 'ld', e: '' }, 'e', { e: { metrics, doneReason: 'stop' } });

describe('throttleChunks', () => {
  it('sends the first chunk at once and merges the chunks within a window, losing none', () => {
    marbles().run(({ cold, expectObservable, expectSubscriptions }) => {
      const source = cold('ab-c-----d-e|', values);
      expectObservable(source.pipe(throttleChunks(4))).toBe('a---m----d--(e|)', {
        a: values.a,
        m: { text: 'lo wor', done: false },
        d: values.d,
        e: values.e,
      });
      expectSubscriptions(source.subscriptions).toBe('^-----------!');
    });
  });

  it('sends the pending merge, done chunk and metrics included, as soon as the source completes', () => {
    marbles().run(({ cold, expectObservable }) => {
      const source = cold('ab-d-e|', values);
      expectObservable(source.pipe(throttleChunks(100))).toBe('a-----(m|)', {
        a: values.a,
        m: { text: 'lold', done: true, metrics, doneReason: 'stop' },
      });
    });
  });

  it('merges thinking and tool calls of chat chunks', () => {
    const call = (name: string) => ({ function: { name, arguments: {} } });
    const chat = {
      a: { role: 'assistant', text: '', thinking: 'Hm', done: false },
      b: { role: 'assistant', text: '', thinking: 'm.', done: false },
      c: { role: 'assistant', text: 'Hi', toolCalls: [call('x')], done: false },
      d: { role: 'assistant', text: '', toolCalls: [call('y')], done: true },
    } satisfies Record<string, ChatChunk>;
    marbles().run(({ cold, expectObservable }) => {
      expectObservable(cold('abcd|', chat).pipe(throttleChunks(10))).toBe('a---(m|)', {
        a: chat.a,
        m: { role: 'assistant', text: 'Hi', thinking: 'm.', toolCalls: [call('x'), call('y')], done: true },
      });
    });
  });

  it('sends the pending merge before an error', () => {
    marbles().run(({ cold, expectObservable }) => {
      const error = new Error('boom');
      expectObservable(cold('abc#', values, error).pipe(throttleChunks(10))).toBe(
        'a--(m#)',
        { a: values.a, m: { text: 'lo wor', done: false } },
        error,
      );
    });
  });

  it('uses the async scheduler by default, which TestScheduler.run drives', () => {
    marbles().run(({ cold, expectObservable }) => {
      expectObservable(cold('ab 20ms c|', values).pipe(throttleChunks())).toBe('a 9ms b 11ms c|', values);
    });
  });

  it('drops the pending merge and cancels the window timer when unsubscribed', () => {
    const testScheduler = marbles();
    testScheduler.run(({ hot, cold, expectObservable, expectSubscriptions }) => {
      const scheduler = trackTimers(testScheduler);
      const source = hot('-ab-c--', values);
      expectObservable(source.pipe(throttleChunks(10, scheduler)), '^---!').toBe('-a---', values);
      expectSubscriptions(source.subscriptions).toBe('^---!');
      const timers: number[] = [];
      cold('---x-y').subscribe(() => timers.push(scheduler.live));
      testScheduler.schedule(() => expect(timers).toEqual([1, 0]), 6);
    });
  });

  it('starts no window timer when the emission itself ends the subscription (take(1))', () => {
    const testScheduler = marbles();
    testScheduler.run(({ cold, expectObservable }) => {
      const scheduler = trackTimers(testScheduler);
      expectObservable(cold('ab|', values).pipe(throttleChunks(10, scheduler), take(1))).toBe('(a|)', values);
      testScheduler.schedule(() => expect(scheduler.live).toBe(0), 1);
    });
  });
});
