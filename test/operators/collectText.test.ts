import { concat, of, throwError } from 'rxjs';
import { OllamaError } from '../../src/core/errors.js';
import { collectText } from '../../src/operators/collectText.js';
import { chunkValues } from '../../src/testing/marbles.js';
import type { StreamChunk } from '../../src/core/types.js';
import { marbles } from './virtualTime.js';

const values = chunkValues({ a: 'Hel', b: 'lo', c: '' }, 'c');

describe('collectText', () => {
  it('emits the whole text once, on completion', () => {
    marbles().run(({ cold, expectObservable, expectSubscriptions }) => {
      const source = cold('a-b-c|', values);
      expectObservable(source.pipe(collectText())).toBe('-----(x|)', { x: 'Hello' });
      expectSubscriptions(source.subscriptions).toBe('^----!');
    });
  });

  it('emits an empty string for a stream without text', () => {
    marbles().run(({ cold, expectObservable }) => {
      expectObservable(cold<StreamChunk>('|').pipe(collectText())).toBe('(x|)', { x: '' });
    });
  });

  it('rethrows a foreign error as an OllamaError carrying the text collected so far', () => {
    marbles().run(({ cold, expectObservable }) => {
      const cause = new TypeError('socket hang up');
      const expected = expect.objectContaining({ kind: 'network', message: 'socket hang up', partialText: 'Hello', cause });
      expectObservable(cold('a-b-#', values, cause).pipe(collectText())).toBe('----#', undefined, expected);
    });
  });

  it('attaches the partial text to an OllamaError that lacks it, keeping kind and status', () => {
    marbles().run(({ cold, expectObservable }) => {
      const error = new OllamaError('server', 'CUDA error', { statusCode: 500 });
      const expected = expect.objectContaining({ kind: 'server', statusCode: 500, message: 'CUDA error', partialText: 'Hel' });
      expectObservable(cold('a#', values, error).pipe(collectText())).toBe('-#', undefined, expected);
    });
  });

  it('rethrows an OllamaError that already has its partial text unchanged', () => {
    const error = new OllamaError('protocol', 'bad line', { partialText: 'from the source' });
    marbles().run(({ cold, expectObservable }) => {
      expectObservable(cold('a#', values, error).pipe(collectText())).toBe('-#', undefined, error);
    });
    let thrown: unknown;
    marbles().run(({ cold }) => {
      cold('a#', values, error)
        .pipe(collectText())
        .subscribe({ error: (e: unknown) => (thrown = e) });
    });
    expect(thrown).toBe(error);
  });

  it("passes the caller's AbortError through unchanged", () => {
    const controller = new AbortController();
    controller.abort();
    let thrown: unknown;
    marbles().run(({ cold }) => {
      cold('a#', values, controller.signal.reason)
        .pipe(collectText())
        .subscribe({ error: (e: unknown) => (thrown = e) });
    });
    expect(thrown).toBe(controller.signal.reason);
  });

  it.each([null, undefined, 'AbortError', { message: 'AbortError' }])(
    'rethrows %p, which has no name to test, as an OllamaError',
    (thrown) => {
      // Not a marble `#`: it reads null and undefined as the string 'error'.
      let error: unknown;
      concat(
        of(values.a),
        throwError(() => thrown),
      )
        .pipe(collectText())
        .subscribe({ error: (e: unknown) => (error = e) });
      expect(error).toEqual(expect.objectContaining({ kind: 'network', partialText: 'Hel' }));
    },
  );

  it('unsubscribes from the source when unsubscribed, emitting nothing', () => {
    marbles().run(({ hot, expectObservable, expectSubscriptions }) => {
      const source = hot('-a-b-c|', values);
      expectObservable(source.pipe(collectText()), '^--!').toBe('----');
      expectSubscriptions(source.subscriptions).toBe('^--!');
    });
  });
});
