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

/** A tool call the model asked for; `arguments` is an object. */
export interface ToolCall {
  id?: string;
  function: {
    index?: number;
    name: string;
    arguments: Record<string, unknown>;
  };
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

/** What `webFetch` sends to ollama.com. */
export interface WebFetchRequest {
  url: string;
}
