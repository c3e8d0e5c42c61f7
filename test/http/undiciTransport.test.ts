import { lastValueFrom } from 'rxjs';
import { Agent, buildConnector } from 'undici';
import { OllamaClient } from '../../src/client/client.js';
import { collectText } from '../../src/operators/collectText.js';
import { createUndiciTransport } from '../../src/http/undici.js';
import {
  type RawServer,
  afterRequestHead,
  chunkedHead,
  httpChunk,
  responseHead,
  startRawHttpServer,
  startRawServer,
} from '../integration/faults/support.js';

const line = (response: string, done = false) => JSON.stringify({ model: 'm', created_at: '2026-11-30T00:00:00Z', response, done }) + '\n';

let raw: RawServer | undefined;
const transport = createUndiciTransport();
afterEach(async () => raw?.close());
afterAll(() => transport.destroy());

const request = (url: string, signal = new AbortController().signal) =>
  transport.request({ method: 'POST', url: `${url}/api/generate`, headers: {}, body: '{}', signal });

describe('undici transport (a dispatch handler)', () => {
  it('hands over the HTTP chunks of one socket read in one piece, in order', async () => {
    const lines = Array.from({ length: 50 }, (_, i) => line(`t${i}`));
    raw = await startRawHttpServer((socket) =>
      socket.end(Buffer.concat([Buffer.from(chunkedHead()), ...lines.map(httpChunk), Buffer.from('0\r\n\r\n')])),
    );
    const response = await request(raw.url);
    const reads: string[] = [];
    await response.readBody((bytes) => reads.push(Buffer.from(bytes).toString()));
    expect(reads.join('')).toBe(lines.join(''));
    // One socket write of 50 chunks arrives in one or a few reads, never one call per chunk.
    expect(reads.length).toBeLessThan(5);
  });

  it('keeps the chunks that arrive with the header until the body is read', async () => {
    raw = await startRawHttpServer((socket) => socket.end(chunkedHead() + httpChunk(line('early')).toString() + '0\r\n\r\n'));
    const response = await request(raw.url);
    await new Promise((resolve) => setTimeout(resolve, 20));
    const reads: string[] = [];
    await response.readBody((bytes) => reads.push(Buffer.from(bytes).toString()));
    expect(reads.join('')).toBe(line('early'));
  });

  it('skips an informational answer (103 Early Hints) before the real one', async () => {
    raw = await startRawHttpServer((socket) =>
      socket.end(
        responseHead(103, { Link: '</style.css>; rel=preload' }) + chunkedHead() + httpChunk(line('hi', true)).toString() + '0\r\n\r\n',
      ),
    );
    const client = new OllamaClient({ host: raw.url, model: 'm' });
    await expect(lastValueFrom(client.generate$('x').pipe(collectText()))).resolves.toBe('hi');
    await client.close();
  });

  it('rejects with the abort reason when aborted before any header, and the server sees the disconnect', async () => {
    let closed = false;
    raw = await startRawServer((socket) => afterRequestHead(socket, () => socket.on('close', () => (closed = true))));
    const abort = new AbortController();
    const pending = request(raw.url, abort.signal);
    await new Promise((resolve) => setTimeout(resolve, 50));
    abort.abort(new Error('stop'));
    await expect(pending).rejects.toThrow('stop');
    await new Promise((resolve) => setTimeout(resolve, 50));
    expect(closed).toBe(true);
  });

  it('rejects the body with the abort reason when aborted mid-body', async () => {
    raw = await startRawHttpServer((socket) => socket.write(chunkedHead() + httpChunk(line('a')).toString()));
    const abort = new AbortController();
    const response = await request(raw.url, abort.signal);
    const body = response.readBody(() => abort.abort(new Error('enough')));
    await expect(body).rejects.toThrow('enough');
  });

  it('an already aborted signal sends nothing', async () => {
    raw = await startRawServer();
    const abort = new AbortController();
    abort.abort(new Error('never'));
    await expect(request(raw.url, abort.signal)).rejects.toThrow('never');
    expect(raw.accepted).toBe(0);
  });
});

describe('undici transport, aborted while connecting', () => {
  it('rejects at once, before the connection is made, and never sends the request once it is', async () => {
    let requests = 0;
    raw = await startRawHttpServer((socket) => {
      requests++;
      socket.end(chunkedHead() + httpChunk(line('late', true)).toString() + '0\r\n\r\n');
    });
    let connected = false;
    const connect = buildConnector({});
    let finishConnecting: () => void = () => {};
    const agent = new Agent({
      connect: (options, callback) => {
        finishConnecting = () => connect(options, (...args) => ((connected = true), callback(...(args as Parameters<typeof callback>))));
      },
    });
    const slow = createUndiciTransport({ dispatcher: agent });
    const abort = new AbortController();
    const pending = slow.request({ method: 'POST', url: `${raw.url}/api/generate`, headers: {}, body: '{}', signal: abort.signal });
    await new Promise((resolve) => setTimeout(resolve, 20));
    abort.abort(new Error('gone'));
    await expect(pending).rejects.toThrow('gone');
    expect(connected).toBe(false);
    finishConnecting();
    await new Promise((resolve) => setTimeout(resolve, 100));
    expect(connected).toBe(true);
    expect(requests).toBe(0);
    await agent.destroy();
  });
});
