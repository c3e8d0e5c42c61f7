import { type Observable, concat, defer, lastValueFrom } from 'rxjs';
import { type EnsureModelOptions, type ModelReadiness, modelReadiness } from '../agents/modelReadiness.js';
import { type ToolEvent, type ToolLoopOptions, type Tools, toolLoop } from '../agents/toolLoop.js';
import type { ChatChunk, ModelResponse, StreamChunk } from '../core/chunks.js';
import type {
  EmbedResponse,
  ModelDescription,
  ModelInfo,
  Progress,
  PullProgress,
  RunningModel,
  WebFetchResponse,
  WebSearchResponse,
} from '../core/models.js';
import type { CollectOptions, LoadRequest, RequestOptions, ShowOptions } from '../core/options.js';
import type {
  ChatMessage,
  ChatRequest,
  CreateRequest,
  EmbedRequest,
  GenerateRequest,
  PushRequest,
  ShowRequest,
  WebFetchRequest,
  WebSearchRequest,
} from '../core/requests.js';
import { expectNothing, jsonBody, streamLines } from '../http/request.js';
import { toModelResponse } from '../operators/toModelResponse.js';
import { decodeGenerateLine } from '../protocol/lines.js';
import {
  decodeEmbedResponse,
  decodeEmbeddings,
  decodeModelDescription,
  decodeModelList,
  decodeRunningModels,
  decodeVersion,
} from '../protocol/responses.js';
import { decodeWebFetch, decodeWebSearch } from '../protocol/web.js';
import { createUploads } from '../uploads/platform.js';
import { ClientCore } from './core.js';
import {
  CHAT_LINES,
  GENERATE_LINES,
  PROGRESS_LINES,
  chatCall,
  embedCall,
  generateCall,
  get,
  loadCall,
  missingOnPush,
  post,
  progressCall,
  webFetchCall,
  webSearchCall,
} from './calls.js';

/**
 * A connection to one Ollama server: its configuration and its own pool of keep-alive connections.
 * Every method returning an Observable is cold and aborts its request on unsubscribe.
 *
 * @example
 * await using client = new OllamaClient({ host: 'gpu-box', model: 'llama3.2' });
 * client.generate$('Why is the sky blue?').pipe(collectText()).subscribe(console.log);
 * const answer = await client.generate('Why is the sky blue?'); // { text, success, … }
 */
export class OllamaClient extends ClientCore {
  /**
   * Streams `/api/generate`.
   *
   * @example
   * client.generate$({ prompt: 'Write a haiku', options: { temperature: 0.2 } }).subscribe((c) => process.stdout.write(c.text));
   */
  generate$(prompt: string | GenerateRequest, options: RequestOptions = {}): Observable<StreamChunk> {
    return this.request(options, (context) => streamLines(context, generateCall(prompt, this.modelOf(options), true), GENERATE_LINES));
  }

  /**
   * Streams `/api/chat`.
   *
   * @example
   * client.chat$([{ role: 'user', content: 'Hello!' }]).pipe(collectText()).subscribe(console.log);
   */
  chat$(request: ChatRequest | ChatMessage[], options: RequestOptions = {}): Observable<ChatChunk> {
    return this.request(options, (context) => streamLines(context, chatCall(request, this.modelOf(options), true), CHAT_LINES));
  }

  /**
   * The whole answer of `/api/generate` as a `ModelResponse`. Never rejects for server, HTTP or
   * network failures: they resolve `success: false` with `error`, `statusCode` and the partial text.
   * Only a bad argument rejects (`OllamaConfigError`).
   *
   * @example
   * const { text, success, error } = await client.generate('Why is the sky blue?');
   */
  async generate(prompt: string | GenerateRequest, options: CollectOptions = {}): Promise<ModelResponse> {
    const call = generateCall(prompt, this.modelOf(options), options.stream ?? false);
    return lastValueFrom(streamLines(this.context(options), call, GENERATE_LINES).pipe(toModelResponse()));
  }

  /**
   * The whole answer of `/api/chat` as a `ModelResponse`; never rejects for server failures.
   *
   * @example
   * const answer = await client.chat([{ role: 'user', content: 'Hello!' }], { stream: true });
   */
  async chat(request: ChatRequest | ChatMessage[], options: CollectOptions = {}): Promise<ModelResponse> {
    const call = chatCall(request, this.modelOf(options), options.stream ?? false);
    return lastValueFrom(streamLines(this.context(options), call, CHAT_LINES).pipe(toModelResponse()));
  }

