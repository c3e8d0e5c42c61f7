import { OllamaError } from '../../core/errors.js';
import { Matcher } from './match.js';
import { toRecording } from './normalise.js';
import { checkSpeed, dueMs, jsonOrText, noRecordingBody, replayHeaders } from './pace.js';
import type { Har, RecordedEntry, Recording, ReplayOptions } from './types.js';

/**
 * A `fetch` that answers from a recording, with no socket: for the client's `fetch` option in
 * browsers, jsdom or Node. Each answer has the recorded status, headers and body, its chunks each
 * delivered at the recorded offset × 1/`speed`. A request with no recording gets a 404 whose
 * `{"error"}` says "no recording" and names the nearest recorded request. Aborting its signal
 * aborts the answer.
 *
 * @example
 * const client = new OllamaClient({ model: 'tiny', fetch: replayFetch(loadRecording('test/fixtures/chat.har'), { speed: 0 }) });
 */
export function replayFetch(recording: Recording | Har, options: ReplayOptions = {}): typeof fetch {
  const speed = checkSpeed(options.speed);
  const matcher = new Matcher(toRecording(recording), options.match);
  const replay = async (input: Parameters<typeof fetch>[0], init?: Parameters<typeof fetch>[1]): Promise<Response> => {
    const startedAt = performance.now();
    const request = input instanceof Request ? input : undefined;
    const url = new URL(input instanceof URL ? input.href : (request?.url ?? (input as string)), 'http://replay.invalid');
    const signal = init?.signal ?? request?.signal ?? undefined;
    signal?.throwIfAborted();
    const text = init?.body != null ? await new Response(init.body).text() : request ? await request.clone().text() : '';
    let entry: RecordedEntry;
    try {
      entry = matcher.take({ method: init?.method ?? request?.method ?? 'GET', path: url.pathname, body: jsonOrText(text) });
    } catch (error) {
      if (!(error instanceof OllamaError)) throw error;
      return new Response(noRecordingBody(error.message), { status: 404, headers: { 'content-type': 'application/json; charset=utf-8' } });
    }
    await sleep(startedAt + dueMs(entry.headersMs, speed) - performance.now(), signal);
    const headers = new Headers();
    for (const [name, value] of replayHeaders(entry)) {
      try {
        headers.append(name, value);
      } catch {
        // A header the Fetch API forbids (set-cookie in a browser, a bad value): left out.
      }
    }
    const nullBody = [101, 204, 205, 304].includes(entry.status);
    const body = nullBody ? null : bodyStream(entry, startedAt, speed, signal);
    return new Response(body, { status: entry.status, statusText: entry.statusText, headers });
  };
  return replay;
}

/** The recorded chunks, each enqueued at its time; errored with the signal's reason on abort. */
function bodyStream(entry: RecordedEntry, startedAt: number, speed: number, signal: AbortSignal | undefined): ReadableStream<Uint8Array> {
  const stop = new AbortController();
  return new ReadableStream<Uint8Array>({
    start(controller) {
      // As fetch does: an abort errors the body at once, chunks not yet read included.
      const abort = () => {
        stop.abort();
        controller.error(signal!.reason);
      };
      signal?.addEventListener('abort', abort, { once: true });
      void (async () => {
        for (const chunk of entry.chunks) {
          await sleep(startedAt + dueMs(chunk.offsetMs, speed) - performance.now(), stop.signal);
          controller.enqueue(chunk.bytes.slice());
        }
        controller.close();
      })()
        .catch(() => undefined)
        .finally(() => signal?.removeEventListener('abort', abort));
    },
    cancel() {
      stop.abort();
    },
  });
}

function sleep(ms: number, signal: AbortSignal | undefined): Promise<void> {
  signal?.throwIfAborted();
  if (ms <= 0) return Promise.resolve();
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      signal?.removeEventListener('abort', abort);
      resolve();
    }, ms);
    const abort = () => {
      clearTimeout(timer);
      reject(signal!.reason);
    };
    signal?.addEventListener('abort', abort, { once: true });
  });
}
