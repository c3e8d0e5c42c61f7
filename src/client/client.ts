import type { CollectOptions, LoadRequest, RequestOptions, ShowOptions } from '../core/options.js';
import { Observable, catchError, concat, defer, lastValueFrom, tap } from 'rxjs';
import { ALWAYS_SECRET_HEADERS, DEFAULT_MAX_ANSWER_BYTES, validateClientOptions, validateHeaders, validateTimeouts } from '../config/options.js';
import { OllamaConfigError } from '../core/errors.js';
import { type OllamaClientOptions, type Timeouts } from '../core/options.js';
import { defaultModel, parseHost, readEnv } from '../config/host.js';
import { type EnsureModelOptions, type ModelReadiness, modelReadiness } from '../agents/modelReadiness.js';
import { type ToolEvent, type ToolLoopOptions, type Tools, toolLoop } from '../agents/toolLoop.js';
import { OllamaError } from '../core/errors.js';
import { secretsOf } from '../config/headers.js';
import { toModelResponse } from '../operators/toModelResponse.js';
import { decodeChatLine, decodeGenerateLine } from '../protocol/lines.js';
import { withEncodedImages, withEncodedMessageImages } from '../protocol/images.js';
import {
  decodeEmbedResponse,
  decodeEmbeddings,
  decodeModelDescription,
  decodeModelList,
  decodeNothing,
  decodePullProgress,
  decodeRunningModels,
  decodeVersion,
} from '../protocol/responses.js';
import { decodeWebFetch, decodeWebSearch } from '../protocol/web.js';
import { type RequestContext, type StreamSpec, ndjsonRequest } from '../http/request.js';
import { createPlatformTransport, createUploads } from '../uploads/platform.js';
import type { Transport, TransportOptions } from '../http/transport.js';
import type {
  ChatChunk,
  CreateRequest,
  ChatMessage,
  ChatRequest,
  EmbedRequest,
  EmbedResponse,
  GenerateRequest,
  ModelDescription,
  ModelInfo,
  ModelResponse,
  Progress,
  PullProgress,
  PushRequest,
  RunningModel,
  ShowRequest,
  StreamChunk,
  WebFetchRequest,
  WebFetchResponse,
  WebSearchRequest,
  WebSearchResponse,
} from '../core/types.js';

const isSingleAnswer = () => true;
/** The shape of generate and chat: a stream of chunks ending on `done`, whose text is kept on failure. */
const ANSWER = {
  method: 'POST',
  isLast: (chunk: StreamChunk) => chunk.done,
  textOf: (chunk: StreamChunk) => chunk.text,
} as const;

/** HTTP header names are case-insensitive; one spelling lets a caller's header replace a default. */
function lowerCaseKeys(headers: Record<string, string>): Record<string, string> {
  const result: Record<string, string> = {};
  for (const [name, value] of Object.entries(headers)) result[name.toLowerCase()] = value;
  return result;
}

/**
 * ollama.com's key from `OLLAMA_API_KEY`, as a bearer token — only for https://ollama.com, so the
 * key never reaches another host, and never over an `Authorization` header the caller set.
 */
function withApiKey(host: string, headers: Record<string, string>): Record<string, string> {
  const { protocol, hostname, port } = new URL(host);
  if (protocol !== 'https:' || hostname !== 'ollama.com' || (port !== '' && port !== '443')) return headers;
  if (headers.authorization !== undefined) return headers;
  const key = readEnv('OLLAMA_API_KEY');
  return key ? { ...headers, authorization: `Bearer ${key}` } : headers;
}

const NO_ANSWER = { decode: decodeNothing, isLast: isSingleAnswer, emptyBodyIsAnswer: true } as const;

/**
 * A connection to one Ollama server: its configuration and its own pool of keep-alive connections.
 * Every method returning an Observable is cold and aborts its request on unsubscribe.
 *
 * @example
 * await using client = new OllamaClient({ host: 'gpu-box', model: 'llama3.2' });
 * client.generate$('Why is the sky blue?').pipe(collectText()).subscribe(console.log);
 * const answer = await client.generate('Why is the sky blue?'); // { text, success, … }
 */
