import { createHash } from 'node:crypto';
import { NDJSON, pause, sendJson, write } from './framing.js';
import { type Call, type ModelScript, type ServerState, stringField } from './types.js';

/** One line of a progress endpoint, or its failure (`httpStatus` is what gin answers when it comes first). */
interface ProgressItem {
  status?: string;
  digest?: string;
  total?: number;
  completed?: number;
  error?: string;
  httpStatus?: number;
}

export function pull(state: ServerState, call: Call): Promise<void> {
  const body = call.record.body;
  return progressAnswer(state, call, pulling(state, stringField(body, 'model', 'name')));
}

export function push(state: ServerState, call: Call): Promise<void> {
  return progressAnswer(state, call, pushing(state, call.record.body));
}

export function create(state: ServerState, call: Call): Promise<void> {
  return progressAnswer(state, call, creating(state, call.record.body));
}

/**
 * Ollama's progress endpoints: each line as it comes, an error as the last line — or, when it
 * comes first, as the HTTP status (500 unless it names one) with a JSON body; `stream: false`
 * answers only the last line (routes.go's streamResponse and waitForStream).
 */
async function progressAnswer(state: ServerState, { res, record, gone }: Call, lines: AsyncIterable<ProgressItem>): Promise<void> {
  const body = record.body;
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
    if (!(await pause(state.options.pullDelayMs, gone))) return;
  }
  if (body.stream === false) return sendJson(res, 200, latest);
  res.end();
}

/** A layer's transfer in four steps, as pull and push report it. */
function* transfer(verb: string, digest: string): Generator<ProgressItem> {
  const total = 4_000_000;
  for (let completed = 0; completed <= total; completed += 1_000_000)
    yield { status: `${verb} ${digest.slice(7, 19)}`, digest, total, completed };
}

async function* pulling({ models, options }: ServerState, model: string): AsyncGenerator<ProgressItem, void, undefined> {
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

async function* pushing({ models }: ServerState, body: Record<string, unknown> | undefined): AsyncGenerator<ProgressItem, void, undefined> {
  const model = stringField(body, 'model', 'name');
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
async function* creating(state: ServerState, body: Record<string, unknown> = {}): AsyncGenerator<ProgressItem, void, undefined> {
  const fileMaps = (['files', 'draft_files'] as const).map((field) => digestMap(body[field]));
  const adapters = digestMap(body.adapters);
  const invalid = invalidFiles(fileMaps, adapters);
  if (invalid) return yield { error: invalid, httpStatus: 400 };
  const name = stringField(body, 'model', 'name');
  if (!name) return yield { error: 'invalid model name', httpStatus: 400 };
  let script: ModelScript = {};
  if (typeof body.from === 'string' && body.from) {
    const base = state.models.get(body.from);
    if (!base) {
      yield { status: 'pulling manifest' };
      return yield { error: 'pull model manifest: file does not exist' };
    }
    script = base;
    yield { status: `using existing layer sha256:${'ab'.repeat(32)}` };
  } else if (fileMaps[0]!.length > 0) {
    yield { status: 'parsing GGUF' };
  } else {
    return yield { error: "neither 'from' or 'files' was specified", httpStatus: 400 };
  }
  for (const [, digest] of [...fileMaps.flat(), ...adapters]) {
    if (!state.blobs.has(digest))
      return yield { error: `open /root/.ollama/models/blobs/${digest.replace(':', '-')}: no such file or directory` };
    yield { status: `using existing layer ${digest}` };
  }
  for (const field of ['template', 'system', 'parameters', 'messages', 'license'] as const) {
    if (body[field] === undefined) continue;
    const digest = createHash('sha256').update(JSON.stringify(body[field])).digest('hex');
    yield { status: `creating new layer sha256:${digest}` };
  }
  yield { status: 'writing manifest' };
  state.models.set(name, script);
  state.changed();
  yield { status: 'success' };
}

/** Ollama's first complaint about a create request's files and adapters, if it has one. */
function invalidFiles(fileMaps: [string, string][][], adapters: [string, string][]): string | undefined {
  for (const files of fileMaps) {
    for (const [name, digest] of files) {
      if (!isValidPath(name)) return 'file path must be relative';
      if (!digest) return 'invalid digest format';
    }
  }
  return adapters.some(([, digest]) => !digest) ? 'invalid digest format' : undefined;
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

/**
 * `HEAD` and `POST /api/blobs/:digest` (routes.go's HeadBlobHandler and CreateBlobHandler). A blob
 * can be gigabytes: it is hashed as it arrives, never buffered like a JSON body.
 */
export async function blob(state: ServerState, { req, res, record, gone }: Call): Promise<void> {
  const digest = decodeURIComponent(record.path.slice('/api/blobs/'.length));
  if (!/^sha256[:-][0-9a-fA-F]{64}$/.test(digest)) {
    req.resume();
    return sendJson(res, 400, { error: 'invalid digest format' });
  }
  if (record.method === 'HEAD' || state.blobs.has(digest)) {
    req.resume();
    if (state.blobs.has(digest)) return void res.writeHead(200).end();
    return sendJson(res, 404, { error: `blob ${JSON.stringify(digest)} not found` });
  }
  const hash = createHash('sha256');
  let size = 0;
  record.uploadedBytes = 0;
  for await (const part of req as AsyncIterable<Buffer>) {
    hash.update(part);
    size += part.length;
    record.uploadedBytes = size;
    state.changed();
    if (!(await pause(state.options.blobDelayMs, gone))) return;
  }
  const received = `sha256:${hash.digest('hex')}`;
  if (received !== digest)
    return sendJson(res, 400, { error: `digest mismatch, expected ${JSON.stringify(digest)}, got ${JSON.stringify(received)}` });
  state.blobs.set(digest, size);
  res.writeHead(201).end();
}
