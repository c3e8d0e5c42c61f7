import { OllamaError } from '../../src/core/errors.js';
import { errorsAsChunks } from '../../src/operators/errorsAsChunks.js';
import { chunkValues } from '../../src/testing/marbles.js';
import type { StreamChunk } from '../../src/core/types.js';
import { marbles } from './virtualTime.js';

const values = chunkValues({ a: 'Hel', b: 'lo', d: '' }, 'd');

describe('errorsAsChunks', () => {
  it('leaves a stream that succeeds untouched', () => {
    marbles().run(({ cold, expectObservable, expectSubscriptions }) => {
      const source = cold('a-b-d|', values);
      expectObservable(source.pipe(errorsAsChunks())).toBe('a-b-d|', values);
      expectSubscriptions(source.subscriptions).toBe('^----!');
    });
  });

  it('turns an error into a final done chunk carrying its message, and completes', () => {
    marbles().run(({ cold, expectObservable, expectSubscriptions }) => {
      const source = cold('a-b-#', values, new OllamaError('server', 'CUDA error: out of memory', { statusCode: 500 }));
      expectObservable(source.pipe(errorsAsChunks())).toBe('a-b-(e|)', {
        ...values,
        e: { text: '', done: true, error: 'CUDA error: out of memory' },
      });
      expectSubscriptions(source.subscriptions).toBe('^---!');
    });
  });

  it('turns a thrown non-Error into its string', () => {
    marbles().run(({ cold, expectObservable }) => {
      expectObservable(cold<StreamChunk>('#', undefined, 'gone').pipe(errorsAsChunks())).toBe('(e|)', {
        e: { text: '', done: true, error: 'gone' },
      });
    });
  });

  it('unsubscribes from the source when unsubscribed', () => {
    marbles().run(({ hot, expectObservable, expectSubscriptions }) => {
      const source = hot('-a-b-#', values);
      expectObservable(source.pipe(errorsAsChunks()), '^--!').toBe('-a--', values);
      expectSubscriptions(source.subscriptions).toBe('^--!');
    });
  });
});
