import { createHook } from 'node:async_hooks';
import { type AddressInfo, type Server, type Socket, createServer } from 'node:net';
import { OllamaClient } from '../../../src/client/client.js';
import type { OllamaClientOptions } from '../../../src/core/options.js';
import { type TestServer, type TestServerOptions, startTestServer } from '../../../src/testing/server/index.js';

/**
 * Watches the timers this file's tests create (jest's own are not theirs), so a test can assert that
 * none is left running. Call once at the top of a test file.
 */
export function watchTimers(): void {
  beforeEach(() => timers.clear());
  beforeAll(() => void timerHook.enable());
  afterAll(() => void timerHook.disable());
}

const timers = new Map<number, { hasRef(): boolean; stack: string }>();
const timerHook = createHook({
  init(asyncId, type, _trigger, resource) {
    if (type !== 'Timeout') return;
    const limit = Error.stackTraceLimit;
    Error.stackTraceLimit = 40;
    const stack = new Error().stack ?? '';
    Error.stackTraceLimit = limit;
    // The first frame outside Node's internals and this hook is the code that called setTimeout.
    const caller = stack.split('\n').find((frame, i) => i > 1 && frame.includes(' at ') && !frame.includes('(node:')) ?? '';
    if (/node_modules[\\/](jest-|@jest)/.test(caller) || stack.includes('at pollPause ')) return;
    timers.set(asyncId, { hasRef: () => (resource as NodeJS.Timeout).hasRef(), stack });
  },
  destroy(asyncId) {
    timers.delete(asyncId);
  },
});

function runningTimers(): string[] {
  return [...timers.values()].filter((timer) => timer.hasRef()).map((timer) => timer.stack);
}

const tcpSockets = () => process.getActiveResourcesInfo().filter((name) => name === 'TCPSocketWrap').length;
/** The sockets the process had before this file's tests: a test runner's own (StrykerJS logs over one). */
const socketsBefore = tcpSockets();

const pollPause = () => new Promise((resolve) => setTimeout(resolve, 10));

/** Retries `check` until it stops throwing; its last error fails the test after `timeoutMs`. */
export async function eventually(check: () => void, timeoutMs = 2_000): Promise<void> {
  const deadline = performance.now() + timeoutMs;
  for (;;) {
    try {
      return check();
    } catch (error) {
      if (performance.now() > deadline) throw error;
    }
    await pollPause();
  }
}

/**
 * A test server and a client with a one-socket pool (so a socket a fault leaves busy blocks the next
 * request), started before this file's tests and closed after them; the tests' timers are watched.
 */
export function loopback(
  serverOptions: TestServerOptions = {},
  clientOptions: OllamaClientOptions = {},
): { readonly server: TestServer; readonly client: OllamaClient } {
  const peers = {} as { server: TestServer; client: OllamaClient };
  beforeAll(async () => {
    peers.server = await startTestServer(serverOptions);
    peers.client = new OllamaClient({ host: peers.server.url, maxConnections: 1, ...clientOptions });
  });
  afterAll(async () => {
    await peers.client.close();
    await peers.server.close();
  });
  watchTimers();
  return peers;
}

/** A plain TCP server for faults below HTTP: it sees every socket and when each one closes. */
export interface RawServer {
  readonly port: number;
  readonly url: string;
  /** Sockets accepted so far. */
  readonly accepted: number;
  /** Sockets still open on the server side. */
  readonly open: number;
  close(): Promise<void>;
}

