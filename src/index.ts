/**
 * Ollama's streaming API as cold, abortable RxJS Observables: `fromOllama`, `fromOllamaChat`,
 * `OllamaClient`, `OllamaError`, and every operator of `ollama-rx/operators`.
 * @module ollama-rx
 */
export { OllamaClient } from './client/client.js';
export type { CollectOptions, LoadRequest, RequestOptions, ShowOptions } from './core/options.js';
export { parseHost, DEFAULT_HOST } from './config/host.js';
export type { OllamaClientOptions, Timeouts } from './core/options.js';
export type { FetchBodyReader, FetchFunction, FetchResponse } from './core/options.js';
export { OllamaError, OllamaConfigError, ToolCallError } from './core/errors.js';
export type { OllamaErrorDetails, OllamaErrorKind, TimeoutPhase } from './core/errors.js';
export { fromOllama } from './sources/fromOllama.js';
export { fromOllamaChat } from './sources/fromOllamaChat.js';
export { conversation } from './sources/conversation.js';
export { runTools$ } from './sources/runTools.js';
export type { RunToolsOptions } from './sources/runTools.js';
export { ensureModel$ } from './sources/ensureModel.js';
export type { EnsureModelOptions, ModelReadiness } from './agents/modelReadiness.js';
export type { Tool, ToolContext, ToolEvent, ToolLoopOptions, Tools } from './agents/toolLoop.js';
export type { Conversation, ConversationOptions } from './sources/conversation.js';
export { closeSharedClients } from './sources/defaultClient.js';
export type { SourceOptions } from './sources/defaultClient.js';
export type * from './core/types.js';
export * from './operators/index.js';
