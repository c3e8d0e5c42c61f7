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

export interface ToolCall {
  id?: string;
  function: {
    index?: number;
    name: string;
    arguments: Record<string, unknown>;
  };
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
  kind?: import('./errors.js').OllamaErrorKind;
  /** For a `timeout`: which limit expired. */
  phase?: import('./errors.js').TimeoutPhase;
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

/**
 * Model parameters (`options` of a request), Ollama's `Options` and `Runner`; see its Modelfile docs.
 * Runner options (`num_ctx`, `num_gpu`, …) take effect when the model is loaded.
 */
export interface ModelOptions {
  num_keep?: number;
  seed?: number;
  num_predict?: number;
  top_k?: number;
  top_p?: number;
  min_p?: number;
  typical_p?: number;
  repeat_last_n?: number;
  temperature?: number;
  repeat_penalty?: number;
  presence_penalty?: number;
  frequency_penalty?: number;
  stop?: string[];
  num_ctx?: number;
  num_batch?: number;
  num_gpu?: number;
  main_gpu?: number;
  use_mmap?: boolean;
  num_thread?: number;
  draft_num_predict?: number;
  [option: string]: unknown;
}

/** `format`: `'json'` or a JSON schema for structured output. */
export type ResponseFormat = 'json' | Record<string, unknown>;

/** `think`: on/off, or a reasoning effort for models that support levels. */
export type ThinkOption = boolean | 'low' | 'medium' | 'high' | 'max';

/**
 * An image for a multimodal model: base64 text, or the bytes themselves (a `Uint8Array`, so a Node
 * `Buffer` too), which the library base64-encodes for the wire.
 */
export type ImageInput = string | Uint8Array;

/** Fields of `/api/generate` and `/api/chat` alike (Ollama's own spelling). */
interface AnswerRequestFields {
  /** Falls back to the call's, then the client's default model. */
  model?: string;
  format?: ResponseFormat;
  /** How long the model stays loaded after the request: a duration (`'5m'`) or seconds; `0` unloads. */
  keep_alive?: string | number;
  think?: ThinkOption;
  options?: ModelOptions;
  /** Truncate the history when the prompt exceeds the context length (Ollama's default: true). */
  truncate?: boolean;
  /** Shift the context when generation reaches its end instead of stopping (Ollama's default: true). */
  shift?: boolean;
  /** Send each generated token's log probability (`chunk.logprobs`). */
  logprobs?: boolean;
  /** With `logprobs`: how many of the most likely alternatives to send per token (0–20). */
  top_logprobs?: number;
}

/** Fields of `/api/generate` (Ollama's own spelling). `model` falls back to the client's default. */
export interface GenerateRequest extends AnswerRequestFields {
  prompt: string;
  suffix?: string;
  system?: string;
  template?: string;
  context?: number[];
  raw?: boolean;
  images?: ImageInput[];
}

export interface ChatMessage {
  role: 'system' | 'user' | 'assistant' | 'tool';
  content: string;
  thinking?: string;
  /** Base64 text or bytes. */
  images?: ImageInput[];
  tool_calls?: ToolCall[];
  /** On `role: 'tool'` messages: which tool answered. */
  tool_name?: string;
  /** On `role: 'tool'` messages: the `id` of the call this answers. */
  tool_call_id?: string;
}

/** One property of a tool's parameters: a JSON Schema subset, as Ollama reads it. */
export interface ToolProperty {
  type?: string | string[];
  description?: string;
  enum?: unknown[];
  items?: unknown;
  anyOf?: ToolProperty[];
  properties?: Record<string, ToolProperty>;
  required?: string[];
  [keyword: string]: unknown;
}

/** A tool's `parameters`: a JSON Schema object (usually `type: 'object'`). */
export interface ToolParameters {
  type?: string;
  properties?: Record<string, ToolProperty>;
  required?: string[];
  items?: unknown;
  $defs?: unknown;
  [keyword: string]: unknown;
}

export interface ToolDefinition {
  type: 'function';
  /** Ollama's `Tool.items`, sent as given. */
  items?: unknown;
  function: {
    name: string;
    description?: string;
    parameters?: ToolParameters;
  };
}

/** Fields of `/api/chat` (Ollama's own spelling). `model` falls back to the client's default. */
export interface ChatRequest extends AnswerRequestFields {
  messages: ChatMessage[];
  tools?: ToolDefinition[];
}

/** One progress line of `pull$`; `percent` is derived from `completed / total` when both are sent. */
export interface PullProgress {
  status: string;
  digest?: string;
  total?: number;
  completed?: number;
  percent?: number;
}

/** What Ollama reports a model can do; newer servers may add more. */
export type ModelCapability =
  | 'completion'
  | 'tools'
  | 'insert'
  | 'vision'
  | 'embedding'
  | 'thinking'
  | 'image'
  | 'audio'
  | (string & {});

/** A model's `details`, in Ollama's own spelling. Fields a newer Ollama adds pass through. */
export interface ModelDetails {
  parent_model?: string;
  format?: string;
  family?: string;
  /** `null` when the model has none. */
  families?: string[] | null;
  parameter_size?: string;
  quantization_level?: string;
  context_length?: number;
  embedding_length?: number;
  [field: string]: unknown;
}

/** A model of `list()`, in Ollama's own spelling. Fields a newer Ollama adds pass through. */
export interface ModelInfo {
  name: string;
  model: string;
  /** A cloud model served through this Ollama: the upstream model and host. */
  remote_model?: string;
  remote_host?: string;
  modified_at: string;
  size: number;
  digest: string;
  details?: ModelDetails;
  capabilities?: ModelCapability[];
  [field: string]: unknown;
}

/** A loaded model of `ps()`, in Ollama's own spelling. Fields a newer Ollama adds pass through. */
export interface RunningModel {
  name: string;
  model: string;
  size: number;
  digest: string;
  details?: ModelDetails;
  expires_at: string;
  size_vram: number;
  /** The context length the model was loaded with. */
  context_length?: number;
  [field: string]: unknown;
}

/** One tensor of `show(model, { verbose: true })`. */
export interface TensorInfo {
  name: string;
  type: string;
  shape: number[] | null;
}

/** What `show(model)` tells about a model, in Ollama's own spelling. Fields a newer Ollama adds pass through. */
export interface ModelDescription {
  license?: string;
  modelfile?: string;
  parameters?: string;
  template?: string;
  system?: string;
  renderer?: string;
  parser?: string;
  details?: ModelDetails;
  /** Messages the Modelfile puts before every conversation. */
  messages?: ChatMessage[];
  remote_model?: string;
  remote_host?: string;
  /** GGUF metadata; without `verbose`, long arrays (the tokenizer's vocabulary) are sent empty. */
  model_info?: Record<string, unknown> | null;
  projector_info?: Record<string, unknown>;
  /** Sent for local GGUF models. */
  tensors?: TensorInfo[];
  capabilities?: ModelCapability[];
  modified_at?: string;
  /** The minimum Ollama version the model needs. */
  requires?: string;
  [field: string]: unknown;
}

/** `show()`'s request beyond the model name (Ollama's spelling). */
export interface ShowRequest {
  model: string;
  /** Full metadata: the tokenizer's arrays in `model_info` too. */
  verbose?: boolean;
  /** Shown as if the model had this system prompt. */
  system?: string;
  /** Shown as if the model had these parameters. */
  options?: ModelOptions;
}

/** `embed()`'s input: one text or several; `model` falls back to the client's default. */
export interface EmbedRequest {
  input: string | string[];
  model?: string;
  /** Cut inputs longer than the context instead of failing (Ollama's default: true). */
  truncate?: boolean;
  /** Shorten each vector to this many dimensions (models that support it). */
  dimensions?: number;
  keep_alive?: string | number;
  options?: ModelOptions;
}

/** `embedResponse()`'s answer: the vectors with the model and timings Ollama reported. */
export interface EmbedResponse {
  model: string;
  embeddings: number[][];
  metrics: Pick<GenerationMetrics, 'totalMs' | 'loadMs' | 'promptEvalCount'>;
}

/** The progress lines of `pull$`, `push$` and `create$`: one shape for all three. */
export type Progress = PullProgress;

/** What `push$` sends: the model to upload to its registry (Ollama's spelling). */
export interface PushRequest {
  model: string;
  /** Allow an http (not https) registry. */
  insecure?: boolean;
}

/**
 * A file for `create$`: a local path (streamed from disk) or the bytes themselves — uploaded on
 * Node; the browser build takes only the `sha256:<hex>` digest of a blob already uploaded.
 */
export type BlobSource = string | Uint8Array;

/**
 * What `create$` sends to `/api/create`, in Ollama's spelling. `files`, `adapters` and `draft_files`
 * map a file name to a path or bytes: each is uploaded as a blob (when Ollama lacks it) and sent as
 * its `sha256:<hex>` digest. A value that already is such a digest is sent as it is.
 */
export interface CreateRequest {
  /** The name of the model to create. */
  model: string;
  /** The model (or registry name) to start from. */
  from?: string;
  files?: Record<string, BlobSource>;
  /** LoRA adapters. */
  adapters?: Record<string, BlobSource>;
  /** The files of a draft model (speculative decoding). */
  draft_files?: Record<string, BlobSource>;
  template?: string;
  system?: string;
  parameters?: ModelOptions;
  /** Messages placed before every conversation with the model. */
  messages?: ChatMessage[];
  license?: string | string[];
  /** Quantize to this level, e.g. `q4_K_M`. */
  quantize?: string;
  draft_quantize?: string;
  /** The Ollama that serves the model (a remote model). */
  remote_host?: string;
  renderer?: string;
  parser?: string;
  /** The lowest Ollama version that may run the model. */
  requires?: string;
  info?: Record<string, unknown>;
}

/** What `webSearch` sends to ollama.com. */
export interface WebSearchRequest {
  query: string;
  /** Sent as `max_results`. */
  maxResults?: number;
}

export interface WebSearchResult {
  title: string;
  url: string;
  content: string;
}

export interface WebSearchResponse {
  results: WebSearchResult[];
}

/** What `webFetch` sends to ollama.com. */
export interface WebFetchRequest {
  url: string;
}

export interface WebFetchResponse {
  title: string;
  content: string;
  /** The page's links (`[]` when Ollama sent none). */
  links: string[];
}
