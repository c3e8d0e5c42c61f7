import { Observable, lastValueFrom, toArray } from 'rxjs';
import { OllamaError } from '../../src/core/errors.js';
import { retryStream } from '../../src/operators/retryStream.js';
import { settle } from '../helpers.js';

describe('retryStream', () => {
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
