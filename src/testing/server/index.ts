import { EventEmitter } from 'node:events';
import { type IncomingMessage, type Server, createServer } from 'node:http';
import type { AddressInfo, Socket } from 'node:net';
import { replayer } from '../har/serverReplay.js';
import { sendJson } from './framing.js';
import { serve } from './routes.js';
import type { RecordedRequest, ServerState, TestServer, TestServerOptions } from './types.js';

export { DEFAULT_TOKENS } from '../scripted/answers.js';
export type { ModelFaults, ModelScript, RecordedRequest, TestServer, TestServerOptions } from './types.js';

/**
 * A real loopback HTTP server speaking Ollama's protocol, scripted per model name: token lists and
 * pace, model-load pauses with no headers, mid-stream errors, raw byte pieces, any status and body.
 * It records every request and when each client disconnected. With `replay` it answers from a
 * recorded session instead (see `startRecorder`): the recorded status, headers and chunks, each at its
 * recorded offset × 1/`speed`.
 *
 * @example
 * const server = await startTestServer({ models: { tiny: { tokens: ['Hi', '!'], tokenDelayMs: 5 } } });
 * const text = await lastValueFrom(fromOllama('Hello', { host: server.url, model: 'tiny' }).pipe(collectText()));
 * await server.close();
 *
 * const replaying = await startTestServer({ replay: 'test/fixtures/chat-thinking.har', speed: 0 });
 */
export async function startTestServer(options: TestServerOptions = {}): Promise<TestServer> {
  const events = new EventEmitter();
  events.setMaxListeners(0);
  const state: ServerState = {
    options,
    models: new Map(Object.entries(options.models ?? {})),
    loaded: new Set(),
    blobs: new Map(),
    attempts: new Map(),
    changed: () => events.emit('change'),
  };
  const replay = options.replay === undefined ? undefined : replayer(options.replay, options.speed, options.match);
  const requests: RecordedRequest[] = [];
  const sockets = new Set<Socket>();
  const socketIds = new WeakMap<Socket, number>();

  const server: Server = createServer((req, res) => {
    const record = recordOf(req, requests.length + 1, socketIds.get(req.socket) ?? 0);
    requests.push(record);
    const gone = new AbortController();
    res.on('close', () => {
      if (res.writableFinished) record.finishedAt ??= performance.now();
      else record.disconnectedAt = performance.now();
      gone.abort();
      state.changed();
    });
    state.changed();
    const call = { req, res, record, gone: gone.signal };
    (replay ? replay(call) : serve(state, call)).catch((error: unknown) => {
      if (!gone.signal.aborted && !res.headersSent) sendJson(res, 500, { error: String(error) });
      else res.destroy();
    });
  });
  server.keepAliveTimeout = 60_000;
  let connectionCount = 0;
  server.on('connection', (socket) => {
    socketIds.set(socket, ++connectionCount);
    sockets.add(socket);
    socket.on('close', () => {
      sockets.delete(socket);
      state.changed();
    });
    state.changed();
  });

  const port = await listen(server, options.port ?? 0);

  return {
    url: `http://127.0.0.1:${port}`,
    requests,
    blobs: state.blobs,
    get connectionCount() {
      return connectionCount;
    },
    get openConnections() {
      return sockets.size;
    },
    setModel(name, script) {
      state.models.set(name, script);
      // A new script starts its own count of failures before success.
      state.attempts.delete(name);
    },
    until: (predicate, timeoutMs = 5_000) => until(events, predicate, timeoutMs),
    close() {
      return new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      });
    },
  };
}

function recordOf(req: IncomingMessage, id: number, connection: number): RecordedRequest {
  return {
    id,
    method: req.method ?? 'GET',
    path: (req.url ?? '/').split('?')[0]!,
    headers: req.headers,
    body: undefined,
    receivedAt: performance.now(),
    connection,
  };
}

/** Listens on loopback; resolves with the port (a free one for 0). */
function listen(server: Server, port: number): Promise<number> {
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, '127.0.0.1', () => resolve((server.address() as AddressInfo).port));
  });
}

/** Resolves when `predicate` holds, checked now and on every `change` event; rejects after `timeoutMs`. */
function until(events: EventEmitter, predicate: () => unknown, timeoutMs: number): Promise<void> {
  return new Promise<void>((resolve, reject) => {
    const check = () => {
      if (!predicate()) return;
      cleanup();
      resolve();
    };
    const timer = setTimeout(() => {
      cleanup();
      reject(new Error(`test server: condition not met within ${timeoutMs} ms`));
    }, timeoutMs);
    const cleanup = () => {
      clearTimeout(timer);
      events.off('change', check);
    };
    events.on('change', check);
    check();
  });
}
