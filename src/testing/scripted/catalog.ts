import type { ModelScript } from './script.js';

// Browser-safe: what the test server and scriptedFetch say about a scripted model.

export const MODIFIED_AT = '2026-01-01T00:00:00.000000000Z';
export const DIGEST = `sha256:${'0'.repeat(64)}`;
export const GIB = 1024 ** 3;

/** Ollama's ModelDetails; a cloud model has no local weights, hence no families or sizes. */
export function modelDetails(script: ModelScript | undefined) {
  return script?.remote
    ? { parent_model: '', format: '', family: '', families: null, parameter_size: '', quantization_level: '' }
    : {
        parent_model: '',
        format: 'gguf',
        family: 'test',
        families: ['test'],
        parameter_size: '1B',
        quantization_level: 'Q4_0',
        context_length: 4096,
        embedding_length: 2048,
      };
}

/** What the script lets the model do, as Ollama derives it from the template. */
export function capabilities(script: ModelScript | undefined): string[] {
  const result = ['completion'];
  if (script?.toolCalls) result.push('tools');
  if (script?.thinking) result.push('thinking');
  return result;
}

/** One entry of `/api/tags` (ListModelResponse). */
export function modelInfo(name: string, script: ModelScript | undefined) {
  const info: Record<string, unknown> = { name, model: name };
  if (script?.remote) Object.assign(info, { remote_model: script.remote.model, remote_host: script.remote.host });
  return Object.assign(info, {
    modified_at: MODIFIED_AT,
    size: script?.remote ? 384 : GIB,
    digest: DIGEST,
    details: modelDetails(script),
    capabilities: capabilities(script),
  });
}
