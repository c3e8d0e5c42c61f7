/**
 * `npm run demo -- --web`: the Angular chat of examples/angular as a running app. esbuild bundles it
 * for the browser (JIT, with the library's browser build: the fetch transport), and one loopback
 * server serves the page and passes `/api/…` on to Ollama, so the page talks to Ollama on its own
 * origin: no CORS settings, and any Ollama this machine reaches works.
 */
import { readFile } from 'node:fs/promises';
import { type IncomingMessage, type OutgoingHttpHeaders, type ServerResponse, createServer, request as httpRequest } from 'node:http';
import { request as httpsRequest } from 'node:https';
import { createRequire } from 'node:module';
import type { AddressInfo } from 'node:net';
import { pipeline } from 'node:stream';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { type BuildContext, type OutputFile, type Plugin, context } from 'esbuild';
import { firstValueFrom, fromEvent, merge } from 'rxjs';
import { type ExampleIO, openOllama } from '../support.js';

const APP = join(dirname(fileURLToPath(import.meta.url)), '..', 'angular');
const { browserSource } = createRequire(import.meta.url)('../../scripts/browser-source.cjs') as { browserSource: Plugin };

/** Request headers that belong to the browser's connection or origin, not to the proxied request. */
const NOT_FORWARDED = new Set(['host', 'connection', 'keep-alive', 'origin', 'referer', 'cookie', 'upgrade']);
/** Response headers of the upstream connection; Node frames the answer to the browser itself. */
const HOP_BY_HOP = new Set(['connection', 'keep-alive', 'transfer-encoding']);
/** The page is same-origin: no CORS header of Ollama's may open its answers to other origins. */
const isCors = (name: string) => name.startsWith('access-control-');

export interface ChatSite extends AsyncDisposable {
  /** The page, e.g. `http://127.0.0.1:40123`. */
  readonly url: string;
  close(): Promise<void>;
}

export interface ChatSiteOptions {
  /** Ollama's base URL (a path prefix is kept): where `/api/…` goes. */
  ollama: string;
  /** The port to listen on (loopback only); any free one by default. */
  port?: number;
  /**
   * Origins besides the page's own that may call `/api/…` (e.g. a dev server's). Every other origin,
   * and any `Host` but this server's loopback name, gets 403 and nothing is forwarded.
   */
  allowedOrigins?: readonly string[];
}

/**
 * Builds the chat app and serves it with `/api` proxied to `ollama`. Reloading the page rebuilds the
 * app (incrementally), so edits to examples/angular show at once. A browser that goes away — Stop,
 * a new question, a closed tab — ends the proxied request, so Ollama sees the disconnect.
 */
export async function startChatSite({ ollama, port = 0, allowedOrigins = [] }: ChatSiteOptions): Promise<ChatSite> {
  const builder = await context({
    entryPoints: [join(APP, 'main.ts')],
    outfile: 'main.js',
    bundle: true,
    write: false,
    format: 'esm',
    platform: 'browser',
    target: 'es2022',
    sourcemap: 'linked',
    plugins: [browserSource],
    logLevel: 'silent',
  });
  try {
    const app = new App(builder);
    await app.rebuild();
    const upstream = new URL(ollama.endsWith('/') ? ollama : `${ollama}/`);
    const guard = new Guard(allowedOrigins);
    const server = createServer((req, res) => {
      const refused = guard.refuses(req);
      if (refused) return send(res, 403, 'application/json', JSON.stringify({ error: refused }));
      const path = (req.url ?? '/').split('?')[0]!;
      if (path.startsWith('/api/')) return proxy(req, res, new URL(req.url!.slice(1), upstream));
      app.serve(path, res).catch((error: unknown) => fail(res, 500, error));
    });
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(port, '127.0.0.1', resolve);
    });
    guard.listening((server.address() as AddressInfo).port);
    const close = async () => {
      // Open streams end with their browser connections, and so do their requests to Ollama.
      server.closeAllConnections();
      await new Promise((resolve) => server.close(resolve));
      await builder.dispose();
    };
    return { url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`, close, [Symbol.asyncDispose]: close };
  } catch (error) {
    await builder.dispose();
    throw error;
  }
}

/**
 * What keeps the proxy from being a way around Ollama's own protections, which refuse foreign origins
 * (unless `OLLAMA_ORIGINS` allows them) and foreign `Host` names. Any web page the user has open may
 * POST here (a `text/plain` body needs no preflight), so a foreign `Origin` is refused; and a site
 * whose name is made to resolve to 127.0.0.1 (DNS rebinding) would be same-origin with itself, so
 * only this server's own loopback names are accepted as `Host`.
 */
class Guard {
  /** Empty until the port is known: nothing is served before. */
  private hosts: ReadonlySet<string> = new Set();
  private readonly origins: Set<string>;

  constructor(allowedOrigins: readonly string[]) {
    this.origins = new Set(allowedOrigins);
  }

  listening(port: number): void {
    this.hosts = new Set([`127.0.0.1:${port}`, `localhost:${port}`]);
    for (const host of this.hosts) this.origins.add(`http://${host}`);
  }

  /** Why `req` is refused, or undefined when it may be served. */
  refuses(req: IncomingMessage): string | undefined {
    if (!this.hosts.has(req.headers.host?.toLowerCase() ?? '')) return 'this server answers only to its own loopback address';
    const { origin } = req.headers;
    // Without an Origin the request is not a web page's (a navigation, curl); with one, it must be ours.
    if (origin !== undefined && !this.origins.has(origin)) return `origin ${origin} is not allowed`;
    return undefined;
  }
}

