// Servers that break the protocol on purpose, written byte by byte on raw sockets: every stream must
// still end, with the answer when it was whole, and hold no socket or unbounded memory.
import type { Socket } from 'node:net';
import { OllamaClient } from '../../../src/client/client.js';
import { OllamaConfigError } from '../../../src/core/errors.js';
import { collectText } from '../../../src/operators/collectText.js';
import { isRetryable } from '../../../src/operators/retryStream.js';
import { createFetchTransport } from '../../../src/http/fetch.js';
import { first, ollamaError, settle, texts } from '../../helpers.js';
import {
  type RawServer,
  chunkedHead,
  eventually,
  expectFailure,
  expectNothingLeftBehind,
  httpChunk,
  responseHead,
  startRawHttpServer,
  watchTimers,
} from './support.js';

const line = (response: string, done = false) => JSON.stringify({ model: 'm', response, done }) + '\n';
const DONE = JSON.stringify({ model: 'm', response: '', done: true, done_reason: 'stop', eval_count: 2 }) + '\n';
const MiB = 1024 * 1024;

watchTimers();

const opened: Array<{ raw: RawServer; client: OllamaClient }> = [];
/** A raw server answering every request with `respond`, and a client of it. */
async function hostile(respond: (socket: Socket) => void, options: ConstructorParameters<typeof OllamaClient>[0] = {}) {
  const raw = await startRawHttpServer(respond);
  const client = new OllamaClient({ host: raw.url, model: 'm', ...options });
  opened.push({ raw, client });
  return { raw, client };
}
afterEach(async () => {
  for (const { raw, client } of opened.splice(0)) {
    await client.close();
    await raw.close();
  }
});

/**
 * Writes `piece` whenever the socket drains, until the client closes it or `limit` bytes were sent
 * (then ends the chunked body): an error page far larger than any reader should hold.
 */
function flood(socket: Socket, piece: Buffer, limit: number): { readonly written: number } {
  const state = { written: 0 };
  const pump = () => {
    while (!socket.destroyed && socket.writable) {
      if (state.written >= limit) return void socket.end('0\r\n\r\n');
      state.written += piece.length;
      if (!socket.write(piece)) return void socket.once('drain', pump);
    }
  };
  pump();
  return state;
}

describe('case 1: a done line, then a body that never ends', () => {
  const doneThenStall = (socket: Socket) => socket.write(chunkedHead() + httpChunk(line('a')) + httpChunk(DONE));

  it('generate() resolves the whole answer, and the connection is released without close()', async () => {
    const { raw, client } = await hostile(doneThenStall);
    await expect(client.generate('x', { stream: true })).resolves.toMatchObject({ success: true, done: true, text: 'a' });
    await eventually(() => expect(raw.open).toBe(0), 5_000);
    await expectNothingLeftBehind({ raw: [raw] });
  });

  it('collectText() completes even with a total timeout set, which never turns the answer into a failure', async () => {
    const { raw, client } = await hostile(doneThenStall);
    await expect(first(client.generate$('x', { timeouts: { total: 60_000 } }).pipe(collectText()))).resolves.toBe('a');
    await eventually(() => expect(raw.open).toBe(0), 5_000);
  });
});

describe('case 2: bytes after the done line', () => {
  it('17 MiB without a newline, an error line and garbage after done: the stream still completes with the answer', async () => {
    const { raw, client } = await hostile((socket) => {
      socket.write(chunkedHead() + httpChunk(line('a') + DONE + '{"error":"late"}\nnot json\n'));
      for (let i = 0; i < 17; i++) socket.write(httpChunk('x'.repeat(MiB)));
      socket.write('0\r\n\r\n');
    });
    const { values, error, completed } = await settle(client.generate$('x'));
    expect(error).toBeUndefined();
    expect(completed).toBe(true);
    expect(values.map((chunk) => [chunk.text, chunk.done])).toEqual([
      ['a', false],
      ['', true],
    ]);
    expect(raw.accepted).toBe(1);
  });
});