export class OllamaClient implements AsyncDisposable {
  /** The resolved base URL, e.g. `http://127.0.0.1:11434`. */
  readonly host: string;
  /** The model used when a request names none. */
  readonly model: string | undefined;
  private readonly headers: Record<string, string>;
  private readonly timeouts: Timeouts;
  private readonly maxAnswerBytes: number;
  /** Lower-case names of the headers whose values never appear in an error. */
  private readonly secretHeaders: ReadonlySet<string>;
  private readonly secrets: readonly string[];
  private readonly transportOptions: TransportOptions;
  private readonly closing = new AbortController();
  private transport: Transport | undefined;

  constructor(options: OllamaClientOptions = {}) {
    const valid = validateClientOptions(options);
    this.host = parseHost(valid.host);
    this.model = valid.model ?? defaultModel();
    this.headers = withApiKey(this.host, lowerCaseKeys(valid.headers ?? {}));
    this.timeouts = valid.timeouts ?? {};
    this.maxAnswerBytes = valid.maxAnswerBytes ?? DEFAULT_MAX_ANSWER_BYTES;
    this.secretHeaders = new Set([...ALWAYS_SECRET_HEADERS, ...(valid.secretHeaders ?? []).map((name) => name.toLowerCase())]);
    this.secrets = this.secretsIn(this.headers);
    this.transportOptions = {
      maxConnections: valid.maxConnections,
      connectTimeoutMs: this.timeouts.connect,
      fetch: valid.fetch,
      dispatcher: valid.dispatcher,
    };
  }

  /**
   * Streams `/api/generate`.
   *
   * @example
   * client.generate$({ prompt: 'Write a haiku', options: { temperature: 0.2 } }).subscribe((c) => process.stdout.write(c.text));
   */
  generate$(prompt: string | GenerateRequest, options: RequestOptions = {}): Observable<StreamChunk> {
    return this.stream(options, this.generateSpec(prompt, options, true));
  }

  /**
   * Streams `/api/chat`.
   *
   * @example
   * client.chat$([{ role: 'user', content: 'Hello!' }]).pipe(collectText()).subscribe(console.log);
   */
  chat$(request: ChatRequest | ChatMessage[], options: RequestOptions = {}): Observable<ChatChunk> {
    return this.stream(options, this.chatSpec(request, options, true));
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
    return this.collect(options, this.generateSpec(prompt, options, options.stream ?? false));
  }

  /**
   * The whole answer of `/api/chat` as a `ModelResponse`; never rejects for server failures.
   *
   * @example
   * const answer = await client.chat([{ role: 'user', content: 'Hello!' }], { stream: true });
   */
  async chat(request: ChatRequest | ChatMessage[], options: CollectOptions = {}): Promise<ModelResponse> {
    return this.collect(options, this.chatSpec(request, options, options.stream ?? false));
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
    return defer(() => {
      let status = '';
      return this.progress(options, '/api/push', request).pipe(
        tap((progress) => (status = progress.status)),
        catchError((error: unknown) => {
          // Ollama reports a model it does not have as a failed manifest read, in its file system's words.
          if (status !== "couldn't retrieve manifest" || !(error instanceof OllamaError) || error.kind !== 'server') throw error;
          throw new OllamaError('model_not_found', `model '${request.model}' not found: ${error.message}`, { cause: error });
        }),
      );
    });
  }

  /**
   * Creates a model, streaming progress lines like `pull$`. Each file of `files`, `adapters` and
   * `draft_files` (a path, streamed from disk, or bytes; Node only) is uploaded first unless Ollama
   * already has it, with `copying file sha256:…` progress; the request then names it by digest.
   * Unsubscribing aborts whatever runs, an upload included. The client's timeouts apply to the
   * create request, not to uploads.
   *
   * @example
   * client.create$({ model: 'my-model', files: { 'model.gguf': './model.gguf' }, system: 'Be brief.' })
   *   .subscribe((p) => console.log(p.status, p.percent?.toFixed(0) ?? ''));
   */
  create$(request: CreateRequest, options: RequestOptions = {}): Observable<Progress> {
    // Checked now: a bad file is the caller's bug and throws here, before anything is sent.
    const uploads = createUploads(request);
    return defer(() => {
      const { progress$, request: withDigests } = uploads((spec) => this.stream({ ...options, timeouts: undefined }, spec, {}));
      return concat(progress$, defer(() => this.progress(options, '/api/create', withDigests())));
    });
  }


