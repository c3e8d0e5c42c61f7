import { messageOf } from './describe.js';
import { redactText } from './redact.js';
import type { ToolCall } from './requests.js';

/** What went wrong, coarse enough to branch on. */
export type OllamaErrorKind = 'model_not_found' | 'http' | 'server' | 'timeout' | 'network' | 'protocol';

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
    const message = redactText(this.message, secrets);
    const signinUrl = this.signinUrl === undefined ? undefined : redactText(this.signinUrl, secrets);
    const stack = this.stack === undefined ? undefined : redactText(this.stack, secrets);
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

/** Errors below ours (a JSON parser's, undici's) may quote the server's bytes too. */
function scrubCauses(cause: unknown, secrets: readonly string[]): void {
  for (let current = cause, depth = 0; current instanceof Error && depth < 4; depth++) {
    const fields = current as unknown as Record<string, unknown>;
    for (const field of ['message', 'stack', 'data']) {
      const value = fields[field];
      if (typeof value === 'string' && secrets.some((secret) => value.includes(secret))) {
        try {
          fields[field] = redactText(value, secrets);
        } catch {
          // A frozen foreign error keeps its text; ours never are.
        }
      }
    }
    current = current.cause;
  }
}

/** Bad configuration or input, refused before anything is sent: the message names the field. */
export class OllamaConfigError extends TypeError {
  override readonly name = 'OllamaConfigError';
}

/** A tool that failed, or a call to a tool that does not exist; `cause` is what the tool threw. */
export class ToolCallError extends Error {
  override readonly name = 'ToolCallError';

  constructor(
    message: string,
    readonly call: ToolCall,
    options?: { cause?: unknown },
  ) {
    super(message, options);
  }
}

/** Any error, as an `OllamaError` that keeps `partialText`; foreign errors become `network`. */
export function toOllamaError(error: unknown, partialText = ''): OllamaError {
  if (error instanceof OllamaError) {
    return error.partialText ? error : error.withPartialText(partialText);
  }
  return new OllamaError('network', messageOf(error), { partialText, cause: error });
}
