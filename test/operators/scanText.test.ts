import { scanText } from '../../src/operators/scanText.js';
import { chunkValues } from '../../src/testing/marbles.js';
import { marbles } from './virtualTime.js';

const values = chunkValues({ a: 'Hel', b: '', c: 'lo', d: '' }, 'd');

describe('scanText', () => {
  it('emits the text so far after every chunk, empty ones included', () => {
    marbles().run(({ cold, expectObservable, expectSubscriptions }) => {
      const source = cold('a-b-c-d|', values);
      expectObservable(source.pipe(scanText())).toBe('a-b-c-d|', { a: 'Hel', b: 'Hel', c: 'Hello', d: 'Hello' });
      expectSubscriptions(source.subscriptions).toBe('^------!');
    });
  });

  it('starts again from nothing for every subscriber', () => {
    marbles().run(({ cold, expectObservable }) => {
      const text$ = cold('a-c|', values).pipe(scanText());
      expectObservable(text$).toBe('a-c|', { a: 'Hel', c: 'Hello' });
      expectObservable(text$).toBe('a-c|', { a: 'Hel', c: 'Hello' });
    });
  });

  it('passes an error through after the text so far', () => {
    marbles().run(({ cold, expectObservable }) => {
      const error = new Error('boom');
      expectObservable(cold('a-#', values, error).pipe(scanText())).toBe('a-#', { a: 'Hel' }, error);
    });
  });

  it('unsubscribes from the source when unsubscribed', () => {
    marbles().run(({ hot, expectObservable, expectSubscriptions }) => {
      const source = hot('-a-c-d|', values);
      expectObservable(source.pipe(scanText()), '^--!').toBe('-a--', { a: 'Hel' });
      expectSubscriptions(source.subscriptions).toBe('^--!');
    });
  });
});
