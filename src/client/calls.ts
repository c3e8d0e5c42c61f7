import { type MonoTypeOperatorFunction, catchError, defer, tap } from 'rxjs';
import type { ChatChunk, StreamChunk } from '../core/chunks.js';
import { kindOfValue } from '../core/describe.js';
import { OllamaConfigError, OllamaError } from '../core/errors.js';
import type { ChatMessage, ChatRequest, EmbedRequest, GenerateRequest, WebFetchRequest, WebSearchRequest } from '../core/requests.js';
import type { Progress } from '../core/models.js';
import { type Call, type LineReading, jsonBody } from '../http/request.js';
import { withEncodedImages, withEncodedMessageImages } from '../protocol/images.js';
import { decodeChatLine, decodeGenerateLine } from '../protocol/lines.js';
import { decodePullProgress } from '../protocol/responses.js';

/**
 * The call of each endpoint, built from a request as Ollama takes it. Pure functions: the client's
 * methods stay short, and each wire shape has one home. `model` picks the request's model (else the
 * call's, else the client's) and throws `OllamaConfigError` when there is none.
 */
export type ModelOf = (request: { model?: string }) => string;

/** generate and chat: chunks until `done`, whose text is kept on failure. */
const answerLines = <T extends StreamChunk>(decode: (value: unknown) => T): LineReading<T> => ({
  decode,
  isLast: (chunk) => chunk.done,
  textOf: (chunk) => chunk.text,
});
export const GENERATE_LINES = answerLines<StreamChunk>(decodeGenerateLine);
export const CHAT_LINES = answerLines<ChatChunk>(decodeChatLine);
/** pull, push and create: progress lines until `success`. */
export const PROGRESS_LINES: LineReading<Progress> = { decode: decodePullProgress, isLast: (progress) => progress.status === 'success' };

export const post = (path: string, body: unknown): Call => ({ method: 'POST', path, body: jsonBody(body) });
export const get = (path: string): Call => ({ method: 'GET', path });

export function generateCall(prompt: string | GenerateRequest, model: ModelOf, stream: boolean): Call {
  const request = typeof prompt === 'string' ? { prompt } : withEncodedImages(prompt);
  return post('/api/generate', { ...request, model: model(request), stream });
}

export function chatCall(request: ChatRequest | ChatMessage[], model: ModelOf, stream: boolean): Call {
  const chat = Array.isArray(request) ? { messages: request } : request;
  const messages = withEncodedMessageImages(chat.messages);
  return post('/api/chat', { ...(messages === chat.messages ? chat : { ...chat, messages }), model: model(chat), stream });
}

/** Ollama's empty-prompt request, which loads (or with `keep_alive: 0` unloads) a model; one JSON answer. */
export function loadCall(request: { model?: string; keep_alive?: string | number }, model: ModelOf): Call {
  // Ollama answers one JSON object whatever `stream` says; `false` says that is what is expected.
  return post('/api/generate', { ...request, model: model(request), stream: false, prompt: '' });
}

export function embedCall(request: EmbedRequest, model: ModelOf): Call {
  return post('/api/embed', { ...request, model: model(request) });
}

/** pull, push and create name the model they act on: without one, Ollama would answer a 400 after the call was sent. */
export function progressCall(path: string, request: { model?: unknown }): Call {
  if (typeof request?.model !== 'string' || !request.model) {
    throw new OllamaConfigError(
      `Invalid ollama-rx request: ${path} needs a model name (a non-empty string), got ${request?.model === '' ? 'an empty string' : kindOfValue(request?.model)}`,
    );
  }
  return post(path, { ...request, stream: true });
}

/** A pushed model Ollama does not have fails as a manifest read, in its file system's words: `model_not_found` it is. */
export function missingOnPush(model: string): MonoTypeOperatorFunction<Progress> {
  return (source) =>
    defer(() => {
      let status = '';
      return source.pipe(
        tap((progress) => (status = progress.status)),
        catchError((error: unknown) => {
          if (status !== "couldn't retrieve manifest" || !(error instanceof OllamaError) || error.kind !== 'server') throw error;
          throw new OllamaError('model_not_found', `model '${model}' not found: ${error.message}`, { cause: error });
        }),
      );
    });
}

export function webSearchCall(request: WebSearchRequest): Call {
  if (typeof request?.query !== 'string' || !request.query) {
    throw new OllamaConfigError('Invalid ollama-rx webSearch request: query must be a non-empty string');
  }
  const { maxResults, ...rest } = request;
  return post('/api/web_search', maxResults === undefined ? rest : { ...rest, max_results: maxResults });
}

export function webFetchCall(request: WebFetchRequest): Call {
  if (typeof request?.url !== 'string' || !request.url) {
    throw new OllamaConfigError('Invalid ollama-rx webFetch request: url must be a non-empty string');
  }
  return post('/api/web_fetch', request);
}
