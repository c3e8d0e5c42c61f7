import { createHash } from 'node:crypto';
import { EventEmitter } from 'node:events';
import { type IncomingMessage, type Server, type ServerResponse, createServer } from 'node:http';
import type { AddressInfo, Socket } from 'node:net';
import type { Writable } from 'node:stream';
import { setTimeout as sleep } from 'node:timers/promises';
import type { ToolCall } from '../core/types.js';

/** How a scripted model answers `/api/generate` and `/api/chat`. */
export interface ModelScript {
  /**
   * The answer, token by token. A function receives the request body. Default: a short greeting.
   * A request continuing the answer (chat's trailing assistant message, or a raw prompt ending with
   * the start of the answer, as `resumable` sends) gets only the rest of it, as from a real model.
   */
  tokens?: readonly string[] | ((request: RecordedRequest['body']) => readonly string[]);
  /** Reasoning tokens streamed before the answer. */
  thinking?: readonly string[];
  /**
   * Tool calls sent after the text: in the last line's `message` (chat) or as the last line's
   * `tool_calls` (generate, where Ollama's parsers set them only on the final line).
   * A function receives the request body, so a model can call tools first and answer from the
   * `tool` messages on the next request (none: `[]`).
   */
  toolCalls?: readonly ToolCall[] | ((request: RecordedRequest['body']) => readonly ToolCall[]);
  /**
   * A cloud model served through this Ollama: every line carries `remote_model` and `remote_host`,
   * and `list()`/`show()` report them.
   */
  remote?: { model: string; host: string };
  /** Pause before each token. */
  tokenDelayMs?: number;
  /** One long pause after this many tokens: a model that stalls mid-answer. */
  stall?: { afterTokens: number; ms: number };
  /** Model load: a pause before anything, headers included, is sent. */
  loadDelayMs?: number;
  /** After this many tokens, send one `{"error": …}` line (HTTP 200 already sent) and end. */
  errorAfterTokens?: number;
  errorMessage?: string;
  /** After this many tokens, end the body cleanly without a `done: true` line. */
  endAfterTokens?: number;
  /** After this many tokens, reset the connection (TCP RST, after the tokens reached the client). */
  resetAfterTokens?: number;
  /** Reset the connection once the request is read, before any header. */
  resetBeforeHeaders?: boolean;
  /** The script's faults (status, body, error, end, reset, stall, load delay) hit only the first this-many requests. */
  failuresBeforeSuccess?: number;
  /** Answer with this status and body instead (an object is sent as JSON). */
  status?: number;
  body?: string | object;
  contentType?: string;
  /** Answer 200 with exactly these body pieces, each written separately (split lines, UTF-8). */
  raw?: ReadonlyArray<string | Uint8Array>;
  /** Pause between raw pieces. */
  rawDelayMs?: number;
  doneReason?: string;
  context?: readonly number[];
  /**
   * Gathers the lines of an unpaced, uninterrupted answer into writes of up to this many bytes.
   * Off by default: like Ollama's Go server, this server writes and flushes each line on its own, so
   * each line is its own HTTP chunk. Batching (e.g. `64 * 1024`) puts many lines in one chunk.
   */
  batchBytes?: number;
}

export interface RecordedRequest {
  id: number;
  method: string;
  path: string;
  headers: IncomingMessage['headers'];
  body: Record<string, unknown> | undefined;
  receivedAt: number;
  /** When the answer was fully written. */
  finishedAt?: number;
  /** When the client went away before the answer was fully written: the server saw the abort. */
  disconnectedAt?: number;
  /** Which TCP connection carried it (1-based, in accept order): equal ids mean a reused socket. */
  connection: number;
  /** A blob upload: the bytes received so far. */
  uploadedBytes?: number;
}

export interface TestServerOptions {
  models?: Record<string, ModelScript>;
  /** Models `/api/pull` can download (with progress lines); pulling any other name fails like Ollama. */
  pullable?: Record<string, ModelScript>;
  /** Pause between the progress lines of pull, push and create. */
  pullDelayMs?: number;
  /** Pause before answering `/api/show`: a slow disk or registry lookup. */
  showDelayMs?: number;
  /**
   * Answers `/api/web_search` and `/api/web_fetch` as ollama.com does, demanding
   * `Authorization: Bearer <apiKey>` (401 `unauthorized` otherwise). Without it those routes are absent, as in Ollama.
   */
  webApiKey?: string;
  /** Pause after each piece of a blob upload received: a slow link, for progress and cancellation tests. */
  blobDelayMs?: number;
  port?: number;
}

export interface TestServer {
  /** Base URL, e.g. `http://127.0.0.1:40123`. */
  readonly url: string;
  readonly requests: readonly RecordedRequest[];
  /** TCP connections accepted so far. */
  readonly connectionCount: number;
  /** TCP connections open now. */
  readonly openConnections: number;
  /** Blobs uploaded to `/api/blobs/<digest>` (their digests, verified, and sizes); a test may add its own. */
  readonly blobs: Map<string, number>;
  setModel(name: string, script: ModelScript): void;
  /** Resolves when `predicate` holds, re-checked on every server event; rejects after `timeoutMs`. */
  until(predicate: () => unknown, timeoutMs?: number): Promise<void>;
  close(): Promise<void>;
}

export const DEFAULT_TOKENS = ['Hello', '!', ' I', ' am', ' a', ' test', ' model', '.'];

