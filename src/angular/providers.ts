import { HttpClient } from '@angular/common/http';
import {
  DestroyRef,
  type EnvironmentProviders,
  InjectionToken,
  Injector,
  type Provider,
  assertInInjectionContext,
  inject,
  makeEnvironmentProviders,
} from '@angular/core';
import { OllamaClient } from '../client/client.js';
import { OllamaConfigError } from '../core/errors.js';
import type { FetchFunction, OllamaClientOptions } from '../core/options.js';
import type { ModelScript } from '../testing/scripted/script.js';
import { scriptedFetch } from '../testing/scripted/fetch.js';
import { httpClientFetch } from './httpFetch.js';

/** What `provideOllama` was given: the options of the client to create, or a client. */
const OLLAMA_OPTIONS = new InjectionToken<OllamaClientOptions | OllamaClient>('OLLAMA_OPTIONS');
/** The fetch a feature (`withHttpClient`) puts under the created client. */
const OLLAMA_FETCH = new InjectionToken<() => FetchFunction>('OLLAMA_FETCH');
/** Set by `provideOllamaTesting`: every client of the injector talks to these scripted models. */
const OLLAMA_TESTING = new InjectionToken<FetchFunction>('OLLAMA_TESTING');

/**
 * The `OllamaClient` of an injector. `provideOllama` sets it; without it, the root injector creates
 * one from the environment (`OLLAMA_HOST`, `OLLAMA_MODEL`). A client the injector created is closed
 * when the injector is destroyed; a client given to `provideOllama` is the app's to close.
 */
export const OLLAMA_CLIENT = new InjectionToken<OllamaClient>('OLLAMA_CLIENT', { providedIn: 'root', factory: createClient });

/** A feature of `provideOllama` (`withHttpClient()`). */
export interface OllamaFeature {
  readonly ɵproviders: Provider[];
}

/**
 * The injector's Ollama client: created from `options` (closed with the injector), or the given
 * client. Features change how the created client sends its requests.
 *
 * @example
 * bootstrapApplication(App, { providers: [provideOllama({ host: 'http://localhost:11434', model: 'llama3.2' })] });
 */
export function provideOllama(options: OllamaClientOptions | OllamaClient = {}, ...features: OllamaFeature[]): EnvironmentProviders {
  return makeEnvironmentProviders([
    { provide: OLLAMA_OPTIONS, useValue: options },
    { provide: OLLAMA_CLIENT, useFactory: createClient },
    ...features.flatMap((feature) => feature.ɵproviders),
  ]);
}

/**
 * Every request through Angular's `HttpClient`, so the app's interceptors apply. Provide the client
 * with the fetch backend, which streams: `provideHttpClient(withFetch(), withInterceptors([…]))`.
 * Timeouts, aborts and errors behave as with the default transport.
 */
export function withHttpClient(): OllamaFeature {
  return { ɵproviders: [{ provide: OLLAMA_FETCH, useFactory: () => () => httpClientFetch(inject(HttpClient)) }] };
}

/**
 * An in-process scripted Ollama (`scriptedFetch`): every resource and client of this injector talks to
 * these models, whatever `provideOllama` says. No socket: a component test runs in jsdom, a browser,
 * or with fake timers.
 *
 * @example
 * const injector = createEnvironmentInjector([provideZonelessChangeDetection(), provideOllamaTesting({ tiny: { tokens: ['Hi'] } })], parent);
 */
export function provideOllamaTesting(models: Record<string, ModelScript>): EnvironmentProviders {
  return makeEnvironmentProviders([
    { provide: OLLAMA_TESTING, useValue: scriptedFetch(models) },
    { provide: OLLAMA_CLIENT, useFactory: createClient },
  ]);
}

/** The client `OLLAMA_CLIENT` stands for in this injector; one it creates closes with the injector. */
function createClient(): OllamaClient {
  const given = inject(OLLAMA_OPTIONS, { optional: true }) ?? {};
  const testing = inject(OLLAMA_TESTING, { optional: true });
  const fetch = testing ?? inject(OLLAMA_FETCH, { optional: true })?.();
  if (given instanceof OllamaClient) {
    if (!fetch) return given;
    if (!testing)
      throw new OllamaConfigError('withHttpClient() needs provideOllama(options): a client given whole keeps its own transport');
  }
  const options = given instanceof OllamaClient ? { model: given.model } : given;
  const client = new OllamaClient(fetch ? { ...options, fetch } : options);
  inject(DestroyRef).onDestroy(() => void client.close());
  return client;
}

/**
 * Where a resource lives: its injector (given, or the injection context's) and the client it talks
 * to. `onDestroy` is registered before the client is made, so it runs before a created client closes:
 * the resource stops its request instead of seeing it fail.
 */
export function resourceContext(
  fn: (...args: never[]) => unknown,
  options: { injector?: Injector; client?: OllamaClient },
  onDestroy: () => void,
): { injector: Injector; client: OllamaClient } {
  if (!options.injector) assertInInjectionContext(fn);
  const injector = options.injector ?? inject(Injector);
  injector.get(DestroyRef).onDestroy(onDestroy);
  const testing = injector.get(OLLAMA_TESTING, null, { optional: true });
  const client = !testing && options.client ? options.client : injector.get(OLLAMA_CLIENT);
  return { injector, client };
}
