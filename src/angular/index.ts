/**
 * Angular's idiom for Ollama: a chat, a structured answer and a generation as signals, the client as
 * a provider, requests through `HttpClient` if asked, and an in-process scripted Ollama for tests.
 * Functions and tokens only: no Angular compiler needed.
 * @module ollama-rx/angular
 */
export { OLLAMA_CLIENT, provideOllama, provideOllamaTesting, withHttpClient } from './providers.js';
export type { OllamaFeature } from './providers.js';
export { chatResource } from './chatResource.js';
export type { ChatResource, ChatResourceOptions, ChatUsage } from './chatResource.js';
export type { ResourceStatus } from './requestState.js';
export { structuredResource } from './structuredResource.js';
export type { StructuredResource, StructuredResourceOptions } from './structuredResource.js';
export { generateResource } from './generateResource.js';
export type { GenerateResourceOptions } from './generateResource.js';
