// No stream hangs, ever: for any server drawn from a grammar of broken and hostile behaviours, a
// stream with `timeouts.total` set ends (completes, or fails with exactly one OllamaError) in time,
// emits nothing after its done chunk, keeps the text it delivered as `partialText`, and leaves no
// socket open once its client is closed.
//
// NO_HANG_RUNS sets the number of runs (default 300); NO_HANG_SEED (with NO_HANG_PATH) replays the
// run fast-check printed on a failure.
import type { Socket } from 'node:net';
import fc from 'fast-check';
import { OllamaClient } from '../../src/client/client.js';
import { OllamaError } from '../../src/core/errors.js';
import type { StreamChunk } from '../../src/core/types.js';
import { type RawServer, eventually, httpChunk, startRawHttpServer } from './faults/support.js';

/** Short, so hundreds of stalling servers fit in a test run; long enough for a request to be answered. */
const TOTAL_MS = 300;
/** The promise under test: the stream ends within `total` plus this. */
const MARGIN_MS = 100;
const RUNS = Number(process.env.NO_HANG_RUNS ?? 300);
const OVERSIZED_BYTES = 16 * 1024 * 1024 + 1;

type Fragment =
  | { kind: 'line'; text: string }
  | { kind: 'splitUtf8'; text: string; cut: number }
  | { kind: 'notJson'; text: string }
  | { kind: 'wrongTypes' }
  | { kind: 'errorLine'; message: string }
  | { kind: 'done' }
  | { kind: 'blank' }
  | { kind: 'noNewline'; text: string }
  | { kind: 'garbage'; text: string }
  | { kind: 'oversized' }
  | { kind: 'badChunk' }
  | { kind: 'pause'; ms: number };

type Head =
  | { kind: 'status'; status: number; framing: 'chunked' | 'close' | 'length'; lengthDelta: number }
  | { kind: 'garbage'; text: string }
  | { kind: 'none' };

interface DrawnServer {
  head: Head;
  body: Fragment[];
  ending: 'end' | 'close' | 'reset' | 'stall';
}

const text = fc.string({ unit: 'grapheme', maxLength: 6 });
const fragment: fc.Arbitrary<Fragment> = fc.oneof(
  { weight: 8, arbitrary: fc.record({ kind: fc.constant('line' as const), text }) },
  {
    weight: 2,
    arbitrary: fc.record({ kind: fc.constant('splitUtf8' as const), text: fc.constantFrom('é', '日本', '👋🏽', 'Grüße'), cut: fc.nat() }),
  },
  { weight: 1, arbitrary: fc.record({ kind: fc.constant('notJson' as const), text }) },
  { weight: 1, arbitrary: fc.record({ kind: fc.constant('wrongTypes' as const) }) },
  { weight: 1, arbitrary: fc.record({ kind: fc.constant('errorLine' as const), message: fc.constantFrom('boom', 'CUDA error') }) },
  { weight: 3, arbitrary: fc.record({ kind: fc.constant('done' as const) }) },
  { weight: 1, arbitrary: fc.record({ kind: fc.constant('blank' as const) }) },
  { weight: 1, arbitrary: fc.record({ kind: fc.constant('noNewline' as const), text }) },
  { weight: 1, arbitrary: fc.record({ kind: fc.constant('garbage' as const), text: fc.string({ maxLength: 12 }) }) },
  { weight: 1, arbitrary: fc.record({ kind: fc.constant('badChunk' as const) }) },
  { weight: 3, arbitrary: fc.record({ kind: fc.constant('pause' as const), ms: fc.integer({ min: 1, max: 40 }) }) },
);
/** Rare: each costs 16 MiB on the wire. */
const withOversized = fc.oneof({ weight: 40, arbitrary: fragment }, { weight: 1, arbitrary: fc.constant<Fragment>({ kind: 'oversized' }) });
const head: fc.Arbitrary<Head> = fc.oneof(
  {
    weight: 10,
    arbitrary: fc.record({
      kind: fc.constant('status' as const),
      status: fc.constantFrom(200, 200, 200, 200, 204, 301, 404, 429, 500, 503),
      framing: fc.constantFrom('chunked' as const, 'chunked' as const, 'close' as const, 'length' as const),
      lengthDelta: fc.constantFrom(0, 0, -3, 7),
    }),
  },
  { weight: 1, arbitrary: fc.record({ kind: fc.constant('garbage' as const), text: fc.string({ minLength: 1, maxLength: 20 }) }) },
  { weight: 1, arbitrary: fc.record({ kind: fc.constant('none' as const) }) },
);
const drawnServer: fc.Arbitrary<DrawnServer> = fc.record({
  head,
  body: fc.array(withOversized, { maxLength: 8 }),
  ending: fc.constantFrom('end' as const, 'close' as const, 'reset' as const, 'stall' as const),
});

