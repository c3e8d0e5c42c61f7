import { ScriptLines, emptyAnswer, isZeroDuration, nothingToAnswer } from './answers.js';
import { modelInfo } from './catalog.js';
import { type ModelFaults, type ModelScript, modelError, scriptForAttempt } from './script.js';

const NDJSON = 'application/x-ndjson';
const utf8 = new TextEncoder();

/** One request as the scripted models see it. */
interface Asked {
  method: string;
  path: string;
  body: Record<string, unknown>;
  signal: AbortSignal | undefined;
}

/**
 * The test server's scripted models in-process, as a `fetch`: give it to a client's `fetch` option (or
 * to `provideOllamaTesting`) and no socket is opened. Browser-safe (no Node module), and framed as
 * Ollama frames its answers: each NDJSON line is its own chunk of the body. Pauses are `setTimeout`s,
 * so fake timers drive them; the init's `signal` aborts the request in every phase. Serves
 * `/api/generate`, `/api/chat` (with each script's faults), `/api/tags` and `/api/version`; any other
 * path is Ollama's 404.
 *
 * @example
 * const client = new OllamaClient({ model: 'tiny', fetch: scriptedFetch({ tiny: { tokens: ['Hi', '!'] } }) });
 * const text = await lastValueFrom(client.generate$('Hello').pipe(collectText()));   // 'Hi!'
 */
export function scriptedFetch(models: Record<string, ModelScript>): typeof fetch {
  const scripts = new Map(Object.entries(models));
  const attempts = new Map<string, number>();
  const nextScript = (model: string) => {
    const attempt = (attempts.get(model) ?? 0) + 1;
    attempts.set(model, attempt);
    return scriptForAttempt(scripts.get(model)!, attempt);
  };
  const scripted = async (input: RequestInfo | URL, init?: RequestInit): Promise<Response> => {
    const asked = await readRequest(input, init);
    asked.signal?.throwIfAborted();
    const route = `${asked.method} ${asked.path.slice(Math.max(0, asked.path.lastIndexOf('/api/')))}`;
    switch (route) {
      case 'POST /api/generate':
      case 'POST /api/chat': {
        const error = modelError((name) => scripts.has(name), asked.body.model);
        if (error) return json(error.status, error.body);
        const model = String(asked.body.model);
        return answer(model, nextScript(model), asked, route.endsWith('chat'));
      }
      case 'GET /api/tags':
        return json(200, { models: [...scripts].map(([name, script]) => modelInfo(name, script)) });
      case 'GET /api/version':
        return json(200, { version: '0.12.0-test' });
      default:
        return new Response('404 page not found', { status: 404, headers: { 'content-type': 'text/plain' } });
    }
  };
  return scripted;
}

async function readRequest(input: RequestInfo | URL, init: RequestInit | undefined): Promise<Asked> {
  const request = input instanceof Request ? input : undefined;
  const url = new URL(input instanceof Request ? input.url : typeof input === 'string' ? input : input.href);
  const text = init?.body !== undefined && init.body !== null ? await new Response(init.body).text() : ((await request?.text()) ?? '');
  let body: unknown;
  try {
    body = text ? JSON.parse(text) : {};
  } catch {
    body = {};
  }
  return {
    method: (init?.method ?? request?.method ?? 'GET').toUpperCase(),
    path: url.pathname,
    body: body !== null && typeof body === 'object' ? (body as Record<string, unknown>) : {},
    signal: init?.signal ?? request?.signal ?? undefined,
  };
}

