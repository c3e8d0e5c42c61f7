// Case 8: a 429 or 503's Retry-After reaches the error, and retryStream waits at least that long.
import { TestScheduler } from 'rxjs/testing';
import { OllamaClient } from '../../../src/client/client.js';
import { OllamaError } from '../../../src/core/errors.js';
import { parseRetryAfter } from '../../../src/protocol/errorAnswer.js';
import { collectText } from '../../../src/operators/collectText.js';
import { retryStream } from '../../../src/operators/retryStream.js';
import { first, ollamaError } from '../../helpers.js';
import { chunkedHead, httpChunk, responseHead, startRawHttpServer, watchTimers } from './support.js';

watchTimers();

describe('case 8: Retry-After', () => {
  it.each([
    [429, '7', 7_000],
    [503, '0', 0],
  ])('%i with Retry-After: %s → retryAfterMs %i', async (status, header, expected) => {
    const raw = await startRawHttpServer((socket) =>
      socket.write(
        responseHead(status, { 'Retry-After': header, 'Content-Type': 'application/json', 'Content-Length': '17' }) + '{"error":"later"}',
      ),
    );
    const client = new OllamaClient({ host: raw.url, model: 'm' });
    const error = await ollamaError(client.generate$('x'));
    expect(error).toMatchObject({ statusCode: status, retryAfterMs: expected, message: 'later' });
    await client.close();
    await raw.close();
  });

  it('an HTTP-date, a date in the past and garbage', () => {
    const now = Date.parse('2026-01-01T00:00:00Z');
    expect(parseRetryAfter('Thu, 01 Jan 2026 00:01:30 GMT', now)).toBe(90_000);
    expect(parseRetryAfter('Wed, 31 Dec 2025 23:00:00 GMT', now)).toBe(0);
    expect(parseRetryAfter(' 120 ', now)).toBe(120_000);
    expect(parseRetryAfter('soon', now)).toBeUndefined();
    expect(parseRetryAfter(undefined, now)).toBeUndefined();
  });

  describe('retryStream in virtual time', () => {
    const scheduler = () => new TestScheduler((actual, expected) => expect(actual).toEqual(expected));
    const busy = (retryAfterMs: number) => new OllamaError('http', 'rate limited', { statusCode: 429, retryAfterMs });

    it('waits at least Retry-After, longer than its own delay', () => {
      scheduler().run(({ cold, expectObservable, expectSubscriptions }) => {
        const source = cold('#', undefined, busy(3_000));
        expectObservable(source.pipe(retryStream({ count: 1, delay: 5 }))).toBe('3000ms #', undefined, busy(3_000));
        expectSubscriptions(source.subscriptions).toBe(['(^!)', '3000ms (^!)']);
      });
    });

    it('keeps its own delay when it is the longer one', () => {
      scheduler().run(({ cold, expectObservable }) => {
        const source = cold('#', undefined, busy(10));
        expectObservable(source.pipe(retryStream({ count: 1, delay: 50 }))).toBe('50ms #', undefined, busy(10));
      });
    });

    it('a Retry-After beyond maxDelay ends the retries at once', () => {
      scheduler().run(({ cold, expectObservable, expectSubscriptions }) => {
        const source = cold('#', undefined, busy(120_000));
        expectObservable(source.pipe(retryStream({ count: 3, delay: 5, maxDelay: 60_000 }))).toBe('#', undefined, busy(120_000));
        expectSubscriptions(source.subscriptions).toBe(['(^!)']);
      });
    });
  });

  it('against a server: the retry comes no sooner than Retry-After asked', async () => {
    const arrivals: number[] = [];
    const raw = await startRawHttpServer((socket) => {
      arrivals.push(performance.now());
      if (arrivals.length === 1) {
        socket.write(responseHead(503, { 'Retry-After': '1', 'Content-Length': '0' }));
      } else {
        socket.write(chunkedHead() + httpChunk(JSON.stringify({ model: 'm', response: 'ok', done: true }) + '\n') + '0\r\n\r\n');
      }
    });
    const client = new OllamaClient({ host: raw.url, model: 'm' });
    await expect(first(client.generate$('x').pipe(retryStream({ count: 1, delay: 1 }), collectText()))).resolves.toBe('ok');
    expect(arrivals).toHaveLength(2);
    // A lower bound only: a loaded machine can make the gap longer, never shorter.
    expect(arrivals[1]! - arrivals[0]!).toBeGreaterThanOrEqual(990);
    await client.close();
    await raw.close();
  });
});
