import * as t from 'io-ts';
import type { EmbedResponse, ModelDescription, ModelInfo, PullProgress, RunningModel } from '../core/types.js';
import { lineDecoder, toMetrics } from './lines.js';

// The codecs check every field Ollama's structs (api/types.go) define, as Go serialises them: a
// field tagged `omitempty` may be absent, a nil slice without it is `null`. Fields they do not name
// pass through untouched, so a newer Ollama that adds fields keeps working.

const ModelDetailsCodec = t.partial(
  {
    parent_model: t.string,
    format: t.string,
    family: t.string,
    families: t.union([t.array(t.string), t.null]),
    parameter_size: t.string,
    quantization_level: t.string,
    context_length: t.number,
    embedding_length: t.number,
  },
  'ModelDetails',
);

const ModelIdentity = t.type({ name: t.string, model: t.string, size: t.number, digest: t.string });

const ListModelCodec = t.intersection(
  [
    ModelIdentity,
    t.type({ modified_at: t.string }),
    t.partial({
      remote_model: t.string,
      remote_host: t.string,
      details: ModelDetailsCodec,
      capabilities: t.array(t.string),
    }),
  ],
  'ListModelResponse',
);

const ProcessModelCodec = t.intersection(
  [
    ModelIdentity,
    t.type({ expires_at: t.string, size_vram: t.number }),
    t.partial({ details: ModelDetailsCodec, context_length: t.number }),
  ],
  'ProcessModelResponse',
);

const ShowCodec = t.partial(
  {
    license: t.string,
    modelfile: t.string,
    parameters: t.string,
    template: t.string,
    system: t.string,
    renderer: t.string,
    parser: t.string,
    details: ModelDetailsCodec,
    messages: t.array(t.type({ role: t.string, content: t.string })),
    remote_model: t.string,
    remote_host: t.string,
    model_info: t.union([t.UnknownRecord, t.null]),
    projector_info: t.UnknownRecord,
    tensors: t.array(t.type({ name: t.string, type: t.string, shape: t.union([t.array(t.number), t.null]) })),
    capabilities: t.array(t.string),
    modified_at: t.string,
    requires: t.string,
  },
  'ShowResponse',
);

export const decodeModelList = lineDecoder(
  t.type({ models: t.array(ListModelCodec) }, 'ListResponse'),
  (answer) => answer.models as ModelInfo[],
);

export const decodeRunningModels = lineDecoder(
  t.type({ models: t.array(ProcessModelCodec) }, 'ProcessResponse'),
  (answer) => answer.models as RunningModel[],
);

export const decodeVersion = lineDecoder(t.type({ version: t.string }, 'VersionResponse'), (answer) => answer.version);

export const decodeModelDescription = lineDecoder(ShowCodec, (answer) => answer as ModelDescription);

const Embeddings = t.type({ embeddings: t.array(t.array(t.number)) }, 'EmbedResponse');

export const decodeEmbeddings = lineDecoder(Embeddings, (answer) => answer.embeddings);

export const decodeEmbedResponse = lineDecoder(
  t.intersection(
    [
      Embeddings,
      t.type({ model: t.string }),
      t.partial({ total_duration: t.number, load_duration: t.number, prompt_eval_count: t.number }),
    ],
    'EmbedResponse',
  ),
  (answer): EmbedResponse => ({ model: answer.model, embeddings: answer.embeddings, metrics: toMetrics(answer) ?? {} }),
);

/** The answer of endpoints that reply with an empty 200 (delete, copy). */
export const decodeNothing = (): void => undefined;

const ProgressLine = t.intersection(
  [t.type({ status: t.string }), t.partial({ digest: t.string, total: t.number, completed: t.number })],
  'ProgressResponse',
);

export const decodePullProgress = lineDecoder(ProgressLine, (line): PullProgress => {
  const progress: PullProgress = { status: line.status };
  if (line.digest !== undefined) progress.digest = line.digest;
  if (line.total !== undefined) progress.total = line.total;
  if (line.completed !== undefined) progress.completed = line.completed;
  if (line.total && line.completed !== undefined) progress.percent = Math.min(100, (line.completed / line.total) * 100);
  return progress;
});