  /**
   * One embedding vector per input text.
   *
   * @example
   * const [vector] = await client.embed({ model: 'embeddinggemma', input: 'Why is the sky blue?', dimensions: 256 });
   */
  async embed(request: EmbedRequest, options: RequestOptions = {}): Promise<number[][]> {
    return this.answer(options, this.embedSpec(request, options, decodeEmbeddings));
  }

  /**
   * The embeddings with what Ollama reports beside them: the model and its timings.
   *
   * @example
   * const { model, embeddings, metrics } = await client.embedResponse({ input: ['a', 'b'] });
   * console.log(`${model}: ${embeddings.length} vectors in ${metrics.totalMs} ms`);
   */
  async embedResponse(request: EmbedRequest, options: RequestOptions = {}): Promise<EmbedResponse> {
    return this.answer(options, this.embedSpec(request, options, decodeEmbedResponse));
  }

  /** The models installed on the server. */
  list(options: RequestOptions = {}): Promise<ModelInfo[]> {
    return this.answer(options, { method: 'GET', path: '/api/tags', decode: decodeModelList, isLast: isSingleAnswer });
  }

  /** The models loaded in memory now. */
  ps(options: RequestOptions = {}): Promise<RunningModel[]> {
    return this.answer(options, { method: 'GET', path: '/api/ps', decode: decodeRunningModels, isLast: isSingleAnswer });
  }

  /** The server's version, e.g. `0.12.3`. */
  version(options: RequestOptions = {}): Promise<string> {
    return this.answer(options, { method: 'GET', path: '/api/version', decode: decodeVersion, isLast: isSingleAnswer });
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
    return this.answer(requestOptions, {
      method: 'POST',
      path: '/api/show',
      body: verbose === undefined ? request : { ...request, verbose },
      decode: decodeModelDescription,
      isLast: isSingleAnswer,
    });
  }

  /** Deletes an installed model. */
  delete(model: string, options: RequestOptions = {}): Promise<void> {
    return this.answer(options, { ...NO_ANSWER, method: 'DELETE', path: '/api/delete', body: { model } });
  }