const encoder = new TextEncoder();
const jsonLine = (value: unknown) => JSON.stringify(value) + '\n';

/** The bytes of a fragment, as one or more writes (a split UTF-8 line is two). */
function piecesOf(f: Fragment): Uint8Array[] {
  switch (f.kind) {
    case 'line':
      return [encoder.encode(jsonLine({ model: 'm', response: f.text, done: false }))];
    case 'splitUtf8': {
      const bytes = encoder.encode(jsonLine({ model: 'm', response: f.text, done: false }));
      const cut = 1 + (f.cut % (bytes.length - 1));
      return [bytes.subarray(0, cut), bytes.subarray(cut)];
    }
    case 'notJson':
      return [encoder.encode(`{"response": ${JSON.stringify(f.text)}, "done": fal\n`)];
    case 'wrongTypes':
      return [encoder.encode('{"response": 42, "done": "no"}\n')];
    case 'errorLine':
      return [encoder.encode(jsonLine({ error: f.message }))];
    case 'done':
      return [encoder.encode(jsonLine({ model: 'm', response: '', done: true, done_reason: 'stop' }))];
    case 'blank':
      return [encoder.encode('\n \r\n')];
    case 'noNewline':
      return [encoder.encode(JSON.stringify({ model: 'm', response: f.text, done: false }))];
    case 'garbage':
      return [encoder.encode(f.text)];
    case 'oversized':
      return [new Uint8Array(OVERSIZED_BYTES).fill(0x78)];
    case 'badChunk':
    case 'pause':
      return [];
  }
}

/** Plays a drawn server on one socket, after the request head. */
async function play(server: DrawnServer, socket: Socket): Promise<void> {
  const write = (bytes: Uint8Array | string) => {
    if (!socket.destroyed) socket.write(bytes);
  };
  const pause = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
  const { head } = server;
  const framing = head.kind === 'status' ? head.framing : 'close';
  if (head.kind === 'garbage') write(`${head.text}\r\n`);
  if (head.kind === 'status') {
    const fields = [`HTTP/1.1 ${head.status} X`, 'Content-Type: application/x-ndjson'];
    if (head.status === 301) fields.push('Location: http://127.0.0.1:1/elsewhere');
    if (head.status === 429 || head.status === 503) fields.push('Retry-After: 1');
    if (framing === 'chunked') fields.push('Transfer-Encoding: chunked');
    if (framing === 'close') fields.push('Connection: close');
    if (framing === 'length') {
      const length = server.body.flatMap(piecesOf).reduce((sum, bytes) => sum + bytes.length, 0);
      fields.push(`Content-Length: ${Math.max(0, length + head.lengthDelta)}`);
    }
    write(fields.join('\r\n') + '\r\n\r\n');
  }
  if (head.kind !== 'none') {
    for (const f of server.body) {
      if (f.kind === 'pause') await pause(f.ms);
      else if (f.kind === 'badChunk') write(framing === 'chunked' ? 'zz-not-hex\r\n' : 'zz');
      else {
        for (const [i, bytes] of piecesOf(f).entries()) {
          if (i > 0) await pause(2);
          write(framing === 'chunked' ? httpChunk(bytes) : bytes);
        }
      }
      if (socket.destroyed) return;
    }
  }
  switch (server.ending) {
    case 'end':
      if (framing === 'chunked') write('0\r\n\r\n');
      if (framing === 'close' || head.kind !== 'status') socket.end();
      return;
    case 'close':
      return void socket.end();
    case 'reset':
      return void socket.resetAndDestroy();
    case 'stall':
      return;
  }
}