const NDJSON = 'application/x-ndjson';
const NS_PER_MS = 1e6;
const CORS_HEADERS = {
  'access-control-allow-origin': '*',
  'access-control-allow-methods': 'GET, POST, DELETE, HEAD, OPTIONS',
  'access-control-allow-headers': 'content-type, authorization, accept',
  'access-control-max-age': '600',
};

/**
 * A real loopback HTTP server speaking Ollama's protocol, scripted per model name: token lists and
 * pace, model-load pauses with no headers, mid-stream errors, raw byte pieces, any status and body.
 * It records every request and when each client disconnected.
 *
 * @example
 * const server = await startTestServer({ models: { tiny: { tokens: ['Hi', '!'], tokenDelayMs: 5 } } });
 * const text = await lastValueFrom(fromOllama('Hello', { host: server.url, model: 'tiny' }).pipe(collectText()));
 * await server.close();
 */
export async function startTestServer(options: TestServerOptions = {}): Promise<TestServer> {
  const models = new Map(Object.entries(options.models ?? {}));
  const loaded = new Set<string>();
  const blobs = new Map<string, number>();
  const requests: RecordedRequest[] = [];
  const events = new EventEmitter();
  events.setMaxListeners(0);
  const sockets = new Set<Socket>();
  const socketIds = new WeakMap<Socket, number>();
  let connectionCount = 0;
  const changed = () => events.emit('change');

  const server: Server = createServer((req, res) => {
    const record: RecordedRequest = {
      id: requests.length + 1,
      method: req.method ?? 'GET',
      path: (req.url ?? '/').split('?')[0]!,
      headers: req.headers,
      body: undefined,
      receivedAt: performance.now(),
      connection: socketIds.get(req.socket) ?? 0,
    };
    requests.push(record);
    const gone = new AbortController();
    res.on('close', () => {
      if (res.writableFinished) record.finishedAt ??= performance.now();
      else record.disconnectedAt = performance.now();
      gone.abort();
      changed();
    });
    changed();
    handle(req, res, record, gone.signal).catch((error: unknown) => {
      if (!gone.signal.aborted && !res.headersSent) sendJson(res, 500, { error: String(error) });
      else res.destroy();
    });
  });
  server.keepAliveTimeout = 60_000;
  server.on('connection', (socket) => {
    socketIds.set(socket, ++connectionCount);
    sockets.add(socket);
    socket.on('close', () => {
      sockets.delete(socket);
      changed();
    });
    changed();
  });

  async function handle(req: IncomingMessage, res: ServerResponse, record: RecordedRequest, gone: AbortSignal) {
    for (const [name, value] of Object.entries(CORS_HEADERS)) res.setHeader(name, value);
    if (req.method === 'OPTIONS') return void req.resume().once('end', () => res.writeHead(204).end());
    const known = routeOf(record.path, Boolean(options.webApiKey));
    // gin's answers (routes.go sets HandleMethodNotAllowed): plain text, the body never read.
    if (!known) return void ginError(req, res, 404, '404 page not found');
    if (!known.methods.includes(record.method)) {
      res.setHeader('allow', known.methods.join(', '));
      return void ginError(req, res, 405, '405 method not allowed');
    }
    // A blob can be gigabytes: it is hashed as it arrives, never buffered like a JSON body.
    if (known.route === '/api/blobs/:digest') return blob(req, res, record, decodeURIComponent(record.path.slice('/api/blobs/'.length)), gone);
    await parseBody(req, res, record);
    changed();
    if (res.writableEnded) return;
    const route = `${record.method} ${record.path}`;
    switch (route) {
      case 'POST /api/generate':
      case 'POST /api/chat':
        return answer(res, record, route === 'POST /api/chat', gone);
      case 'GET /api/version':
      case 'HEAD /api/version':
        return sendJson(res, 200, { version: '0.12.0-test' });
      case 'GET /api/tags':
      case 'HEAD /api/tags':
        return sendJson(res, 200, { models: [...models].map(([name, script]) => modelInfo(name, script)) });
      case 'GET /api/ps':
        return sendJson(res, 200, { models: [...loaded].map((name) => runningModel(name, models.get(name))) });
      case 'POST /api/pull':
        return progressAnswer(res, record.body, gone, pull(String(record.body?.model ?? record.body?.name ?? '')));
      case 'POST /api/push':
        return progressAnswer(res, record.body, gone, push(record.body));
      case 'POST /api/create':
        return progressAnswer(res, record.body, gone, create(record.body));
      case 'POST /api/web_search':
      case 'POST /api/web_fetch':
        return web(res, record, route === 'POST /api/web_search');
      case 'POST /api/embed':
        return embed(res, record.body ?? {});
      case 'POST /api/show':
        if (!(await pause(options.showDelayMs, gone))) return;
        return manage(res, route, record.body ?? {});
      case 'DELETE /api/delete':
      case 'POST /api/copy':
        return manage(res, route, record.body ?? {});
      case 'GET /':
      case 'HEAD /':
        return void res.writeHead(200, { 'content-type': 'text/plain' }).end('Ollama is running');
      default:
        return sendJson(res, 501, { error: `the test server does not implement ${route}` });
    }
  }

  /** Answers Ollama's error for a request naming no model or an unknown one; true when it did. */
  function missingModel(res: ServerResponse, model: unknown): boolean {
    if (typeof model !== 'string' || !model) sendJson(res, 400, { error: 'model is required' });
    else if (!models.has(model)) sendJson(res, 404, { error: `model '${model}' not found` });
    else return false;
    return true;
  }

  /**
   * Ollama's progress endpoints: each line as it comes, an error as the last line — or, when it
   * comes first, as the HTTP status (500 unless it names one) with a JSON body; `stream: false`
   * answers only the last line (routes.go's streamResponse and waitForStream).
   */
  async function progressAnswer(res: ServerResponse, body: Record<string, unknown> | undefined, gone: AbortSignal, lines: AsyncIterable<ProgressItem>) {
    if (!body) return sendJson(res, 400, { error: 'missing request body' });
    let latest: ProgressItem = {};
    let first = true;
    for await (const item of lines) {
      if (gone.aborted) return;
      if (body.stream === false) {
        if (item.error === undefined) latest = item;
        else return sendJson(res, item.httpStatus ?? 500, { error: item.error });
        continue;
      }
      if (first && item.error !== undefined) return sendJson(res, item.httpStatus ?? 500, { error: item.error });
      if (first) res.writeHead(200, { 'content-type': NDJSON });
      first = false;
      const { httpStatus: _, ...line } = item;
      if (item.error !== undefined) return void res.end(JSON.stringify(line) + '\n');
      if (!(await write(res, JSON.stringify(line) + '\n'))) return;
      if (!(await pause(options.pullDelayMs, gone))) return;
    }
    if (body.stream === false) return sendJson(res, 200, latest);
    res.end();
  }

  /** A layer's transfer in four steps, as pull and push report it. */
  function* transfer(verb: string, digest: string): Generator<ProgressItem> {
    const total = 4_000_000;
    for (let completed = 0; completed <= total; completed += 1_000_000) yield { status: `${verb} ${digest.slice(7, 19)}`, digest, total, completed };
  }

  async function* pull(model: string): AsyncGenerator<ProgressItem> {
    if (!model) return yield { error: 'model is required', httpStatus: 400 };
    yield { status: 'pulling manifest' };
    const script = models.get(model) ?? options.pullable?.[model];
    if (!script) return yield { error: 'pull model manifest: file does not exist' };
    yield* transfer('pulling', `sha256:${'ab'.repeat(32)}`);
    yield { status: 'verifying sha256 digest' };
    yield { status: 'writing manifest' };
    models.set(model, script);
    yield { status: 'success' };
  }

  async function* push(body: Record<string, unknown> | undefined): AsyncGenerator<ProgressItem> {
    const model = String(body?.model || body?.name || '');
    if (!model) return yield { error: 'model is required', httpStatus: 400 };
    yield { status: 'retrieving manifest' };
    if (!models.has(model)) {
      yield { status: "couldn't retrieve manifest" };
      return yield { error: `open /root/.ollama/models/manifests/registry.ollama.ai/library/${model}/latest: no such file or directory` };
    }
    yield* transfer('pushing', `sha256:${'cd'.repeat(32)}`);
    yield* transfer('pushing', `sha256:${'ef'.repeat(32)}`);
    yield { status: 'pushing manifest' };
    yield { status: 'success' };
  }

  /** `/api/create` with Ollama's checks, in its order and words (server/create.go). */
  async function* create(body: Record<string, unknown> = {}): AsyncGenerator<ProgressItem> {
    const fileMaps = (['files', 'draft_files'] as const).map((field) => digestMap(body[field]));
    const adapters = digestMap(body.adapters);
    for (const files of fileMaps) {
      for (const [name, digest] of files) {
        if (!isValidPath(name)) return yield { error: 'file path must be relative', httpStatus: 400 };
        if (!digest) return yield { error: 'invalid digest format', httpStatus: 400 };
      }
    }
    if (adapters.some(([, digest]) => !digest)) return yield { error: 'invalid digest format', httpStatus: 400 };
    const name = String(body.model || body.name || '');
    if (!name) return yield { error: 'invalid model name', httpStatus: 400 };
    const [files] = fileMaps;
    let script: ModelScript = {};
    if (typeof body.from === 'string' && body.from) {
      const base = models.get(body.from);
      if (!base) {
        yield { status: 'pulling manifest' };
        return yield { error: 'pull model manifest: file does not exist' };
      }
      script = base;
      yield { status: `using existing layer sha256:${'ab'.repeat(32)}` };
    } else if (files!.length > 0) {
      yield { status: 'parsing GGUF' };
    } else {
      return yield { error: "neither 'from' or 'files' was specified", httpStatus: 400 };
    }
    for (const [, digest] of [...fileMaps.flat(), ...adapters]) {
      if (!blobs.has(digest)) return yield { error: `open /root/.ollama/models/blobs/${digest.replace(':', '-')}: no such file or directory` };
      yield { status: `using existing layer ${digest}` };
    }
    for (const field of ['template', 'system', 'parameters', 'messages', 'license'] as const) {
      if (body[field] === undefined) continue;
      const digest = createHash('sha256').update(JSON.stringify(body[field])).digest('hex');
      yield { status: `creating new layer sha256:${digest}` };
    }
    yield { status: 'writing manifest' };
    models.set(name, script);
    changed();
    yield { status: 'success' };
  }

  /** `HEAD` and `POST /api/blobs/:digest` (routes.go's HeadBlobHandler and CreateBlobHandler). */
  async function blob(req: IncomingMessage, res: ServerResponse, record: RecordedRequest, digest: string, gone: AbortSignal) {
    if (!/^sha256[:-][0-9a-fA-F]{64}$/.test(digest)) {
      req.resume();
      return sendJson(res, 400, { error: 'invalid digest format' });
    }
    if (record.method === 'HEAD') {
      req.resume();
      if (blobs.has(digest)) return void res.writeHead(200).end();
      return sendJson(res, 404, { error: `blob ${JSON.stringify(digest)} not found` });
    }
    if (blobs.has(digest)) {
      req.resume();
      return void res.writeHead(200).end();
    }
    const hash = createHash('sha256');
    let size = 0;
    record.uploadedBytes = 0;
    for await (const part of req as AsyncIterable<Buffer>) {
      hash.update(part);
      size += part.length;
      record.uploadedBytes = size;
      changed();
      if (!(await pause(options.blobDelayMs, gone))) return;
    }
    const received = `sha256:${hash.digest('hex')}`;
    if (received !== digest) return sendJson(res, 400, { error: `digest mismatch, expected ${JSON.stringify(digest)}, got ${JSON.stringify(received)}` });
    blobs.set(digest, size);
    res.writeHead(201).end();
  }

  /** ollama.com's web search and fetch: deterministic answers, a bearer key required. */
  function web(res: ServerResponse, record: RecordedRequest, search: boolean) {
    if (record.headers.authorization !== `Bearer ${options.webApiKey}`) return sendJson(res, 401, { error: 'unauthorized' });
    const body = record.body ?? {};
    if (search) {
      const query = String(body.query ?? '');
      if (!query) return sendJson(res, 400, { error: 'query is required' });
      const count = Math.min(10, Math.max(1, Number(body.max_results ?? 5)));
      const results = Array.from({ length: count }, (_, i) => ({
        title: `Result ${i + 1} for ${query}`,
        url: `https://example.com/${encodeURIComponent(query)}/${i + 1}`,
        content: `What the web says about ${query}, part ${i + 1}.`,
      }));
      return sendJson(res, 200, { results });
    }
    const url = String(body.url ?? '');
    if (!url) return sendJson(res, 400, { error: 'url is required' });
    sendJson(res, 200, { title: `Page at ${url}`, content: `The text of ${url}.`, links: [`${url}/about`, `${url}/contact`] });
  }

  function embed(res: ServerResponse, body: Record<string, unknown>) {
    if (missingModel(res, body.model)) return;
    const inputs = Array.isArray(body.input) ? body.input : [body.input ?? ''];
    const dimensions = typeof body.dimensions === 'number' && body.dimensions > 0 ? body.dimensions : undefined;
    loaded.add(String(body.model));
    // EmbedResponse: model, embeddings, then the omitempty durations and the prompt's token count.
    sendJson(res, 200, {
      model: body.model,
      embeddings: inputs.map((input) => embedding(String(input), dimensions)),
      total_duration: 14 * NS_PER_MS,
      load_duration: 2 * NS_PER_MS,
      prompt_eval_count: inputs.reduce((sum: number, input) => sum + String(input).split(/\s+/).filter(Boolean).length, 0),
    });
  }


  function manage(res: ServerResponse, route: string, body: Record<string, unknown>) {
    const model = route === 'POST /api/copy' ? body.source : body.model;
    if (missingModel(res, model)) return;
    const name = String(model);
    if (route === 'POST /api/show') return sendJson(res, 200, modelDescription(name, models.get(name), body.verbose === true));
    if (route === 'POST /api/copy') models.set(String(body.destination), models.get(name)!);
    else {
      models.delete(name);
      loaded.delete(name);
    }
    res.writeHead(200).end();
  }

  const attempts = new Map<string, number>();
  /** The script for a model's next request: fault-free once `failuresBeforeSuccess` requests failed. */
  function nextScript(model: string): ModelScript {
    const script = models.get(model)!;
    const attempt = (attempts.get(model) ?? 0) + 1;
    attempts.set(model, attempt);
    if (script.failuresBeforeSuccess === undefined || attempt <= script.failuresBeforeSuccess) return script;
    const { status, body, errorAfterTokens, endAfterTokens, resetAfterTokens, resetBeforeHeaders, stall, loadDelayMs, ...healthy } = script;
    return healthy;
  }

  async function answer(res: ServerResponse, record: RecordedRequest, chat: boolean, gone: AbortSignal) {
    const body = record.body ?? {};
    if (missingModel(res, body.model)) return;
    const model = String(body.model);
    // Ollama's way to load or unload a model: a request with nothing to answer (an empty prompt, no
    // messages). With `keep_alive: 0` it unloads at once, before any scheduling.
    const nothingToAnswer = chat ? !Array.isArray(body.messages) || body.messages.length === 0 : !body.prompt;
    if (nothingToAnswer && isZeroDuration(body.keep_alive)) {
      loaded.delete(model);
      return sendJson(res, 200, emptyAnswer(model, chat, 'unload'));
    }
    const script = nextScript(model);
    if (!(await pause(script.loadDelayMs, gone))) return;
    if (script.resetBeforeHeaders) return void res.socket?.resetAndDestroy();
    if (script.status !== undefined || script.body !== undefined) {
      const status = script.status ?? 200;
      if (typeof script.body === 'string' || script.body === undefined) {
        res.writeHead(status, { 'content-type': script.contentType ?? 'text/html' });
        return void res.end(script.body ?? '');
      }
      return sendJson(res, status, script.body);
    }
    loaded.add(model);
    changed();
    if (nothingToAnswer) return sendJson(res, 200, emptyAnswer(model, chat, 'load'));
    if (script.raw) {
      res.writeHead(200, { 'content-type': NDJSON });
      for (const [i, piece] of script.raw.entries()) {
        if (i > 0 && !(await pause(script.rawDelayMs, gone))) return;
        if (!(await write(res, piece))) return;
      }
      return void res.end();
    }
    const lines = new ScriptLines(model, chat, script, body);
    if (body.stream === false) {
      // A whole answer takes as long as its tokens would have taken to stream.
      if (!(await pause((script.tokenDelayMs ?? 0) * lines.tokens.length, gone))) return;
      return sendJson(res, 200, lines.whole());
    }

    res.writeHead(200, { 'content-type': NDJSON });
    const tokens = lines.tokens;
    const interrupted = (sent: number): boolean => {
      if (sent === script.errorAfterTokens) {
        const message = script.errorMessage ?? 'an error was encountered while running the model';
        res.end(JSON.stringify({ error: message }) + '\n');
      } else if (sent === script.endAfterTokens) res.end();
      else if (sent === script.resetAfterTokens) resetAfterFlush(res);
      else return false;
      return true;
    };
    const paced = Boolean(script.tokenDelayMs || script.stall);
    const cutShort = [script.errorAfterTokens, script.endAfterTokens, script.resetAfterTokens].some((n) => n !== undefined);
    if (!paced && !cutShort) {
      const all = tokens.map((token) => lines.token(token));
      const sent = script.batchBytes ? await writeBatched(res, all, script.batchBytes) : await writeChunkPerLine(res, all);
      return void (sent && res.end(lines.final()));
    }
    // One write per line, flushed at once, as Ollama does.
    for (let i = 0; i < tokens.length; i++) {
      if (interrupted(i)) return;
      if (script.tokenDelayMs && !(await pause(script.tokenDelayMs, gone))) return;
      if (i === script.stall?.afterTokens && !(await pause(script.stall.ms, gone))) return;
      if (!(await write(res, lines.token(tokens[i]!)))) return;
    }
    if (interrupted(tokens.length)) return;
    res.end(lines.final());
  }

  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port ?? 0, '127.0.0.1', resolve);
  });
  const { port } = server.address() as AddressInfo;

  return {
    url: `http://127.0.0.1:${port}`,
    requests,
    blobs,
    get connectionCount() {
      return connectionCount;
    },
    get openConnections() {
      return sockets.size;
    },
    setModel(name, script) {
      models.set(name, script);
      // A new script starts its own count of failures before success.
      attempts.delete(name);
    },
    until(predicate, timeoutMs = 5_000) {
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
    },
    close() {
      return new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      });
    },
  };
}

