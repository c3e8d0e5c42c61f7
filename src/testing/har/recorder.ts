import { type IncomingMessage, type Server, type ServerResponse, createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { type Dispatcher, request } from 'undici';
import { messageOf } from '../../core/describe.js';
import { OllamaConfigError } from '../../core/errors.js';
import { readBytes, sendJson } from '../server/framing.js';
import { writeHar } from './file.js';
import { forwardedHeaders, harHeaders, harUrl, headerPairs, rawPairs, returnedHeaders, secretNames } from './headers.js';
import type { Har, HarChunk, HarEntry } from './types.js';

export interface RecorderOptions {
  /** Where the requests go: a real Ollama, e.g. `http://127.0.0.1:11434`. */
  upstream: string;
  /** The HAR file `save()` writes by default, and `close()` writes. */
  file?: string;
  /** Its port on 127.0.0.1 (default: any free one). */
  port?: number;
  /** More headers whose values never reach the file (the client's `secretHeaders`). */
  secretHeaders?: readonly string[];
}

export interface Recorder {
  /** Where to point a client, e.g. `http://127.0.0.1:40123`. */
  readonly url: string;
  /** The exchanges recorded so far, in the order they ended. */
  readonly entries: readonly HarEntry[];
  /** The recording as a HAR 1.2 object. */
  har(): Har;
  /** Writes the HAR to `file` (default: the recorder's `file`). */
  save(file?: string): Promise<void>;
  /** Stops it, ending any exchange still running (recorded as far as it went); writes the recorder's `file` when it has one. */
  close(): Promise<void>;
}

/**
 * A recording proxy on loopback: every request is forwarded to `upstream` and its answer streamed
 * back unchanged, HTTP chunk by HTTP chunk, while the exchange is recorded as a HAR 1.2 entry: the
 * body as sent in `response.content.text`, and each chunk with its offset from the request's start
 * in `response._chunks`. `Authorization`, `Cookie`, the `secretHeaders` and anything named like an
 * API key are written as `***`. Only requests to its own loopback address, from no origin or its
 * own, are forwarded (403 otherwise): a web page cannot reach it through DNS rebinding.
 *
 * @example
 * const recorder = await startRecorder({ upstream: 'http://127.0.0.1:11434', file: 'chat.har' });
 * await lastValueFrom(fromOllama('Why is the sky blue?', { host: recorder.url, model: 'llama3.2' }));
 * await recorder.close(); // writes chat.har
 */
export async function startRecorder(options: RecorderOptions): Promise<Recorder> {
  const upstream = parseUpstream(options.upstream);
  const isSecret = secretNames(options.secretHeaders);
  const entries: HarEntry[] = [];
  const running = new Set<Promise<void>>();
  const stop = new AbortController();
  let hosts = new Set<string>();

  const server: Server = createServer((req, res) => {
    if (!fromItself(req, hosts)) {
      req.resume();
      res.writeHead(403, { 'content-type': 'application/json; charset=utf-8' });
      res.end(JSON.stringify({ error: 'the ollama-rx recorder answers only requests to its own loopback address, from no other origin' }));
      return;
    }
    const exchange = record(req, res, { upstream, isSecret, stop: stop.signal })
      .then((entry) => void (entry && entries.push(entry)))
      .finally(() => running.delete(exchange));
    running.add(exchange);
  });
  const port = await new Promise<number>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port ?? 0, '127.0.0.1', () => resolve((server.address() as AddressInfo).port));
  });
  hosts = new Set([`127.0.0.1:${port}`, `localhost:${port}`]);

  const har = (): Har => ({ log: { version: '1.2', creator: { name: 'ollama-rx', version: '1' }, entries: [...entries] } });
  const save = async (file = options.file) => {
    if (!file) throw new OllamaConfigError('recorder.save() needs a file name: none was given to it or to startRecorder');
    await writeHar(file, har());
  };
  return {
    url: `http://127.0.0.1:${port}`,
    entries,
    har,
    save,
    async close() {
      stop.abort();
      await new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      });
      await Promise.allSettled(running);
      if (options.file) await save();
    },
  };
}

function parseUpstream(upstream: string): URL {
  let url: URL | undefined;
  try {
    url = new URL(upstream);
  } catch {
    // Reported below.
  }
  if (!url || (url.protocol !== 'http:' && url.protocol !== 'https:'))
    throw new OllamaConfigError(`Invalid upstream "${upstream}": an http:// or https:// URL, e.g. http://127.0.0.1:11434`);
  return url;
}

