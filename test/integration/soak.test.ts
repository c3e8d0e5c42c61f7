import { getEventListeners } from 'node:events';
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import { type Observable, lastValueFrom, take } from 'rxjs';
import { OllamaClient } from '../../src/client/client.js';
import { collectText } from '../../src/operators/collectText.js';
import { type RecordedRequest, type TestServer, startTestServer } from '../../src/testing/server/index.js';
import { expectNothingLeftBehind, watchTimers } from './faults/support.js';

// A real gc() without --expose-gc on jest's command line: heap figures then measure what is live.
setFlagsFromString('--expose-gc');
const gc = runInNewContext('gc') as () => void;

/**
 * Each of the four ways to end a request 1,250 times. What a leak of any size does is seen within a
 * few cycles (connections, listeners, timers); the heap bound below wants enough of them to make a
 * few hundred bytes per request stand out from jest's own allocations, and 5,000 do.
 */
const CYCLES = 5_000;
const MAX_CONNECTIONS = 4;
const PARALLEL = 8;

let server: TestServer;

beforeAll(async () => {
  server = await startTestServer({
    models: {
      quick: { tokens: ['a', 'b', 'c', 'd'] },
      // Every answer names its prompt, so crossed streams would show.
      echo: { tokens: (body) => [...String(body?.prompt)] },
    },
  });
});
afterAll(() => server.close());
watchTimers();

/** Ends one subscription in one of four phases, chosen by `i`. */
function cycle(client: OllamaClient, i: number, signal: AbortSignal): Promise<void> {
  const chunks = client.generate$('x', { model: 'quick', signal });
  return new Promise<void>((resolve, reject) => {
    const done = { complete: resolve, error: reject };
    switch (i % 4) {
      case 0: // before a byte is sent
        chunks.subscribe(done).unsubscribe();
        return resolve();
      case 1: // waiting for the response head
        return setImmediate((subscription) => {
          subscription.unsubscribe();
          resolve();
        }, chunks.subscribe(done));
      case 2: // mid-body, after the first chunk
        return void chunks.pipe(take(1)).subscribe(done);
      default: // to the end
        return void chunks.subscribe({ ...done, next: () => {} });
    }
  });
}

async function cycles(client: OllamaClient, count: number, signal: AbortSignal): Promise<void> {
  let next = 0;
  const lane = async () => {
    while (next < count) await cycle(client, next++, signal);
  };
  await Promise.all(Array.from({ length: PARALLEL }, lane));
}

/** Drops the test server's records of requests after the first `keep`: they are not the client's heap. */
function forgetRequests(server: TestServer, keep: number): void {
  (server.requests as RecordedRequest[]).length = keep;
}

/** The client's internal signal that every running request watches for `close()`. */
const closeSignal = (client: OllamaClient) => (client as unknown as { closing: AbortController }).closing.signal;

function heapUsed(): number {
  gc();
  return process.memoryUsage().heapUsed;
}

describe('soak', () => {
  it(`${CYCLES} subscribe/unsubscribe cycles leave no connection, listener, timer or heap behind`, async () => {
    const client = new OllamaClient({ host: server.url, maxConnections: MAX_CONNECTIONS });
    const caller = new AbortController();
    const closing = closeSignal(client);

    await cycles(client, 1_000, caller.signal); // warm-up: JIT, pools, buffers
    await server.until(() => server.requests.every((r) => r.finishedAt ?? r.disconnectedAt));
    const requestsBefore = server.requests.length;
    const heapBefore = heapUsed();

    await cycles(client, CYCLES, caller.signal);

    expect(server.requests.length - requestsBefore).toBeGreaterThan(CYCLES / 2);
    await expectNothingLeftBehind({ server, client });
    await server.until(() => server.openConnections <= MAX_CONNECTIONS);
    // Requests share one listener on a caller's signal and one on the client's close signal.
    expect(getEventListeners(caller.signal, 'abort').length).toBeLessThanOrEqual(1);
    expect(getEventListeners(closing, 'abort').length).toBeLessThanOrEqual(1);
    forgetRequests(server, requestsBefore);
    const growth = heapUsed() - heapBefore;
    // Measured at about 1 MB (jest's own allocations). A client keeping a request's state (subscriber,
    // splitter, closures: ~4 kB) grows by 20 MB; anything over 400 bytes a request shows here.
    expect(growth).toBeLessThan(3 * 1024 * 1024);
    await client.close();
  }, 120_000);

  it.each([
    ['an unlimited pool', undefined],
    ['a pool of 16 sockets', 16],
  ])(
    '500 concurrent streams on one client with %s each get their own whole text',
    async (_pool, maxConnections) => {
      const client = new OllamaClient({ host: server.url, maxConnections });
      const prompts = Array.from({ length: 500 }, (_, i) => `stream ${i} says ${'é👋'.repeat(i % 7)}`);
      const answers = prompts.map((prompt): Observable<string> => client.generate$(prompt, { model: 'echo' }).pipe(collectText()));
      const texts = Promise.all(answers.map((answer) => lastValueFrom(answer)));
      // All 500 watch the client's close through one listener: Node warns of a leak past ten.
      expect(getEventListeners(closeSignal(client), 'abort')).toHaveLength(1);
      expect(await texts).toEqual(prompts);
      await expectNothingLeftBehind({ server, client });
      await client.close();
    },
    60_000,
  );
});