/** One line of a progress endpoint, or its failure (`httpStatus` is what gin answers when it comes first). */
interface ProgressItem {
  status?: string;
  digest?: string;
  total?: number;
  completed?: number;
  error?: string;
  httpStatus?: number;
}

/** Ollama's routes (routes.go) and their methods, in gin's order for the `Allow` header. */
const ROUTES: Record<string, readonly string[]> = {
  '/': ['HEAD', 'GET'],
  '/api/version': ['HEAD', 'GET'],
  '/api/status': ['GET'],
  '/api/pull': ['POST'],
  '/api/push': ['POST'],
  '/api/tags': ['HEAD', 'GET'],
  '/api/show': ['POST'],
  '/api/delete': ['DELETE'],
  '/api/me': ['POST'],
  '/api/signout': ['POST'],
  '/api/create': ['POST'],
  '/api/blobs/:digest': ['HEAD', 'POST'],
  '/api/copy': ['POST'],
  '/api/experimental/web_search': ['POST'],
  '/api/experimental/web_fetch': ['POST'],
  '/api/ps': ['GET'],
  '/api/generate': ['POST'],
  '/api/chat': ['POST'],
  '/api/embed': ['POST'],
  '/api/embeddings': ['POST'],
};
/** ollama.com's own routes, served when the test server stands in for it. */
const OLLAMA_COM_ROUTES: Record<string, readonly string[]> = { '/api/web_search': ['POST'], '/api/web_fetch': ['POST'] };