/** `/api/generate` and `/api/chat`: the script's answer, its faults where they strike. */
async function answer(model: string, script: ModelScript, { body, signal }: Asked, chat: boolean): Promise<Response> {
  const loadOnly = nothingToAnswer(body, chat);
  if (loadOnly && isZeroDuration(body.keep_alive)) return json(200, emptyAnswer(model, chat, 'unload'));
  const faults = script.faults ?? {};
  await sleep(script.loadDelayMs, signal);
  await sleep(faults.loadStallMs, signal);
  if (faults.resetBeforeHeaders) throw connectionReset();
  if (faults.status !== undefined || faults.body !== undefined) {
    const status = faults.status ?? 200;
    if (typeof faults.body === 'object') return json(status, faults.body);
    return new Response(faults.body ?? '', { status, headers: { 'content-type': faults.contentType ?? 'text/html' } });
  }
  if (loadOnly) return json(200, emptyAnswer(model, chat, 'load'));
  const lines = new ScriptLines(model, chat, script, body);
  if (body.stream === false) {
    await sleep((script.tokenDelayMs ?? 0) * lines.tokens.length, signal);
    return json(200, lines.whole());
  }
  const pieces = faults.raw ? rawPieces(faults.raw, faults.rawDelayMs) : answerPieces(lines, script, faults);
  return new Response(streamOf(pieces, signal), { status: 200, headers: { 'content-type': NDJSON } });
}

/** What the body does next: send a piece, wait, end, or fail as a reset connection does. */
type Step = { send: string | Uint8Array } | { wait: number } | { reset: true };

function* answerPieces(lines: ScriptLines, script: ModelScript, faults: ModelFaults): Generator<Step, void> {
  const tokens = lines.tokens;
  for (let i = 0; i <= tokens.length; i++) {
    if (i === faults.errorAfterTokens) {
      const message = faults.errorMessage ?? 'an error was encountered while running the model';
      yield { send: JSON.stringify({ error: message }) + '\n' };
      return;
    }
    if (i === faults.endAfterTokens) return;
    if (i === faults.resetAfterTokens) {
      yield { reset: true };
      return;
    }
    if (i === tokens.length) break;
    if (script.tokenDelayMs) yield { wait: script.tokenDelayMs };
    if (i === faults.stall?.afterTokens) yield { wait: faults.stall.ms };
    yield { send: lines.token(tokens[i]!) };
  }
  yield { send: lines.final() };
}

function* rawPieces(raw: NonNullable<ModelFaults['raw']>, delayMs: number | undefined): Generator<Step, void> {
  for (const [i, piece] of raw.entries()) {
    if (i > 0 && delayMs) yield { wait: delayMs };
    yield { send: piece };
  }
}

/** A body that runs `steps` as it is read, each piece its own chunk; aborting errors it with the signal's reason. */
function streamOf(steps: Iterator<Step, void>, signal: AbortSignal | undefined): ReadableStream<Uint8Array> {
  let cancelled = false;
  return new ReadableStream<Uint8Array>({
    start(controller) {
      signal?.addEventListener('abort', () => controller.error(signal.reason), { once: true });
    },
    async pull(controller) {
      try {
        for (;;) {
          signal?.throwIfAborted();
          const { value: step, done } = steps.next();
          if (cancelled) return;
          if (done) return controller.close();
          if ('wait' in step) await sleep(step.wait, signal);
          else if ('reset' in step) throw connectionReset();
          else return controller.enqueue(typeof step.send === 'string' ? utf8.encode(step.send) : step.send);
        }
      } catch (error) {
        if (!cancelled) controller.error(error);
      }
    },
    cancel() {
      cancelled = true;
    },
  });
}

function json(status: number, body: unknown): Response {
  return new Response(JSON.stringify(body), { status, headers: { 'content-type': 'application/json; charset=utf-8' } });
}

/** Waits `ms` (none: not at all), or rejects with the signal's reason once it aborts. */
function sleep(ms: number | undefined, signal: AbortSignal | undefined): Promise<void> {
  signal?.throwIfAborted();
  if (!ms) return Promise.resolve();
  return new Promise((resolve, reject) => {
    const aborted = () => {
      clearTimeout(timer);
      reject(signal!.reason);
    };
    const timer = setTimeout(() => {
      signal?.removeEventListener('abort', aborted);
      resolve();
    }, ms);
    signal?.addEventListener('abort', aborted, { once: true });
  });
}

/** What a fetch rejects with when the peer resets the connection (Node's shape: the code on the cause). */
function connectionReset(): TypeError {
  return new TypeError('fetch failed', { cause: Object.assign(new Error('other side closed'), { code: 'ECONNRESET' }) });
}
