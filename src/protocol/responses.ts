import * as t from 'io-ts';
import type { ModelDescription, ModelInfo, PullProgress, RunningModel } from '../types.js';
import { lineDecoder } from './lines.js';

// The codecs check what the library relies on; other fields pass through untouched, so a newer
// Ollama that adds fields keeps working.

const ModelInfoCodec = t.type({ name: t.string, model: t.string, size: t.number, digest: t.string }, 'ModelInfo');

export const decodeModelList = lineDecoder(
  t.type({ models: t.array(ModelInfoCodec) }, 'ListResponse'),
  (answer) => answer.models as unknown as ModelInfo[],
);

export const decodeRunningModels = lineDecoder(
  t.type({ models: t.array(t.intersection([ModelInfoCodec, t.type({ size_vram: t.number })])) }, 'ProcessResponse'),
  (answer) => answer.models as unknown as RunningModel[],
);

export const decodeVersion = lineDecoder(t.type({ version: t.string }, 'VersionResponse'), (answer) => answer.version);

export const decodeModelDescription = lineDecoder(
  t.UnknownRecord,
  (answer) => answer as ModelDescription,
);

export const decodeEmbeddings = lineDecoder(
  t.type({ embeddings: t.array(t.array(t.number)) }, 'EmbedResponse'),
  (answer) => answer.embeddings,
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
