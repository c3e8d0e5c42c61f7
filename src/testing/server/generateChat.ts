import { ScriptLines } from './answers.js';
import { failedBeforeHeaders, endedAfter, interruptsTokens, nextScript, stallBefore, writeRaw } from './faults.js';
import { NDJSON, pause, sendJson, write, writeBatched, writeChunkPerLine } from './framing.js';
import { missingModel } from './models.js';
import type { Call, ModelFaults, ModelScript, ServerState } from './types.js';

export const generate = (state: ServerState, call: Call) => answer(state, call, false);
export const chat = (state: ServerState, call: Call) => answer(state, call, true);

/** `/api/generate` and `/api/chat`: the model's script, its faults on the attempts they hit. */
async function answer(state: ServerState, call: Call, chat: boolean): Promise<void> {
  const { res, gone } = call;
  const body = call.record.body ?? {};
  if (missingModel(state, res, body.model)) return;
  const model = String(body.model);
  // Ollama's way to load or unload a model: a request with nothing to answer (an empty prompt, no
  // messages). With `keep_alive: 0` it unloads at once, before any scheduling.
  const nothingToAnswer = chat ? !Array.isArray(body.messages) || body.messages.length === 0 : !body.prompt;
  if (nothingToAnswer && isZeroDuration(body.keep_alive)) {
    state.loaded.delete(model);
    return sendJson(res, 200, emptyAnswer(model, chat, 'unload'));
  }
  const script = nextScript(state, model);
  const faults = script.faults ?? {};
  if (!(await pause(script.loadDelayMs, gone))) return;
  if (await failedBeforeHeaders(call, faults)) return;
  state.loaded.add(model);
  state.changed();
  if (nothingToAnswer) return sendJson(res, 200, emptyAnswer(model, chat, 'load'));
  if (faults.raw) return writeRaw(call, faults.raw, faults.rawDelayMs);
  const lines = new ScriptLines(model, chat, script, body);
  if (body.stream === false) {
    // A whole answer takes as long as its tokens would have taken to stream.
    if (!(await pause((script.tokenDelayMs ?? 0) * lines.tokens.length, gone))) return;
    return sendJson(res, 200, lines.whole());
  }
  res.writeHead(200, { 'content-type': NDJSON });
  if (!script.tokenDelayMs && !interruptsTokens(faults)) return writeAll(call, script, lines);
  return writePaced(call, script, faults, lines);
}

/** An answer with no pause and no fault: every line at once, framed as Ollama frames it (or batched). */
async function writeAll({ res }: Call, script: ModelScript, lines: ScriptLines): Promise<void> {
  const all = lines.tokens.map((token) => lines.token(token));
  const sent = script.batchBytes ? await writeBatched(res, all, script.batchBytes) : await writeChunkPerLine(res, all);
  if (sent) res.end(lines.final());
}

/** One write per line, flushed at once, as Ollama does; paced, stalled or cut short as scripted. */
async function writePaced({ res, gone }: Call, script: ModelScript, faults: ModelFaults, lines: ScriptLines): Promise<void> {
  const tokens = lines.tokens;
  for (let i = 0; i < tokens.length; i++) {
    if (endedAfter(res, faults, i)) return;
    if (script.tokenDelayMs && !(await pause(script.tokenDelayMs, gone))) return;
    if (!(await stallBefore(i, faults, gone))) return;
    if (!(await write(res, lines.token(tokens[i]!)))) return;
  }
  if (endedAfter(res, faults, tokens.length)) return;
  res.end(lines.final());
}

/** Ollama's one JSON answer (whatever `stream` says) to a load or unload request. */
function emptyAnswer(model: string, chat: boolean, doneReason: 'load' | 'unload') {
  const created_at = new Date().toISOString();
  return chat
    ? { model, created_at, message: { role: 'assistant', content: '' }, done: true, done_reason: doneReason }
    : { model, created_at, response: '', done: true, done_reason: doneReason };
}

/**
 * Whether a `keep_alive` is zero as Ollama reads it: a number of seconds, or a Go duration string
 * (`"0"`, `"0s"`, `"0m0s"`).
 */
function isZeroDuration(value: unknown): boolean {
  if (typeof value === 'number') return value >= 0 && value * 1e9 < 1;
  if (typeof value !== 'string') return false;
  if (/^[+-]?0$/.test(value)) return true;
  const parts = /^[+-]?((?:\d+\.?\d*|\.\d+)(?:ns|us|µs|μs|ms|s|m|h))+$/.test(value) ? value.match(/\d*\.?\d+|\d+\./g) : null;
  return parts !== null && parts.every((part) => Number(part) === 0);
}