/** Its own loopback Host, and no Origin or its own: what DNS rebinding cannot forge. */
function fromItself(req: IncomingMessage, hosts: ReadonlySet<string>): boolean {
  const host = req.headers.host?.toLowerCase();
  if (!host || !hosts.has(host)) return false;
  const origin = req.headers.origin;
  return origin === undefined || hosts.has(origin.toLowerCase().replace(/^http:\/\//, ''));
}

interface Context {
  upstream: URL;
  isSecret: (name: string) => boolean;
  /** The recorder is closing. */
  stop: AbortSignal;
}

/** Forwards one exchange and records it; undefined when the upstream could not be reached. */
async function record(req: IncomingMessage, res: ServerResponse, { upstream, isSecret, stop }: Context): Promise<HarEntry | undefined> {
  const started = new Date();
  const startedAt = performance.now();
  const elapsed = () => Math.round(performance.now() - startedAt);
  const body = await readBytes(req);
  const gone = new AbortController();
  res.once('close', () => res.writableFinished || gone.abort());
  const signal = AbortSignal.any([gone.signal, stop]);
  const target = new URL(req.url ?? '/', upstream);
  let answer: Dispatcher.ResponseData;
  try {
    const headers = forwardedHeaders(req.rawHeaders);
    answer = await request(target, { method: (req.method ?? 'GET') as 'GET', headers, body: body.length ? body : undefined, signal });
  } catch (error) {
    if (signal.aborted) res.destroy();
    else sendJson(res, 502, { error: `the recorder could not reach ${upstream.origin}: ${messageOf(error)}` });
    return undefined;
  }
  const headersMs = elapsed();
  res.writeHead(answer.statusCode, returnedHeaders(answer.headers).flat());
  res.flushHeaders();
  const { chunks, sent } = await relay(answer, res, elapsed);
  const exchange = { started, req, body, target, answer, statusText: res.statusMessage, chunks, sent, headersMs, endMs: elapsed() };
  return harEntry(exchange, isSecret);
}

/**
 * Streams the upstream's body to the client chunk by chunk, noting each chunk's offset. 'data'
 * events, not async iteration: iteration's read() joins the pieces buffered since the last one, and
 * each piece here is one HTTP chunk as undici's parser delivered it.
 */
async function relay(
  answer: Dispatcher.ResponseData,
  res: ServerResponse,
  elapsed: () => number,
): Promise<{ chunks: HarChunk[]; sent: Buffer }> {
  const chunks: HarChunk[] = [];
  const parts: Buffer[] = [];
  const decoder = new TextDecoder();
  const ended = await new Promise<boolean>((resolve) => {
    answer.body.on('data', (part: Buffer) => {
      // A chunk may end inside a UTF-8 character: the decoder carries it to the next one's text.
      chunks.push({ offsetMs: elapsed(), text: decoder.decode(part, { stream: true }) });
      parts.push(part);
      if (!res.write(part)) {
        answer.body.pause();
        res.once('drain', () => answer.body.resume());
      }
    });
    answer.body.once('end', () => resolve(true));
    // The client or the upstream went away, or the recorder closed: what arrived is recorded.
    answer.body.once('error', () => resolve(false));
  });
  if (ended) res.end();
  else res.destroy();
  return { chunks, sent: Buffer.concat(parts) };
}

interface Exchange {
  started: Date;
  req: IncomingMessage;
  body: Buffer;
  target: URL;
  answer: Dispatcher.ResponseData;
  statusText: string;
  chunks: HarChunk[];
  sent: Buffer;
  headersMs: number;
  endMs: number;
}

/** One exchange as a HAR 1.2 entry, its secrets written as `***`. */
function harEntry(
  { started, req, body, target, answer, statusText, chunks, sent, headersMs, endMs }: Exchange,
  isSecret: (name: string) => boolean,
): HarEntry {
  const { url, queryString } = harUrl(target, isSecret);
  return {
    startedDateTime: started.toISOString(),
    time: endMs,
    request: {
      method: req.method ?? 'GET',
      url,
      httpVersion: `HTTP/${req.httpVersion}`,
      headers: harHeaders(rawPairs(req.rawHeaders), isSecret),
      queryString,
      cookies: [],
      ...(body.length ? { postData: { mimeType: req.headers['content-type'] ?? '', text: body.toString('utf8') } } : {}),
      headersSize: -1,
      bodySize: body.length,
    },
    response: {
      status: answer.statusCode,
      statusText,
      httpVersion: 'HTTP/1.1',
      headers: harHeaders(headerPairs(answer.headers), isSecret),
      cookies: [],
      content: { size: sent.length, mimeType: String(answer.headers['content-type'] ?? ''), text: sent.toString('utf8') },
      redirectURL: '',
      headersSize: -1,
      bodySize: sent.length,
      _chunks: chunks,
    },
    cache: {},
    timings: { blocked: -1, dns: -1, connect: -1, ssl: -1, send: 0, wait: headersMs, receive: endMs - headersMs },
  };
}