function routeOf(path: string, ollamaCom: boolean): { route: string; methods: readonly string[] } | undefined {
  const route = /^\/api\/blobs\/[^/]+$/.test(path) ? '/api/blobs/:digest' : path;
  const methods = ROUTES[route] ?? (ollamaCom ? OLLAMA_COM_ROUTES[route] : undefined);
  return methods && { route, methods };
}

/** gin's own 404 and 405: plain text, and the request body left unread (drained here so the socket stays usable). */
function ginError(req: IncomingMessage, res: ServerResponse, status: number, text: string): void {
  req.resume();
  res.writeHead(status, { 'content-type': 'text/plain' }).end(text);
}

/** A create request's `files`-like map as [name, digest] pairs ('' for a digest that is not a string). */
function digestMap(value: unknown): [string, string][] {
  if (typeof value !== 'object' || value === null) return [];
  return Object.entries(value).map(([name, digest]) => [name, typeof digest === 'string' ? digest : '']);
}

/** Go's fs.ValidPath: a relative, slash-separated path without empty, `.` or `..` elements. */
function isValidPath(name: string): boolean {
  if (name === '.') return true;
  return name.split('/').every((element) => element !== '' && element !== '.' && element !== '..');
}

/** The NDJSON lines of one scripted answer, in Ollama's exact shapes and key order (api/types.go). */
class ScriptLines {
  readonly tokens: readonly string[];
  private readonly createdAt = new Date().toISOString();
  private readonly prefix: string;
  private readonly thinkingCount: number;
  /** `top_logprobs` when the request set `logprobs`: each token line then carries its log probability. */
  private readonly topLogprobs: number | undefined;
  private readonly toolCalls: readonly ToolCall[];
  private sent = 0;
  private readonly answerLines = new Map<string, string>();
  private readonly thinkingLines = new Map<string, string>();

