import { OllamaError, type OllamaErrorKind } from '../core/errors.js';
import { redactText } from '../core/redact.js';

/** Ollama's words for a model it does not have: a 404's `model 'x' not found`, a pull's missing manifest. */
const MODEL_NOT_FOUND = /model ['"]?.*['"]? not found|pull model manifest: file does not exist/i;

export const isModelNotFound = (message: string): boolean => MODEL_NOT_FOUND.test(message);
const MAX_BODY_EXCERPT = 200;

/** What an error answer's headers add to its body. */
export interface ErrorResponseHeaders {
  /** `Retry-After`: seconds or an HTTP-date. */
  retryAfter?: string;
  /** `Location` of a 3xx. */
  location?: string;
  /** Redacted from the body before an excerpt is cut from it: a split secret would no longer match. */
  secrets?: readonly string[];
}

/**
 * The error for a non-2xx answer. Ollama sends `{"error": "..."}`; proxies send HTML or plain text,
 * which is summarised instead of being fed to a JSON parser. A redirect is never followed (the
 * Authorization header must not travel to another origin): its message says where it pointed.
 */
export function errorFromResponse(statusCode: number, answer: string, headers: ErrorResponseHeaders = {}): OllamaError {
  const body = redactText(answer, headers.secrets ?? []);
  const retryAfterMs = parseRetryAfter(headers.retryAfter);
  if (isRedirect(statusCode)) {
    const where = headers.location ? ` to ${headers.location}` : statusCode === 0 ? ' (its Location is hidden by the browser)' : '';
    const message = `HTTP ${statusCode || '3xx'}: redirect${where} not followed; set the client's host to the server's address`;
    return new OllamaError('http', message, { statusCode, retryAfterMs });
  }
  const json = parseErrorJson(body);
  if (json === undefined) {
    const excerpt = summariseBody(body);
    const status = `HTTP ${statusCode}`;
    return new OllamaError('http', excerpt ? `${status}: ${excerpt}` : status, { statusCode, retryAfterMs });
  }
  const message = json.error || `HTTP ${statusCode}`;
  const kind: OllamaErrorKind = statusCode === 404 && isModelNotFound(message) ? 'model_not_found' : statusCode >= 500 ? 'server' : 'http';
  return new OllamaError(kind, message, { statusCode, signinUrl: json.signin_url, retryAfterMs });
}

/** A browser's fetch reports a redirect it was told not to follow as status 0 (`opaqueredirect`). */
const isRedirect = (statusCode: number) => statusCode === 0 || (statusCode >= 300 && statusCode < 400);

/** `Retry-After` in ms: delay-seconds, or an HTTP-date (a date in the past means now). */
export function parseRetryAfter(value: string | undefined, now = Date.now()): number | undefined {
  const trimmed = value?.trim();
  if (!trimmed) return undefined;
  if (/^\d+$/.test(trimmed)) return Number(trimmed) * 1_000;
  const date = Date.parse(trimmed);
  return Number.isNaN(date) ? undefined : Math.max(0, date - now);
}

function parseErrorJson(body: string): { error: string; signin_url?: string } | undefined {
  const trimmed = body.trim();
  if (!trimmed.startsWith('{')) return undefined;
  try {
    // An object: the text starts with '{'.
    const value = JSON.parse(trimmed) as Record<string, unknown>;
    const { error, signin_url } = value;
    return {
      error: typeof error === 'string' ? error : JSON.stringify(value).slice(0, MAX_BODY_EXCERPT),
      signin_url: typeof signin_url === 'string' ? signin_url : undefined,
    };
  } catch {
    return undefined;
  }
}

/** An HTML page reads best as its title; anything else as its first words. */
function summariseBody(body: string): string {
  const title = /<title[^>]*>([^<]*)<\/title>/i.exec(body)?.[1];
  const text = (title ?? body.replace(/<[^>]*>/g, ' ')).replace(/\s+/g, ' ').trim();
  return text.length > MAX_BODY_EXCERPT ? `${text.slice(0, MAX_BODY_EXCERPT)}…` : text;
}
