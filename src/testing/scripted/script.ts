import type { ToolCall } from '../../core/requests.js';

// Browser-safe: what a scripted model is, shared by the test server and scriptedFetch (no node: imports).
export type { ToolCall };

/** A request's JSON body, as a script's functions receive it. */
export type ScriptRequestBody = Record<string, unknown> | undefined;

/** How a scripted model answers `/api/generate` and `/api/chat`. */
export interface ModelScript {
  /**
   * The answer, token by token. A function receives the request body. Default: a short greeting.
   * A request continuing the answer (chat's trailing assistant message, or a raw prompt ending with
   * the start of the answer, as `resumable` sends) gets only the rest of it, as from a real model.
   */
  tokens?: readonly string[] | ((request: ScriptRequestBody) => readonly string[]);
  /** Reasoning tokens streamed before the answer. */
  thinking?: readonly string[];
  /**
   * Tool calls sent after the text: in the last line's `message` (chat) or as the last line's
   * `tool_calls` (generate, where Ollama's parsers set them only on the final line).
   * A function receives the request body, so a model can call tools first and answer from the
   * `tool` messages on the next request (none: `[]`).
   */
  toolCalls?: readonly ToolCall[] | ((request: ScriptRequestBody) => readonly ToolCall[]);
  /**
   * A cloud model served through this Ollama: every line carries `remote_model` and `remote_host`,
   * and `list()`/`show()` report them.
   */
  remote?: { model: string; host: string };
  /** Pause before each token. */
  tokenDelayMs?: number;
  /** Model load: a pause before anything, headers included, is sent. */
  loadDelayMs?: number;
  doneReason?: string;
  context?: readonly number[];
  /**
   * Gathers the lines of an unpaced, uninterrupted answer into writes of up to this many bytes.
   * Off by default: like Ollama's Go server, this server writes and flushes each line on its own, so
   * each line is its own HTTP chunk. Batching (e.g. `64 * 1024`) puts many lines in one chunk.
   */
  batchBytes?: number;
  /** What goes wrong when the model answers. */
  faults?: ModelFaults;
  /** The script's `faults` hit only the first this-many requests; later ones are answered without them. */
  failuresBeforeSuccess?: number;
}

/**
 * A scripted model's failures, kept apart from its normal behaviour so that `failuresBeforeSuccess`
 * drops all of them at once, whatever is added here later.
 */
export interface ModelFaults {
  /** A load that hangs: this long before any header, after `loadDelayMs`. */
  loadStallMs?: number;
  /** Reset the connection once the request is read, before any header. */
  resetBeforeHeaders?: boolean;
  /** Answer with this status and body instead (an object is sent as JSON). */
  status?: number;
  body?: string | object;
  /** The content type of a `body` string (default `text/html`). */
  contentType?: string;
  /** Answer 200 with exactly these body pieces, each written separately (split lines, UTF-8). */
  raw?: ReadonlyArray<string | Uint8Array>;
  /** Pause between raw pieces. */
  rawDelayMs?: number;
  /** One long pause after this many tokens: a model that stalls mid-answer. */
  stall?: { afterTokens: number; ms: number };
  /** After this many tokens, send one `{"error": …}` line (HTTP 200 already sent) and end. */
  errorAfterTokens?: number;
  errorMessage?: string;
  /** After this many tokens, end the body cleanly without a `done: true` line. */
  endAfterTokens?: number;
  /** After this many tokens, reset the connection (TCP RST, after the tokens reached the client). */
  resetAfterTokens?: number;
}

/**
 * The script for a model's `attempt`-th request (1-based): once `failuresBeforeSuccess` requests
 * failed, the same script without any of its faults.
 */
export function scriptForAttempt(script: ModelScript, attempt: number): ModelScript {
  if (script.failuresBeforeSuccess === undefined || attempt <= script.failuresBeforeSuccess) return script;
  return { ...script, faults: undefined };
}

/** Ollama's error for a request naming no model or an unknown one (status and body), or undefined. */
export function modelError(has: (model: string) => boolean, model: unknown): { status: number; body: { error: string } } | undefined {
  if (typeof model !== 'string' || !model) return { status: 400, body: { error: 'model is required' } };
  if (!has(model)) return { status: 404, body: { error: `model '${model}' not found` } };
  return undefined;
}