/** The page and its bundle, as esbuild last built them. */
class App {
  private files = new Map<string, OutputFile>();
  private building: Promise<void> | undefined;

  constructor(private readonly builder: BuildContext) {}

  /** One build at a time: page loads that arrive during a build share it. */
  rebuild(): Promise<void> {
    this.building ??= this.builder
      .rebuild()
      .then(({ outputFiles = [] }) => {
        this.files = new Map(outputFiles.map((file) => [`/${file.path.split(/[\\/]/).at(-1)}`, file]));
      })
      .finally(() => (this.building = undefined));
    return this.building;
  }

  async serve(path: string, res: ServerResponse): Promise<void> {
    if (path === '/' || path === '/index.html') {
      // A build error shows on the page; the terminal of `npm run demo` may be out of sight.
      await this.rebuild();
      return send(res, 200, 'text/html', await readFile(join(APP, 'index.html')));
    }
    const file = this.files.get(path);
    if (!file) return send(res, 404, 'text/plain', `${path} not found\n`);
    send(res, 200, path.endsWith('.map') ? 'application/json' : 'text/javascript', file.contents);
  }
}

/** Forwards one request to Ollama and streams its answer back, each chunk as it arrives. */
function proxy(req: IncomingMessage, res: ServerResponse, target: URL): void {
  const headers: OutgoingHttpHeaders = {};
  for (const [name, value] of Object.entries(req.headers)) if (!NOT_FORWARDED.has(name)) headers[name] = value;
  const forwarded = (target.protocol === 'https:' ? httpsRequest : httpRequest)(target, { method: req.method, headers });
  forwarded.on('response', (answer) => {
    const answerHeaders: OutgoingHttpHeaders = {};
    for (const [name, value] of Object.entries(answer.headers)) if (!HOP_BY_HOP.has(name) && !isCors(name)) answerHeaders[name] = value;
    res.writeHead(answer.statusCode ?? 502, answerHeaders);
    // Not `pipe`: an answer cut off mid-body (Ollama's process gone) must cut the browser's off too,
    // or the page waits for the rest forever. `pipeline` destroys `res` when `answer` ends early.
    pipeline(answer, res, () => {});
  });
  forwarded.on('error', (error) => (res.headersSent ? res.destroy() : fail(res, 502, error)));
  // The browser went away (Stop, a new question, a closed page): Ollama must see it go too.
  res.on('close', () => res.writableFinished || forwarded.destroy());
  req.pipe(forwarded);
}

/** An error as Ollama words one, so that the page's client reports it like any other. */
function fail(res: ServerResponse, status: number, error: unknown): void {
  const message = error instanceof Error ? error.message : String(error);
  if (res.headersSent) return void res.destroy();
  send(res, status, 'application/json', JSON.stringify({ error: message }));
}

function send(res: ServerResponse, status: number, type: string, body: string | Uint8Array): void {
  res.writeHead(status, { 'content-type': `${type}; charset=utf-8`, 'cache-control': 'no-store' }).end(body);
}

/**
 * The demo: the chat page on the simulated Ollama (or the one of `OLLAMA_HOST`), its URL as the first
 * line of stdout, until Ctrl-C or SIGTERM, which close everything and exit 0.
 */
export async function serveChat(io: ExampleIO): Promise<number> {
  await using ollama = await openOllama(io);
  await using site = await startChatSite({ ollama: ollama.client.host });
  const page = io.env.OLLAMA_MODEL?.trim() ? `${site.url}/?${new URLSearchParams({ model: ollama.model })}` : `${site.url}/`;
  io.stdout.write(`${page}\n${ollama.banner}\nOpen the page in a browser. Ctrl-C stops.\n`);
  await firstValueFrom(merge(io.interrupts, fromEvent(process, 'SIGTERM')));
  io.stdout.write('Stopping.\n');
  return 0;
}
