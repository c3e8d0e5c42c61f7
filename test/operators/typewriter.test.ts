import { from, lastValueFrom, toArray } from 'rxjs';
import { typewriter } from '../../src/operators/typewriter.js';
import { chunkValues } from '../../src/testing/marbles.js';
import type { ChatChunk, StreamChunk } from '../../src/core/types.js';
import { marbles, trackTimers } from './virtualTime.js';

const metrics = { evalCount: 2, evalMs: 40 };
/** What typewriter emits for one unit of text. */
const typed = (text: string, fields: Partial<StreamChunk> = {}): StreamChunk => ({ text, done: false, ...fields });

describe('typewriter', () => {
  it('types one grapheme per interval, the first at once, and the done chunk right after the last', () => {
    const values = chunkValues({ a: 'Hi', d: '' }, 'd', { d: { metrics, doneReason: 'stop' } });
    marbles().run(({ cold, expectObservable, expectSubscriptions }) => {
      const source = cold('a-d|', values);
      expectObservable(source.pipe(typewriter(10))).toBe('h 9ms (id|)', { h: typed('H'), i: typed('i'), d: values.d });
      expectSubscriptions(source.subscriptions).toBe('^--!');
    });
  });

  it('never splits a grapheme that a chunk boundary splits', () => {
    // 👍 + skin-tone modifier, e + combining acute accent, a flag's two regional indicators.
    const values = chunkValues({ a: '👍', b: '🏽e', c: '\u0301', f: '🇫', r: '🇷', d: '' }, 'd');
    marbles().run(({ cold, expectObservable }) => {
      expectObservable(cold('a-b-c-f-r-d|', values).pipe(typewriter(10))).toBe('--t 9ms e 9ms (fd|)', {
        t: typed('👍🏽'),
        e: typed('e\u0301'),
        f: typed('🇫🇷'),
        d: values.d,
      });
    });
  });

  it('keeps an emoji sequence whole when a chunk ends between the halves of a surrogate pair', () => {
    const values = chunkValues({ a: '👨\u200d\ud83d', b: '\udc69\u200d👧', d: '' }, 'd');
    marbles().run(({ cold, expectObservable }) => {
      expectObservable(cold('a-b-(d|)', values).pipe(typewriter(10))).toBe('----(fd|)', { f: typed('👨‍👩‍👧'), d: values.d });
    });
  });

  it('types a long chunk faster when it would trail the stream by more than maxLagMs', () => {
    const values = chunkValues({ a: 'abcde' }, 'a');
    const expected = { a: typed('a'), b: typed('b'), c: typed('c'), d: typed('d'), e: typed('e'), D: { ...values.a, text: '' } };
    marbles().run(({ cold, expectObservable }) => {
      expectObservable(cold('a|', values).pipe(typewriter(100, { maxLagMs: 50 }))).toBe('a 9ms b 9ms c 9ms d 9ms (eD|)', expected);
      expectObservable(cold('a|', values).pipe(typewriter(20))).toBe('a 19ms b 19ms c 19ms d 19ms (eD|)', expected);
    });
  });

  it('types several units per tick when the pace is faster than a timer can fire', () => {
    const values = chunkValues({ a: 'abcd' }, 'a');
    marbles().run(({ cold, expectObservable }) => {
      expectObservable(cold('a|', values).pipe(typewriter(2))).toBe('(ab)(cdD|)', {
        a: typed('a'),
        b: typed('b'),
        c: typed('c'),
        d: typed('d'),
        D: { ...values.a, text: '' },
      });
    });
  });

  it('types word by word, each word with the spaces and punctuation after it', () => {
    const values = chunkValues({ a: 'Hello, wo', b: 'rld! How', c: ' are you?' }, 'c');
    marbles().run(({ cold, expectObservable }) => {
      expectObservable(cold('a-b-c|', values).pipe(typewriter(10, { unit: 'word' }))).toBe('h 9ms w 9ms x 9ms y 9ms (zD|)', {
        h: typed('Hello, '),
        w: typed('world! '),
        x: typed('How '),
        y: typed('are '),
        z: typed('you?'),
        D: { ...values.c, text: '' },
      });
    });
  });

  it('keeps thinking and tool calls on the unit where their chunk began, and passes text-less chunks through', () => {
    const call = { function: { name: 'weather', arguments: { city: 'Paris' } } };
    const chat = {
      t: { role: 'assistant', text: '', thinking: 'Hm', done: false },
      a: { role: 'assistant', text: 'OK', done: false },
      u: { role: 'assistant', text: '', thinking: '!', done: false },
      d: { role: 'assistant', text: '', toolCalls: [call], done: true, metrics },
    } satisfies Record<string, ChatChunk>;
    marbles().run(({ cold, expectObservable }) => {
      expectObservable(cold('ta-u-d|', chat).pipe(typewriter(10))).toBe('to 9ms (kd|)', {
        t: chat.t,
        o: { role: 'assistant', text: 'O', done: false },
        k: { role: 'assistant', text: 'K', thinking: '!', done: false },
        d: chat.d,
      });
    });
  });

  it('types the text of a done chunk before the done chunk itself, which keeps its metrics', () => {
    const values = chunkValues({ a: 'ok' }, 'a', { a: { metrics, context: [1, 2] } });
    marbles().run(({ cold, expectObservable }) => {
      expectObservable(cold('a|', values).pipe(typewriter(10))).toBe('o 9ms (kd|)', {
        o: typed('o'),
        k: typed('k'),
        d: { text: '', done: true, metrics, context: [1, 2] },
      });
    });
  });

  it('delivers an upstream error after the buffered text is typed', () => {
    const values = chunkValues({ a: 'Hey' });
    marbles().run(({ cold, expectObservable }) => {
      const error = new Error('connection reset');
      expectObservable(cold('a#', values, error).pipe(typewriter(10))).toBe(
        'h 9ms e 9ms (y#)',
        { h: typed('H'), e: typed('e'), y: typed('y') },
        error,
      );
    });
  });

  it('holds the last grapheme back until more text, or the end, shows it is complete', () => {
    const values = chunkValues({ a: 'Hi', d: '' }, 'd');
    marbles().run(({ cold, expectObservable }) => {
      expectObservable(cold('a 20ms (d|)', values).pipe(typewriter(10))).toBe('h 20ms (id|)', {
        h: typed('H'),
        i: typed('i'),
        d: values.d,
      });
    });
  });

  it('completes as soon as the source does once everything is typed, without waiting out the interval', () => {
    const values = chunkValues({ a: 'ok' }, 'a');
    marbles().run(({ cold, expectObservable }) => {
      expectObservable(cold('a 13ms |', values).pipe(typewriter(10))).toBe('o 9ms (kd)|', {
        o: typed('o'),
        k: typed('k'),
        d: { ...values.a, text: '' },
      });
    });
  });

  it('cancels its timer and the source when unsubscribed', () => {
    const testScheduler = marbles();
    testScheduler.run(({ hot, cold, expectObservable, expectSubscriptions }) => {
      const scheduler = trackTimers(testScheduler);
      const source = hot('a-------', chunkValues({ a: 'Hello' }));
      expectObservable(source.pipe(typewriter(10, { scheduler })), '^ 14ms !').toBe('h 9ms e', { h: typed('H'), e: typed('e') });
      expectSubscriptions(source.subscriptions).toBe('^ 14ms !');
      const timers: number[] = [];
      cold('14ms x x').subscribe(() => timers.push(scheduler.live));
      testScheduler.schedule(() => expect(timers).toEqual([1, 0]), 20);
    });
  });
});

describe('typewriter payloads', () => {
  it('a held unit split again by the next chunk keeps its thinking on its first piece only', async () => {
    const out = await lastValueFrom(
      from([
        { text: 'a\uD83D', done: false, thinking: 'T' },
        { text: '\uDE00b', done: false },
        { text: '', done: true },
      ]).pipe(typewriter(0), toArray()),
    );
    expect(out.map((chunk) => [chunk.text, chunk.thinking ?? ''])).toEqual([
      ['a', 'T'],
      ['😀', ''],
      ['b', ''],
      ['', ''],
    ]);
  });
});