  constructor(
    private readonly model: string,
    private readonly chat: boolean,
    private readonly script: ModelScript,
    body: Record<string, unknown>,
  ) {
    const answer = typeof script.tokens === 'function' ? script.tokens(body) : (script.tokens ?? DEFAULT_TOKENS);
    this.toolCalls = typeof script.toolCalls === 'function' ? script.toolCalls(body) : (script.toolCalls ?? []);
    const said = alreadySaid(body, answer.join(''));
    // A continuation goes on from the text already said, as a real model does; its reasoning is over.
    const thinking = said === undefined ? (script.thinking ?? []) : [];
    this.thinkingCount = thinking.length;
    this.tokens = [...thinking, ...(said === undefined ? answer : remainder(answer, said))];
    this.topLogprobs = body.logprobs === true ? Math.max(0, Number(body.top_logprobs) || 0) : undefined;
    this.prefix = JSON.stringify(this.identity()).slice(0, -1) + ',';
  }

  token(token: string): string {
    const index = this.sent++;
    const thinking = index < this.thinkingCount;
    if (this.topLogprobs !== undefined) return this.render(token, thinking, index);
    // Without log probabilities a line depends on its token alone, and an answer repeats its tokens:
    // rendering each once keeps a 100k-token answer from costing the server more than its reader.
    const rendered = thinking ? this.thinkingLines : this.answerLines;
    let line = rendered.get(token);
    if (line === undefined) rendered.set(token, (line = this.render(token, thinking, index)));
    return line;
  }

