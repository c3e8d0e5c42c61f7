import { type Injector, type Signal, signal } from '@angular/core';
import type * as t from 'io-ts';
import { tap } from 'rxjs';
import type { OllamaClient } from '../client/client.js';
import type { RequestOptions } from '../core/options.js';
import type { ChatMessage, ChatRequest, ResponseFormat } from '../core/requests.js';
import { type DeepPartial, partialJson } from '../operators/partialJson.js';
import { RequestState, type ResourceStatus } from './requestState.js';
import { resourceContext } from './providers.js';

export interface StructuredResourceOptions<T> extends RequestOptions {
  /** The answer's JSON schema (or `'json'`), sent as Ollama's `format`. */
  format: ResponseFormat;
  /** Decodes the complete value (an io-ts codec): a mismatch is a `protocol` error naming the path. */
  codec?: t.Decoder<unknown, T>;
  /** Sent before each prompt. */
  system?: string;
  injector?: Injector;
  /** Another client than the injector's `OLLAMA_CLIENT` (ignored under `provideOllamaTesting`). */
  client?: OllamaClient;
}

export interface StructuredResource<T> {
  /** The answer as it grows (`partialJson`): `undefined` until the first partial value, the decoded value once done. */
  readonly value: Signal<DeepPartial<T> | undefined>;
  readonly status: Signal<ResourceStatus>;
  readonly error: Signal<Error | undefined>;
  /** Asks for a value (stopping one still streaming). */
  submit(prompt: string): void;
  /** Aborts the request; the value so far stays; status `'ready'`. */
  stop(): void;
}

/**
 * A structured answer as a signal that grows while it streams, over `/api/chat` with `format`.
 *
 * @example
 * readonly city = structuredResource({ format: { type: 'object', properties: { name: { type: 'string' } } }, model: 'llama3.2' });
 * // this.city.submit('Describe Paris');  template: {{ city.value()?.name }}
 */
export function structuredResource<T = unknown>(options: StructuredResourceOptions<T>): StructuredResource<T> {
  const request = new RequestState();
  const stop = () => request.stop();
  const { client } = resourceContext(structuredResource, options, stop);
  const value = signal<DeepPartial<T> | undefined>(undefined);

  const submit = (prompt: string) => {
    stop();
    value.set(undefined);
    const messages: ChatMessage[] = [{ role: 'user', content: prompt }];
    if (options.system) messages.unshift({ role: 'system', content: options.system });
    const { format, codec: _, system: __, injector: ___, client: ____, model, ...requestOptions } = options;
    const chat: ChatRequest = { messages, format };
    if (model !== undefined) chat.model = model;
    const answer = client.chat$(chat, requestOptions).pipe(
      tap((chunk) => {
        if (chunk.text || chunk.thinking) request.started();
      }),
      partialJson(options.codec),
    );
    request.run(answer, (partial) => value.set(partial));
  };

  return { value: value.asReadonly(), status: request.status.asReadonly(), error: request.error.asReadonly(), submit, stop };
}
