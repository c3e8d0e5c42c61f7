/** What went wrong, coarse enough to branch on. */
export type OllamaErrorKind =
  | 'model_not_found'
  | 'http'
  | 'server'
  | 'timeout'
  | 'network'
  | 'protocol';

/** Which of the per-phase timeouts expired. */
export type TimeoutPhase = 'connect' | 'firstToken' | 'idle' | 'total';

export interface OllamaErrorDetails {
  statusCode?: number;
  phase?: TimeoutPhase;
  partialText?: string;
  cause?: unknown;
  /** ollama.com answers a 401 with the page where the user can sign in. */
  signinUrl?: string;
  /** How long a 429 or 503 asked the client to wait (`Retry-After`), in ms. */
  retryAfterMs?: number;
}

/**
 * Every failure of an ollama-rx request. Nothing received is lost: `partialText` holds the text
 * streamed before the failure. Unsubscribing is never an error.
 */
export class OllamaError extends Error {
  override readonly name = 'OllamaError';
  readonly kind: OllamaErrorKind;
  declare readonly statusCode?: number;
  declare readonly phase?: TimeoutPhase;
  readonly partialText: string;
  declare readonly signinUrl?: string;
  declare readonly retryAfterMs?: number;

  constructor(kind: OllamaErrorKind, message: string, details: OllamaErrorDetails = {}) {
    super(message, details.cause === undefined ? undefined : { cause: details.cause });
    this.kind = kind;
    this.partialText = details.partialText ?? '';
    if (details.statusCode !== undefined) this.statusCode = details.statusCode;
    if (details.phase !== undefined) this.phase = details.phase;
    if (details.signinUrl !== undefined) this.signinUrl = details.signinUrl;
    if (details.retryAfterMs !== undefined) this.retryAfterMs = details.retryAfterMs;
  }

  /** A copy of this error carrying the text received before it. */
  withPartialText(partialText: string): OllamaError {
    if (partialText === this.partialText) return this;
    const copy = new OllamaError(this.kind, this.message, { ...this.details(), partialText });
    copy.stack = this.stack;
    return copy;
  }

  /**
   * This error with every occurrence of `secrets` in its message, stack, sign-in URL and causes'
   * messages replaced by `***`: a server may echo the client's token in anything it writes.
   * `partialText` is kept as sent: it is the model's own text, already delivered as chunks.
   */
  redacted(secrets: readonly string[]): OllamaError {
    if (!secrets.length) return this;
    scrubCauses(this.cause, secrets);
    const message = scrub(this.message, secrets);
    const signinUrl = this.signinUrl === undefined ? undefined : scrub(this.signinUrl, secrets);
    const stack = this.stack === undefined ? undefined : scrub(this.stack, secrets);
    if (message === this.message && signinUrl === this.signinUrl && stack === this.stack) return this;
    const copy = new OllamaError(this.kind, message, { ...this.details(), signinUrl });
    copy.stack = stack;
    return copy;
  }

  private details(): OllamaErrorDetails {
    return {
      statusCode: this.statusCode,
      phase: this.phase,
      partialText: this.partialText,
      cause: this.cause,
      signinUrl: this.signinUrl,
      retryAfterMs: this.retryAfterMs,
    };
  }
}

const REDACTED = '***';

function scrub(text: string, secrets: readonly string[]): string {
  let result = text;
  for (const secret of secrets) if (result.includes(secret)) result = result.split(secret).join(REDACTED);
  return result;
}

/** Errors below ours (a JSON parser's, undici's) may quote the server's bytes too. */
function scrubCauses(cause: unknown, secrets: readonly string[]): void {
  for (let current = cause, depth = 0; current instanceof Error && depth < 4; depth++) {
    const fields = current as unknown as Record<string, unknown>;
    for (const field of ['message', 'stack', 'data']) {
      const value = fields[field];
      if (typeof value === 'string' && secrets.some((secret) => value.includes(secret))) {
        try {
          fields[field] = scrub(value, secrets);
        } catch {
          // A frozen foreign error keeps its text; ours never are.
        }
      }
    }
    current = current.cause;
  }
}

/**
 * The strings to hide for these secret header values: each value whole and, for a value with an
 * auth scheme (`Bearer abc…`), its credential alone, which is what servers tend to echo. Longest
 * first, so a whole value is replaced before its parts.
 */
export function secretsOf(values: readonly string[]): string[] {
  const secrets = new Set<string>();
  for (const value of values) {
    const trimmed = value.trim();
    if (trimmed) secrets.add(trimmed);
    const credential = /^\S+\s+(\S.*)$/.exec(trimmed)?.[1];
    if (credential && credential.length >= MIN_CREDENTIAL_CHARS) secrets.add(credential);
  }
  return [...secrets].sort((a, b) => b.length - a.length);
}
/** Shorter parts would hide common words of every message; no real credential is that short. */
const MIN_CREDENTIAL_CHARS = 4;

/** Any error, as an `OllamaError` that keeps `partialText`; foreign errors become `network`. */
export function toOllamaError(error: unknown, partialText = ''): OllamaError {
  if (error instanceof OllamaError) {
    return error.partialText ? error : error.withPartialText(partialText);
  }
  const message = error instanceof Error ? error.message : String(error);
  return new OllamaError('network', message, { partialText, cause: error });
}

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
}

/**
 * The error for a non-2xx answer. Ollama sends `{"error": "..."}`; proxies send HTML or plain text,
 * which is summarised instead of being fed to a JSON parser. A redirect is never followed (the
 * Authorization header must not travel to another origin): its message says where it pointed.
 */
export function errorFromResponse(statusCode: number, body: string, headers: ErrorResponseHeaders = {}): OllamaError {
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
  const kind: OllamaErrorKind =
    statusCode === 404 && isModelNotFound(message)
      ? 'model_not_found'
      : statusCode >= 500
        ? 'server'
        : 'http';
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
    const value: unknown = JSON.parse(trimmed);
    if (typeof value !== 'object' || value === null) return undefined;
    const { error, signin_url } = value as Record<string, unknown>;
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