export async function startRawServer(onSocket: (socket: Socket) => void = () => {}): Promise<RawServer> {
  const sockets = new Set<Socket>();
  let accepted = 0;
  const server: Server = createServer((socket) => {
    accepted++;
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
    socket.on('error', () => {});
    socket.resume(); // reads the peer's FIN even when the handler ignores the bytes
    onSocket(socket);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    port,
    url: `http://127.0.0.1:${port}`,
    get accepted() {
      return accepted;
    },
    get open() {
      return sockets.size;
    },
    close: () =>
      new Promise<void>((resolve) => {
        for (const socket of sockets) socket.destroy();
        server.close(() => resolve());
      }),
  };
}

/** Reads one HTTP request head off a raw socket, then hands over. */
export function afterRequestHead(socket: Socket, then: () => void): void {
  let head = '';
  const onData = (data: Buffer) => {
    head += data.toString('latin1');
    if (!head.includes('\r\n\r\n')) return;
    socket.off('data', onData);
    then();
  };
  socket.on('data', onData);
}

/**
 * After a fault: the test server finished or saw the disconnect of every request, raw servers saw
 * every socket closed, no timer of the test is left running, no client socket is left without its
 * server end (in loopback tests both ends live in this process), and the client's pool still serves
 * a request — with `maxConnections: 1`, a socket left busy by the fault would block it.
 */
export async function expectNothingLeftBehind(
  peers: { server?: TestServer; raw?: RawServer[]; client?: OllamaClient } = {},
): Promise<void> {
  const { server, raw = [], client } = peers;
  if (server) await server.until(() => server.requests.every((r) => r.finishedAt ?? r.disconnectedAt));
  await eventually(() => {
    expect(runningTimers()).toEqual([]);
    for (const peer of raw) expect(peer.open).toBe(0);
    const serverSockets = server?.openConnections ?? 0;
    const clientSockets = tcpSockets() - socketsBefore - serverSockets;
    expect(clientSockets).toBeLessThanOrEqual(serverSockets);
  });
  if (client && server) {
    await expect(client.version({ timeouts: { firstToken: 2_000 } })).resolves.toEqual(expect.any(String));
  }
}

/** The four facts every fault must get right, compared exactly (an absent field must be absent). */
export function expectFailure(error: unknown, expected: { kind: string; partialText: string; statusCode?: number; phase?: string }): void {
  const { kind, partialText, statusCode, phase } = error as Record<string, unknown>;
  expect({ kind, partialText, statusCode, phase }).toEqual(expected);
}

/**
 * A raw loopback server that answers every request (head and `content-length` body read) with
 * whatever bytes `respond` writes, for each request of a keep-alive socket.
 */
export function startRawHttpServer(respond: (socket: Socket) => void): Promise<RawServer> {
  return startRawServer((socket) => {
    let pending = Buffer.alloc(0);
    socket.on('data', (data: Buffer) => {
      pending = Buffer.concat([pending, data]);
      for (;;) {
        const headEnd = pending.indexOf('\r\n\r\n');
        if (headEnd === -1) return;
        const length = Number(/\r\ncontent-length: *(\d+)/i.exec(pending.subarray(0, headEnd).toString('latin1'))?.[1] ?? 0);
        if (pending.length < headEnd + 4 + length) return;
        pending = pending.subarray(headEnd + 4 + length);
        respond(socket);
      }
    });
  });
}

/** A response head; `headers` are written as given, so a test can send any status and fields. */
export function responseHead(status: number, headers: Record<string, string> = {}, reason = 'X'): string {
  const fields = Object.entries(headers).map(([name, value]) => `${name}: ${value}\r\n`);
  return `HTTP/1.1 ${status} ${reason}\r\n${fields.join('')}\r\n`;
}

/** The head of a streamed (chunked) answer. */
export const chunkedHead = (status = 200, headers: Record<string, string> = {}) =>
  responseHead(status, { 'Content-Type': 'application/x-ndjson', 'Transfer-Encoding': 'chunked', ...headers });

/** One HTTP/1.1 chunk holding `data`. */
export function httpChunk(data: string | Uint8Array): Buffer {
  const bytes = typeof data === 'string' ? Buffer.from(data) : Buffer.from(data);
  return Buffer.concat([Buffer.from(`${bytes.length.toString(16)}\r\n`), bytes, Buffer.from('\r\n')]);
}
