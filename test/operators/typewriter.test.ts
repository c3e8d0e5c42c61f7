import { type SchedulerAction, type SchedulerLike, from, lastValueFrom, take, toArray } from 'rxjs';
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

describe('typewriter, at the edges', () => {
  /** Each emission as `time:text`, and `time:|` for completion. */
  function timeline(
    make: (
      helpers: { cold: ReturnType<typeof marbles>['createColdObservable'] },
      scheduler: ReturnType<typeof marbles>,
    ) => {
      subscribe: (observer: { next: (chunk: StreamChunk) => void; complete: () => void }) => unknown;
    },
  ): string[] {
    const testScheduler = marbles();
    const seen: string[] = [];
    testScheduler.run(({ cold }) => {
      make({ cold }, testScheduler).subscribe({
        next: (chunk) => seen.push(`${testScheduler.now()}:${chunk.text}${chunk.done ? '(done)' : ''}`),
        complete: () => seen.push(`${testScheduler.now()}:|`),
      });
    });
    return seen;
  }

  it('catches up at once when its timers fire late (a busy event loop) and it trails by more than maxLagMs', () => {
    const seen = timeline(({ cold }, testScheduler) => {
      // Every timer fires 30 ms late.
      const late: SchedulerLike = {
        now: () => testScheduler.now(),
        schedule<S>(work: (this: SchedulerAction<S>, state?: S) => void, delay = 0, state?: S) {
          return testScheduler.schedule(work, delay + 30, state);
        },
      };
      return cold('a|', chunkValues({ a: 'abcd' }, 'a')).pipe(typewriter(10, { maxLagMs: 20, scheduler: late }));
    });
    expect(seen).toEqual(['0:a', '35:b', '35:c', '35:d', '35:(done)', '35:|']);
  });

  it('paces maxLagMs from the arrival of the newest text, not of a chunk without text', () => {
    const values = chunkValues({ a: 'abcdef', t: '', c: 'gh', d: '' }, 'd', { t: { thinking: 'hm' } });
    const seen = timeline(({ cold }) => cold('a 4ms t 35ms c 9ms d|', values).pipe(typewriter(10, { maxLagMs: 30 })));
    expect(seen).toEqual(['0:a', '6:b', '12:c', '18:d', '24:e', '41:f', '51:g', '61:h', '61:(done)', '61:|']);
  });

  it('types everything at once at a pace of 0, and the held unit when the source completes', () => {
    const seen = timeline(({ cold }) => cold('a 20ms |', chunkValues({ a: 'Hi' })).pipe(typewriter(0)));
    expect(seen).toEqual(['0:H', '21:i', '21:|']);
  });

  it('leaves no timer behind when an emission ends the subscription (take(1))', () => {
    const testScheduler = marbles();
    testScheduler.run(({ cold, expectObservable }) => {
      const scheduler = trackTimers(testScheduler);
      expectObservable(cold('a|', chunkValues({ a: 'Hello' })).pipe(typewriter(10, { scheduler }), take(1))).toBe('(h|)', {
        h: typed('H'),
      });
      testScheduler.schedule(() => expect(scheduler.live).toBe(0), 1);
    });
  });

  const typedOut = (chunks: StreamChunk[]) =>
    lastValueFrom(from(chunks).pipe(typewriter(0), toArray())).then((out) =>
      out.map(({ text, createdAt, thinking }) => [text, createdAt, thinking]),
    );

  it("gives each unit its own chunk's fields, and a payload only to the unit where its chunk began", async () => {
    expect(
      await typedOut([
        { text: 'ab', createdAt: '1', done: false },
        { text: 'cd', createdAt: '2', thinking: 'T', done: false },
        { text: '', createdAt: '3', done: true },
      ]),
    ).toEqual([
      ['a', '1', undefined],
      ['b', '1', undefined],
      ['c', '2', 'T'],
      ['d', '2', undefined],
      ['', '3', undefined],
    ]);
  });

  it("gives the unit that starts a chunk's text that chunk's fields, not the held unit's", async () => {
    expect(
      await typedOut([
        { text: 'ab', createdAt: '1', done: false },
        { text: 'cd', createdAt: '2', done: true },
      ]),
    ).toEqual([
      ['a', '1', undefined],
      ['b', '1', undefined],
      ['c', '2', undefined],
      ['d', '2', undefined],
      ['', '2', undefined],
    ]);
  });

  it('keeps a letter and a combining mark from the supplementary planes whole when a chunk ends inside the mark', async () => {
    // U+101FD PHAISTOS DISC SIGN COMBINING OBLIQUE STROKE is \ud800\uddfd: the first high surrogate.
    expect(
      await typedOut([
        { text: 'xa\ud800', done: false },
        { text: '\uddfdb', done: false },
        { text: '', done: true },
      ]),
    ).toEqual([
      ['x', undefined, undefined],
      ['a\u{101FD}', undefined, undefined],
      ['b', undefined, undefined],
      ['', undefined, undefined],
    ]);
  });

  it.each(['\ud800\udc00', '\udbff\udfff'])('keeps %j whole when a chunk ends between its halves', async (pair) => {
    expect(
      await typedOut([
        { text: `a${pair[0]}`, done: false },
        { text: `${pair[1]}b`, done: false },
        { text: '', done: true },
      ]),
    ).toEqual([
      ['a', undefined, undefined],
      [pair, undefined, undefined],
      ['b', undefined, undefined],
      ['', undefined, undefined],
    ]);
  });
});
