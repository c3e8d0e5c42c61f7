import * as t from 'io-ts';
import { type Observable, type OperatorFunction, type SchedulerLike, config, from, throwError } from 'rxjs';
import { TestScheduler } from 'rxjs/testing';
import {
  type ModelResponse,
  OllamaError,
  type StreamChunk,
  collectText,
  countTokens,
  decodeJson,
  errorsAsChunks,
  firstTokenLatency,
  partialJson,
  resumable,
  retryStream,
  scanText,
  streamTimings,
  throttleChunks,
  toModelResponse,
  typewriter,
} from '../../src/index.js';

// A malformed chunk — `null` where a chunk belongs — thrown on inside an operator must reach the
// operator's subscriber (an error, or for the never-failing operators a failure as data), never
// RxJS's unhandled-error hook or the process, and nothing may follow it.

const hi: StreamChunk = { text: 'Hi', done: false };
const silent: StreamChunk = { text: '', done: false };
const NULL = null as unknown as StreamChunk;

interface Outcome<T> {
  values: T[];
  error?: unknown;
  completed: boolean;
  /** Notifications after the first error or completion (a broken Subscriber would let them through). */
  after: number;
  unhandled: unknown[];
}

const unhandled: unknown[] = [];
const record = (error: unknown) => unhandled.push(error);
let previousHook: typeof config.onUnhandledError;

beforeEach(() => {
  unhandled.length = 0;
  previousHook = config.onUnhandledError;
  config.onUnhandledError = record;
  process.on('uncaughtException', record);
  process.on('unhandledRejection', record);
});

afterEach(() => {
  config.onUnhandledError = previousHook;
  process.off('uncaughtException', record);
  process.off('unhandledRejection', record);
});

/**
 * Every notification of `make(scheduler)`'s output, with virtual time run to its end and a real
 * macrotask let pass (RxJS reports an unhandled error on a `setTimeout`).
 */
async function run<T>(make: (scheduler: SchedulerLike) => Observable<T>): Promise<Outcome<T>> {
  const scheduler = new TestScheduler(() => undefined);
  const outcome: Outcome<T> = { values: [], completed: false, after: 0, unhandled };
  let ended = false;
  make(scheduler).subscribe({
    next: (value) => (ended ? outcome.after++ : outcome.values.push(value)),
    error: (error: unknown) => {
      if (ended) outcome.after++;
      ended = true;
      outcome.error = error;
    },
    complete: () => {
      if (ended) outcome.after++;
      ended = true;
      outcome.completed = true;
    },
  });
  scheduler.flush();
  await new Promise((resolve) => setTimeout(resolve, 1));
  return outcome;
}

/** The output failed with a TypeError (`null`'s, say), completed no further, and nothing went unhandled. */
function expectFailed<T>(outcome: Outcome<T>, values: T[] = []): void {
  expect(outcome.unhandled).toEqual([]);
  expect(outcome.error).toBeInstanceOf(TypeError);
  expect(outcome.completed).toBe(false);
  expect(outcome.after).toBe(0);
  expect(outcome.values).toEqual(values);
}

/** The output completed, with the failure as its last value, and nothing went unhandled. */
function expectEndedAsData<T>(outcome: Outcome<T>): void {
  expect(outcome.unhandled).toEqual([]);
  expect(outcome.error).toBeUndefined();
  expect(outcome.completed).toBe(true);
  expect(outcome.after).toBe(0);
}

const Answer = t.type({ a: t.number });