  private render(token: string, thinking: boolean, index: number): string {
    const text = JSON.stringify(token);
    const end = this.topLogprobs === undefined ? '}\n' : `,"logprobs":${JSON.stringify([this.logprob(token, index)])}}\n`;
    if (this.chat) {
      const message = thinking
        ? `{"role":"assistant","content":"","thinking":${text}}`
        : `{"role":"assistant","content":${text}}`;
      return `${this.prefix}"message":${message},"done":false${end}`;
    }
    return thinking
      ? `${this.prefix}"response":"","thinking":${text},"done":false${end}`
      : `${this.prefix}"response":${text},"done":false${end}`;
  }

  final(): string {
    return JSON.stringify(this.last({ text: '', thinking: '' })) + '\n';
  }

  /** The `stream: false` answer: everything in one object, log probabilities of every token included. */
  whole(): Record<string, unknown> {
    const logprobs = this.topLogprobs === undefined ? [] : this.tokens.map((token, i) => this.logprob(token, i));
    return this.last({
      text: this.tokens.slice(this.thinkingCount).join(''),
      thinking: this.tokens.slice(0, this.thinkingCount).join(''),
      logprobs,
    });
  }

  /** `model`, the remote fields of a cloud model, `created_at`: the head of every line. */
  private identity(): Record<string, unknown> {
    const head: Record<string, unknown> = { model: this.model };
    if (this.script.remote) Object.assign(head, { remote_model: this.script.remote.model, remote_host: this.script.remote.host });
    head.created_at = this.createdAt;
    return head;
  }

  /** The last line, fields in the order of Ollama's GenerateResponse / ChatResponse structs, omitempty ones left out. */
  private last(answer: { text: string; thinking: string; logprobs?: object[] }): Record<string, unknown> {
    const line = this.identity();
    const toolCalls = this.toolCalls.length ? this.toolCalls : undefined;
    const logprobs = answer.logprobs?.length ? answer.logprobs : undefined;
    const doneReason = this.script.doneReason ?? 'stop';
    if (this.chat) {
      const message: Record<string, unknown> = { role: 'assistant', content: answer.text };
      if (answer.thinking) message.thinking = answer.thinking;
      if (toolCalls) message.tool_calls = toolCalls;
      Object.assign(line, { message, done: true, done_reason: doneReason });
      if (logprobs) line.logprobs = logprobs;
      return Object.assign(line, this.metrics());
    }
    line.response = answer.text;
    if (answer.thinking) line.thinking = answer.thinking;
    Object.assign(line, { done: true, done_reason: doneReason, context: this.script.context ?? [1, 2, 3] }, this.metrics());
    if (toolCalls) line.tool_calls = toolCalls;
    if (logprobs) line.logprobs = logprobs;
    return line;
  }

  /**
   * A deterministic log probability for the token at `index`, with `topLogprobs` candidates led by
   * the token itself, as Ollama's `toAPILogprobs` shapes them (`bytes` left out for an empty token).
   */
  private logprob(token: string, index: number): object {
    const logprob = -((index % 7) + 1) / 8;
    const entry = tokenLogprob(token, logprob);
    if (!this.topLogprobs) return entry;
    const top = [entry];
    for (let k = 1; k < this.topLogprobs; k++) top.push(tokenLogprob(`${token}~${k}`, logprob - k));
    return { ...entry, top_logprobs: top };
  }

  /** Scripted pace when there is one (so tokens/s agree with what a client measures), else fixed figures. */
  private metrics() {
    const evalCount = this.tokens.length;
    const loadNs = (this.script.loadDelayMs || 1_000) * NS_PER_MS;
    const evalNs = evalCount * (this.script.tokenDelayMs || 20) * NS_PER_MS;
    const promptNs = 250 * NS_PER_MS;
    return {
      total_duration: loadNs + promptNs + evalNs,
      load_duration: loadNs,
      prompt_eval_count: 12,
      prompt_eval_duration: promptNs,
      eval_count: evalCount,
      eval_duration: evalNs,
    };
  }
}