  /**
   * Downloads a model, streaming Ollama's progress lines; completes on `success`. A failure
   * (Ollama reports it as an `{"error"}` line after a 200) errors with an `OllamaError`.
   *
   * @example
   * client.pull$('llama3.2').subscribe((p) => console.log(p.status, p.percent?.toFixed(1) ?? ''));
   */
  pull$(model: string | { model: string; insecure?: boolean }, options: RequestOptions = {}): Observable<PullProgress> {
    return this.progress(options, '/api/pull', typeof model === 'string' ? { model } : model);
  }

  /**
   * Uploads a model to its registry (`ollama.com/<you>/<model>` needs your ollama.com key added
   * to Ollama), streaming Ollama's progress lines with `percent`; completes on `success`. A model
   * that is not installed errors with `model_not_found`.
   *
   * @example
   * client.push$('alice/my-model').subscribe((p) => console.log(p.status, p.percent?.toFixed(1) ?? ''));
   */
  push$(model: string | PushRequest, options: RequestOptions = {}): Observable<Progress> {
    const request = typeof model === 'string' ? { model } : model;
    return this.progress(options, '/api/push', request).pipe(missingOnPush(request.model));
  }

  /**
   * Creates a model, streaming progress lines like `pull$`. Each file of `files`, `adapters` and `draft_files`
   * (a path, streamed from disk, or bytes; Node only) is uploaded first unless Ollama has it, with `copying file
   * sha256:…` progress. Unsubscribing aborts whatever runs. The client's timeouts apply to the create request only.
   *
   * @example
   * client.create$({ model: 'my-model', files: { 'model.gguf': './model.gguf' } }).subscribe((p) => console.log(p.status));
   */
  create$(request: CreateRequest, options: RequestOptions = {}): Observable<Progress> {
    return defer(() => {
      // Uploads take no generation timeouts: a blob of gigabytes may take long, and says nothing while it goes.
      const uploads = this.context({ ...options, timeouts: undefined }, {});
      const { progress$, request: withDigests } = createUploads(request)((call) => expectNothing(uploads, call));
      return concat(
        progress$,
        defer(() => this.progress(options, '/api/create', withDigests())),
      );
    });
  }

  /**
   * One embedding vector per input text.
   *
   * @example
   * const [vector] = await client.embed({ model: 'embeddinggemma', input: 'Why is the sky blue?', dimensions: 256 });
   */
  async embed(request: EmbedRequest, options: RequestOptions = {}): Promise<number[][]> {
    return this.answer(options, embedCall(request, this.modelOf(options)), decodeEmbeddings);
  }

  /**
   * The embeddings with what Ollama reports beside them: the model and its timings.
   *
   * @example
   * const { model, embeddings, metrics } = await client.embedResponse({ input: ['a', 'b'] });
   * console.log(`${model}: ${embeddings.length} vectors in ${metrics.totalMs} ms`);
   */
  async embedResponse(request: EmbedRequest, options: RequestOptions = {}): Promise<EmbedResponse> {
    return this.answer(options, embedCall(request, this.modelOf(options)), decodeEmbedResponse);
  }

  /** The models installed on the server. */
  list(options: RequestOptions = {}): Promise<ModelInfo[]> {
    return this.answer(options, get('/api/tags'), decodeModelList);
  }

  /** The models loaded in memory now. */
  ps(options: RequestOptions = {}): Promise<RunningModel[]> {
    return this.answer(options, get('/api/ps'), decodeRunningModels);
  }

  /** The server's version, e.g. `0.12.3`. */
  version(options: RequestOptions = {}): Promise<string> {
    return this.answer(options, get('/api/version'), decodeVersion);
  }

  /**
   * A model's Modelfile, parameters, template, details, capabilities and metadata. A `ShowRequest`
   * can also set Ollama's `system` and `options` to show the model as if it had them.
   *
   * @example
   * const { capabilities, model_info } = await client.show('llama3.2', { verbose: true });
   */
  show(model: string | ShowRequest, options: ShowOptions = {}): Promise<ModelDescription> {
    const { verbose, ...requestOptions } = options;
    const request = typeof model === 'string' ? { model } : model;
    return this.answer(
      requestOptions,
      post('/api/show', verbose === undefined ? request : { ...request, verbose }),
      decodeModelDescription,
    );
  }