  /** Copies a model under a new name. */
  copy(source: string, destination: string, options: RequestOptions = {}): Promise<void> {
    return this.answer(options, { ...NO_ANSWER, method: 'POST', path: '/api/copy', body: { source, destination } });
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
   * client.runTools$([{ role: 'user', content: 'What is 17 * 23?' }], {
   *   multiply: {
   *     parameters: { type: 'object', properties: { a: { type: 'number' }, b: { type: 'number' } } },
   *     execute: ({ a, b }: { a: number; b: number }) => a * b,
   *   },
   * }).pipe(filter((event) => event.type === 'done')).subscribe((done) => console.log(done.text));
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
  webSearch(request: WebSearchRequest, options: RequestOptions = {}): Promise<WebSearchResponse> {
    if (typeof request?.query !== 'string' || !request.query) {
      return Promise.reject(new OllamaConfigError('Invalid ollama-rx webSearch request: query must be a non-empty string'));
    }
    const { maxResults, ...rest } = request;
    const body = maxResults === undefined ? rest : { ...rest, max_results: maxResults };
    return this.answer(options, { method: 'POST', path: '/api/web_search', body, decode: decodeWebSearch, isLast: isSingleAnswer });
  }

  /**
   * Fetches one web page through ollama.com: its title, its content as text and its links.
   *
   * @example
   * const { title, content, links } = await ollamaCom.webFetch({ url: 'https://ollama.com' });
   */
  webFetch(request: WebFetchRequest, options: RequestOptions = {}): Promise<WebFetchResponse> {
    if (typeof request?.url !== 'string' || !request.url) {
      return Promise.reject(new OllamaConfigError('Invalid ollama-rx webFetch request: url must be a non-empty string'));
    }
    return this.answer(options, { method: 'POST', path: '/api/web_fetch', body: request, decode: decodeWebFetch, isLast: isSingleAnswer });
  }

  /**
   * Fails running requests with a `network` error (their partial text kept), refuses new ones and
   * closes the connections.
   */
  async close(): Promise<void> {
    this.closing.abort();
    await this.transport?.destroy();
  }

  async [Symbol.asyncDispose](): Promise<void> {
    await this.close();
  }

  /** The one code path of every endpoint: a cold, abortable NDJSON exchange. */
  private stream<T>(options: RequestOptions, spec: StreamSpec<T>, clientTimeouts = this.timeouts): Observable<T> {
    // Validated now, not at subscription: a bad option is the caller's bug and should throw here.
    const timeouts = options.timeouts ? { ...clientTimeouts, ...validateTimeouts(options.timeouts) } : clientTimeouts;
    const headers = options.headers ? { ...this.headers, ...lowerCaseKeys(validateHeaders(options.headers)) } : this.headers;
    const secrets = options.headers ? this.secretsIn(headers) : this.secrets;
    return ndjsonRequest(() => this.context(options, timeouts, headers, secrets), spec);
  }

  private secretsIn(headers: Record<string, string>): string[] {
    return secretsOf(Object.keys(headers).filter((name) => this.secretHeaders.has(name)).map((name) => headers[name]!));
  }

  /** Ollama's progress lines (pull, push, create), complete on `success`. */
  private progress(options: RequestOptions, path: string, request: object): Observable<Progress> {
    return this.stream(options, {
      method: 'POST',
      path,
      body: { ...request, stream: true },
      decode: decodePullProgress,
      isLast: (progress) => progress.status === 'success',
    });
  }

  private async loadOrUnload(request: Partial<LoadRequest>, options: RequestOptions): Promise<void> {
    // Ollama answers one JSON object whatever `stream` says; `false` says that is what is expected.
    const body = { ...this.withModel(request, options, false), prompt: '' };
    await this.answer(options, { ...ANSWER, path: '/api/generate', body, decode: decodeGenerateLine });
  }

  /** A one-answer endpoint as a promise that rejects with an `OllamaError`. */
  private async answer<T>(options: RequestOptions, spec: StreamSpec<T>): Promise<T> {
    return lastValueFrom(this.stream(options, { ...spec, singleAnswer: true }), { defaultValue: undefined as T });
  }

  private collect<T extends StreamChunk>(options: CollectOptions, spec: StreamSpec<T>): Promise<ModelResponse> {
    return lastValueFrom(this.stream(options, spec).pipe(toModelResponse()));
  }

  private generateSpec(prompt: string | GenerateRequest, options: RequestOptions, stream: boolean): StreamSpec<StreamChunk> {
    const request = typeof prompt === 'string' ? { prompt } : withEncodedImages(prompt);
    return { ...ANSWER, path: '/api/generate', body: this.withModel(request, options, stream), decode: decodeGenerateLine };
  }

  private chatSpec(request: ChatRequest | ChatMessage[], options: RequestOptions, stream: boolean): StreamSpec<ChatChunk> {
    const chat = Array.isArray(request) ? { messages: request } : request;
    const messages = withEncodedMessageImages(chat.messages);
    const body = this.withModel(messages === chat.messages ? chat : { ...chat, messages }, options, stream);
    return { ...ANSWER, path: '/api/chat', body, decode: decodeChatLine };
  }

  private embedSpec<T>(request: EmbedRequest, options: RequestOptions, decode: (value: unknown) => T): StreamSpec<T> {
    const body = { ...request, model: this.modelFor(request, options) };
    return { method: 'POST', path: '/api/embed', body, decode, isLast: isSingleAnswer };
  }

  private context(options: RequestOptions, timeouts: Timeouts, headers: Record<string, string>, secrets: readonly string[]): RequestContext {
    return {
      send: (request) => this.openTransport().request(request),
      baseUrl: this.host,
      headers,
      timeouts,
      closed: this.closing.signal,
      signal: options.signal,
      maxAnswerBytes: this.maxAnswerBytes,
      secrets,
    };
  }

  /** The pool, opened on the first request: a client that never sends holds no resources. */
  private openTransport(): Transport {
    return (this.transport ??= createPlatformTransport(this.transportOptions));
  }

  private withModel<R extends { model?: string }>(request: R, options: RequestOptions, stream: boolean) {
    return { ...request, model: this.modelFor(request, options), stream };
  }

  /** The request's model, else the call's, else the client's; none at all is refused before anything is sent. */
  private modelFor(request: { model?: string }, options: RequestOptions): string {
    const model = request.model || options.model || this.model;
    if (!model) throw new OllamaConfigError('No model given: pass `model` (to the request, the call or the client) or set OLLAMA_MODEL');
    return model;
  }
}
