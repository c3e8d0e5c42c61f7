import type { ServerResponse } from 'node:http';
import { NS_PER_MS } from '../scripted/answers.js';
import { DIGEST, GIB, MODIFIED_AT, capabilities, modelDetails, modelInfo } from '../scripted/catalog.js';
import { modelError } from '../scripted/script.js';
import { pause, sendJson } from './framing.js';
import { type Call, type ModelScript, type ServerState, stringField } from './types.js';

/** Answers Ollama's error for a request naming no model or an unknown one; true when it did. */
export function missingModel(state: ServerState, res: ServerResponse, model: unknown): boolean {
  const error = modelError((name) => state.models.has(name), model);
  if (error) sendJson(res, error.status, error.body);
  return error !== undefined;
}

export function version(_: ServerState, { res }: Call): void {
  sendJson(res, 200, { version: '0.12.0-test' });
}

export function tags({ models }: ServerState, { res }: Call): void {
  sendJson(res, 200, { models: [...models].map(([name, script]) => modelInfo(name, script)) });
}

export function ps({ models, loaded }: ServerState, { res }: Call): void {
  sendJson(res, 200, { models: [...loaded].map((name) => runningModel(name, models.get(name))) });
}

export async function show(state: ServerState, { res, record, gone }: Call): Promise<void> {
  if (!(await pause(state.options.showDelayMs, gone))) return;
  const body = record.body ?? {};
  if (missingModel(state, res, body.model)) return;
  const name = String(body.model);
  sendJson(res, 200, modelDescription(name, state.models.get(name), body.verbose === true));
}

export function copy(state: ServerState, { res, record }: Call): void {
  const body = record.body ?? {};
  if (missingModel(state, res, body.source)) return;
  state.models.set(String(body.destination), state.models.get(String(body.source))!);
  res.writeHead(200).end();
}

export function remove(state: ServerState, { res, record }: Call): void {
  const model = record.body?.model;
  if (missingModel(state, res, model)) return;
  state.models.delete(String(model));
  state.loaded.delete(String(model));
  res.writeHead(200).end();
}

export function embed(state: ServerState, { res, record }: Call): void {
  const body = record.body ?? {};
  if (missingModel(state, res, body.model)) return;
  const inputs = Array.isArray(body.input) ? body.input : [body.input ?? ''];
  const dimensions = typeof body.dimensions === 'number' && body.dimensions > 0 ? body.dimensions : undefined;
  state.loaded.add(String(body.model));
  // EmbedResponse: model, embeddings, then the omitempty durations and the prompt's token count.
  sendJson(res, 200, {
    model: body.model,
    embeddings: inputs.map((input) => embedding(String(input), dimensions)),
    total_duration: 14 * NS_PER_MS,
    load_duration: 2 * NS_PER_MS,
    prompt_eval_count: inputs.reduce((sum: number, input) => sum + String(input).split(/\s+/).filter(Boolean).length, 0),
  });
}

/** ollama.com's web search: deterministic results, a bearer key required. */
export function webSearch(state: ServerState, { res, record }: Call): void {
  if (!authorized(state, record.headers.authorization, res)) return;
  const body = record.body ?? {};
  const query = stringField(body, 'query');
  if (!query) return sendJson(res, 400, { error: 'query is required' });
  const count = Math.min(10, Math.max(1, Number(body.max_results ?? 5)));
  const results = Array.from({ length: count }, (_, i) => ({
    title: `Result ${i + 1} for ${query}`,
    url: `https://example.com/${encodeURIComponent(query)}/${i + 1}`,
    content: `What the web says about ${query}, part ${i + 1}.`,
  }));
  sendJson(res, 200, { results });
}

/** ollama.com's web fetch: a deterministic page, a bearer key required. */
export function webFetch(state: ServerState, { res, record }: Call): void {
  if (!authorized(state, record.headers.authorization, res)) return;
  const url = stringField(record.body, 'url');
  if (!url) return sendJson(res, 400, { error: 'url is required' });
  sendJson(res, 200, { title: `Page at ${url}`, content: `The text of ${url}.`, links: [`${url}/about`, `${url}/contact`] });
}

function authorized(state: ServerState, authorization: string | undefined, res: ServerResponse): boolean {
  if (authorization === `Bearer ${state.options.webApiKey}`) return true;
  sendJson(res, 401, { error: 'unauthorized' });
  return false;
}

/** One entry of `/api/ps` (ProcessModelResponse). */
function runningModel(name: string, script: ModelScript | undefined) {
  const { context_length: _, embedding_length: __, ...details } = modelDetails(script) as Record<string, unknown>;
  return {
    name,
    model: name,
    size: GIB,
    digest: DIGEST,
    details,
    expires_at: '2026-01-01T00:05:00.000000000Z',
    size_vram: GIB,
    context_length: 4096,
  };
}

/** `/api/show` (ShowResponse): `verbose` sends the tokenizer's arrays whole, otherwise empty. */
function modelDescription(name: string, script: ModelScript | undefined, verbose: boolean) {
  const description: Record<string, unknown> = {
    license: 'Test License',
    modelfile: `# Modelfile generated by "ollama show"\n# To build a new Modelfile based on this, replace FROM with:\n# FROM ${name}\n\nFROM ${name}\n`,
    parameters: 'temperature                    0.7',
    template: '{{ .Prompt }}',
  };
  const { context_length: _, embedding_length: __, ...details } = modelDetails(script) as Record<string, unknown>;
  description.details = details;
  if (script?.remote) {
    Object.assign(description, {
      remote_model: script.remote.model,
      remote_host: script.remote.host,
      model_info: { 'general.architecture': 'test' },
    });
  } else {
    const vocabulary = ['<s>', '</s>', 'Hello', '!', ' I', ' am', ' a', ' test'];
    Object.assign(description, {
      model_info: {
        'general.architecture': 'test',
        'general.parameter_count': 1_000_000_000,
        'test.context_length': 4096,
        'tokenizer.ggml.model': 'gpt2',
        'tokenizer.ggml.tokens': verbose ? vocabulary : [],
      },
      tensors: [
        { name: 'token_embd.weight', type: 'Q4_0', shape: [2048, 32000] },
        { name: 'output_norm.weight', type: 'F32', shape: [2048] },
      ],
    });
  }
  return Object.assign(description, { capabilities: capabilities(script), modified_at: MODIFIED_AT });
}

/** A deterministic unit vector per text, so tests can compare embeddings; `dimensions` cuts it and normalises again, as Ollama does. */
function embedding(text: string, dimensions = 8): number[] {
  const vector = Array.from({ length: Math.min(dimensions, 8) }, (_, i) =>
    Math.sin((text.length + 1) * (i + 1) + [...text].reduce((sum, c) => sum + c.codePointAt(0)!, 0)),
  );
  const norm = Math.hypot(...vector);
  return vector.map((value) => value / norm);
}