/**
 * The part of `answer` the request says was already written, when it asks for a continuation: chat's
 * trailing assistant message, or a raw prompt that ends with the start of the answer (how `resumable`
 * continues a generate stream). Undefined when the request is not a continuation of this answer.
 */
function alreadySaid(body: Record<string, unknown>, answer: string): string | undefined {
  if (Array.isArray(body.messages)) {
    const last = body.messages.at(-1) as { role?: unknown; content?: unknown } | undefined;
    if (last?.role !== 'assistant' || typeof last.content !== 'string' || !last.content) return undefined;
    return answer.startsWith(last.content) ? last.content : undefined;
  }
  if (body.raw !== true || typeof body.prompt !== 'string') return undefined;
  const prompt = body.prompt;
  for (let length = Math.min(prompt.length, answer.length); length > 0; length--) {
    if (prompt.endsWith(answer.slice(0, length))) return answer.slice(0, length);
  }
  return undefined;
}

/** The tokens of `answer` after its first `said.length` characters; a token cut in two keeps its tail. */
function remainder(answer: readonly string[], said: string): string[] {
  let offset = 0;
  for (let i = 0; i < answer.length; i++) {
    const token = answer[i]!;
    if (offset + token.length > said.length) return [token.slice(said.length - offset), ...answer.slice(i + 1)];
    offset += token.length;
  }
  return [];
}

/** Ollama's one JSON answer (whatever `stream` says) to a load or unload request. */
function emptyAnswer(model: string, chat: boolean, doneReason: 'load' | 'unload') {
  const created_at = new Date().toISOString();
  return chat
    ? { model, created_at, message: { role: 'assistant', content: '' }, done: true, done_reason: doneReason }
    : { model, created_at, response: '', done: true, done_reason: doneReason };
}

/**
 * Whether a `keep_alive` is zero as Ollama reads it: a number of seconds, or a Go duration string
 * (`"0"`, `"0s"`, `"0m0s"`).
 */
function isZeroDuration(value: unknown): boolean {
  if (typeof value === 'number') return value >= 0 && value * 1e9 < 1;
  if (typeof value !== 'string') return false;
  if (/^[+-]?0$/.test(value)) return true;
  const parts = /^[+-]?((?:\d+\.?\d*|\.\d+)(?:ns|us|µs|μs|ms|s|m|h))+$/.test(value) ? value.match(/\d*\.?\d+|\d+\./g) : null;
  return parts !== null && parts.every((part) => Number(part) === 0);
}

const utf8 = new TextEncoder();

function tokenLogprob(token: string, logprob: number): { token: string; logprob: number; bytes?: number[] } {
  return token ? { token, logprob, bytes: Array.from(utf8.encode(token)) } : { token, logprob };
}

const MODIFIED_AT = '2026-01-01T00:00:00.000000000Z';
const DIGEST = `sha256:${'0'.repeat(64)}`;
const GIB = 1024 ** 3;

/** Ollama's ModelDetails; a cloud model has no local weights, hence no families or sizes. */
function modelDetails(script: ModelScript | undefined) {
  return script?.remote
    ? { parent_model: '', format: '', family: '', families: null, parameter_size: '', quantization_level: '' }
    : {
        parent_model: '',
        format: 'gguf',
        family: 'test',
        families: ['test'],
        parameter_size: '1B',
        quantization_level: 'Q4_0',
        context_length: 4096,
        embedding_length: 2048,
      };
}

/** What the script lets the model do, as Ollama derives it from the template. */
function capabilities(script: ModelScript | undefined): string[] {
  const result = ['completion'];
  if (script?.toolCalls) result.push('tools');
  if (script?.thinking) result.push('thinking');
  return result;
}

/** One entry of `/api/tags` (ListModelResponse). */
function modelInfo(name: string, script: ModelScript | undefined) {
  const info: Record<string, unknown> = { name, model: name };
  if (script?.remote) Object.assign(info, { remote_model: script.remote.model, remote_host: script.remote.host });
  return Object.assign(info, {
    modified_at: MODIFIED_AT,
    size: script?.remote ? 384 : GIB,
    digest: DIGEST,
    details: modelDetails(script),
    capabilities: capabilities(script),
  });
}

/** One entry of `/api/ps` (ProcessModelResponse). */
function runningModel(name: string, script: ModelScript | undefined) {
  const { context_length: _, embedding_length: __, ...details } = modelDetails(script) as Record<string, unknown>;
  return {
    name,
    model: name,
    size: GIB,
    digest: DIGEST,
    details,
    expires_at: '2026-01-01T00:05:00.000000000Z',
    size_vram: GIB,
    context_length: 4096,
  };
}