describe('case 3: error bodies are read as a bounded prefix', () => {
  it('a 500 with a 200 MiB HTML page: http 500 naming the title, read from a prefix; the request is aborted', async () => {
    let sent: { readonly written: number } = { written: 0 };
    const { raw, client } = await hostile((socket) => {
      socket.write(chunkedHead(500, { 'Content-Type': 'text/html' }) + httpChunk('<html><head><title>oops</title></head><body>'));
      sent = flood(socket, httpChunk('<p>' + 'filler '.repeat(9_000) + '</p>'), 200 * MiB);
    });
    const error = await ollamaError(client.generate$('x'));
    expectFailure(error, { kind: 'http', statusCode: 500, partialText: '' });
    expect(error.message).toBe('HTTP 500: oops');
    await eventually(() => expect(raw.open).toBe(0), 5_000);
    // Socket buffers hold a few MiB at most; a reader of the whole page takes all 200 MiB.
    expect(sent.written).toBeLessThan(32 * MiB);
  });

  it("a 503 whose body stalls after its JSON, no timeouts set: the error still arrives with Ollama's words", async () => {
    const { raw, client } = await hostile((socket) =>
      socket.write(responseHead(503, { 'Content-Type': 'application/json', 'Content-Length': '1000' }) + '{"error":"server busy"}'),
    );
    const error = await ollamaError(client.generate$('x'));
    expectFailure(error, { kind: 'server', statusCode: 503, partialText: '' });
    expect(error.message).toBe('server busy');
    await eventually(() => expect(raw.open).toBe(0), 5_000);
  });
});

describe('case 3: the error body read ends at a phase limit too', () => {
  it('a stalled 503 body with firstToken set ends by that limit with the status and the words read, not a timeout', async () => {
    const { raw, client } = await hostile((socket) =>
      socket.write(responseHead(503, { 'Content-Type': 'application/json', 'Content-Length': '1000' }) + '{"error":"server busy"}'),
    );
    const error = await ollamaError(client.generate$('x', { timeouts: { firstToken: 300 } }));
    expectFailure(error, { kind: 'server', statusCode: 503, partialText: '' });
    expect(error.message).toBe('server busy');
    await eventually(() => expect(raw.open).toBe(0), 5_000);
  });
});

describe('case 4: single answers have a size cap', () => {
  /** A `/api/tags` answer of `size` bytes: valid JSON, padded. */
  const tagsOfSize = (size: number) => (socket: Socket) => {
    const start = '{"models":[],"pad":"';
    const end = '"}';
    socket.write(responseHead(200, { 'Content-Type': 'application/json', 'Content-Length': String(size) }) + start);
    const padding = size - start.length - end.length;
    for (let left = padding; left > 0; left -= MiB) socket.write('x'.repeat(Math.min(MiB, left)));
    socket.end(end);
  };

  it('an answer over the default 32 MiB cap: protocol naming maxAnswerBytes; reading stops', async () => {
    const { raw, client } = await hostile(tagsOfSize(40 * MiB));
    const error = await client.list().then(
      () => undefined,
      (failure: unknown) => failure,
    );
    expectFailure(error, { kind: 'protocol', partialText: '' });
    expect((error as Error).message).toBe(
      "Ollama's answer to /api/tags is longer than 33554432 bytes (maxAnswerBytes); reading was stopped to bound memory",
    );
    await eventually(() => expect(raw.open).toBe(0), 5_000);
  });

  it('maxAnswerBytes sets the cap: an answer at the cap is read, one byte over is refused', async () => {
    const { client: atCap } = await hostile(tagsOfSize(1_000), { maxAnswerBytes: 1_000 });
    await expect(atCap.list()).resolves.toEqual([]);
    const { client: over } = await hostile(tagsOfSize(1_001), { maxAnswerBytes: 1_000 });
    await expect(over.list()).rejects.toMatchObject({
      kind: 'protocol',
      message: expect.stringContaining('longer than 1000 bytes (maxAnswerBytes)'),
    });
  });

  it.each([0, -1, 1.5, '32MB'])('maxAnswerBytes %j is refused at construction', (value) => {
    expect(() => new OllamaClient({ host: 'h', maxAnswerBytes: value as number })).toThrow(OllamaConfigError);
    expect(() => new OllamaClient({ host: 'h', maxAnswerBytes: value as number })).toThrow(/maxAnswerBytes: expected a positive integer/);
  });
});

