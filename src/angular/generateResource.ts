import type { Injector, ResourceRef } from '@angular/core';
import { rxResource } from '@angular/core/rxjs-interop';
import type { OllamaClient } from '../client/client.js';
import type { RequestOptions } from '../core/options.js';
import type { GenerateRequest } from '../core/requests.js';
import { scanText } from '../operators/scanText.js';
import { resourceContext } from './providers.js';

export interface GenerateResourceOptions extends RequestOptions {
  injector?: Injector;
  /** Another client than the injector's `OLLAMA_CLIENT` (ignored under `provideOllamaTesting`). */
  client?: OllamaClient;
}

/**
 * A generation as Angular's own `ResourceRef` (built on `rxResource`): `value()` is the text so far.
 * The request follows the signals `request` reads: a new one aborts the running one, `undefined`
 * leaves the resource idle. Destroying the injector aborts the request.
 *
 * @example
 * readonly topic = signal<string | undefined>(undefined);
 * readonly poem = generateResource(() => (this.topic() ? `A haiku about ${this.topic()}` : undefined), { model: 'llama3.2' });
 * // template: @if (poem.isLoading()) { … } <p>{{ poem.value() }}</p>
 */
export function generateResource(
  request: () => string | GenerateRequest | undefined,
  options: GenerateResourceOptions = {},
): ResourceRef<string | undefined> {
  // rxResource stops its own stream when the injector goes.
  const { injector, client } = resourceContext(generateResource, options, () => undefined);
  const { injector: _, client: __, ...requestOptions } = options;
  return rxResource({
    params: request,
    stream: ({ params }) => client.generate$(params, requestOptions).pipe(scanText()),
    injector,
  });
}