/** `/api/show` (ShowResponse): `verbose` sends the tokenizer's arrays whole, otherwise empty. */
function modelDescription(name: string, script: ModelScript | undefined, verbose: boolean) {
  const description: Record<string, unknown> = {
    license: 'Test License',
    modelfile: `# Modelfile generated by "ollama show"\n# To build a new Modelfile based on this, replace FROM with:\n# FROM ${name}\n\nFROM ${name}\n`,
    parameters: 'temperature                    0.7',
    template: '{{ .Prompt }}',
  };
  const { context_length: _, embedding_length: __, ...details } = modelDetails(script) as Record<string, unknown>;
  description.details = details;
  if (script?.remote) {
    Object.assign(description, {
      remote_model: script.remote.model,
      remote_host: script.remote.host,
      model_info: { 'general.architecture': 'test' },
    });
  } else {
    const vocabulary = ['<s>', '</s>', 'Hello', '!', ' I', ' am', ' a', ' test'];
    Object.assign(description, {
      model_info: {
        'general.architecture': 'test',
        'general.parameter_count': 1_000_000_000,
        'test.context_length': 4096,
        'tokenizer.ggml.model': 'gpt2',
        'tokenizer.ggml.tokens': verbose ? vocabulary : [],
      },
      tensors: [
        { name: 'token_embd.weight', type: 'Q4_0', shape: [2048, 32000] },
        { name: 'output_norm.weight', type: 'F32', shape: [2048] },
      ],
    });
  }
  return Object.assign(description, { capabilities: capabilities(script), modified_at: MODIFIED_AT });
}

/** A deterministic unit vector per text, so tests can compare embeddings; `dimensions` cuts it and normalises again, as Ollama does. */
function embedding(text: string, dimensions = 8): number[] {
  const vector = Array.from({ length: Math.min(dimensions, 8) }, (_, i) => Math.sin((text.length + 1) * (i + 1) + [...text].reduce((sum, c) => sum + c.codePointAt(0)!, 0)));
  const norm = Math.hypot(...vector);
  return vector.map((value) => value / norm);
}

/** A TCP reset once the bytes written so far are handed to the kernel: on loopback they arrive first. */
function resetAfterFlush(res: ServerResponse): void {
  const socket = res.socket;
  if (!socket) return void res.destroy();
  socket.write(new Uint8Array(0), () => socket.resetAndDestroy());
}

function sendJson(res: ServerResponse, status: number, body: unknown): void {
  res.writeHead(status, { 'content-type': 'application/json; charset=utf-8' });
  res.end(JSON.stringify(body));
}

async function parseBody(req: IncomingMessage, res: ServerResponse, record: RecordedRequest): Promise<void> {
  const text = await readBody(req);
  try {
    record.body = text ? (JSON.parse(text) as Record<string, unknown>) : undefined;
  } catch {
    sendJson(res, 400, { error: 'invalid character in request body' });
  }
}

function readBody(req: IncomingMessage): Promise<string> {
  return new Promise((resolve, reject) => {
    const parts: Buffer[] = [];
    req.on('data', (part: Buffer) => parts.push(part));
    req.on('end', () => resolve(Buffer.concat(parts).toString('utf8')));
    req.on('error', reject);
  });
}

/** Waits unless the client is gone; false when it is. */
async function pause(ms: number | undefined, gone: AbortSignal): Promise<boolean> {
  if (gone.aborted) return false;
  if (!ms) return true;
  try {
    await sleep(ms, undefined, { signal: gone });
    return true;
  } catch {
    return false;
  }
}

/** Socket writes of an unpaced answer: large enough that the server is never what a client waits for. */
const BURST_WRITE_CHARS = 64 * 1024;

/**
 * The lines of an unpaced answer, each its own HTTP chunk as Ollama's write and flush per line makes
 * it. All of them exist at once, so they are framed here and handed to the socket 64 kB at a time:
 * the bytes on the wire are those of one `res.write` per line, but `res.write` costs the server more
 * per line than the fastest client pays to read it, and would make this server the bottleneck of a
 * throughput benchmark.
 */
async function writeChunkPerLine(res: ServerResponse, lines: readonly string[]): Promise<boolean> {
  const socket = res.socket;
  let length = 0;
  for (const line of lines) length += line.length;
  // A short answer goes out in one socket write anyway (Node corks a response for the rest of the
  // tick); an HTTP/1.0 client gets no chunks, the body ending with the connection.
  if (length < BURST_WRITE_CHARS || !socket || !res.chunkedEncoding) {
    for (const line of lines) if (!(await write(res, line))) return false;
    return true;
  }
  res.flushHeaders();
  // Lines repeat (see ScriptLines.token): each distinct one is framed once.
  const frames = new Map<string, string>();
  let framed = '';
  for (const line of lines) {
    let frame = frames.get(line);
    if (frame === undefined) frames.set(line, (frame = `${Buffer.byteLength(line).toString(16)}\r\n${line}\r\n`));
    framed += frame;
    if (framed.length < BURST_WRITE_CHARS) continue;
    if (!(await write(socket, framed))) return false;
    framed = '';
  }
  return framed ? write(socket, framed) : !socket.destroyed;
}

/** Many lines to an HTTP chunk, each chunk up to `batchBytes` long: a server that batches its output. */
async function writeBatched(res: ServerResponse, lines: readonly string[], batchBytes: number): Promise<boolean> {
  let batch = '';
  for (const line of lines) {
    batch += line;
    if (batch.length < batchBytes) continue;
    if (!(await write(res, batch))) return false;
    batch = '';
  }
  return batch ? write(res, batch) : !res.destroyed;
}

/** Writes with backpressure; false when the client is gone. */
function write(res: Writable, data: string | Uint8Array): boolean | Promise<boolean> {
  if (res.destroyed) return false;
  if (res.write(data)) return true;
  return drained(res);
}

async function drained(res: Writable): Promise<boolean> {
  await new Promise<void>((resolve) => {
    const done = () => {
      res.off('drain', done);
      res.off('close', done);
      resolve();
    };
    res.on('drain', done);
    res.on('close', done);
  });
  return !res.destroyed;
}
