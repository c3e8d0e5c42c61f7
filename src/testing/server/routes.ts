import { readBytes, sendJson } from './framing.js';
import { chat, generate } from './generateChat.js';
import { copy, embed, ps, remove, show, tags, version, webFetch, webSearch } from './models.js';
import { blob, create, pull, push } from './transfers.js';
import type { Call, ServerState } from './types.js';

type Handler = (state: ServerState, call: Call) => void | Promise<void>;
/** A route's methods, in gin's order (that of the `Allow` header); `null`: Ollama has it, this server answers 501. */
type Methods = Readonly<Record<string, Handler | null>>;

const running: Handler = (_, { res }) => void res.writeHead(200, { 'content-type': 'text/plain' }).end('Ollama is running');

const BLOBS = '/api/blobs/:digest';

/** Ollama's routes (routes.go). */
const OLLAMA: Readonly<Record<string, Methods>> = {
  '/': { HEAD: running, GET: running },
  '/api/version': { HEAD: version, GET: version },
  '/api/status': { GET: null },
  '/api/pull': { POST: pull },
  '/api/push': { POST: push },
  '/api/tags': { HEAD: tags, GET: tags },
  '/api/show': { POST: show },
  '/api/delete': { DELETE: remove },
  '/api/me': { POST: null },
  '/api/signout': { POST: null },
  '/api/create': { POST: create },
  [BLOBS]: { HEAD: blob, POST: blob },
  '/api/copy': { POST: copy },
  '/api/experimental/web_search': { POST: null },
  '/api/experimental/web_fetch': { POST: null },
  '/api/ps': { GET: ps },
  '/api/generate': { POST: generate },
  '/api/chat': { POST: chat },
  '/api/embed': { POST: embed },
  '/api/embeddings': { POST: null },
};

/** ollama.com's own routes, served when the test server stands in for it (`webApiKey`). */
const OLLAMA_COM: Readonly<Record<string, Methods>> = {
  '/api/web_search': { POST: webSearch },
  '/api/web_fetch': { POST: webFetch },
};

const CORS_HEADERS = {
  'access-control-allow-origin': '*',
  'access-control-allow-methods': 'GET, POST, DELETE, HEAD, OPTIONS',
  'access-control-allow-headers': 'content-type, authorization, accept',
  'access-control-max-age': '600',
};

/** Answers one request: CORS, gin's 404 and 405, the JSON body read, then the route's handler. */
export async function serve(state: ServerState, call: Call): Promise<void> {
  const { req, res, record } = call;
  for (const [name, value] of Object.entries(CORS_HEADERS)) res.setHeader(name, value);
  if (req.method === 'OPTIONS') return void req.resume().once('end', () => res.writeHead(204).end());
  const route = /^\/api\/blobs\/[^/]+$/.test(record.path) ? BLOBS : record.path;
  const methods = OLLAMA[route] ?? (state.options.webApiKey ? OLLAMA_COM[route] : undefined);
  // gin's answers (routes.go sets HandleMethodNotAllowed): plain text, the body never read.
  if (!methods) return ginError(call, 404, '404 page not found');
  if (!Object.hasOwn(methods, record.method)) {
    res.setHeader('allow', Object.keys(methods).join(', '));
    return ginError(call, 405, '405 method not allowed');
  }
  // A blob's handler reads the body itself, as it arrives.
  if (route !== BLOBS) {
    await parseBody(call);
    state.changed();
    if (res.writableEnded) return;
  }
  const handler = methods[record.method];
  if (!handler) return sendJson(res, 501, { error: `the test server does not implement ${record.method} ${record.path}` });
  return handler(state, call);
}

/** gin's own 404 and 405: plain text, and the request body left unread (drained here so the socket stays usable). */
function ginError({ req, res }: Call, status: number, text: string): void {
  req.resume();
  res.writeHead(status, { 'content-type': 'text/plain' }).end(text);
}

async function parseBody({ req, res, record }: Call): Promise<void> {
  const text = (await readBytes(req)).toString('utf8');
  try {
    record.body = text ? (JSON.parse(text) as Record<string, unknown>) : undefined;
  } catch {
    sendJson(res, 400, { error: 'invalid character in request body' });
  }
}
