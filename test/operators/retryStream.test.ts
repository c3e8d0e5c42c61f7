import { Observable, VirtualTimeScheduler, defer, lastValueFrom, of, throwError, toArray } from 'rxjs';
import { OllamaError, type OllamaErrorKind } from '../../src/core/errors.js';
import { isRetryable, retryDelay, retryStream } from '../../src/operators/retryStream.js';
import { settle } from '../helpers.js';
import { marbles } from './virtualTime.js';

const serverError = new OllamaError('server', 'the model crashed');
const aborted = Object.assign(new Error('aborted'), { name: 'AbortError' });

describe('retryStream', () => {
  it('by default tries twice more, 500 ms and then 1,000 ms later, and then gives up with the last error', () => {
    marbles().run(({ cold, expectObservable, expectSubscriptions }) => {
      const source = cold<string>('#', undefined, serverError);
      expectObservable(source.pipe(retryStream())).toBe('1500ms #', undefined, serverError);
      expectSubscriptions(source.subscriptions).toBe(['(^!)', '500ms (^!)', '1500ms (^!)']);
    });
  });

  it('takes its count and a fixed delay, and the answer of the attempt that succeeds', () => {
    marbles().run(({ cold, expectObservable, expectSubscriptions }) => {
      let attempt = 0;
      const source = cold<string>('#', undefined, serverError);
      const flaky = new Observable<string>((subscriber) => (++attempt < 4 ? source : cold('-a|')).subscribe(subscriber));
      expectObservable(flaky.pipe(retryStream({ count: 3, delay: 100 }))).toBe('301ms a|');
      expectSubscriptions(source.subscriptions).toBe(['(^!)', '100ms (^!)', '200ms (^!)']);
    });
  });

  it('asks a delay function for each pause, with the error and the 1-based attempt', () => {
    const asked: [OllamaError, number][] = [];
    marbles().run(({ cold, expectObservable }) => {
      const delay = (error: OllamaError, attempt: number): number => (asked.push([error, attempt]), attempt * 10);
      expectObservable(cold<string>('#', undefined, serverError).pipe(retryStream({ count: 2, delay }))).toBe(
        '30ms #',
        undefined,
        serverError,
      );
    });
    expect(asked).toEqual([
      [serverError, 1],
      [serverError, 2],
    ]);
  });

  it("waits at least the server's Retry-After, at most maxDelay, and not at all when the server asks for longer", () => {
    const busy = (retryAfterMs: number) => new OllamaError('http', 'busy', { statusCode: 429, retryAfterMs });
    marbles().run(({ cold, expectObservable }) => {
      const once = { count: 1, delay: 100, maxDelay: 1_000 };
      expectObservable(cold('#', undefined, busy(700)).pipe(retryStream(once))).toBe('700ms #', undefined, busy(700));
      expectObservable(cold('#', undefined, busy(50)).pipe(retryStream(once))).toBe('100ms #', undefined, busy(50));
      expectObservable(cold('#', undefined, busy(1_000)).pipe(retryStream(once))).toBe('1000ms #', undefined, busy(1_000));
      expectObservable(cold('#', undefined, busy(1_001)).pipe(retryStream(once))).toBe('#', undefined, busy(1_001));
      expectObservable(cold('#', undefined, serverError).pipe(retryStream({ ...once, delay: 5_000 }))).toBe(
        '1000ms #',
        undefined,
        serverError,
      );
    });
  });

  it('waits on the scheduler it is given', () => {
    const scheduler = new VirtualTimeScheduler();
    let attempt = 0;
    const values: string[] = [];
    defer(() => (++attempt < 2 ? throwError(() => serverError) : of('answer')))
      .pipe(retryStream({ scheduler }))
      .subscribe((value) => values.push(value));
    expect(values).toEqual([]);
    scheduler.flush();
    expect(values).toEqual(['answer']);
    expect(scheduler.now()).toBe(500);
  });

  it('never retries an error that a new request would meet again, nor one after a value was emitted', () => {
    marbles().run(({ cold, expectObservable, expectSubscriptions }) => {
      const unknownModel = new OllamaError('model_not_found', 'model "x" not found');
      const source = cold<string>('#', undefined, unknownModel);
      expectObservable(source.pipe(retryStream())).toBe('#', undefined, unknownModel);
      expectSubscriptions(source.subscriptions).toBe('(^!)');
      const partial = cold('a#', undefined, serverError);
      expectObservable(partial.pipe(retryStream())).toBe('a#', undefined, serverError);
      expectSubscriptions(partial.subscriptions).toBe('^!');
    });
  });

  it('keeps its state per subscription: a second subscriber is retried even though the first one got values (issue 21)', async () => {
    let attempt = 0;
    // Attempt 1 emits and then fails (not retried: text was shown); attempt 2 fails at once (retried); attempt 3 answers.
    const source = new Observable<string>((subscriber) => {
      attempt++;
      if (attempt === 1) subscriber.next('partial');
      if (attempt < 3) subscriber.error(new OllamaError('server', `attempt ${attempt} failed`));
      else {
        subscriber.next('whole');
        subscriber.complete();
      }
    });
    const retried = source.pipe(retryStream({ delay: 0 }));
    const first = await settle(retried);
    expect(first.values).toEqual(['partial']);
    expect((first.error as Error).message).toBe('attempt 1 failed');
    expect(await lastValueFrom(retried.pipe(toArray()))).toEqual(['whole']);
    expect(attempt).toBe(3);
  });
});

