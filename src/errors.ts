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

  constructor(kind: OllamaErrorKind, message: string, details: OllamaErrorDetails = {}) {
    super(message, details.cause === undefined ? undefined : { cause: details.cause });
    this.kind = kind;
    this.partialText = details.partialText ?? '';
    if (details.statusCode !== undefined) this.statusCode = details.statusCode;
    if (details.phase !== undefined) this.phase = details.phase;
    if (details.signinUrl !== undefined) this.signinUrl = details.signinUrl;
  }

  /** A copy of this error carrying the text received before it. */
  withPartialText(partialText: string): OllamaError {
    if (partialText === this.partialText) return this;
    const copy = new OllamaError(this.kind, this.message, { ...this.details(), partialText });
    copy.stack = this.stack;
    return copy;
  }

  private details(): OllamaErrorDetails {
    return {
      statusCode: this.statusCode,
      phase: this.phase,
      partialText: this.partialText,
      cause: this.cause,
      signinUrl: this.signinUrl,
    };
  }
}

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

/**
 * The error for a non-2xx answer. Ollama sends `{"error": "..."}`; proxies send HTML or plain text,
 * which is summarised instead of being fed to a JSON parser.
 */
export function errorFromResponse(statusCode: number, body: string): OllamaError {
  const json = parseErrorJson(body);
  if (json === undefined) {
    const excerpt = summariseBody(body);
    const status = `HTTP ${statusCode}`;
    return new OllamaError('http', excerpt ? `${status}: ${excerpt}` : status, { statusCode });
  }
  const message = json.error || `HTTP ${statusCode}`;
  const kind: OllamaErrorKind =
    statusCode === 404 && isModelNotFound(message)
      ? 'model_not_found'
      : statusCode >= 500
        ? 'server'
        : 'http';
  return new OllamaError(kind, message, { statusCode, signinUrl: json.signin_url });
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
