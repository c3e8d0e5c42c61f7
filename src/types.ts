/** Generation statistics of the final chunk, converted from the protocol's nanoseconds to milliseconds. */
export interface GenerationMetrics {
  totalMs?: number;
  loadMs?: number;
  promptEvalCount?: number;
  promptEvalMs?: number;
  evalCount?: number;
  evalMs?: number;
}

/** One NDJSON line of `/api/generate`. */
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
  /** Why generation stopped (`stop`, `length`, `load`, …), on the last chunk. */
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
  toolCalls?: ToolCall[];
}

/** The collect-everything result. Failures are data here: it is never thrown. */
export interface ModelResponse {
  text: string;
  success: boolean;
  error?: string;
  statusCode?: number;
  done: boolean;
  metrics?: GenerationMetrics;
  kind?: import('./errors.js').OllamaErrorKind;
  /** Reasoning text of thinking models, when there was any. */
  thinking?: string;
  /** Chat: the tool calls the model asked for, when there were any. */
  toolCalls?: ToolCall[];
  /** Generate: the context to pass back for a follow-up. */
  context?: number[];
}

/** Model parameters (`options` of a request); see Ollama's Modelfile docs. */
export interface ModelOptions {
  temperature?: number;
  top_k?: number;
  top_p?: number;
  min_p?: number;
  num_predict?: number;
  num_ctx?: number;
  seed?: number;
  stop?: string[];
  repeat_penalty?: number;
  [option: string]: unknown;
}

/** `format`: `'json'` or a JSON schema for structured output. */
export type ResponseFormat = 'json' | Record<string, unknown>;

/** Fields of `/api/generate` (Ollama's own spelling). `model` falls back to the client's default. */
export interface GenerateRequest {
  prompt: string;
  model?: string;
  suffix?: string;
  system?: string;
  template?: string;
  context?: number[];
  raw?: boolean;
  format?: ResponseFormat;
  images?: string[];
  keep_alive?: string | number;
  think?: boolean | 'low' | 'medium' | 'high';
  options?: ModelOptions;
}

export interface ChatMessage {
  role: 'system' | 'user' | 'assistant' | 'tool';
  content: string;
  thinking?: string;
  /** Base64-encoded images. */
  images?: string[];
  tool_calls?: ToolCall[];
  /** On `role: 'tool'` messages: which tool answered. */
  tool_name?: string;
}

export interface ToolDefinition {
  type: 'function';
  function: {
    name: string;
    description?: string;
    parameters?: Record<string, unknown>;
  };
}

/** Fields of `/api/chat` (Ollama's own spelling). `model` falls back to the client's default. */
export interface ChatRequest {
  messages: ChatMessage[];
  model?: string;
  tools?: ToolDefinition[];
  format?: ResponseFormat;
  keep_alive?: string | number;
  think?: boolean | 'low' | 'medium' | 'high';
  options?: ModelOptions;
}

/** One progress line of `pull$`; `percent` is derived from `completed / total` when both are sent. */
export interface PullProgress {
  status: string;
  digest?: string;
  total?: number;
  completed?: number;
  percent?: number;
}

export interface ModelDetails {
  format?: string;
  family?: string;
  families?: string[] | null;
  parameter_size?: string;
  quantization_level?: string;
  parent_model?: string;
}

/** A model of `list()`, in Ollama's own spelling. */
export interface ModelInfo {
  name: string;
  model: string;
  modified_at: string;
  size: number;
  digest: string;
  details?: ModelDetails;
}

/** A loaded model of `ps()`, in Ollama's own spelling. */
export interface RunningModel {
  name: string;
  model: string;
  size: number;
  digest: string;
  expires_at: string;
  size_vram: number;
  details?: ModelDetails;
}

/** What `show(model)` tells about a model, in Ollama's own spelling. */
export interface ModelDescription {
  modelfile?: string;
  parameters?: string;
  template?: string;
  system?: string;
  license?: string;
  details?: ModelDetails;
  model_info?: Record<string, unknown>;
  capabilities?: string[];
  modified_at?: string;
  [field: string]: unknown;
}

/** `embed()`'s input: one text or several; `model` falls back to the client's default. */
export interface EmbedRequest {
  input: string | string[];
  model?: string;
  truncate?: boolean;
  dimensions?: number;
  keep_alive?: string | number;
  options?: ModelOptions;
}