describe('isRetryable', () => {
  const error = (kind: OllamaErrorKind, statusCode?: number, cause?: unknown) => new OllamaError(kind, 'failed', { statusCode, cause });

  it.each([
    ['a refused connection', error('network', undefined, new Error('ECONNREFUSED')), true],
    ['a network error without a cause', error('network'), true],
    ['a request cancelled here', error('network', undefined, aborted), false],
    ['a timeout', error('timeout'), true],
    ['an error line before the first chunk', error('server'), true],
    ['HTTP 500', error('http', 500), true],
    ['HTTP 502', error('http', 502), true],
    ['HTTP 408', error('http', 408), true],
    ['HTTP 429', error('http', 429), true],
    ['HTTP 400', error('http', 400), false],
    ['HTTP 404', error('http', 404), false],
    ['HTTP 499', error('http', 499), false],
    ['HTTP without a status', error('http'), false],
    ['an unknown model', error('model_not_found', 404), false],
    ['a line that is not a chunk', error('protocol'), false],
    ['HTTP 401', error('http', 401), false],
    ['a network error after client.close()', error('network', undefined, new DOMException('closed', 'AbortError')), false],
    ["the caller's own AbortSignal", new DOMException('cancelled', 'AbortError'), false],
    ['a TypeError from user code', new TypeError('a bug in a map()'), false],
    ['an error that is not an OllamaError', Object.assign(new Error('x'), { kind: 'server' }), false],
    ['a string', 'server', false],
  ])('%s', (_, failure, retryable) => {
    expect(isRetryable(failure)).toBe(retryable);
  });
});

describe('retryDelay', () => {
  it('doubles from 500 ms, lengthened by Retry-After and capped at 60 s unless maxDelay says otherwise', () => {
    expect([1, 2, 3, 4].map((attempt) => retryDelay({}, serverError, attempt))).toEqual([500, 1_000, 2_000, 4_000]);
    expect(retryDelay({}, serverError, 20)).toBe(60_000);
    expect(retryDelay({ maxDelay: 70_000 }, serverError, 20)).toBe(70_000);
    expect(retryDelay({ delay: 10 }, new OllamaError('http', 'busy', { statusCode: 503, retryAfterMs: 2_000 }), 1)).toBe(2_000);
  });
});
