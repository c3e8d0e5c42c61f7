import { firstTokenLatency } from '../../src/operators/firstTokenLatency.js';
import { chunkValues } from '../../src/testing/marbles.js';
import { marbles } from './virtualTime.js';

const values = chunkValues({ e: '', t: '', a: 'Hi', b: ' there', d: '' }, 'd', { t: { thinking: 'Hmm' } });

describe('firstTokenLatency', () => {
  it('emits the time to the first chunk with text, then completes and ends the source', () => {
    marbles().run(({ cold, expectObservable, expectSubscriptions }) => {
      const source = cold('e-t-a-b-d|', values);
      expectObservable(source.pipe(firstTokenLatency())).toBe('----(x|)', { x: 4 });
      expectSubscriptions(source.subscriptions).toBe('^---!');
    });
  });

  it('measures from subscription, not from the first chunk', () => {
    const testScheduler = marbles();
    testScheduler.run(({ hot, expectObservable }) => {
      const source = hot('-e-----a-|', values);
      expectObservable(source.pipe(firstTokenLatency(testScheduler)), '---^').toBe('-------(x|)', { x: 4 });
    });
  });

  it('completes without emitting when the stream has no text', () => {
    marbles().run(({ cold, expectObservable }) => {
      expectObservable(cold('e-t-d|', values).pipe(firstTokenLatency())).toBe('-----|');
    });
  });

  it('passes an error before the first token through', () => {
    marbles().run(({ cold, expectObservable }) => {
      const error = new Error('model failed to load');
      expectObservable(cold('e-#', values, error).pipe(firstTokenLatency())).toBe('--#', undefined, error);
    });
  });

  it('unsubscribes from the source when unsubscribed before the first token', () => {
    marbles().run(({ hot, expectObservable, expectSubscriptions }) => {
      const source = hot('-e---a-|', values);
      expectObservable(source.pipe(firstTokenLatency()), '^--!').toBe('----');
      expectSubscriptions(source.subscriptions).toBe('^--!');
    });
  });
});