  /** Deletes an installed model. */
  delete(model: string, options: RequestOptions = {}): Promise<void> {
    return this.nothing(options, { method: 'DELETE', path: '/api/delete', body: jsonBody({ model }) });
  }

  /** Copies a model under a new name. */
  copy(source: string, destination: string, options: RequestOptions = {}): Promise<void> {
    return this.nothing(options, post('/api/copy', { source, destination }));
  }

  /**
   * Loads a model into memory (Ollama's empty-prompt request) and resolves once Ollama has answered
   * (`done_reason: "load"`), so the first real request pays no load time. `keep_alive` says how long
   * it stays loaded (Ollama's default: 5 minutes; a negative value keeps it until unloaded). Rejects
   * with an `OllamaError`, `model_not_found` for a model that is not installed.
   *
   * @example
   * await client.load({ model: 'llama3.2', keep_alive: '1h' });
   */
  load(model?: string | LoadRequest, options: RequestOptions = {}): Promise<void> {
    const request = typeof model === 'string' ? { model } : (model ?? {});
    return this.loadOrUnload(request, options);
  }

  /**
   * Frees a model's memory now (the empty-prompt request with `keep_alive: 0`); resolves once Ollama
   * has answered (`done_reason: "unload"`). Rejects with an `OllamaError`.
   *
   * @example
   * await client.unload('llama3.2');
   */
  unload(model?: string, options: RequestOptions = {}): Promise<void> {
    return this.loadOrUnload({ model, keep_alive: 0 }, options);
  }

  /**
   * The tool-calling loop on this client: see `runTools$`. Cold; unsubscribing aborts the running
   * request and the `signal` of every running tool.
   *
   * @example
   * const multiply = { parameters: { type: 'object' }, execute: ({ a, b }: { a: number; b: number }) => a * b };
   * client.runTools$([{ role: 'user', content: 'What is 17 * 23?' }], { multiply }).subscribe((event) => console.log(event.type));
   */
  runTools$(request: ChatRequest | ChatMessage[], tools: Tools, options: ToolLoopOptions & RequestOptions = {}): Observable<ToolEvent> {
    return toolLoop(this, request, tools, options);
  }

  /**
   * The model ready to answer at once: checked with `show`, pulled with progress when missing, then
   * loaded. Emits `{ stage: 'checking' | 'pulling' | 'loading' | 'ready', progress? }` and completes
   * after `ready`; unsubscribing aborts the running stage's request; failures are `OllamaError`s.
   * Without a name, the client's model.
   *
   * @example
   * client.ensureModel$('llama3.2').subscribe(({ stage, progress }) => console.log(stage, progress?.percent ?? ''));
   */
  ensureModel$(model?: string, options: EnsureModelOptions = {}): Observable<ModelReadiness> {
    return modelReadiness(this, model, options);
  }

  /**
   * Searches the web through ollama.com (set the client's host to `https://ollama.com`; the key is
   * `OLLAMA_API_KEY`). Without a key the answer is a 401: an `OllamaError` (`http`, 401, `signinUrl`).
   *
   * @example
   * const ollamaCom = new OllamaClient({ host: 'https://ollama.com' });
   * const { results } = await ollamaCom.webSearch({ query: 'what is ollama?', maxResults: 3 });
   */
  async webSearch(request: WebSearchRequest, options: RequestOptions = {}): Promise<WebSearchResponse> {
    return this.answer(options, webSearchCall(request), decodeWebSearch);
  }

  /**
   * Fetches one web page through ollama.com: its title, its content as text and its links.
   *
   * @example
   * const { title, content, links } = await ollamaCom.webFetch({ url: 'https://ollama.com' });
   */
  async webFetch(request: WebFetchRequest, options: RequestOptions = {}): Promise<WebFetchResponse> {
    return this.answer(options, webFetchCall(request), decodeWebFetch);
  }

  /** Ollama's progress lines (pull, push, create), complete on `success`. */
  private progress(options: RequestOptions, path: string, request: { model?: unknown }): Observable<Progress> {
    return this.request(options, (context) => streamLines(context, progressCall(path, request), PROGRESS_LINES));
  }

  private async loadOrUnload(request: { model?: string; keep_alive?: string | number }, options: RequestOptions): Promise<void> {
    await this.answer(options, loadCall(request, this.modelOf(options)), decodeGenerateLine);
  }
}
