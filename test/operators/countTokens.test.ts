import { countTokens } from '../../src/operators/countTokens.js';
import { chunkValues } from '../../src/testing/marbles.js';
import { marbles } from './virtualTime.js';

const values = chunkValues({ a: 'Hel', b: '', c: 'lo', t: '', d: '' }, 'd', { t: { thinking: 'Hmm' } });
const counts = { 1: 1, 2: 2, 3: 3, 5: 5, 7: 7 };

describe('countTokens', () => {
  it('counts one per chunk with text or thinking, emitting only when the count changes', () => {
    marbles().run(({ cold, expectObservable, expectSubscriptions }) => {
      const source = cold('t-a-b-c-d|', values);
      expectObservable(source.pipe(countTokens())).toBe('1-2---3--|', counts);
      expectSubscriptions(source.subscriptions).toBe('^--------!');
    });
  });

  it("ends with the server's exact evalCount", () => {
    marbles().run(({ cold, expectObservable }) => {
      const withCount = { ...values, d: { ...values.d, metrics: { evalCount: 7 } } };
      expectObservable(cold('a-c-d|', withCount).pipe(countTokens())).toBe('1-2-7|', counts);
    });
  });

  it('does not repeat a count that evalCount confirms', () => {
    marbles().run(({ cold, expectObservable }) => {
      const confirmed = { ...values, d: { ...values.d, metrics: { evalCount: 2 } } };
      expectObservable(cold('a-c-d|', confirmed).pipe(countTokens())).toBe('1-2--|', counts);
    });
  });

  it('estimates words like the Python doc, counting a word split across chunks once', () => {
    const words = chunkValues({ a: 'Hello wor', b: 'ld, how', c: ' are  you', d: '?' }, 'd');
    marbles().run(({ cold, expectObservable }) => {
      expectObservable(cold('a-b-c-d|', words).pipe(countTokens({ estimate: 'words' }))).toBe('2-3-5--|', counts);
    });
  });

  it('keeps a word open across an empty chunk, and closes it at whitespace, whichever chunk holds it', () => {
    const words = chunkValues({ a: 'Hel', b: '', c: 'lo ', d: 'big', e: '  ', f: 'world', g: '' }, 'g');
    marbles().run(({ cold, expectObservable }) => {
      expectObservable(cold('a-b-c-d-e-f-g|', words).pipe(countTokens({ estimate: 'words' }))).toBe('1-----2---3--|', counts);
    });
  });

  it('emits nothing for a stream without text', () => {
    marbles().run(({ cold, expectObservable }) => {
      expectObservable(cold('b-d|', values).pipe(countTokens())).toBe('---|');
    });
  });

  it('passes an error through', () => {
    marbles().run(({ cold, expectObservable }) => {
      const error = new Error('boom');
      expectObservable(cold('a-#', values, error).pipe(countTokens())).toBe('1-#', counts, error);
    });
  });

  it('unsubscribes from the source when unsubscribed', () => {
    marbles().run(({ hot, expectObservable, expectSubscriptions }) => {
      const source = hot('-a-c-d|', values);
      expectObservable(source.pipe(countTokens()), '^--!').toBe('-1--', counts);
      expectSubscriptions(source.subscriptions).toBe('^--!');
    });
  });
});
