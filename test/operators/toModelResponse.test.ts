import { type OperatorFunction, concat, lastValueFrom, of, throwError, toArray } from 'rxjs';
import { OllamaError } from '../../src/core/errors.js';
import { errorsAsChunks } from '../../src/operators/errorsAsChunks.js';
import { toModelResponse } from '../../src/operators/toModelResponse.js';
import { chunkValues } from '../../src/testing/marbles.js';
import type { ChatChunk, StreamChunk } from '../../src/core/types.js';
import { marbles } from './virtualTime.js';

const metrics = { evalCount: 2, evalMs: 40 };
const values = chunkValues({ a: 'Hel', b: 'lo', d: '' }, 'd', { d: { metrics, context: [1, 2] } });

describe('toModelResponse', () => {
  it('collects the text and the final metrics into one successful response', () => {
    marbles().run(({ cold, expectObservable, expectSubscriptions }) => {
      const source = cold('a-b-d|', values);
      expectObservable(source.pipe(toModelResponse())).toBe('-----(r|)', {
        r: { text: 'Hello', success: true, done: true, metrics, context: [1, 2] },
      });
      expectSubscriptions(source.subscriptions).toBe('^----!');
    });
  });

  it('gathers thinking and tool calls of a chat stream', () => {
    const call = { function: { name: 'weather', arguments: {} } };
    const chat = {
      t: { role: 'assistant', text: '', thinking: 'Hm', done: false },
      a: { role: 'assistant', text: 'OK', done: false },
      d: { role: 'assistant', text: '', toolCalls: [call], done: true },
    } satisfies Record<string, ChatChunk>;
    marbles().run(({ cold, expectObservable }) => {
      expectObservable(cold('tad|', chat).pipe(toModelResponse())).toBe('---(r|)', {
        r: { text: 'OK', success: true, done: true, thinking: 'Hm', toolCalls: [call] },
      });
    });
  });

  it('turns an error into an unsuccessful response that keeps the partial text, and completes', () => {
    marbles().run(({ cold, expectObservable }) => {
      const error = new OllamaError('server', 'CUDA error', { statusCode: 500 });
      expectObservable(cold('a-b-#', values, error).pipe(toModelResponse())).toBe('----(r|)', {
        r: { text: 'Hello', success: false, done: false, error: 'CUDA error', kind: 'server', statusCode: 500 },
      });
    });
  });

  it("holds exactly the error's details it has: none of a foreign error, and no field set to undefined", async () => {
    const failedWith = (error: unknown) =>
      lastValueFrom(
        concat(
          of(values.a),
          throwError(() => error),
        ).pipe(toModelResponse()),
      );
    const bare = { text: 'Hel', success: false, done: false };
    expect(await failedWith(new TypeError('socket hang up'))).toStrictEqual({ ...bare, error: 'socket hang up' });
    expect(await failedWith(new OllamaError('network', 'reset'))).toStrictEqual({ ...bare, error: 'reset', kind: 'network' });
    const full = new OllamaError('http', 'unauthorized', { statusCode: 401, phase: 'firstToken', signinUrl: 'https://ollama.com/connect' });
    expect(await failedWith(full)).toStrictEqual({
      ...bare,
      error: 'unauthorized',
      kind: 'http',
      statusCode: 401,
      phase: 'firstToken',
      signinUrl: 'https://ollama.com/connect',
    });
  });

  it('unsubscribes from the source when unsubscribed', () => {
    marbles().run(({ hot, expectObservable, expectSubscriptions }) => {
      const source = hot('-a-b-d|', values);
      expectObservable(source.pipe(toModelResponse()), '^--!').toBe('----');
      expectSubscriptions(source.subscriptions).toBe('^--!');
    });
  });
});

describe('a thrown value without a usable toString (issue 21)', () => {
  it.each([
    ['toModelResponse', (): OperatorFunction<StreamChunk, unknown> => toModelResponse()],
    ['errorsAsChunks', (): OperatorFunction<StreamChunk, unknown> => errorsAsChunks()],
  ])('%s still reports it, as an error message', async (_name, operator) => {
    const values = await lastValueFrom(throwError((): unknown => Object.create(null)).pipe(operator(), toArray()));
    expect(values).toEqual([expect.objectContaining({ error: 'a thrown object without a message' })]);
  });
});
