import { OllamaError } from '../core/errors.js';
import type { TransportResponse } from './transport.js';

/** Of an error answer only a prefix is read: enough for any `{"error"}` or page title. */
const ERROR_BODY_BYTES = 64 * 1024;
/** The longest wait for an error answer's body (phase limits may cut it shorter); then what came is used. */
const ERROR_BODY_WAIT_MS = 1_000;

/**
 * The first `ERROR_BODY_BYTES` of an error answer, as text: a 200 MB error page costs no more than
 * a short one. Reading stops at that size, at the body's end, or when `settleWithin` says (a phase
 * limit, else `ERROR_BODY_WAIT_MS`), whichever comes first; the caller's abort then ends the request.
 */
export function readErrorBody(response: TransportResponse, settleWithin: (ms: number, onSettle: () => void) => void): Promise<string> {
  const decoder = new TextDecoder();
  let text = '';
  let bytes = 0;
  return new Promise<string>((resolve) => {
    const settle = () => resolve(text + decoder.decode());
    settleWithin(ERROR_BODY_WAIT_MS, settle);
    response
      .readBody((chunk) => {
        const room = ERROR_BODY_BYTES - bytes;
        if (room <= 0) return;
        text += decoder.decode(chunk.length > room ? chunk.subarray(0, room) : chunk, { stream: true });
        bytes += Math.min(room, chunk.length);
        if (bytes >= ERROR_BODY_BYTES) settle();
      })
      .then(settle, settle);
  });
}

/**
 * A 404 or 405 without Ollama's JSON is the router's own answer (gin's `404 page not found`): the
 * server has no such route — an older Ollama, or not Ollama at all — which the message says, naming it.
 */
export function withRoute(error: OllamaError, status: number, body: string, route: { method: string; path: string }): OllamaError {
  if ((status !== 404 && status !== 405) || error.kind !== 'http' || body.trimStart().startsWith('{')) return error;
  const why = status === 404 ? 'the server has no such route' : 'the server has this route, but not for this method';
  return new OllamaError('http', `${error.message} (${route.method} ${route.path}: ${why})`, { statusCode: status, cause: error });
}