let current: DrawnServer | undefined;
let raw: RawServer;
beforeAll(async () => {
  raw = await startRawHttpServer((socket) => {
    if (current) void play(current, socket);
  });
});
afterAll(() => raw.close());

const clientSockets = () => process.getActiveResourcesInfo().filter((name) => name === 'TCPSocketWrap').length - raw.open;

describe('no stream hangs, ever', () => {
  it(`ends every stream in time, emits nothing after done, keeps partialText, leaks no socket (${RUNS} runs)`, async () => {
    const unhandled: unknown[] = [];
    const onUnhandled = (reason: unknown) => void unhandled.push(reason);
    process.on('unhandledRejection', onUnhandled);
    try {
      await fc.assert(
        fc.asyncProperty(drawnServer, async (server) => {
          current = server;
          const client = new OllamaClient({ host: raw.url, model: 'm', timeouts: { total: TOTAL_MS } });
          const values: StreamChunk[] = [];
          const ends: Array<{ kind: 'error' | 'complete'; at: number; error?: unknown }> = [];
          let afterDone = 0;
          // A timer due when `total` expires: how late it fires is how late this loaded machine runs
          // timers at that moment. The stream's own deadline is a timer too and cannot be held to a
          // tighter bound than the machine keeps, so that lateness is added to the margin.
          const started = performance.now();
          let probe: ReturnType<typeof setTimeout> | undefined;
          const probeFiredAt = new Promise<number>((resolve) => (probe = setTimeout(() => resolve(performance.now()), TOTAL_MS)));
          const ended = new Promise<void>((resolve) => {
            client.generate$('x').subscribe({
              next: (chunk) => {
                if (values.at(-1)?.done) afterDone++;
                values.push(chunk);
              },
              error: (error: unknown) => (ends.push({ kind: 'error', at: performance.now(), error }), resolve()),
              complete: () => (ends.push({ kind: 'complete', at: performance.now() }), resolve()),
            });
          });
          // Bounded only so that a hang reports this server instead of jest's timeout.
          const outcome = await Promise.race([
            ended.then(() => 'ended'),
            new Promise((resolve) => setTimeout(resolve, TOTAL_MS + 5_000, 'hung')),
          ]);
          const endedAfter = (ends[0]?.at ?? performance.now()) - started;
          // Only a stream ending after `total` needs the probe; it is due by then, so it fires soon.
          const probeLate = endedAfter > TOTAL_MS ? Math.max(0, (await probeFiredAt) - started - TOTAL_MS) : 0;
          clearTimeout(probe);
          await client.close();
          await eventually(() => {
            expect(raw.open).toBe(0);
            expect(clientSockets()).toBe(0);
          }, 5_000);
          current = undefined;

          expect(outcome).toBe('ended');
          expect(ends).toHaveLength(1); // exactly one end: never both, never two errors
          const [end] = ends;
          expect(endedAfter).toBeLessThanOrEqual(TOTAL_MS + MARGIN_MS + probeLate);
          expect(afterDone).toBe(0);
          if (values.some((chunk) => chunk.done)) expect(end!.kind).toBe('complete');
          if (end!.kind === 'error') {
            expect(end!.error).toBeInstanceOf(OllamaError);
            expect((end!.error as OllamaError).partialText).toBe(values.map((chunk) => chunk.text).join(''));
          }
          expect(unhandled).toEqual([]);
        }),
        {
          numRuns: RUNS,
          seed: process.env.NO_HANG_SEED === undefined ? undefined : Number(process.env.NO_HANG_SEED),
          path: process.env.NO_HANG_PATH,
          // Each run is a real exchange over loopback; shrinking a failure further costs minutes.
          endOnFailure: true,
        },
      );
    } finally {
      process.off('unhandledRejection', onUnhandled);
    }
  }, 600_000);
});