describe('a malformed chunk inside an operator errors its output, with no unhandled error', () => {
  it('collectText', async () => {
    expectFailed(await run(() => from([hi, NULL, hi]).pipe(collectText())));
  });

  it('scanText', async () => {
    expectFailed(await run(() => from([hi, NULL, hi]).pipe(scanText())), ['Hi']);
  });

  it('throttleChunks (the null arrives within a window)', async () => {
    expectFailed(await run((scheduler) => from([hi, NULL, hi]).pipe(throttleChunks(10, scheduler))), [hi]);
  });

  it('countTokens', async () => {
    expectFailed(await run(() => from([hi, NULL, hi]).pipe(countTokens())), [1]);
    expectFailed(await run(() => from([hi, NULL, hi]).pipe(countTokens({ estimate: 'words' }))), [1]);
  });

  it('firstTokenLatency', async () => {
    expectFailed(await run((scheduler) => from([silent, NULL, hi]).pipe(firstTokenLatency(scheduler))));
  });

  it('streamTimings', async () => {
    expectFailed(await run((scheduler) => from([hi, NULL, hi]).pipe(streamTimings(scheduler))));
  });

  it('typewriter', async () => {
    const outcome = await run((scheduler) => from([hi, NULL, hi]).pipe(typewriter(10, { scheduler })));
    // The first character goes out at once; the failure follows without typing the rest.
    expectFailed(outcome, [{ text: 'H', done: false }]);
  });

  it('partialJson', async () => {
    const chunks = [{ text: '{"a": ', done: false }, NULL, { text: '1}', done: true }];
    expectFailed(await run(() => from(chunks).pipe(partialJson(Answer))), [{}]);
  });

  it('decodeJson', async () => {
    expectFailed(await run(() => from([{ text: '{"a": 1}', done: false }, NULL]).pipe(decodeJson(Answer))));
  });

  it('resumable', async () => {
    const request = { model: 'm', prompt: 'Say hi' };
    expectFailed(await run((scheduler) => resumable(request, () => from([hi, NULL, hi]), { scheduler })), [hi]);
  });

  it('toModelResponse ends with the failure as data: what came before, and the error message', async () => {
    const outcome = await run(() => from([hi, NULL, hi]).pipe(toModelResponse()));
    expect(outcome.values).toEqual<ModelResponse[]>([
      { text: 'Hi', success: false, done: false, error: expect.stringMatching(/null/) as string },
    ]);
    expectEndedAsData(outcome);
  });

  it('errorsAsChunks ends with the failure as its error chunk', async () => {
    const outcome = await run(() => from([hi, NULL, hi]).pipe(errorsAsChunks()));
    expect(outcome.values).toEqual([hi, { text: '', done: true, error: expect.stringMatching(/null/) as string }]);
    expectEndedAsData(outcome);
  });

  it('a null as the very first chunk fails every operator that reads chunks', async () => {
    const operators: Record<string, (scheduler: SchedulerLike) => OperatorFunction<StreamChunk, unknown>> = {
      collectText: () => collectText(),
      scanText: () => scanText(),
      throttleChunks: (scheduler) => throttleChunks(10, scheduler),
      countTokens: () => countTokens(),
      firstTokenLatency: (scheduler) => firstTokenLatency(scheduler),
      streamTimings: (scheduler) => streamTimings(scheduler),
      typewriter: (scheduler) => typewriter(10, { scheduler }),
      partialJson: () => partialJson(),
      decodeJson: () => decodeJson(Answer),
    };
    for (const [name, operator] of Object.entries(operators)) {
      const outcome = await run((scheduler) => from([NULL, hi]).pipe(operator(scheduler)));
      expect({ name, failed: outcome.error instanceof TypeError }).toEqual({ name, failed: true });
      expectFailed(outcome);
    }
  });

  it('retryStream passes values through unread (they need not be chunks): the null is for the next operator to refuse', async () => {
    expectFailed(await run((scheduler) => from([hi, NULL]).pipe(retryStream({ scheduler }), collectText())));
  });
});

describe('a throw in a function the caller passed goes downstream too', () => {
  it("retryStream's delay", async () => {
    const delay = () => {
      throw new TypeError('no delay');
    };
    const failing = throwError(() => new OllamaError('network', 'gone'));
    expectFailed(await run((scheduler) => failing.pipe(retryStream({ delay, scheduler }))));
  });

  it("resumable's send", async () => {
    const send = () => {
      throw new TypeError('no client');
    };
    expectFailed(await run((scheduler) => resumable({ model: 'm', prompt: 'Say hi' }, send, { scheduler })));
  });
});