describe('case 7: replies that are not HTTP are protocol errors, not retryable network ones', () => {
  it.each([
    ['invalid chunked encoding mid-body', (socket: Socket) => socket.write(chunkedHead() + httpChunk(line('a')) + 'zz-not-hex\r\n'), 'a'],
    ['a reply that is not HTTP at all', (socket: Socket) => socket.write('SSH-2.0-OpenSSH_9.6\r\n'), ''],
    ['a garbage status line', (socket: Socket) => socket.write('HTTP/1.1 abc OK\r\n\r\n'), ''],
  ])('%s', async (_what, respond, partialText) => {
    const { raw, client } = await hostile(respond);
    const { values, error } = await settle(client.generate$('x'));
    expect(texts(values)).toBe(partialText);
    expectFailure(error, { kind: 'protocol', partialText });
    expect((error as Error).message).toMatch(/^the reply from http:\/\/127\.0\.0\.1:\d+ is not valid HTTP: \S/);
    expect(isRetryable(error)).toBe(false);
    await eventually(() => expect(raw.open).toBe(0), 5_000);
  });
});

describe('case 9: redirects are errors that say where they pointed, never followed', () => {
  it.each([301, 302, 307, 308])('%i: http with the Location in the message; the other origin gets nothing', async (status) => {
    const elsewhere = await startRawHttpServer((socket) => socket.end(responseHead(200, { 'Content-Length': '0' })));
    const target = `${elsewhere.url}/api/generate`;
    const { raw, client } = await hostile((socket) => socket.write(responseHead(status, { Location: target, 'Content-Length': '0' })), {
      headers: { Authorization: 'Bearer tok-1234' },
    });
    const error = await ollamaError(client.generate$('x'));
    expectFailure(error, { kind: 'http', statusCode: status, partialText: '' });
    expect(error.message).toBe(`HTTP ${status}: redirect to ${target} not followed; set the client's host to the server's address`);
    expect(raw.accepted).toBe(1);
    expect(elsewhere.accepted).toBe(0);
    await elsewhere.close();
  });

  it('the fetch transport does not follow one either', async () => {
    const elsewhere = await startRawHttpServer((socket) => socket.end(responseHead(200, { 'Content-Length': '0' })));
    const { raw } = await hostile((socket) =>
      socket.write(responseHead(307, { Location: `${elsewhere.url}/api/tags`, 'Content-Length': '0' })),
    );
    const transport = createFetchTransport();
    const response = await transport.request({
      method: 'GET',
      url: `${raw.url}/api/tags`,
      headers: {},
      signal: new AbortController().signal,
    });
    expect(response.status).toBe(307);
    expect(response.header('location')).toBe(`${elsewhere.url}/api/tags`);
    await response.readBody(() => {});
    expect(elsewhere.accepted).toBe(0);
    await transport.destroy();
    await elsewhere.close();
  });
});

describe('a healthy raw answer still streams', () => {
  it('text and done arrive, and the socket goes back to the pool (one connection for two requests)', async () => {
    const { raw, client } = await hostile((socket) => socket.write(chunkedHead() + httpChunk(line('a')) + httpChunk(DONE) + '0\r\n\r\n'));
    const { values, completed } = await settle(client.generate$('x'));
    expect(completed).toBe(true);
    expect(texts(values)).toBe('a');
    await expect(first(client.generate$('x').pipe(collectText()))).resolves.toBe('a');
    expect(raw.accepted).toBe(1);
  });
});
