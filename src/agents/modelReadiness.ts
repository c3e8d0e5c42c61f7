import { type Observable, concat, defer, concatMap, ignoreElements, map, of } from 'rxjs';
import type { AgentClient } from './agentClient.js';
import type { RequestOptions } from '../core/options.js';
import { requireModel } from '../config/options.js';
import { OllamaError } from '../core/errors.js';
import type { PullProgress } from '../core/types.js';
import { joinSignals, withAbortSignal } from '../core/abort.js';

/** Where `ensureModel$` is: it ends with `ready`. `progress` comes with the pull's lines. */
export interface ModelReadiness {
  stage: 'checking' | 'pulling' | 'loading' | 'ready';
  progress?: PullProgress;
}

export interface EnsureModelOptions extends RequestOptions {
  /** How long the model stays loaded afterwards (`'1h'`, seconds; negative: until unloaded). Ollama's default otherwise. */
  keep_alive?: string | number;
  /** Pull from a registry without TLS verification (Ollama's `insecure`). */
  insecure?: boolean;
}

/**
 * The model ready to answer at once: checked with `show`, pulled (with progress) when missing, then
 * loaded with Ollama's empty-prompt request. Emits each stage as it begins, the pull's progress
 * lines as `pulling` with `progress`, and completes after `ready`. Unsubscribing aborts the
 * request of whatever stage is running; a failure of any stage is an `OllamaError`.
 */
export function modelReadiness(
  client: AgentClient,
  name: string | undefined,
  options: EnsureModelOptions = {},
): Observable<ModelReadiness> {
  // Deferred: no model at all errors at subscription, like every Observable of the library.
  return defer(() => stages(client, requireModel([name, options.model, client.model], NO_MODEL), options));
}

const NO_MODEL = 'ensureModel$ needs a model: name one, or give the client a model (or set OLLAMA_MODEL)';

function stages(client: AgentClient, model: string, options: EnsureModelOptions): Observable<ModelReadiness> {
  const { keep_alive, insecure, ...requestOptions } = options;
  const stage = (name: ModelReadiness['stage']) => of<ModelReadiness>({ stage: name });
  const pull = concat(
    stage('pulling'),
    client
      .pull$(insecure === undefined ? model : { model, insecure }, requestOptions)
      .pipe(map((progress): ModelReadiness => ({ stage: 'pulling', progress }))),
  );
  const load = concat(
    stage('loading'),
    withAbortSignal((signal) =>
      client.load(keep_alive === undefined ? model : { model, keep_alive }, {
        ...requestOptions,
        signal: joinSignals(signal, options.signal),
      }),
    ).pipe(ignoreElements()),
    stage('ready'),
  );
  const check = withAbortSignal(async (signal) => {
    try {
      await client.show(model, { ...requestOptions, signal: joinSignals(signal, options.signal) });
      return true;
    } catch (error) {
      if (error instanceof OllamaError && error.kind === 'model_not_found') return false;
      throw error;
    }
  });
  // Whether the model was there shows only as a `pulling` stage or none.
  return concat(stage('checking'), check.pipe(concatMap((installed) => (installed ? load : concat(pull, load)))));
}
