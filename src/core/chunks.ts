import type { OllamaErrorKind, TimeoutPhase } from './errors.js';
import type { ToolCall } from './requests.js';

/** Generation statistics of the final chunk, converted from the protocol's nanoseconds to milliseconds. */
export interface GenerationMetrics {
  totalMs?: number;
  loadMs?: number;
  promptEvalCount?: number;
  promptEvalMs?: number;
  evalCount?: number;
  evalMs?: number;
}

/** One candidate token and its log probability (Ollama's `TokenLogprob`). */
export interface TokenLogprob {
  token: string;
  logprob: number;
  /** The token's UTF-8 bytes: a token may end inside a multi-byte character. */
  bytes?: number[];
}

/** The log probability of one generated token, with the most likely alternatives when `top_logprobs` asked for them. */
export interface Logprob extends TokenLogprob {
  /** `top_logprobs` on the wire. */
  topLogprobs?: TokenLogprob[];
}

/** One NDJSON line of `/api/generate` (and the fields `/api/chat` lines share). */
export interface StreamChunk {
  /** New text in this chunk; may be empty. */
  text: string;
  /** True only on the last chunk. */
  done: boolean;
  /** Only after `errorsAsChunks()`: the error's message, in the Python client's style. */
  error?: string;
  /** Reasoning text of thinking models. */
  thinking?: string;
  model?: string;
  /** `created_at`, the server's RFC 3339 timestamp of the line, as sent. */
  createdAt?: string;
  /** `remote_model`: the upstream model that answered, for a cloud model served through a local Ollama. */
  remoteModel?: string;
  /** `remote_host`: the upstream Ollama that answered, for a cloud model. */
  remoteHost?: string;
  /** The tokens of this chunk with their log probabilities, when the request set `logprobs`. */
  logprobs?: Logprob[];
  /** Tool calls the model asked for: on chat lines, and on `/api/generate`'s last line. */
  toolCalls?: ToolCall[];
  /** Why generation stopped (`stop`, `length`, `load`, `unload`, …), on the last chunk. */
  doneReason?: string;
  /** On the last chunk only. */
  metrics?: GenerationMetrics;
  /** `/api/generate`'s context, on the last chunk: pass it back to continue the conversation. */
  context?: number[];
}

/** One NDJSON line of `/api/chat`. */
export interface ChatChunk extends StreamChunk {
  role: 'assistant';
}

/** The collect-everything result. Failures are data here: it is never thrown. */
export interface ModelResponse {
  text: string;
  success: boolean;
  error?: string;
  statusCode?: number;
  done: boolean;
  /** The model that answered, as the server named it. */
  model?: string;
  /** `remote_model` / `remote_host` of a cloud model served through a local Ollama. */
  remoteModel?: string;
  remoteHost?: string;
  /** Why generation stopped: `stop`, `length` (cut at `num_predict`), `load`, `unload`, … */
  doneReason?: string;
  metrics?: GenerationMetrics;
  kind?: OllamaErrorKind;
  /** For a `timeout`: which limit expired. */
  phase?: TimeoutPhase;
  /** For a 401 from ollama.com: where the user can sign in. */
  signinUrl?: string;
  /** Reasoning text of thinking models, when there was any. */
  thinking?: string;
  /** The tool calls the model asked for (chat, and generate's last line), when there were any. */
  toolCalls?: ToolCall[];
  /** Every token's log probability, in order, when the request set `logprobs`. */
  logprobs?: Logprob[];
  /** Generate: the context to pass back for a follow-up. */
  context?: number[];
}
