import type { GenerationMetrics } from './chunks.js';
import type { ChatMessage } from './requests.js';

/** One progress line of `pull$`; `percent` is derived from `completed / total` when both are sent. */
export interface PullProgress {
  status: string;
  digest?: string;
  total?: number;
  completed?: number;
  percent?: number;
}

/** What Ollama reports a model can do; newer servers may add more. */
export type ModelCapability = 'completion' | 'tools' | 'insert' | 'vision' | 'embedding' | 'thinking' | 'image' | 'audio' | (string & {});

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

/** `embedResponse()`'s answer: the vectors with the model and timings Ollama reported. */
export interface EmbedResponse {
  model: string;
  embeddings: number[][];
  metrics: Pick<GenerationMetrics, 'totalMs' | 'loadMs' | 'promptEvalCount'>;
}

/** The progress lines of `pull$`, `push$` and `create$`: one shape for all three. */
export type Progress = PullProgress;

export interface WebSearchResult {
  title: string;
  url: string;
  content: string;
}

export interface WebSearchResponse {
  results: WebSearchResult[];
}

export interface WebFetchResponse {
  title: string;
  content: string;
  /** The page's links (`[]` when Ollama sent none). */
  links: string[];
}
