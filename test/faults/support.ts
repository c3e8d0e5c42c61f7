import { type AddressInfo, type Server, type Socket, createServer } from 'node:net';
import type { TestServer } from '../../src/testing/server.js';

/** Counts of `process.getActiveResourcesInfo()`: what keeps the event loop alive. */
export type Resources = Record<string, number>;

export function activeResources(): Resources {
  const counts: Resources = {};
  for (const name of process.getActiveResourcesInfo()) counts[name] = (counts[name] ?? 0) + 1;
  return counts;
}

/** Retries `check` until it stops throwing; its last error fails the test after `timeoutMs`. */
export async function eventually(check: () => void, timeoutMs = 2_000): Promise<void> {
  const deadline = performance.now() + timeoutMs;
  for (;;) {
    try {
      return check();
    } catch (error) {
      if (performance.now() > deadline) throw error;
    }
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
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
 * every socket closed, no timer is left, and every client socket still open is an idle pooled one
 * to the test server (in loopback tests both ends live in this process, so each counts twice).
 */
export async function expectNothingLeftBehind(
  before: Resources,
  servers: { server?: TestServer; raw?: RawServer[] } = {},
): Promise<void> {
  const { server, raw = [] } = servers;
  if (server) await server.until(() => server.requests.every((r) => r.finishedAt ?? r.disconnectedAt));
  await eventually(() => {
    const now = activeResources();
    expect(now.Timeout ?? 0).toBeLessThanOrEqual(before.Timeout ?? 0);
    for (const peer of raw) expect(peer.open).toBe(0);
    const pooled = server?.openConnections ?? 0;
    expect((now.TCPSocketWrap ?? 0) - pooled).toBeLessThanOrEqual(pooled);
  });
}

/** The four facts every fault must get right, compared exactly (an absent field must be absent). */
export function expectFailure(
  error: unknown,
  expected: { kind: string; partialText: string; statusCode?: number; phase?: string },
): void {
  const { kind, partialText, statusCode, phase } = error as Record<string, unknown>;
  expect({ kind, partialText, statusCode, phase }).toEqual(expected);
}
